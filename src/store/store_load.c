/*
 * store_load.c — reading runs back from the store: the list for `entente runs`, and one run
 * rebuilt for `entente show` and `entente report --db`.
 *
 * A run is rebuilt rather than re-run: the scenario is loaded from the stored text (so issue,
 * actor and participant indices are the ones the run used), and every round's positions, mean,
 * median and extras, every forecast, stop reason and story line come from the stored rows. The
 * writers then print it exactly as the command did, without running a model.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/result.h"
#include "core/scenario.h"
#include "core/util.h"
#include "models/model.h"
#include "store/json_read.h"
#include "store/store_internal.h"

static char *column_text(sqlite3_stmt *q, int column)
{
    const unsigned char *text = sqlite3_column_text(q, column);
    return text ? en_xstrdup((const char *)text) : NULL;
}

static double column_double(sqlite3_stmt *q, int column)
{
    return sqlite3_column_type(q, column) == SQLITE_NULL ? NAN : sqlite3_column_double(q, column);
}

static en_node *column_node(sqlite3_stmt *q, int column)
{
    const unsigned char *text = sqlite3_column_text(q, column);
    return text ? en_json_parse((const char *)text) : NULL;
}

static en_params *params_from_json(const char *json)
{
    en_params *params = en_params_new();
    en_node *node = en_json_parse(json);
    for (size_t i = 0; node && node->type == EN_NODE_OBJECT && i < node->count; i++)
        if (node->items[i]->type == EN_NODE_STRING)
            en_params_set(params, node->keys[i], node->items[i]->string, NULL);
    en_node_free(node);
    return params;
}

/* The next row of `q`: 1 on a row, 0 at the end. A step that fails (SQLite out of memory, a
 * read error) also gives 0, so a loop over rows simply ends, but it is recorded on the store
 * (st->step_failed, and the error in the call's error list): the call then fails instead of
 * returning what it had read so far. */
static int row(en_store *st, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) return 1;
    if (rc != SQLITE_DONE && !st->step_failed) {
        st->step_failed = 1;
        en_store_fail(st, EN_ERROR_INTERNAL, "cannot read");
    }
    return 0;
}

/* Ends the load's read transaction. Ending a read cannot lose data, but a COMMIT that fails
 * (SQLite out of memory) would leave the transaction open for the next call: roll it back. */
static void end_read(en_store *st)
{
    if (sqlite3_get_autocommit(st->db)) return;
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The status of a call whose rows were cut short: EN_ERROR_NOMEM when SQLite ran out of
 * memory (en_store_fail recorded it so), else EN_ERROR_INTERNAL. */
static en_status step_status(const en_store *st)
{
    for (const en_error *e = st->err; e; e = e->next)
        if (e->code == EN_ERROR_NOMEM) return EN_ERROR_NOMEM;
    return EN_ERROR_INTERNAL;
}

static int prepare(en_store *st, const char *sql, sqlite3_stmt **q)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, q, NULL) == SQLITE_OK) return 1;
    en_store_fail(st, EN_ERROR_INTERNAL, "cannot read");
    return 0;
}

