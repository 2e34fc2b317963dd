/*
 * serve_jobs.c — runs of CLI commands for `entente serve` (POST /api/run).
 *
 * A run is the CLI's own code for the command (cmd_forecast, cmd_mc, ...) called with the
 * arguments the request gave, in a child process forked from the server, its stdout and stderr
 * going to pipes the server reads into memory: the answer is byte for byte what the command
 * prints on the command line. Why a child rather than a thread: every command can then be
 * cancelled and held to a time limit (the server kills the child), a command's exit or crash
 * cannot take the server down, and the CLI's writes to stdout/stderr need no change. The
 * scenario goes to a file of its own in a private (0700) folder, named like the opened file so
 * messages read `ukraine-2023.yaml:12:5: ...`.
 */
#define _GNU_SOURCE
#include "serve_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "entente/serve.h"

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

const char *serve_job_state_name(serve_job_state state)
{
    switch (state) {
    case SERVE_JOB_RUNNING: return "running";
    case SERVE_JOB_DONE: return "done";
    case SERVE_JOB_CANCELLED: return "cancelled";
    case SERVE_JOB_TIMEOUT: return "timeout";
    case SERVE_JOB_FAILED: return "failed";
    }
    return "failed";
}

typedef int (*command_fn)(int, char **);
static command_fn command_function(const char *name, int *takes_sources_dir)
{
    static const struct {
        const char *name;
        command_fn run;
        int sources_dir;
    } table[] = {{"forecast", cmd_forecast, 1}, {"run", cmd_run, 1},      {"compare", cmd_compare, 1},
                 {"mc", cmd_mc, 1},             {"sensitivity", cmd_sensitivity, 1},
                 {"war", cmd_war, 0},           {"backtest", cmd_backtest, 1}};
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (strcmp(table[k].name, name) == 0) {
            *takes_sources_dir = table[k].sources_dir;
            return table[k].run;
        }
    return NULL;
}

/* Removes a run's private folder and what is in it (its scenario file). */
static void remove_tree(const char *directory)
{
    DIR *dir = opendir(directory);
    if (dir) {
        struct dirent *entry;
        while ((entry = readdir(dir))) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
            unlinkat(dirfd(dir), entry->d_name, 0);
        }
        closedir(dir);
    }
    rmdir(directory);
}

static void job_free(serve_job *job)
{
    if (!job) return;
    en_buffer_free(&job->out);
    en_buffer_free(&job->err);
    if (job->directory) {
        remove_tree(job->directory);
        free(job->directory);
    }
    free(job->scenario_yaml);
    free(job);
}

void serve_job_release(serve_server *server, serve_job *job)
{
    if (!job) return;
    pthread_mutex_lock(&server->lock);
    int last = --job->refs == 0;
    pthread_mutex_unlock(&server->lock);
    if (last) job_free(job);
}

serve_job *serve_job_find(serve_server *server, unsigned id)
{
    serve_job *found = NULL;
    pthread_mutex_lock(&server->lock);
    for (size_t k = 0; k < server->job_count; k++)
        if (server->jobs[k]->id == id) {
            found = server->jobs[k];
            found->refs++;
        }
    pthread_mutex_unlock(&server->lock);
    return found;
}

/* In the child: the CLI command, output to the pipes, then _exit with its status. */
static void child_run(serve_server *server, serve_job *job, const char *file, char *const *argv, int argc,
                      int out_fd, int err_fd, int progress_fd)
{
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) _exit(CLI_INTERNAL);
    if (dup2(progress_fd, 3) < 0) _exit(CLI_INTERNAL);
    /* Nothing of the server's (listening socket, clients' connections, other runs' pipes)
     * stays open in the child: a client's connection closes when the server closes it. */
    for (int fd = 4; fd < 65536; fd++) {
        if (close_range((unsigned)fd, ~0U, 0) == 0) break;
        close(fd);
    }
    if (chdir(job->directory) != 0) _exit(CLI_INTERNAL);
    int sources_dir = 0;
    command_fn run = command_function(argv[0], &sources_dir);
    if (!run) _exit(CLI_INTERNAL);
    char **args = calloc((size_t)argc + 10, sizeof *args);
    if (!args) _exit(CLI_INTERNAL);
    int n = 0;
    for (int k = 0; k < argc; k++) args[n++] = argv[k];
    args[n++] = (char *)file;
    args[n++] = "--format";
    args[n++] = "json";
    if (sources_dir && server->sources_dir) {
        args[n++] = "--sources-dir";
        args[n++] = server->sources_dir;
    }
    if (server->db) {
        args[n++] = "--db";
        args[n++] = (char *)server->db;
    }
    args[n] = NULL;
    /* Progress of a Monte Carlo run goes to fd 3: cmd_serve set ENTENTE_PROGRESS_FD=3 (and
     * cleared ENTENTE_DB) before any thread started, so the child needs no setenv. */
    int status = run(n, args);
    fflush(stdout);
    fflush(stderr);
    _exit(status);
}

static void append_limited(serve_server *server, serve_job *job, en_buffer *buffer, const char *data, size_t n,
                           int *over)
{
    if (job->out.length + job->err.length + n > server->max_output) {
        *over = 1;
        return;
    }
    en_buffer_append(buffer, data, n);
}

