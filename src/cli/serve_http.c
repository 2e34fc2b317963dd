/*
 * serve_http.c — the HTTP side of `entente serve`: libmicrohttpd, the page and its assets
 * (compiled in), and the JSON API under /api/ (docs/serve.md).
 *
 * Safety, in the order a request meets it: the Host header must name the address the server
 * listens on (a web page cannot reach it through DNS rebinding); a request to /api/ from
 * another origin (Origin or Sec-Fetch-Site says so) gets 403; without the token printed at start
 * (header X-Entente-Token, Authorization: Bearer, or ?token=) it gets 401; bodies larger than
 * --max-body (--max-upload for /api/open) get 413; only the fixed paths below exist (anything
 * else, ../ included, is 404: no file is ever served from disk). Every answer carries nosniff,
 * no-store, no-referrer (the token stays out of Referer) and, for the page, a
 * Content-Security-Policy that allows only the page's own scripts and connections.
 */
#define _GNU_SOURCE
#include "serve_internal.h"

#if ENTENTE_HAVE_MHD

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "entente/assets.h"
#include "entente/serve.h"

/* JSON pieces into a reply: the library's writers (entente/node.h), copied into the buffer. */
static void cli_json_string(en_buffer *out, const char *text)
{
    char *quoted = en_json_quote(text);
    if (!quoted) {
        fputs("entente: error: out of memory\n", stderr);
        exit(CLI_INTERNAL);
    }
    en_buffer_puts(out, quoted);
    free(quoted);
}

static void cli_json_node(en_buffer *out, const en_node *node)
{
    char *text = en_json_text(node);
    if (!text) {
        fputs("entente: error: out of memory\n", stderr);
        exit(CLI_INTERNAL);
    }
    en_buffer_puts(out, text);
    free(text);
}

int serve_random_token(char out[65])
{
    unsigned char bytes[32];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        got += (size_t)n;
    }
    for (size_t k = 0; k < sizeof bytes; k++) snprintf(out + 2 * k, 3, "%02x", bytes[k]);
    return 1;
}

/* ---- per-request state ---------------------------------------------------------------- */

typedef struct request {
    en_buffer body;
    int too_large;
    int seen;
} request;

static void request_done(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)connection;
    (void)code;
    request *r = *con_cls;
    if (!r) return;
    en_buffer_free(&r->body);
    free(r);
    *con_cls = NULL;
}

/* ---- answers --------------------------------------------------------------------------- */

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *type, const void *data,
                              size_t length, const char *policy)
{
    struct MHD_Response *response = MHD_create_response_from_buffer(length, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!response) return MHD_NO;
    MHD_add_response_header(response, "Content-Type", type);
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response, "Cache-Control", "no-store");
    MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(response, "X-Frame-Options", "DENY");
    MHD_add_response_header(response, "Cross-Origin-Resource-Policy", "same-origin");
    if (policy) MHD_add_response_header(response, "Content-Security-Policy", policy);
    enum MHD_Result result = MHD_queue_response(c, status, response);
    MHD_destroy_response(response);
    return result;
}

static enum MHD_Result answer_json(struct MHD_Connection *c, unsigned status, const en_buffer *json)
{
    if (json->failed) { /* cut short: never send half a document */
        static const char nomem[] = "{\"error\": \"out of memory\"}\n";
        return answer(c, 500, "application/json; charset=utf-8", nomem, sizeof nomem - 1, NULL);
    }
    return answer(c, status, "application/json; charset=utf-8", json->data ? json->data : "", json->length, NULL);
}

/* {"error": MESSAGE} with optional located messages. */
static enum MHD_Result answer_error(struct MHD_Connection *c, unsigned status, const char *message)
{
    en_buffer out = {0};
    en_buffer_puts(&out, "{\"error\": ");
    cli_json_string(&out, message);
    en_buffer_puts(&out, "}\n");
    enum MHD_Result r = answer_json(c, status, &out);
    en_buffer_free(&out);
    return r;
}

/* Whether the library ran out of memory on the way (EN_ERROR_NOMEM anywhere in err): the
 * request then gets 503 (try again later), never an answer built from half a result. */
static int out_of_memory(const en_error *err)
{
    for (const en_error *e = err; e; e = e->next)
        if (e->code == EN_ERROR_NOMEM) return 1;
    return 0;
}

static enum MHD_Result answer_nomem(struct MHD_Connection *c, en_error *err)
{
    en_error_clear(err);
    return answer_error(c, 503, "out of memory: the server could not finish the request; try again");
}

/* The located messages of `err` as a JSON array; `yaml` (may be NULL) locates each in the
 * scenario document (a JSON pointer) when it names the scenario file `name`. */
