/*
 * serve_request.c — the body of POST /api/run into the arguments of the CLI command it names.
 *
 * The server runs the command through the CLI's own code (cmd_*.c) with these arguments, so an
 * option means exactly what it means on the command line and the answer is the CLI's JSON. What
 * the client may not choose is refused here: the scenario file, where output goes (-o), the run
 * store (--db) and where source files are read (--sources-dir) are the server's, set from its
 * own command line, so a page can never make entente read or write another file.
 */
#include "entente/serve.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/node.h"
#include "core/oom.h"
#include "core/util.h"
#include "store/json_read.h"

static const char *const en_serve_commands[] = {"forecast", "run", "compare", "mc", "sensitivity", "war", "backtest"};
static const size_t en_serve_command_count = sizeof en_serve_commands / sizeof en_serve_commands[0];

enum { MAX_ARGUMENTS = 256, MAX_OPTION_NAME = 40 };

/* Options that name files, the run store or the output: the server's to set, not a client's. */
static const char *const refused_options[] = {"output", "o", "db", "sources-dir", "input-format", "format", "help", "h"};

/* Where a JSON text stops parsing: the 1-based column (on the whole text as one line) of the
 * first character that cannot continue a JSON value, for a located message. A light scanner,
 * not a parser: it tracks strings and nesting so the column is the right neighbourhood. */
static size_t json_error_column(const char *text, size_t length)
{
    size_t k = 0;
    int in_string = 0, depth = 0, expect_value = 0;
    for (; k < length; k++) {
        char c = text[k];
        if (in_string) {
            if (c == '\\') k++;
            else if (c == '"') in_string = 0;
            else if ((unsigned char)c < 0x20) return k + 1;
            continue;
        }
        if (!strchr(" \t\r\n", c)) {
            /* After ':' or ',' a value (or key) must come, not a closing bracket. */
            if (expect_value && (c == '}' || c == ']' || c == ',' || c == ':')) return k + 1;
            expect_value = c == ':' || c == ',';
        }
        if (c == '"') in_string = 1;
        else if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') {
            if (--depth < 0) return k + 1;
            if (depth == 0) return k + 2 <= length ? k + 2 : length + 1;
        } else if (c == '\0') return k + 1;
        else if (!strchr(" \t\r\n,:-+.0123456789eEtruefalsn", c)) return k + 1;
    }
    return length + 1;
}

static void push(en_serve_run_request *r, size_t *capacity, const char *text)
{
    EN_GROW(r->argv, *capacity, (size_t)r->argc + 2);
    r->argv[r->argc++] = en_xstrdup(text);
    r->argv[r->argc] = NULL;
}

static int option_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > MAX_OPTION_NAME || name[0] < 'a' || name[0] > 'z') return 0;
    for (size_t k = 0; k < n; k++)
        if (!((name[k] >= 'a' && name[k] <= 'z') || (name[k] >= '0' && name[k] <= '9') || name[k] == '-')) return 0;
    return 1;
}

/* One option value as one argument (a string or a number). */
static int argument_text(const en_node *v, char *number, size_t size, const char **out)
{
    if (v->type == EN_NODE_STRING) {
        *out = v->string ? v->string : "";
        return 1;
    }
    if (v->type == EN_NODE_NUMBER) {
        en_format_double(number, size, v->number);
        *out = number;
        return 1;
    }
    return 0;
}

static en_status fail(en_serve_run_request *r, en_error *err, const char *message, const char *name)
{
    en_serve_run_request_free(r);
    if (name) return en_error_set(err, EN_ERROR_INPUT, message, name);
    return en_error_set(err, EN_ERROR_INPUT, "%s", message);
}