/* Rebuilds the issues, rounds and story of result `result_id` into r. */
static en_status load_issues(en_store *st, int64_t result_id, en_result *r)
{
    const en_scenario *s = r->scenario;
    sqlite3_stmt *qi = NULL, *qr = NULL, *qp = NULL, *qs = NULL;
    en_status status = EN_OK;
    if (!prepare(st, "SELECT ord, issue_index, forecast, stop_reason, extra FROM issue_result "
                     "WHERE result_id = ? ORDER BY ord", &qi) ||
        !prepare(st, "SELECT round, mean, median, extra FROM round WHERE result_id = ? AND "
                     "ord = ? ORDER BY round", &qr) ||
        !prepare(st, "SELECT actor_index, position FROM position WHERE result_id = ? AND "
                     "ord = ? AND round = ? ORDER BY actor_index", &qp) ||
        !prepare(st, "SELECT round, issue_index, text FROM story WHERE result_id = ? ORDER BY seq",
                 &qs)) {
        status = EN_ERROR_INTERNAL;
        goto done;
    }
    sqlite3_bind_int64(qi, 1, result_id);
    double *positions = en_xcalloc(s->actor_count ? s->actor_count : 1, sizeof *positions);
    while (status == EN_OK && row(st, qi)) {
        int ord = sqlite3_column_int(qi, 0);
        sqlite3_int64 issue = sqlite3_column_int64(qi, 1);
        if (issue < 0 || (size_t)issue >= s->issue_count) {
            status = en_error_add(st->err, EN_ERROR_INPUT, st->path, 0, 0,
                                  "run store: issue %lld is not in the stored scenario", issue);
            break;
        }
        size_t index = en_result_add_issue(r, (size_t)issue);
        en_issue_result *ir = &r->issues[index];
        sqlite3_bind_int64(qr, 1, result_id);
        sqlite3_bind_int(qr, 2, ord);
        while (status == EN_OK && row(st, qr)) {
            int round_number = sqlite3_column_int(qr, 0);
            sqlite3_bind_int64(qp, 1, result_id);
            sqlite3_bind_int(qp, 2, ord);
            sqlite3_bind_int(qp, 3, round_number);
            size_t p = 0;
            while (row(st, qp)) {
                /* Participants are the actors with a stance, in actor order: the same list
                 * en_result_add_issue rebuilt from the same scenario text. */
                size_t actor = (size_t)sqlite3_column_int64(qp, 0);
                if (p >= ir->participant_count || ir->participants[p] != actor) {
                    status = EN_ERROR_INPUT;
                    break;
                }
                positions[p++] = column_double(qp, 1);
            }
            sqlite3_reset(qp);
            if (status == EN_OK && p != ir->participant_count) status = EN_ERROR_INPUT;
            if (status != EN_OK) {
                en_error_add(st->err, status, st->path, 0, 0,
                             "run store: the stored positions do not match the stored scenario");
                break;
            }
            en_round *round = en_result_add_round(r, index, positions);
            /* The stored statistics, not recomputed ones: show prints what the run printed. */
            round->round = round_number;
            round->mean = column_double(qr, 1);
            round->median = column_double(qr, 2);
            round->extra = column_node(qr, 3);
        }
        sqlite3_reset(qr);
        const unsigned char *reason = sqlite3_column_text(qi, 3);
        en_result_finish_issue(r, index, column_double(qi, 2), (const char *)reason);
        r->issues[index].extra = column_node(qi, 4);
    }
    en_free(positions);
    if (status != EN_OK) goto done;
    sqlite3_bind_int64(qs, 1, result_id);
    while (row(st, qs)) {
        long issue = sqlite3_column_type(qs, 1) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(qs, 1);
        en_result_say(r, sqlite3_column_int(qs, 0), issue, "%s", (const char *)sqlite3_column_text(qs, 2));
    }
done:
    sqlite3_finalize(qi);
    sqlite3_finalize(qr);
    sqlite3_finalize(qp);
    sqlite3_finalize(qs);
    return status;
}

static en_status load_results(en_store *st, en_store_loaded *l)
{
    sqlite3_stmt *q = NULL;
    if (!prepare(st, "SELECT id, model, params, extra FROM result WHERE run_id = ? ORDER BY ord", &q))
        return EN_ERROR_INTERNAL;
    sqlite3_bind_int64(q, 1, l->id);
    en_status status = EN_OK;
    while (status == EN_OK && row(st, q)) {
        const char *name = (const char *)sqlite3_column_text(q, 1);
        const en_model *model = en_model_find(name ? name : "");
        if (!model) {
            status = en_error_add(st->err, EN_ERROR_INPUT, st->path, 0, 0,
                                  "run store: run %lld used model '%s', which this entente "
                                  "does not have",
                                  (long long)l->id, name ? name : "");
            break;
        }
        en_params *params = params_from_json((const char *)sqlite3_column_text(q, 2));
        en_result *r = en_result_new(l->scenario, model, params);
        en_params_free(params);
        r->extra = column_node(q, 3);
        l->results = en_xrealloc(l->results, (l->result_count + 1) * sizeof *l->results);
        l->results[l->result_count++] = r;
        status = load_issues(st, sqlite3_column_int64(q, 0), r);
    }
    sqlite3_finalize(q);
    return status;
}