static void write_messages(en_buffer *out, const en_error *err, const char *yaml, const char *name)
{
    en_buffer_puts(out, "[");
    int first = 1;
    for (const en_error *e = err; e && e->code != EN_OK; e = e->next) {
        if (!first) en_buffer_puts(out, ", ");
        first = 0;
        en_buffer_puts(out, "{\"file\": ");
        cli_json_string(out, e->file);
        en_buffer_printf(out, ", \"line\": %d, \"column\": %d, \"message\": ", e->line, e->column);
        cli_json_string(out, e->message);
        en_buffer_puts(out, ", \"path\": ");
        char *path = NULL;
        if (yaml && e->line > 0 && (!name || strcmp(e->file, name) == 0))
            path = en_serve_locate(yaml, strlen(yaml), e->line, e->column);
        if (path) cli_json_string(out, path);
        else en_buffer_puts(out, "null");
        free(path);
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "]");
}

/* Parses "FILE:LINE:COL: error: MESSAGE" lines (the CLI's stderr) back into messages. */
static void stderr_messages(en_error *err, const char *text)
{
    const char *line = text;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char *copy = cli_xstrndup(line, n);
        char *marker = strstr(copy, ": error: ");
        if (marker) {
            *marker = '\0';
            char *col = strrchr(copy, ':');
            char *ln = NULL;
            if (col) {
                *col = '\0';
                ln = strrchr(copy, ':');
                if (ln) *ln = '\0';
            }
            long l = ln ? strtol(ln + 1, NULL, 10) : 0, k = col ? strtol(col + 1, NULL, 10) : 0;
            if (ln && l > 0 && k > 0)
                en_error_add(err, EN_ERROR_INPUT, copy, (int)l, (int)k, "%s", marker + 9);
            else
                en_error_add(err, EN_ERROR_INPUT, "", 0, 0, "%s", marker + 9);
        }
        free(copy);
        line = end ? end + 1 : NULL;
    }
}

/* ---- the open scenario --------------------------------------------------------------------- */

/* The text of a scenario in any input format as entente YAML: YAML is kept as written (so a
 * save keeps its fields and order), anything else is converted. NULL and err on failure. */
static char *as_yaml(const char *text, size_t length, const char *name, en_error *err)
{
    en_load_options options;
    memset(&options, 0, sizeof options);
    en_error check = EN_ERROR_INIT;
    char *json = en_serve_yaml_to_json(text, length, name, &check);
    int is_scenario_yaml = 0;
    if (json) {
        en_node *doc = en_json_parse(json);
        is_scenario_yaml = doc && doc->type == EN_NODE_OBJECT && en_node_get(doc, "entente");
        en_node_free(doc);
        free(json);
    }
    en_error_clear(&check);
    if (is_scenario_yaml) return cli_xstrndup(text, length);
    en_scenario *s = NULL;
    if (en_scenario_load_buffer(text, length, name, &options, &s, err) != EN_OK) return NULL;
    char *out = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&out, &size);
    en_status st = stream ? en_scenario_write_yaml(s, stream, err) : EN_ERROR_INTERNAL;
    if (stream) fclose(stream);
    en_scenario_free(s);
    if (st != EN_OK) {
        free(out);
        return NULL;
    }
    return out;
}

/* The scenario a request sent: a JSON object is the document, a string is YAML text. */
static char *request_scenario(const char *body, size_t length, const char *over, en_error *err)
{
    size_t k = 0;
    while (k < length && strchr(" \t\r\n", body[k])) k++;
    if (k < length && body[k] == '{') {
        char *text = cli_xstrndup(body, length);
        en_node *node = strlen(text) == length ? en_json_parse(text) : NULL;
        free(text);
        if (node && node->type == EN_NODE_OBJECT) {
            const en_node *document = en_node_get(node, "document");
            const en_node *yaml = en_node_get(node, "yaml");
            char *out = NULL;
            if (document && document->type == EN_NODE_OBJECT) {
                en_buffer json = {0};
                cli_json_node(&json, document);
                en_buffer_puts(&json, "");
                /* Saved over the open scenario's text: its comments and layout stay. */
                out = over ? en_serve_json_to_yaml_over(over, strlen(over), json.data, json.length, err)
                           : en_serve_json_to_yaml(json.data, json.length, err);
                en_buffer_free(&json);
            } else if (yaml && yaml->type == EN_NODE_STRING) {
                out = cli_xstrdup(yaml->string ? yaml->string : "");
            } else {
                en_error_set(err, EN_ERROR_INPUT, "the body names neither \"document\" (the scenario as JSON) nor \"yaml\" (its text)");
            }
            en_node_free(node);
            return out;
        }
        en_node_free(node);
        en_error_add(err, EN_ERROR_INPUT, "request", 1, 1, "the request body is not valid JSON");
        return NULL;
    }
    return cli_xstrndup(body, length);
}

/* {"valid": BOOL, "messages": [...], "notes": [...]} for the scenario YAML `yaml`; returns 0
 * (nothing written) when loading it ran out of memory. */