/* The unit of a progress line: lowercase words only (it goes into JSON as it is), else none. */
static void set_unit(serve_job *job, const char *unit)
{
    size_t n = strlen(unit);
    int ok = n > 0 && n < sizeof job->progress_unit;
    for (size_t k = 0; ok && k < n; k++) ok = (unit[k] >= 'a' && unit[k] <= 'z') || unit[k] == ' ';
    if (ok) memcpy(job->progress_unit, unit, n + 1);
    else job->progress_unit[0] = '\0';
}

/* Reads lines "DONE TOTAL UNIT\n" (cli_progress.h) out of `data` into the job, keeping a line
 * cut between two reads in `line` (*used bytes of `size`). Called with the server's lock held. */
static void take_progress(serve_job *job, const char *data, size_t n, char *line, size_t size, size_t *used)
{
    for (size_t i = 0; i < n; i++) {
        if (data[i] == '\n') {
            line[*used] = '\0';
            unsigned long long done, total;
            int unit_at = 0;
            if (sscanf(line, "%llu %llu %n", &done, &total, &unit_at) == 2) {
                job->progress_done = (size_t)done;
                job->progress_total = (size_t)total;
                set_unit(job, unit_at > 0 ? line + unit_at : "");
            }
            *used = 0;
        } else if (*used + 1 < size) {
            line[(*used)++] = data[i];
        }
    }
}

typedef struct monitor_args {
    serve_server *server;
    serve_job *job;
    int out_fd, err_fd, progress_fd;
} monitor_args;

/* Reads the child's output until it ends, enforcing the time and output limits and acting on
 * cancel; then reaps it and records how it ended. */
static void *monitor(void *data)
{
    monitor_args a = *(monitor_args *)data;
    free(data);
    serve_server *server = a.server;
    serve_job *job = a.job;
    struct pollfd fds[3] = {{a.out_fd, POLLIN, 0}, {a.err_fd, POLLIN, 0}, {a.progress_fd, POLLIN, 0}};
    int open_count = 2, over = 0, killed = 0;
    serve_job_state final_state = SERVE_JOB_DONE;
    double deadline = job->started + server->max_seconds, cancel_sent = 0;
    char chunk[65536], progress_line[256];
    size_t progress_used = 0;
    while (open_count > 0) {
        int ready = poll(fds, 3, 100);
        if (ready < 0 && errno != EINTR) break;
        for (int k = 0; k < 3 && ready > 0; k++) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = read(fds[k].fd, chunk, sizeof chunk);
            if (got <= 0) {
                close(fds[k].fd);
                fds[k].fd = -1;
                if (k < 2) open_count--;
                continue;
            }
            pthread_mutex_lock(&server->lock);
            if (k < 2) {
                append_limited(server, job, k == 0 ? &job->out : &job->err, chunk, (size_t)got, &over);
            } else {
                take_progress(job, chunk, (size_t)got, progress_line, sizeof progress_line, &progress_used);
            }
            pthread_mutex_unlock(&server->lock);
        }
        pthread_mutex_lock(&server->lock);
        int cancel = job->cancel;
        pthread_mutex_unlock(&server->lock);
        double t = now_seconds();
        if (!killed && (over || cancel || t > deadline)) {
            final_state = over ? SERVE_JOB_FAILED : cancel ? SERVE_JOB_CANCELLED : SERVE_JOB_TIMEOUT;
            /* SIGINT first: mc stops cleanly with the draws done so far; then SIGKILL. */
            if (!cancel_sent) {
                kill(job->pid, SIGINT);
                cancel_sent = t;
            } else if (t - cancel_sent > 2.0) {
                kill(job->pid, SIGKILL);
                killed = 1;
            }
        }
    }
    for (int k = 0; k < 2; k++)
        if (fds[k].fd >= 0) close(fds[k].fd);
    int status = 0;
    while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR) {
    }
    /* The last progress lines (the run's "TOTAL TOTAL") may still wait in the pipe when stdout
     * and stderr end; the child is gone, so this read ends. */
    while (fds[2].fd >= 0) {
        ssize_t got = read(fds[2].fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        pthread_mutex_lock(&server->lock);
        take_progress(job, chunk, (size_t)got, progress_line, sizeof progress_line, &progress_used);
        pthread_mutex_unlock(&server->lock);
    }
    if (fds[2].fd >= 0) close(fds[2].fd);
    /* The run's scenario file is not needed any more (its text stays in memory for messages). */
    remove_tree(job->directory);
    pthread_mutex_lock(&server->lock);
    job->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    if (over) en_buffer_puts(&job->err, "\nentente serve: the run's output grew past the limit (--max-output); it was stopped\n");
    job->state = final_state;
    job->ended = now_seconds();
    server->running--;
    pthread_cond_broadcast(&server->changed);
    pthread_mutex_unlock(&server->lock);
    serve_job_release(server, job);
    return NULL;
}