static en_status load_extras(en_store *st, en_store_loaded *l, int64_t scenario_id)
{
    sqlite3_stmt *q = NULL;
    size_t n = l->scenario->source_count;
    l->source_texts = en_xcalloc(n ? n : 1, sizeof *l->source_texts);
    if (!prepare(st, "SELECT source_index, text FROM scenario_source WHERE scenario_id = ?", &q))
        return EN_ERROR_INTERNAL;
    sqlite3_bind_int64(q, 1, scenario_id);
    while (row(st, q)) {
        int k = sqlite3_column_int(q, 0);
        if (k >= 0 && (size_t)k < n && !l->source_texts[k]) l->source_texts[k] = column_text(q, 1);
    }
    sqlite3_finalize(q);
    if (!prepare(st, "SELECT kind, data FROM analysis WHERE run_id = ? ORDER BY seq", &q))
        return EN_ERROR_INTERNAL;
    sqlite3_bind_int64(q, 1, l->id);
    while (row(st, q)) {
        l->analysis_kinds = en_xrealloc(l->analysis_kinds, (l->analysis_count + 1) * sizeof(char *));
        l->analyses = en_xrealloc(l->analyses, (l->analysis_count + 1) * sizeof(en_node *));
        l->analysis_json = en_xrealloc(l->analysis_json, (l->analysis_count + 1) * sizeof(char *));
        l->analysis_kinds[l->analysis_count] = column_text(q, 0);
        l->analysis_json[l->analysis_count] = column_text(q, 1);
        l->analyses[l->analysis_count] = column_node(q, 1);
        l->analysis_count++;
    }
    sqlite3_finalize(q);
    return EN_OK;
}

en_status en_store_load_unguarded(en_store *st, int64_t run_id, en_store_loaded **out, en_error *err)
{
    *out = NULL;
    st->err = err;
    st->step_failed = 0;
    sqlite3_stmt *q = NULL;
    /* One read transaction: a concurrent writer cannot change what we see half-way. */
    if (!en_store_exec(st, "BEGIN")) {
        st->err = NULL;
        return EN_ERROR_INTERNAL;
    }
    en_status status = EN_OK;
    en_store_loaded *l = en_xcalloc(1, sizeof *l);
    l->id = run_id;
    if (!prepare(st, "SELECT r.command, r.entente_version, r.started_at, r.finished_at, "
                     "s.sha256, s.path, s.format, s.text, r.scale_min, r.scale_max, s.id "
                     "FROM run r JOIN scenario s ON s.id = r.scenario_id WHERE r.id = ?", &q)) {
        status = EN_ERROR_INTERNAL;
        goto done;
    }
    sqlite3_bind_int64(q, 1, run_id);
    if (!row(st, q)) {
        status = st->step_failed ? step_status(st)
                                 : en_error_add(err, EN_ERROR_INPUT, st->path, 0, 0,
                                                "run store: no run %lld (see `entente runs --db %s`)",
                                                (long long)run_id, st->path);
        goto done;
    }
    l->command = column_text(q, 0);
    l->version = column_text(q, 1);
    l->started_at = column_text(q, 2);
    l->finished_at = column_text(q, 3);
    l->scenario_sha256 = column_text(q, 4);
    en_load_options load = {0};
    const char *format = (const char *)sqlite3_column_text(q, 6);
    load.format = strcmp(format, "csv") == 0      ? EN_FORMAT_CSV
                  : strcmp(format, "decide") == 0 ? EN_FORMAT_DECIDE
                  : strcmp(format, "deu") == 0    ? EN_FORMAT_DEU
                                                  : EN_FORMAT_YAML;
    if (sqlite3_column_type(q, 8) != SQLITE_NULL) {
        load.has_scale = 1;
        load.scale_min = sqlite3_column_double(q, 8);
        load.scale_max = sqlite3_column_double(q, 9);
    }
    int64_t scenario_id = sqlite3_column_int64(q, 10);
    if (load.format == EN_FORMAT_DEU) {
        /* A DEU table holds one scenario per proposal; a run records the first (backtest keeps
         * every proposal's forecasts in its analysis document). */
        en_scenario **all = NULL;
        size_t count = 0;
        status = en_scenario_load_all_buffer(sqlite3_column_blob(q, 7),
                                             (size_t)sqlite3_column_bytes(q, 7),
                                             (const char *)sqlite3_column_text(q, 5), &load, &all,
                                             &count, err);
        if (status == EN_OK) {
            l->scenario = all[0];
            for (size_t k = 1; k < count; k++) en_scenario_free(all[k]);
            en_free(all);
        }
    } else {
        status = en_scenario_load_buffer(sqlite3_column_blob(q, 7), (size_t)sqlite3_column_bytes(q, 7),
                                         (const char *)sqlite3_column_text(q, 5), &load, &l->scenario, err);
    }
    sqlite3_finalize(q);
    q = NULL;
    if (status == EN_OK) status = load_extras(st, l, scenario_id);
    if (status == EN_OK) status = load_results(st, l);
    if (status == EN_OK && st->step_failed) status = step_status(st); /* rows cut short */
done:
    sqlite3_finalize(q);
    end_read(st);
    st->err = NULL;
    if (status != EN_OK) {
        en_store_loaded_free(l);
        return status;
    }
    *out = l;
    return EN_OK;
}