static int validate_yaml(serve_server *server, const char *yaml, const char *name, en_buffer *out)
{
    en_load_options options;
    memset(&options, 0, sizeof options);
    options.format = EN_FORMAT_YAML;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    (void)server;
    if (en_scenario_load_buffer(yaml, strlen(yaml), name, &options, &s, &err) == EN_ERROR_NOMEM) {
        en_error_clear(&err);
        return 0;
    }
    en_buffer_printf(out, "{\"valid\": %s, \"messages\": ", s ? "true" : "false");
    write_messages(out, &err, yaml, name);
    en_buffer_puts(out, ", \"notes\": [");
    for (size_t k = 0; s && k < en_scenario_note_count(s); k++) {
        if (k) en_buffer_puts(out, ", ");
        cli_json_string(out, en_scenario_note(s, k));
    }
    en_buffer_puts(out, "]}");
    en_scenario_free(s);
    en_error_clear(&err);
    return 1;
}

static enum MHD_Result api_scenario(serve_server *server, struct MHD_Connection *c)
{
    pthread_mutex_lock(&server->lock);
    char *yaml = cli_xstrdup(server->scenario_yaml);
    char *name = cli_xstrdup(server->scenario_name);
    pthread_mutex_unlock(&server->lock);
    en_error err = EN_ERROR_INIT;
    char *json = en_serve_yaml_to_json(yaml, strlen(yaml), name, &err);
    en_buffer out = {0};
    en_buffer_puts(&out, "{\"name\": ");
    cli_json_string(&out, name);
    en_buffer_puts(&out, ", \"document\": ");
    en_buffer_puts(&out, json ? json : "null");
    en_buffer_puts(&out, ", \"yaml\": ");
    cli_json_string(&out, yaml);
    en_buffer_puts(&out, ", \"validation\": ");
    int answered = validate_yaml(server, yaml, name, &out) && !out_of_memory(&err);
    en_buffer_puts(&out, "}\n");
    enum MHD_Result r = answered ? answer_json(c, 200, &out) : answer_nomem(c, &err);
    en_buffer_free(&out);
    en_error_clear(&err);
    free(json);
    free(yaml);
    free(name);
    return r;
}

static enum MHD_Result api_validate(serve_server *server, struct MHD_Connection *c, const request *r)
{
    en_error err = EN_ERROR_INIT;
    char *yaml = request_scenario(r->body.data ? r->body.data : "", r->body.length, NULL, &err);
    if (!yaml && out_of_memory(&err)) return answer_nomem(c, &err);
    if (!yaml) {
        en_buffer out = {0};
        en_buffer_puts(&out, "{\"valid\": false, \"messages\": ");
        write_messages(&out, &err, NULL, NULL);
        en_buffer_puts(&out, ", \"notes\": []}\n");
        enum MHD_Result result = answer_json(c, 400, &out);
        en_buffer_free(&out);
        en_error_clear(&err);
        return result;
    }
    pthread_mutex_lock(&server->lock);
    char *name = cli_xstrdup(server->scenario_name);
    pthread_mutex_unlock(&server->lock);
    en_buffer out = {0};
    int answered = validate_yaml(server, yaml, name, &out);
    en_buffer_puts(&out, "\n");
    enum MHD_Result result = answered ? answer_json(c, 200, &out) : answer_nomem(c, &err);
    en_buffer_free(&out);
    free(name);
    free(yaml);
    return result;
}

