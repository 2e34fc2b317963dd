/*
 * cmd_serve.c — `entente serve`: the browser workbench (docs/serve.md). Opens the scenario named
 * on the command line (or the bundled one), makes a private work folder and a random token,
 * listens (127.0.0.1 by default) and prints the page's URL with the token as the first line on
 * stdout. serve_http.c answers requests; serve_jobs.c runs the CLI commands they ask for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "serve_internal.h"
#include "entente.h"

static const char usage[] =
    "usage: entente serve [FILE] [--db RUNS.db] [--port N] [--host ADDRESS] [--save FILE]\n"
    "                     [--max-body BYTES] [--max-upload BYTES] [--max-runs N]\n"
    "                     [--max-run-seconds S] [--input-format F]\n\n"
    "The browser workbench: serves a page (and its JSON API under /api/) that shows FILE\n"
    "(default: the bundled scenario) as a table of actors and issues to edit, checks it as you\n"
    "type, runs forecast, run, compare, mc, sensitivity, war and backtest on it exactly as the\n"
    "command line does, draws the report's charts, and saves it as YAML. The first line on\n"
    "stdout is the page's address with its token (the API refuses requests without it).\n\n"
    "  --port N             port to listen on (default 0: any free port)\n"
    "  --host ADDRESS       address to listen on (default 127.0.0.1; anything else exposes the\n"
    "                       workbench, and every run, to the network: only with care)\n"
    "  --db FILE            record every run in this run store (or ENTENTE_DB); the page can\n"
    "                       open its runs\n"
    "  --save FILE          where Save writes the scenario (default: nowhere; Save then only\n"
    "                       keeps it in the server and the page offers it as a download)\n"
    "  --max-body BYTES     largest request body (default 8388608)\n"
    "  --max-upload BYTES   largest uploaded scenario (default 8388608)\n"
    "  --max-runs N         runs at the same time (default 2)\n"
    "  --max-run-seconds S  a run is stopped after S seconds (default 600)\n"
    "Stop with Ctrl-C. docs/serve.md has the API and the safety rules.\n";

#if ENTENTE_HAVE_MHD
typedef struct serve_cli {
    serve_server *server;
} serve_cli;

static int serve_extra(int argc, char **argv, int index, void *state)
{
    serve_server *s = ((serve_cli *)state)->server;
    static const char *const names[] = {"--port", "--host", "--db", "--save", "--max-body", "--max-upload",
                                        "--max-runs", "--max-run-seconds"};
    size_t k;
    const char *value;
    int used = cli_named_value(argc, argv, index, "serve", names, sizeof names / sizeof names[0], &k, &value);
    if (used <= 0) return used;
    long number;
    switch (k) {
    case 0:
        if (!en_parse_long(value, 0, 65535, &number)) return cli_bad_value("serve", names[k], value, "a port in [0, 65535]");
        s->port = (int)number;
        break;
    case 1: s->host = value; break;
    case 2: s->db = value; break;
    case 3: s->save_path = value; break;
    case 4:
    case 5:
        if (!en_parse_long(value, 1024, 1L << 30, &number)) return cli_bad_value("serve", names[k], value, "a size in [1024, 1073741824]");
        if (k == 4) s->max_body = (size_t)number;
        else s->max_upload = (size_t)number;
        break;
    case 6:
        if (!cli_long_value("serve", names[k], value, 1, 64, &number)) return -1;
        s->max_runs = (int)number;
        break;
    default:
        if (!cli_long_value("serve", names[k], value, 1, 86400, &number)) return -1;
        s->max_seconds = (int)number;
        break;
    }
    return used;
}

static void remove_workdir(const char *path)
{
    /* Each run removes its own folder when it ends; what is left is the empty work folder. */
    rmdir(path);
}

