/*
 * serve_internal.h — what the files of `entente serve` share (cmd_serve.c: options and start;
 * serve_http.c: the HTTP server and its API; serve_jobs.c: runs of CLI commands, with limits,
 * progress and cancel). docs/serve.md describes the API and the safety rules.
 */
#ifndef ENTENTE_CLI_SERVE_INTERNAL_H
#define ENTENTE_CLI_SERVE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "cli.h"
#include "entente.h"

typedef enum serve_job_state {
    SERVE_JOB_RUNNING = 0,
    SERVE_JOB_DONE,      /* the command ended (any exit status) */
    SERVE_JOB_CANCELLED, /* POST /api/runs/ID/cancel */
    SERVE_JOB_TIMEOUT,   /* ran longer than --max-run-seconds */
    SERVE_JOB_FAILED     /* could not be started, or its output grew past the limit */
} serve_job_state;

typedef struct serve_job {
    unsigned id;
    char command[16];
    pid_t pid;
    serve_job_state state;
    int exit_status;
    double started, ended; /* CLOCK_MONOTONIC seconds */
    en_buffer out, err;    /* the command's stdout and stderr */
    size_t progress_done, progress_total; /* of the run's items (cli_progress.h), 0 when unknown */
    char progress_unit[24]; /* what is counted: "draws", "runs", "models", "model runs" */
    int cancel;
    char *scenario_yaml;   /* what the command ran on (for locating its messages) */
    char *directory;       /* its private folder under the server's work folder */
    int refs;              /* the table's reference and each waiting request's */
} serve_job;

typedef struct serve_server {
    /* From the command line (never from a request). */
    const char *host;
    int port;
    const char *db;          /* run store: runs are recorded there; NULL: none */
    const char *save_path;   /* --save FILE: POST /api/save writes there; NULL: never writes */
    char *sources_dir;       /* where `sources[].file` are read: the opened file's folder */
    size_t max_body, max_upload, max_output;
    int max_runs, max_seconds;
    char token[65];
    char workdir[4096];      /* private (0700) temporary folder for the runs' scenario files */

    pthread_mutex_t lock;    /* guards everything below */
    pthread_cond_t changed;  /* a job changed state */
    char *scenario_yaml;     /* the open scenario as YAML */
    char *scenario_name;     /* its file name (messages name it) */
    serve_job **jobs;
    size_t job_count, job_capacity;
    unsigned next_id;
    int running;
} serve_server;

/* serve_jobs.c */
/* Starts `argv` (argv[0] the command; the server appends the scenario file, --format json,
 * --sources-dir and --db) on `scenario_yaml` in a child process that runs the CLI's own code
 * for the command with its output going to memory. Returns the job (one reference for the
 * caller) or NULL with *why set: 429 too many runs, 500 could not start. */
serve_job *serve_job_start(serve_server *server, char *const *argv, int argc, const char *scenario_yaml, int *why);
serve_job *serve_job_find(serve_server *server, unsigned id);           /* + a reference */
void serve_job_release(serve_server *server, serve_job *job);
/* Waits until the job is no longer running (the monitor ends every run within
 * --max-run-seconds + 2 s). */
void serve_job_wait(serve_server *server, serve_job *job);
void serve_job_cancel(serve_server *server, serve_job *job);
/* Stops every run (the server is shutting down). */
void serve_jobs_stop_all(serve_server *server);
const char *serve_job_state_name(serve_job_state state);

/* serve_http.c */
int serve_http_run(serve_server *server);

/* A fresh random token of 32 bytes in hex (getrandom); 0 on failure. */
int serve_random_token(char out[65]);

#endif