/* Writes `text` to the --save file atomically (temporary file, then rename). */
static int save_file(const char *path, const char *text, char *why, size_t why_size)
{
    char *tmp = cli_xprintf("%s.entente-save.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(why, why_size, "cannot write beside %s: %s", path, strerror(errno));
        free(tmp);
        return 0;
    }
    size_t length = strlen(text), done = 0;
    while (done < length) {
        ssize_t n = write(fd, text + done, length - done);
        if (n <= 0) break;
        done += (size_t)n;
    }
    int ok = done == length && fsync(fd) == 0;
    struct stat st;
    if (ok && stat(path, &st) == 0) fchmod(fd, st.st_mode & 07777);
    if (close(fd) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) {
        snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

/* POST /api/save: the scenario (document or YAML) becomes the open scenario, and is written to
 * the --save file when one was named. Answers the YAML. Refuses a scenario that does not load. */
static enum MHD_Result api_save(serve_server *server, struct MHD_Connection *c, const request *r)
{
    en_error err = EN_ERROR_INIT;
    pthread_mutex_lock(&server->lock);
    char *open_text = server->scenario_yaml ? cli_xstrdup(server->scenario_yaml) : NULL;
    pthread_mutex_unlock(&server->lock);
    char *yaml = request_scenario(r->body.data ? r->body.data : "", r->body.length, open_text, &err);
    free(open_text);
    if (!yaml && out_of_memory(&err)) return answer_nomem(c, &err);
    if (!yaml) {
        enum MHD_Result result = answer_error(c, 400, err.message);
        en_error_clear(&err);
        return result;
    }
    pthread_mutex_lock(&server->lock);
    char *name = cli_xstrdup(server->scenario_name);
    pthread_mutex_unlock(&server->lock);
    en_buffer check = {0};
    if (!validate_yaml(server, yaml, name, &check)) {
        en_buffer_free(&check);
        free(name);
        free(yaml);
        return answer_nomem(c, &err);
    }
    int valid = check.data && strncmp(check.data, "{\"valid\": true", 14) == 0;
    if (!valid) {
        en_buffer_puts(&check, "\n");
        enum MHD_Result result = answer_json(c, 422, &check);
        en_buffer_free(&check);
        free(name);
        free(yaml);
        return result;
    }
    en_buffer_free(&check);
    char why[600] = "";
    int written = 0;
    if (server->save_path) {
        written = save_file(server->save_path, yaml, why, sizeof why);
        if (!written) {
            free(name);
            free(yaml);
            return answer_error(c, 500, why);
        }
    }
    pthread_mutex_lock(&server->lock);
    free(server->scenario_yaml);
    server->scenario_yaml = cli_xstrdup(yaml);
    pthread_mutex_unlock(&server->lock);
    en_buffer out = {0};
    en_buffer_puts(&out, "{\"name\": ");
    cli_json_string(&out, name);
    en_buffer_puts(&out, ", \"saved_to\": ");
    if (written) cli_json_string(&out, server->save_path);
    else en_buffer_puts(&out, "null");
    en_buffer_puts(&out, ", \"yaml\": ");
    cli_json_string(&out, yaml);
    en_buffer_puts(&out, "}\n");
    enum MHD_Result result = answer_json(c, 200, &out);
    en_buffer_free(&out);
    free(name);
    free(yaml);
    return result;
}

/* POST /api/open: {"text": ..., "name": ...} (an upload in any input format) or {"run": ID} (a
 * recorded run of the --db store) becomes the open scenario. */
static enum MHD_Result api_open(serve_server *server, struct MHD_Connection *c, const request *r)
{
    char *text = cli_xstrndup(r->body.data ? r->body.data : "", r->body.length);
    en_node *node = strlen(text) == r->body.length ? en_json_parse(text) : NULL;
    free(text);
    if (!node || node->type != EN_NODE_OBJECT) {
        en_node_free(node);
        return answer_error(c, 400, "the request body is not a JSON object (expected {\"text\": ..., \"name\": ...} or {\"run\": ID})");
    }
    const en_node *upload = en_node_get(node, "text"), *name_node = en_node_get(node, "name"), *run = en_node_get(node, "run");
    en_error err = EN_ERROR_INIT;
    char *yaml = NULL, *name = NULL;
    if (upload && upload->type == EN_NODE_STRING) {
        const char *given = name_node && name_node->type == EN_NODE_STRING ? name_node->string : "upload.yaml";
        /* Only the file name counts (it names the scenario in messages); no path is used. */
        const char *base = strrchr(given, '/');
        base = base ? base + 1 : given;
        if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strlen(base) > 200) base = "upload.yaml";
        name = cli_xstrdup(base);
        yaml = as_yaml(upload->string, strlen(upload->string), name, &err);
        if (yaml) {
            /* The YAML file the scenario is kept as is named .yaml whatever it came from. */
            char *dot = strrchr(name, '.');
            if (!dot || (strcmp(dot, ".yaml") != 0 && strcmp(dot, ".yml") != 0)) {
                char *renamed = cli_xprintf("%.*s.yaml", dot ? (int)(dot - name) : (int)strlen(name), name);
                free(name);
                name = renamed;
            }
        }
    } else if (run && run->type == EN_NODE_NUMBER && run->number >= 1 && run->number < 9e15) {
        if (!server->db) {
            en_node_free(node);
            return answer_error(c, 400, "no run store: start `entente serve --db FILE` to open recorded runs");
        }
        en_store *store = NULL;
        en_store_loaded *loaded = NULL;
        if (en_store_open(server->db, &store, &err) == EN_OK &&
            en_store_load(store, (int64_t)run->number, &loaded, &err) == EN_OK) {
            char *out = NULL;
            size_t size = 0;
            FILE *stream = open_memstream(&out, &size);
            if (stream && en_scenario_write_yaml(loaded->scenario, stream, &err) == EN_OK) {
                fclose(stream);
                yaml = out;
            } else {
                if (stream) fclose(stream);
                free(out);
            }
            name = cli_xprintf("run-%lld.yaml", (long long)loaded->id);
        }
        en_store_loaded_free(loaded);
        en_store_close(store);
    } else {
        en_node_free(node);
        return answer_error(c, 400, "the request names neither \"text\" (an uploaded scenario) nor \"run\" (a recorded run's id)");
    }
    en_node_free(node);
    if (!yaml && out_of_memory(&err)) {
        free(name);
        return answer_nomem(c, &err);
    }
    if (!yaml) {
        en_buffer out = {0};
        en_buffer_puts(&out, "{\"error\": \"the scenario cannot be opened\", \"messages\": ");
        write_messages(&out, &err, NULL, NULL);
        en_buffer_puts(&out, "}\n");
        enum MHD_Result result = answer_json(c, 422, &out);
        en_buffer_free(&out);
        en_error_clear(&err);
        free(name);
        return result;
    }
    pthread_mutex_lock(&server->lock);
    free(server->scenario_yaml);
    free(server->scenario_name);
    server->scenario_yaml = yaml;
    server->scenario_name = name;
    pthread_mutex_unlock(&server->lock);
    return api_scenario(server, c);
}

/* GET /api/models: the registered models, as `entente models` lists them. */
static enum MHD_Result api_models(struct MHD_Connection *c)
{
    en_buffer out = {0};
    en_buffer_puts(&out, "{\"default\": ");
    cli_json_string(&out, en_default_forecaster());
    en_buffer_puts(&out, ", \"models\": [");
    for (size_t k = 0; k < en_model_count(); k++) {
        const en_model *m = en_model_at(k);
        en_buffer_puts(&out, k ? ", {\"name\": " : "{\"name\": ");
        cli_json_string(&out, en_model_name(m));
        en_buffer_puts(&out, ", \"description\": ");
        cli_json_string(&out, en_model_description(m));
        en_buffer_puts(&out, "}");
    }
    en_buffer_puts(&out, "]}\n");
    enum MHD_Result r = answer_json(c, 200, &out);
    en_buffer_free(&out);
    return r;
}

/* GET /api/recorded: the runs of the --db store, one line each as `entente runs` prints them. */
static enum MHD_Result api_recorded(serve_server *server, struct MHD_Connection *c)
{
    if (!server->db) {
        static const char none[] = "{\"store\": false, \"runs\": []}\n";
        return answer(c, 200, "application/json; charset=utf-8", none, sizeof none - 1, NULL);
    }
    en_error err = EN_ERROR_INIT;
    en_store *store = NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);
    int ok = stream && en_store_open(server->db, &store, &err) == EN_OK && en_store_list(store, stream, &err) == EN_OK;
    en_store_close(store);
    if (stream) fclose(stream);
    if (!ok && out_of_memory(&err)) {
        free(text);
        return answer_nomem(c, &err);
    }
    if (!ok) {
        free(text);
        enum MHD_Result r = answer_error(c, 500, err.message[0] ? err.message : "cannot read the run store");
        en_error_clear(&err);
        return r;
    }
    en_buffer out = {0};
    en_buffer_puts(&out, "{\"store\": true, \"runs\": [");
    int first = 1;
    char *line = text, *next;
    for (int header = 1; line && *line; line = next, header = 0) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        char *end = NULL;
        long long id = strtoll(line, &end, 10);
        if (header || end == line || id <= 0) continue;
        en_buffer_printf(&out, "%s{\"id\": %lld, \"line\": ", first ? "" : ", ", id);
        while (*end == ' ') end++;
        cli_json_string(&out, end);
        en_buffer_puts(&out, "}");
        first = 0;
    }
    en_buffer_puts(&out, "]}\n");
    free(text);
    enum MHD_Result r = answer_json(c, 200, &out);
    en_buffer_free(&out);
    return r;
}