int cmd_serve(int argc, char **argv)
{
    serve_server server;
    memset(&server, 0, sizeof server);
    server.host = "127.0.0.1";
    server.max_body = (size_t)8 << 20; /* as --max-upload: a file that opens can be edited and run */
    server.max_upload = 8 << 20;
    server.max_output = 256u << 20;
    server.max_runs = 2;
    server.max_seconds = 600;
    serve_cli c = {&server};
    cli_options o;
    int status = cli_parse(argc, argv, CLI_OPT_LOAD, &o, serve_extra, &c);
    if (cli_stop_early(&o, &status, usage)) return status;
    /* The scenario must load (or at least read as YAML): the page opens what the CLI would. */
    en_scenario *s = cli_load(&o, &status);
    if (!s) {
        cli_options_free(&o);
        return status;
    }
    const char *path = o.file ? o.file : cli_default_scenario();
    size_t length = 0;
    char *text = en_store_read_file(path, &length);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int is_yaml = strlen(base) > 5 && (strcmp(base + strlen(base) - 5, ".yaml") == 0 || strcmp(base + strlen(base) - 4, ".yml") == 0);
    if (text && !is_yaml) {
        /* Other input formats open as the YAML they convert to. */
        char *out = NULL;
        size_t size = 0;
        FILE *stream = open_memstream(&out, &size);
        en_error err = EN_ERROR_INIT;
        int ok = stream && en_scenario_write_yaml(s, stream, &err) == EN_OK;
        if (stream) fclose(stream);
        free(text);
        text = ok ? out : NULL;
        if (!ok) free(out);
        en_error_clear(&err);
        char *dot = strrchr(base, '.');
        server.scenario_name = cli_xprintf("%.*s.yaml", dot ? (int)(dot - base) : (int)strlen(base), base);
    } else {
        server.scenario_name = cli_xstrdup(base);
    }
    en_scenario_free(s);
    if (!text) {
        fprintf(stderr, "entente serve: error: cannot read %s\n", path);
        free(server.scenario_name);
        cli_options_free(&o);
        return CLI_BAD_INPUT;
    }
    server.scenario_yaml = text;
    server.sources_dir = o.sources_dir ? cli_xstrdup(o.sources_dir)
                                       : slash ? cli_xstrndup(path, (size_t)(slash - path)) : cli_xstrdup(".");
    int exit_status = CLI_OK;
    char *db_copy = NULL;
    const char *tmp = getenv("TMPDIR");
    snprintf(server.workdir, sizeof server.workdir, "%s/entente-serve.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!serve_random_token(server.token)) {
        fprintf(stderr, "entente serve: error: no random numbers for the token (getrandom: %s)\n", strerror(errno));
        exit_status = CLI_INTERNAL;
    } else if (!mkdtemp(server.workdir)) {
        fprintf(stderr, "entente serve: error: cannot make a work folder %s: %s\n", server.workdir, strerror(errno));
        exit_status = CLI_INTERNAL;
    } else {
        /* For the runs' children (serve_jobs.c): Monte Carlo progress goes to their fd 3, and
         * only --db names a run store. Set here, before any thread exists. */
        const char *env_db = getenv("ENTENTE_DB");
        if (!server.db && env_db && *env_db) server.db = db_copy = cli_xstrdup(env_db);
        setenv("ENTENTE_PROGRESS_FD", "3", 1);
        unsetenv("ENTENTE_DB");
        pthread_mutex_init(&server.lock, NULL);
        pthread_cond_init(&server.changed, NULL);
        exit_status = serve_http_run(&server);
        pthread_cond_destroy(&server.changed);
        pthread_mutex_destroy(&server.lock);
        remove_workdir(server.workdir);
    }
    free(server.jobs);
    free(server.scenario_yaml);
    free(server.scenario_name);
    free(server.sources_dir);
    free(db_copy);
    cli_options_free(&o);
    return exit_status;
}
#else
int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "entente serve: error: this entente was built without libmicrohttpd "
                    "(install libmicrohttpd-dev and configure again; scripts/install-deps.sh does)\n");
    return CLI_INTERNAL;
}
#endif