/* Keeps the table at most 64 finished jobs long (the oldest finished ones go first). */
static void prune_locked(serve_server *server, serve_job **drop, size_t *drop_count)
{
    *drop_count = 0;
    while (server->job_count > 64) {
        size_t k = 0;
        while (k < server->job_count && server->jobs[k]->state == SERVE_JOB_RUNNING) k++;
        if (k == server->job_count) break;
        drop[(*drop_count)++] = server->jobs[k];
        memmove(server->jobs + k, server->jobs + k + 1, (server->job_count - k - 1) * sizeof *server->jobs);
        server->job_count--;
        if (*drop_count == 8) break;
    }
}

serve_job *serve_job_start(serve_server *server, char *const *argv, int argc, const char *scenario_yaml, int *why)
{
    *why = 500;
    pthread_mutex_lock(&server->lock);
    if (server->running >= server->max_runs) {
        pthread_mutex_unlock(&server->lock);
        *why = 429;
        return NULL;
    }
    server->running++;
    unsigned id = ++server->next_id;
    const char *name = server->scenario_name ? server->scenario_name : "scenario.yaml";
    char *yaml = cli_xstrdup(scenario_yaml ? scenario_yaml : server->scenario_yaml);
    pthread_mutex_unlock(&server->lock);

    serve_job *job = cli_xcalloc(1, sizeof *job);
    job->id = id;
    snprintf(job->command, sizeof job->command, "%s", argv[0]);
    job->scenario_yaml = yaml;
    job->directory = cli_xprintf("%s/run-%u", server->workdir, id);
    job->started = now_seconds();
    job->refs = 3; /* the table's, the monitor's and the caller's */
    int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
    char *file = NULL;
    int ok = mkdir(job->directory, 0700) == 0;
    if (ok) {
        file = cli_xprintf("%s/%s", job->directory, name);
        int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        size_t length = strlen(yaml), done = 0;
        while (fd >= 0 && done < length) {
            ssize_t wrote = write(fd, yaml + done, length - done);
            if (wrote <= 0) break;
            done += (size_t)wrote;
        }
        ok = fd >= 0 && done == length;
        if (fd >= 0 && close(fd) != 0) ok = 0;
    }
    for (int k = 0; ok && k < 3; k++) ok = pipe2(pipes[k], O_CLOEXEC) == 0;
    pid_t pid = -1;
    if (ok) {
        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid == 0) child_run(server, job, name, argv, argc, pipes[0][1], pipes[1][1], pipes[2][1]);
    }
    for (int k = 0; k < 3; k++)
        if (pipes[k][1] >= 0) close(pipes[k][1]);
    if (pid < 0) {
        for (int k = 0; k < 3; k++)
            if (pipes[k][0] >= 0) close(pipes[k][0]);
        pthread_mutex_lock(&server->lock);
        server->running--;
        pthread_mutex_unlock(&server->lock);
        free(file);
        job->refs = 1;
        job_free(job);
        return NULL;
    }
    free(file);
    job->pid = pid;
    monitor_args *args = cli_xmalloc(sizeof *args);
    *args = (monitor_args){server, job, pipes[0][0], pipes[1][0], pipes[2][0]};
    serve_job *drop[8];
    size_t drop_count = 0;
    pthread_mutex_lock(&server->lock);
    if (server->job_count == server->job_capacity) {
        server->job_capacity = server->job_capacity ? 2 * server->job_capacity : 8;
        server->jobs = cli_xrealloc(server->jobs, server->job_capacity * sizeof *server->jobs);
    }
    server->jobs[server->job_count++] = job;
    prune_locked(server, drop, &drop_count);
    pthread_mutex_unlock(&server->lock);
    for (size_t k = 0; k < drop_count; k++) serve_job_release(server, drop[k]);
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, monitor, args) != 0) {
        /* Without a monitor the child cannot be followed: stop it and reap it here. */
        kill(pid, SIGKILL);
        monitor(args);
    }
    pthread_attr_destroy(&attr);
    return job;
}

void serve_job_wait(serve_server *server, serve_job *job)
{
    pthread_mutex_lock(&server->lock);
    while (job->state == SERVE_JOB_RUNNING) pthread_cond_wait(&server->changed, &server->lock);
    pthread_mutex_unlock(&server->lock);
}

void serve_job_cancel(serve_server *server, serve_job *job)
{
    pthread_mutex_lock(&server->lock);
    if (job->state == SERVE_JOB_RUNNING) job->cancel = 1;
    pthread_mutex_unlock(&server->lock);
}

void serve_jobs_stop_all(serve_server *server)
{
    pthread_mutex_lock(&server->lock);
    for (size_t k = 0; k < server->job_count; k++)
        if (server->jobs[k]->state == SERVE_JOB_RUNNING) {
            server->jobs[k]->cancel = 1;
            kill(server->jobs[k]->pid, SIGKILL);
        }
    while (server->running > 0) pthread_cond_wait(&server->changed, &server->lock);
    serve_job **jobs = server->jobs;
    size_t count = server->job_count;
    server->jobs = NULL;
    server->job_count = server->job_capacity = 0;
    pthread_mutex_unlock(&server->lock);
    for (size_t k = 0; k < count; k++) serve_job_release(server, jobs[k]);
    free(jobs);
}