/* The answer of a finished run: the command's JSON (200) or its error with located messages. */
static enum MHD_Result job_result(serve_server *server, struct MHD_Connection *c, serve_job *job)
{
    pthread_mutex_lock(&server->lock);
    serve_job_state state = job->state;
    int status = job->exit_status;
    char *out_text = cli_xstrndup(job->out.data ? job->out.data : "", job->out.length);
    char *err_text = cli_xstrndup(job->err.data ? job->err.data : "", job->err.length);
    char *name = cli_xstrdup(server->scenario_name);
    pthread_mutex_unlock(&server->lock);
    enum MHD_Result result;
    if (state == SERVE_JOB_RUNNING) {
        en_buffer out = {0};
        en_buffer_printf(&out, "{\"id\": %u, \"state\": \"running\"}\n", job->id);
        result = answer_json(c, 409, &out);
        en_buffer_free(&out);
    } else if (state == SERVE_JOB_DONE && status == 0) {
        result = answer(c, 200, "application/json; charset=utf-8", out_text, strlen(out_text), NULL);
    } else {
        unsigned http = state == SERVE_JOB_CANCELLED ? 409 : state == SERVE_JOB_TIMEOUT ? 504
                      : status == CLI_BAD_INPUT ? 422 : 500;
        en_error err = EN_ERROR_INIT;
        stderr_messages(&err, err_text);
        en_buffer out = {0};
        en_buffer_printf(&out, "{\"id\": %u, \"state\": \"%s\", \"exit_status\": %d, \"error\": ", job->id,
                         serve_job_state_name(state), status);
        cli_json_string(&out, state == SERVE_JOB_CANCELLED ? "the run was cancelled"
                                   : state == SERVE_JOB_TIMEOUT ? "the run took longer than the server allows (--max-run-seconds)"
                                   : err_text);
        en_buffer_puts(&out, ", \"stderr\": ");
        cli_json_string(&out, err_text);
        en_buffer_puts(&out, ", \"messages\": ");
        write_messages(&out, &err, job->scenario_yaml, name);
        /* A cancelled Monte Carlo run still printed its partial answer. */
        en_buffer_puts(&out, ", \"partial\": ");
        en_node *partial = out_text[0] ? en_json_parse(out_text) : NULL;
        if (partial) en_buffer_puts(&out, out_text);
        else en_buffer_puts(&out, "null");
        en_node_free(partial);
        en_buffer_puts(&out, "}\n");
        result = answer_json(c, http, &out);
        en_buffer_free(&out);
        en_error_clear(&err);
    }
    free(out_text);
    free(err_text);
    free(name);
    return result;
}