static en_status run_request_parse(const char *body, size_t length, en_serve_run_request *out,
                                 en_error *err)
{
    memset(out, 0, sizeof *out);
    out->wait = 1;
    char *text = en_xstrndup(body ? body : "", length);
    en_node *root = strlen(text) == length ? en_json_parse(text) : NULL;
    en_free(text);
    if (!root) {
        return en_error_add(err, EN_ERROR_INPUT, "request", 1, (int)json_error_column(body ? body : "", length),
                            "the request body is not valid JSON (expected {\"command\": \"forecast\", \"options\": {...}})");
    }
    if (root->type != EN_NODE_OBJECT) {
        en_node_free(root);
        return en_error_set(err, EN_ERROR_INPUT, "the request body is not a JSON object (expected {\"command\": \"forecast\", \"options\": {...}})");
    }
    size_t capacity = 0;
    const en_node *command = en_node_get(root, "command");
    if (!command || command->type != EN_NODE_STRING) {
        en_node_free(root);
        return fail(out, err, "the request names no \"command\" (expected one of forecast, run, compare, mc, sensitivity, war, backtest)", NULL);
    }
    size_t which = en_serve_command_count;
    for (size_t k = 0; k < en_serve_command_count; k++)
        if (strcmp(command->string, en_serve_commands[k]) == 0) which = k;
    if (which == en_serve_command_count) {
        char shown[48];
        snprintf(shown, sizeof shown, "%.40s", command->string);
        en_node_free(root);
        return fail(out, err, "unknown command '%s' (expected one of forecast, run, compare, mc, sensitivity, war, backtest)", shown);
    }
    push(out, &capacity, en_serve_commands[which]);
    for (size_t k = 0; k < root->count; k++) {
        const char *key = root->keys[k];
        const en_node *v = root->items[k];
        if (strcmp(key, "command") == 0) continue;
        if (strcmp(key, "wait") == 0) {
            if (v->type != EN_NODE_BOOL) {
                en_node_free(root);
                return fail(out, err, "\"wait\" is not true or false", NULL);
            }
            out->wait = v->number != 0;
        } else if (strcmp(key, "scenario") == 0) {
            en_free(out->scenario);
            out->scenario = NULL;
            if (v->type == EN_NODE_STRING) {
                out->scenario = en_xstrdup(v->string ? v->string : "");
            } else if (v->type == EN_NODE_OBJECT) {
                en_buffer json = {0};
                en_json_write_node(&json, v);
                en_buffer_puts(&json, "");
                out->scenario = en_serve_json_to_yaml(json.data, json.length, err);
                en_buffer_free(&json);
                if (!out->scenario) {
                    en_node_free(root);
                    en_serve_run_request_free(out);
                    return EN_ERROR_INPUT;
                }
            } else if (v->type != EN_NODE_NULL) {
                en_node_free(root);
                return fail(out, err, "\"scenario\" is neither a scenario document (object) nor YAML text (string)", NULL);
            }
        } else if (strcmp(key, "options") == 0) {
            if (v->type != EN_NODE_OBJECT) {
                en_node_free(root);
                return fail(out, err, "\"options\" is not an object (expected {\"draws\": 2000, \"what-if\": [\"...\"]})", NULL);
            }
            for (size_t o = 0; o < v->count; o++) {
                const char *name = v->keys[o];
                const en_node *value = v->items[o];
                char shown[48];
                snprintf(shown, sizeof shown, "%.40s", name);
                if (!option_name_ok(name)) {
                    en_node_free(root);
                    return fail(out, err, "option '%s' is not an option name (expected a lower-case word such as draws or what-if)", shown);
                }
                for (size_t r = 0; r < sizeof refused_options / sizeof refused_options[0]; r++)
                    if (strcmp(name, refused_options[r]) == 0) {
                        en_node_free(root);
                        return fail(out, err, "option '%s' is set by the server, not by a request (files, the run store and the output format are fixed when `entente serve` starts)", shown);
                    }
                char flag[MAX_OPTION_NAME + 3];
                snprintf(flag, sizeof flag, "--%s", name);
                char number[40];
                const char *arg;
                if (value->type == EN_NODE_NULL || (value->type == EN_NODE_BOOL && value->number == 0)) continue;
                if (value->type == EN_NODE_BOOL) {
                    push(out, &capacity, flag);
                } else if (argument_text(value, number, sizeof number, &arg)) {
                    push(out, &capacity, flag);
                    push(out, &capacity, arg);
                } else if (value->type == EN_NODE_ARRAY) {
                    for (size_t i = 0; i < value->count; i++) {
                        if (!argument_text(value->items[i], number, sizeof number, &arg)) {
                            en_node_free(root);
                            return fail(out, err, "option '%s' lists a value that is not a string or number", shown);
                        }
                        push(out, &capacity, flag);
                        push(out, &capacity, arg);
                        if (out->argc > MAX_ARGUMENTS) break;
                    }
                } else {
                    en_node_free(root);
                    return fail(out, err, "option '%s' has a value that is not a string, number, true/false or a list", shown);
                }
                if (out->argc > MAX_ARGUMENTS) {
                    en_node_free(root);
                    return fail(out, err, "more than 256 arguments%s", "");
                }
            }
        } else {
            char shown[48];
            snprintf(shown, sizeof shown, "%.40s", key);
            en_node_free(root);
            return fail(out, err, "unknown field '%s' (expected command, options, scenario, wait)", shown);
        }
    }
    en_node_free(root);
    return EN_OK;
}

void en_serve_run_request_free(en_serve_run_request *request)
{
    if (!request) return;
    for (int k = 0; k < request->argc; k++) en_free(request->argv[k]);
    en_free(request->argv);
    en_free(request->scenario);
    memset(request, 0, sizeof *request);
}

const char *en_serve_command_name(size_t k)
{
    return k < en_serve_command_count ? en_serve_commands[k] : NULL;
}

/* Under the out-of-memory guard (core/oom.h): EN_ERROR_NOMEM with *out reset when memory runs
 * out. */
en_status en_serve_run_request_parse(const char *body, size_t length, en_serve_run_request *out, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, memset(out, 0, sizeof *out), run_request_parse(body, length, out, err));
    return st;
}