void en_store_loaded_free(en_store_loaded *l)
{
    if (!l) return;
    for (size_t m = 0; m < l->result_count; m++) en_result_free(l->results[m]);
    en_free(l->results);
    if (l->scenario && l->source_texts) en_store_free_texts(l->source_texts, l->scenario->source_count);
    else en_free(l->source_texts);
    for (size_t k = 0; k < l->analysis_count; k++) {
        en_free(l->analysis_kinds[k]);
        en_free(l->analysis_json[k]);
        en_node_free(l->analyses[k]);
    }
    en_free(l->analysis_kinds);
    en_free(l->analysis_json);
    en_free(l->analyses);
    en_scenario_free(l->scenario);
    en_free(l->command);
    en_free(l->version);
    en_free(l->started_at);
    en_free(l->finished_at);
    en_free(l->scenario_sha256);
    en_free(l);
}

en_status en_store_list_unguarded(en_store *st, FILE *out, en_error *err)
{
    st->err = err;
    st->step_failed = 0;
    sqlite3_stmt *q = NULL;
    if (!prepare(st,
                 "SELECT r.id, r.command, r.started_at, "
                 "  printf('%.2f', (julianday(r.finished_at) - julianday(r.started_at)) * 86400), "
                 "  coalesce((SELECT group_concat(model, ',') FROM "
                 "            (SELECT model FROM result WHERE run_id = r.id ORDER BY ord)), '-'), "
                 "  substr(s.sha256, 1, 12), s.title "
                 "FROM run r JOIN scenario s ON s.id = r.scenario_id ORDER BY r.id",
                 &q)) {
        st->err = NULL;
        return EN_ERROR_INTERNAL;
    }
    en_buffer b = {0};
    en_buffer_printf(&b, "%6s  %-11s  %-24s  %8s  %-12s  %-24s  %s\n", "id", "command", "started",
                     "seconds", "scenario", "models", "title");
    while (row(st, q)) {
        en_buffer_printf(&b, "%6lld  %-11s  %-24s  %8s  %-12s  %-24s  %s\n",
                         (long long)sqlite3_column_int64(q, 0), sqlite3_column_text(q, 1),
                         sqlite3_column_text(q, 2), sqlite3_column_text(q, 3),
                         sqlite3_column_text(q, 5), sqlite3_column_text(q, 4),
                         sqlite3_column_text(q, 6));
    }
    sqlite3_finalize(q);
    if (st->step_failed) { /* a list cut short is not written */
        en_status code = step_status(st);
        en_buffer_free(&b);
        st->err = NULL;
        return code;
    }
    st->err = NULL;
    size_t n = b.length;
    int ok = !n || fwrite(b.data, 1, n, out) == n;
    en_buffer_free(&b);
    if (!ok || fflush(out) != 0) return en_error_set(err, EN_ERROR_INTERNAL, "cannot write the output");
    return EN_OK;
}