static void job_status(serve_server *server, serve_job *job, en_buffer *out)
{
    pthread_mutex_lock(&server->lock);
    double elapsed = (job->state == SERVE_JOB_RUNNING ? 0 : job->ended) - job->started;
    if (job->state == SERVE_JOB_RUNNING) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        elapsed = (double)t.tv_sec + (double)t.tv_nsec / 1e9 - job->started;
    }
    en_buffer_printf(out, "{\"id\": %u, \"command\": ", job->id);
    cli_json_string(out, job->command);
    en_buffer_printf(out, ", \"state\": \"%s\", \"elapsed\": %.3f, \"progress\": ", serve_job_state_name(job->state), elapsed);
    if (job->progress_total) {
        en_buffer_printf(out, "{\"done\": %zu, \"total\": %zu, \"unit\": ", job->progress_done, job->progress_total);
        cli_json_string(out, job->progress_unit);
        en_buffer_puts(out, "}");
    }
    else en_buffer_puts(out, "null");
    if (job->state != SERVE_JOB_RUNNING) en_buffer_printf(out, ", \"exit_status\": %d", job->exit_status);
    en_buffer_puts(out, "}");
    pthread_mutex_unlock(&server->lock);
}

static enum MHD_Result api_run(serve_server *server, struct MHD_Connection *c, const request *r)
{
    en_serve_run_request req;
    en_error err = EN_ERROR_INIT;
    if (en_serve_run_request_parse(r->body.data ? r->body.data : "", r->body.length, &req, &err) != EN_OK) {
        if (out_of_memory(&err)) return answer_nomem(c, &err);
        en_buffer out = {0};
        en_buffer_puts(&out, "{\"error\": ");
        cli_json_string(&out, err.message);
        en_buffer_puts(&out, ", \"messages\": ");
        write_messages(&out, &err, NULL, NULL);
        en_buffer_puts(&out, "}\n");
        enum MHD_Result result = answer_json(c, 400, &out);
        en_buffer_free(&out);
        en_error_clear(&err);
        return result;
    }
    int why = 500;
    serve_job *job = serve_job_start(server, req.argv, req.argc, req.scenario, &why);
    int wait = req.wait;
    en_serve_run_request_free(&req);
    if (!job)
        return answer_error(c, why, why == 429 ? "too many runs at once (--max-runs); wait for one to finish or cancel it"
                                               : "the run could not be started");
    enum MHD_Result result;
    if (wait) {
        serve_job_wait(server, job);
        result = job_result(server, c, job);
    } else {
        en_buffer out = {0};
        job_status(server, job, &out);
        en_buffer_puts(&out, "\n");
        result = answer_json(c, 202, &out);
        en_buffer_free(&out);
    }
    serve_job_release(server, job);
    return result;
}

/* /api/runs/ID, /api/runs/ID/result, /api/runs/ID/cancel. */
static enum MHD_Result api_runs(serve_server *server, struct MHD_Connection *c, const char *method, const char *rest)
{
    char *end = NULL;
    errno = 0;
    unsigned long id = strtoul(rest, &end, 10);
    if (end == rest || errno || id == 0 || id > 0xffffffffUL) return answer_error(c, 404, "no such run");
    serve_job *job = serve_job_find(server, (unsigned)id);
    if (!job) return answer_error(c, 404, "no such run (it never existed or is too old)");
    enum MHD_Result result;
    if (strcmp(end, "") == 0 && strcmp(method, "GET") == 0) {
        en_buffer out = {0};
        job_status(server, job, &out);
        en_buffer_puts(&out, "\n");
        result = answer_json(c, 200, &out);
        en_buffer_free(&out);
    } else if (strcmp(end, "/result") == 0 && strcmp(method, "GET") == 0) {
        result = job_result(server, c, job);
    } else if (strcmp(end, "/cancel") == 0 && strcmp(method, "POST") == 0) {
        serve_job_cancel(server, job);
        serve_job_wait(server, job);
        en_buffer out = {0};
        job_status(server, job, &out);
        en_buffer_puts(&out, "\n");
        result = answer_json(c, 200, &out);
        en_buffer_free(&out);
    } else if (strcmp(end, "") == 0 || strcmp(end, "/result") == 0 || strcmp(end, "/cancel") == 0) {
        result = answer_error(c, 405, "method not allowed here");
    } else {
        result = answer_error(c, 404, "no such path");
    }
    serve_job_release(server, job);
    return result;
}

/* ---- the page ---------------------------------------------------------------------------- */

static const char page_policy[] =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

static void page_html(en_buffer *out)
{
    en_buffer_puts(out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>entente workbench</title>\n<link rel=\"icon\" href=\"data:,\">\n"
        "<link rel=\"stylesheet\" href=\"/assets/report.css\">\n"
        "<link rel=\"stylesheet\" href=\"/assets/serve.css\">\n</head>\n"
        "<body data-status=\"loading\">\n"
        "<header><h1 id=\"title\">entente workbench</h1><p id=\"subtitle\"></p></header>\n"
        "<main id=\"workbench\"><noscript><p>The workbench needs JavaScript.</p></noscript>\n"
        "<ul id=\"entente-errors\"></ul></main>\n");
    en_buffer_printf(out, "<footer><p class=\"note\">Charts: Vega %s, Vega-Lite %s, vega-embed %s (BSD-3-Clause), "
                          "served by entente; no network beyond this server.</p></footer>\n",
                     en_web_asset_version("vega"), en_web_asset_version("vega-lite"),
                     en_web_asset_version("vega-embed"));
    static const char *const scripts[] = {"vega.js", "vega-lite.js", "vega-embed.js", "vega-interpreter.js", "charts.js", "serve.js"};
    for (size_t k = 0; k < sizeof scripts / sizeof scripts[0]; k++)
        en_buffer_printf(out, "<script src=\"/assets/%s\"></script>\n", scripts[k]);
    en_buffer_puts(out, "</body>\n</html>\n");
}

static enum MHD_Result serve_asset(struct MHD_Connection *c, const char *name)
{
    /* Only these names are served (never a path on disk). */
    static const char *const served[] = {"vega.js", "vega-lite.js", "vega-embed.js", "vega-interpreter.js",
                                         "charts.js", "serve.js", "report.css", "serve.css"};
    for (size_t k = 0; k < sizeof served / sizeof served[0]; k++) {
        if (strcmp(served[k], name) != 0) continue;
        size_t size = 0;
        const char *text = en_web_asset(name, &size);
        if (!text) break;
        const char *type = strstr(name, ".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        return answer(c, 200, type, text, size, NULL);
    }
    return answer_error(c, 404, "no such asset");
}

/* ---- security checks ---------------------------------------------------------------------- */

static int host_allowed(const serve_server *server, const char *host)
{
    if (!host) return 0;
    char expected[600];
    const char *names[] = {server->host, "127.0.0.1", "localhost", "[::1]"};
    int loopback = strcmp(server->host, "127.0.0.1") == 0 || strcmp(server->host, "localhost") == 0 ||
                   strcmp(server->host, "::1") == 0;
    for (size_t k = 0; k < (loopback ? 4u : 1u); k++) {
        if (strchr(names[k], ':') && names[k][0] != '[') snprintf(expected, sizeof expected, "[%s]:%d", names[k], server->port);
        else snprintf(expected, sizeof expected, "%s:%d", names[k], server->port);
        if (strcmp(host, expected) == 0) return 1;
    }
    return 0;
}

static int token_equal(const char *given, const char *token)
{
    if (!given) return 0;
    size_t n = strlen(token);
    if (strlen(given) != n) return 0;
    unsigned char diff = 0;
    for (size_t k = 0; k < n; k++) diff |= (unsigned char)(given[k] ^ token[k]);
    return diff == 0;
}

/* Test-only hook (docs/serve.md): ENTENTE_SERVE_TEST_NOMEM=N, read once when the server
 * starts, makes the N-th allocation of the library calls made while answering the first API
 * request fail as if memory had run out, so a test can see the server answer 503 and go on.
 * en_test_control(EN_TESTCTRL_FAIL_ALLOC, N) (entente/testctl.h) counts the guarded
 * allocations of the calling thread, the connection's thread here. */
static long test_nomem;
static atomic_int test_nomem_used;

static void test_nomem_read(void)
{
    const char *value = getenv("ENTENTE_SERVE_TEST_NOMEM");
    test_nomem = value ? strtol(value, NULL, 10) : 0;
}

/* Arms the failure for this request if it is the first API request; returns whether it did. */
static int test_nomem_arm(void)
{
    if (test_nomem <= 0 || atomic_exchange(&test_nomem_used, 1)) return 0;
    en_test_control(EN_TESTCTRL_FAIL_ALLOC, test_nomem);
    return 1;
}

static enum MHD_Result api_dispatch(serve_server *server, struct MHD_Connection *c, const request *r,
                                    const char *method, const char *path, int get, int post);

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    (void)version;
    serve_server *server = cls;
    request *r = *con_cls;
    if (!r) {
        r = cli_xcalloc(1, sizeof *r);
        *con_cls = r;
        return MHD_YES;
    }
    int is_open = strcmp(url, "/api/open") == 0;
    size_t limit = is_open ? server->max_upload : server->max_body;
    if (*upload_data_size) {
        if (!r->too_large && r->body.length + *upload_data_size <= limit)
            en_buffer_append(&r->body, upload_data, *upload_data_size);
        else
            r->too_large = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (!host_allowed(server, host))
        return answer_error(c, 403, "the Host header does not name this server (requests through another name are refused)");
    int api = strncmp(url, "/api/", 5) == 0;
    if (api) {
        const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
        char own[700];
        snprintf(own, sizeof own, "http://%s", host);
        if (origin && strcmp(origin, own) != 0) return answer_error(c, 403, "cross-origin request refused");
        const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
        if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
            return answer_error(c, 403, "cross-site request refused");
        const char *given = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Entente-Token");
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        if (!given && auth && strncmp(auth, "Bearer ", 7) == 0) given = auth + 7;
        if (!given) given = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
        if (!token_equal(given, server->token))
            return answer_error(c, 401, "missing or wrong token (use the URL `entente serve` printed)");
    }
    if (r->too_large) {
        char message[160];
        snprintf(message, sizeof message, "the request body is larger than %zu bytes (%s)", limit,
                 is_open ? "--max-upload" : "--max-body");
        return answer_error(c, 413, message);
    }
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0, post = strcmp(method, "POST") == 0;
    if (!api) {
        if (!get) return answer_error(c, 405, "method not allowed");
        if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0) {
            en_buffer page = {0};
            page_html(&page);
            enum MHD_Result result = answer(c, 200, "text/html; charset=utf-8", page.data, page.length, page_policy);
            en_buffer_free(&page);
            return result;
        }
        if (strncmp(url, "/assets/", 8) == 0) return serve_asset(c, url + 8);
        return answer_error(c, 404, "no such page");
    }
    int armed = test_nomem_arm();
    enum MHD_Result result = api_dispatch(server, c, r, method, url + 4, get, post);
    if (armed) en_test_control(EN_TESTCTRL_FAIL_ALLOC, 0);
    return result;
}

/* The API paths (`path` follows "/api"). */
static enum MHD_Result api_dispatch(serve_server *server, struct MHD_Connection *c, const request *r,
                                    const char *method, const char *path, int get, int post)
{
    if (strcmp(path, "/scenario") == 0) return get ? api_scenario(server, c) : answer_error(c, 405, "use GET");
    if (strcmp(path, "/models") == 0) return get ? api_models(c) : answer_error(c, 405, "use GET");
    if (strcmp(path, "/recorded") == 0) return get ? api_recorded(server, c) : answer_error(c, 405, "use GET");
    if (strcmp(path, "/validate") == 0) return post ? api_validate(server, c, r) : answer_error(c, 405, "use POST");
    if (strcmp(path, "/run") == 0) return post ? api_run(server, c, r) : answer_error(c, 405, "use POST");
    if (strcmp(path, "/save") == 0) return post ? api_save(server, c, r) : answer_error(c, 405, "use POST");
    if (strcmp(path, "/open") == 0) return post ? api_open(server, c, r) : answer_error(c, 405, "use POST");
    if (strncmp(path, "/runs/", 6) == 0) return api_runs(server, c, method, path + 6);
    return answer_error(c, 404, "no such API path");
}

int serve_http_run(serve_server *server)
{
    struct sockaddr_storage address;
    memset(&address, 0, sizeof address);
    socklen_t length = 0;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    test_nomem_read();
    struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
    const char *host = strcmp(server->host, "localhost") == 0 ? "127.0.0.1" : server->host;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)server->port);
        length = sizeof *v4;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)server->port);
        length = sizeof *v6;
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "entente serve: error: --host '%s' is not an IP address (expected e.g. 127.0.0.1 or ::1)\n", server->host);
        return CLI_BAD_INPUT;
    }
    (void)length;
    /* SIGINT and SIGTERM are taken by sigwait below, in every thread. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, (uint16_t)server->port, NULL, NULL, handle, server,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)32,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(server->max_seconds + 60),
        MHD_OPTION_END);
    if (!daemon) {
        fprintf(stderr, "entente serve: error: cannot listen on %s port %d: %s\n", server->host, server->port, strerror(errno));
        return CLI_BAD_INPUT;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info) server->port = info->port;
    const char *shown = strchr(server->host, ':') ? NULL : server->host;
    if (shown) printf("http://%s:%d/?token=%s\n", shown, server->port, server->token);
    else printf("http://[%s]:%d/?token=%s\n", server->host, server->port, server->token);
    fflush(stdout);
    fprintf(stderr, "entente serve: %s on %s (Ctrl-C stops)\n", server->scenario_name, server->host);
    int signal_number = 0;
    sigwait(&stop, &signal_number);
    fprintf(stderr, "entente serve: stopping\n");
    /* Runs first: a request waiting for one then gets its answer and MHD can stop. */
    serve_jobs_stop_all(server);
    MHD_stop_daemon(daemon);
    return CLI_OK;
}
#endif /* ENTENTE_HAVE_MHD */
