/*
 * forecast_write.c — writing the answer of `entente forecast` (analysis/forecast.c): text with
 * the plain-words answer first (what deal, will they agree, who blocks, what would change it,
 * when) and then the numbers; the JSON contract of docs/cli.md; and CSV rows. Every number that
 * sits on an issue's scale is followed by the scale label nearest to it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/forecast_internal.h"
#include "core/node.h"
#include "core/util.h"
#include "report/report.h"

static const en_issue *issue_of(const en_forecast_result *r, size_t k) { return &r->canonical->issues[k]; }

/* A number on issue k's scale, with digits suited to the scale's width. */
static void put_number(en_buffer *out, const en_issue *issue, double x)
{
    double width = issue->scale_max - issue->scale_min;
    int digits = width >= 20 ? 1 : width >= 2 ? 2 : 3;
    en_buffer_printf(out, "%.*f", digits, x);
}

static void put_labelled(en_buffer *out, const en_issue *issue, double x)
{
    put_number(out, issue, x);
    const en_label *label = en_nearest_label(issue, x);
    if (label) en_buffer_printf(out, " (\"%s\")", label->text);
}

/* Issues in the order of the file. */
static size_t *file_order(const fc_answer *a)
{
    size_t *order = en_xcalloc(a->issue_count + 1, sizeof *order);
    for (size_t k = 0; k < a->issue_count; k++) order[a->issues[k].original < a->issue_count ? a->issues[k].original : k] = k;
    return order;
}

static void plain_answer(const en_forecast_result *r, en_buffer *out)
{
    const fc_answer *a = &r->base;
    size_t *order = file_order(a);
    en_buffer_puts(out, "What deal:");
    for (size_t n = 0; n < a->issue_count; n++) {
        size_t k = order[n];
        const fc_issue *is = &a->issues[k];
        en_buffer_printf(out, "\n  %s ", is->id);
        put_labelled(out, issue_of(r, k), is->forecast);
        en_buffer_puts(out, ", 80% between ");
        put_labelled(out, issue_of(r, k), is->lo);
        en_buffer_puts(out, " and ");
        put_labelled(out, issue_of(r, k), is->hi);
    }
    en_buffer_printf(out, "\n\nWill they agree: P(agreement) = %.2f. ", a->p_agreement);
    if (a->veto_player_count == 0) {
        en_buffer_puts(out, "No actor holds a veto, so nothing stands in the way of the forecast package.");
    } else {
        en_buffer_printf(out, "The forecast package is acceptable to all %zu veto players in %.0f%% of draws",
                         a->veto_player_count, 100 * a->p_forecast_accepted);
        if (r->has_mediator && a->p_agreement > a->p_forecast_accepted)
            en_buffer_printf(out, "; some package is acceptable to all of them in %.0f%% of draws, and a mediator "
                                  "proposing the one nearest the forecast puts it on the table, so P(agreement) is "
                                  "that share (an upper bound: --no-mediation gives the lower one)",
                             100 * a->p_agreement);
        else if (!r->has_mediator && a->p_winset > a->p_forecast_accepted)
            en_buffer_printf(out, "; some other package would be acceptable to all in %.0f%% (no mediator to propose it)",
                             100 * a->p_winset);
        en_buffer_puts(out, ".");
        if (a->winset_empty_point) {
            en_buffer_puts(out, " At the point estimates no package is acceptable to every veto player; without an "
                                "agreement the outcome is ");
            int any = 0;
            for (size_t n = 0; n < a->issue_count; n++) {
                const fc_issue *is = &a->issues[order[n]];
                if (isnan(is->no_agreement)) continue;
                en_buffer_printf(out, "%s%s ", any ? ", " : "", is->id);
                put_labelled(out, issue_of(r, order[n]), is->no_agreement);
                any = 1;
            }
            en_buffer_puts(out, any ? " (the status quo)." : "the status quo (none is given in the scenario).");
        } else if (!a->forecast_accepted_point && r->has_mediator) {
            en_buffer_puts(out, " At the point estimates the mediator's proposal is ");
            int any = 0, same = 0;
            for (size_t n = 0; n < a->issue_count; n++) {
                const fc_issue *is = &a->issues[order[n]];
                if (fabs(is->proposal - is->forecast) < 1e-9) {
                    same = 1;
                    continue;
                }
                en_buffer_printf(out, "%s%s ", any ? ", " : "", is->id);
                put_labelled(out, issue_of(r, order[n]), is->proposal);
                any = 1;
            }
            en_buffer_puts(out, !any ? "the forecast." : same ? ", the rest as forecast." : ".");
        }
        if (!r->has_status_quo)
            en_buffer_puts(out, " (No issue has a status quo: no agreement counts as each player's worst outcome.)");
    }
    en_buffer_puts(out, "\n\nWho blocks: ");
    if (a->veto_player_count == 0) en_buffer_puts(out, "nobody: no actor holds a veto.");
    else if (a->blocker_count == 0) en_buffer_puts(out, "nobody: every veto player accepts the forecast package in every draw.");
    for (size_t b = 0; b < a->blocker_count; b++) {
        const fc_blocker *bl = &a->blockers[b];
        en_buffer_printf(out, "%s%s rejects the forecast package in %.0f%% of draws", b ? " " : "", bl->actor, 100 * bl->share);
        if (bl->surplus >= 0) {
            en_buffer_puts(out, " (it accepts it at the point estimates).");
            continue;
        }
        if (!bl->wins) {
            en_buffer_puts(out, "; no package wins it over: it prefers no agreement to every package.");
            continue;
        }
        en_buffer_puts(out, "; it would accept if ");
        int any = 0;
        for (size_t n = 0; n < a->issue_count; n++) {
            size_t k = order[n];
            const fc_issue *is = &a->issues[k];
            if (fabs(bl->changed[k] - is->forecast) < 1e-9) continue;
            en_buffer_printf(out, "%s%s moved from ", any ? " and " : "", is->id);
            put_labelled(out, issue_of(r, k), is->forecast);
            en_buffer_puts(out, " to ");
            put_labelled(out, issue_of(r, k), bl->changed[k]);
            any = 1;
        }
        if (*bl->loses) en_buffer_printf(out, ", but then %s would reject it.", bl->loses);
        else en_buffer_puts(out, ", and every other veto player would still accept.");
    }
    en_buffer_puts(out, "\n\nWhat would change it: ");
    if (r->driver_count == 0) en_buffer_puts(out, "no single input moves the forecast.");
    for (size_t d = 0; d < r->driver_count; d++) {
        const fc_driver *dr = &r->drivers[d];
        long k = en_scenario_find_issue(r->canonical, dr->issue);
        const en_issue *issue = &r->canonical->issues[k];
        const char *what = dr->field;
        en_buffer_printf(out, "%sif ", d ? "; " : "");
        if (dr->actor) en_buffer_printf(out, "%s's ", dr->actor);
        en_buffer_printf(out, "%s%s%s were ", strcmp(what, "public") == 0 ? "public stance" : strcmp(what, "status_quo") == 0 ? "status quo" : what,
                         dr->issue_input ? " on " : "", dr->issue_input ? dr->issue_input : "");
        double change = dr->moved - dr->value;
        /* a position, public stance or status quo is a point of its issue's scale: labelled */
        int on_scale = dr->issue_input && (strcmp(what, "position") == 0 || strcmp(what, "public") == 0 ||
                                           strcmp(what, "status_quo") == 0);
        long input_issue = on_scale ? en_scenario_find_issue(r->canonical, dr->issue_input) : -1;
        if (input_issue >= 0) {
            const en_issue *at = &r->canonical->issues[input_issue];
            en_buffer_printf(out, "%.3g %s (", fabs(change), change < 0 ? "lower" : "higher");
            put_labelled(out, at, dr->moved);
            en_buffer_puts(out, " instead of ");
            put_labelled(out, at, dr->value);
            en_buffer_printf(out, "), %s would be ", issue->id);
        } else {
            en_buffer_printf(out, "%.3g %s (%.3g instead of %.3g), %s would be ", fabs(change),
                             change < 0 ? "lower" : "higher", dr->moved, dr->value, issue->id);
        }
        put_labelled(out, issue, dr->to);
        en_buffer_puts(out, " instead of ");
        put_labelled(out, issue, dr->from);
    }
    en_buffer_puts(out, r->driver_count ? ".\n" : "\n");
    /* Said whenever the drivers above are the best of a screened subset (docs/models/forecast.md §4). */
    if (r->screen_inputs)
        en_buffer_printf(out, "drivers screened: the forecaster re-ran on the %zu of %zu inputs with the largest "
                              "first-order leverage\n", r->screen_evaluated, r->screen_inputs);
    en_buffer_puts(out, "\nWhen: ");
    if (!r->war) en_buffer_puts(out, "the scenario has no war: section, so entente says nothing about timing.\n");
    else {
        en_buffer_printf(out, "%s", r->war_summary ? r->war_summary : "");
        en_node *steps = en_node_get(r->war, "steps");
        if (steps && steps->type == EN_NODE_ARRAY && steps->count) {
            en_buffer_puts(out, " P(deal by date):");
            size_t stride = steps->count > 8 ? (steps->count + 7) / 8 : 1;
            for (size_t t = stride - 1; t < steps->count; t += stride) {
                en_node *date = en_node_get(steps->items[t], "date"), *p = en_node_get(steps->items[t], "p_deal_by");
                if (date && p && date->type == EN_NODE_STRING)
                    en_buffer_printf(out, " %s %.2f%s", date->string, p->number, t + stride < steps->count ? "," : "");
            }
            en_buffer_puts(out, ".");
        }
        en_buffer_puts(out, "\n");
    }
    en_free(order);
}

static void write_text(const en_forecast_result *r, en_buffer *out)
{
    const fc_answer *a = &r->base;
    size_t *order = file_order(a);
    en_buffer_printf(out, "%s — the forecast\n", en_scenario_title(r->scenario));
    en_buffer_printf(out, "default forecaster %s on the effective scenario (patron weight %g, audience cost %g, mediation %s); "
                          "%zu draws, seed %llu\n\n",
                     r->model, r->options.patron_weight, r->options.audience_cost, r->options.mediation ? "on" : "off",
                     a->draws, (unsigned long long)r->options.seed);
    plain_answer(r, out);
    en_buffer_puts(out, "\nIssue by issue (80% interval: Monte Carlo draws and the models' disagreement; "
                        "each model's answer as a distance from the forecast)\n");
    size_t idw = 5;
    for (size_t k = 0; k < a->issue_count; k++) idw = strlen(a->issues[k].id) > idw ? strlen(a->issues[k].id) : idw;
    en_text_pad(out, "issue", idw + 2);
    en_buffer_puts(out, "forecast  80% interval     ");
    for (size_t m = 0; m < r->panel_count; m++) en_buffer_printf(out, "%10.10s ", r->panel[m]);
    en_buffer_puts(out, " nearest label\n");
    for (size_t n = 0; n < a->issue_count; n++) {
        size_t k = order[n];
        const fc_issue *is = &a->issues[k];
        en_text_pad(out, is->id, idw + 2);
        en_buffer_printf(out, "%8.2f  [%6.2f, %6.2f]  ", is->forecast, is->lo, is->hi);
        for (size_t m = 0; m < r->panel_count; m++) {
            if (isnan(is->models[m])) en_buffer_puts(out, "         - ");
            else en_buffer_printf(out, "%+10.2f ", is->models[m] - is->forecast);
        }
        const en_label *label = en_nearest_label(issue_of(r, k), is->forecast);
        en_buffer_printf(out, " %s\n", label ? label->text : "");
    }
    /* The table's other numbers on a scale, the interval's ends, with their labels too (the
     * model columns are distances, not points of the scale). */
    int labelled = 0;
    for (size_t n = 0; n < a->issue_count; n++) {
        size_t k = order[n];
        const fc_issue *is = &a->issues[k];
        const en_issue *issue = issue_of(r, k);
        if (!en_nearest_label(issue, is->lo) && !en_nearest_label(issue, is->hi)) continue;
        if (!labelled) en_buffer_puts(out, "\nThe 80% interval's ends, with their nearest labels\n");
        labelled = 1;
        en_buffer_puts(out, "  ");
        en_text_pad(out, is->id, idw + 2);
        put_labelled(out, issue, is->lo);
        en_buffer_puts(out, " to ");
        put_labelled(out, issue, is->hi);
        en_buffer_puts(out, "\n");
    }
    int any = 0;
    for (size_t m = 0; m < r->panel_count; m++) {
        if (!*a->model_rejected_by[m]) continue;
        if (!any) en_buffer_puts(out, "\nAnswers a veto player would reject (it prefers no agreement):\n");
        en_buffer_printf(out, "  %s: rejected by %s\n", r->panel[m], a->model_rejected_by[m]);
        any = 1;
    }
    if (!any && a->veto_player_count) en_buffer_puts(out, "\nEvery model's answer is acceptable to every veto player at the point estimates.\n");
    if (r->what_if_count) en_buffer_puts(out, "\nWhat if\n");
    for (size_t w = 0; w < r->what_if_count; w++) {
        const fc_answer *b = &r->what_ifs[w].answer;
        en_buffer_printf(out, "  %s: P(agreement) %.2f -> %.2f (forecast package accepted %.0f%% -> %.0f%%)", r->what_ifs[w].text,
                         a->p_agreement, b->p_agreement, 100 * a->p_forecast_accepted, 100 * b->p_forecast_accepted);
        int changed = 0;
        for (size_t n = 0; n < a->issue_count; n++) {
            size_t k = order[n];
            double before = a->issues[k].forecast, after = b->issues[k].forecast;
            const en_issue *issue = issue_of(r, k);
            if (fabs(after - before) < 1e-9 * (issue->scale_max - issue->scale_min)) continue;
            en_buffer_printf(out, "%s%s ", changed ? "; " : "\n    ", a->issues[k].id);
            put_labelled(out, issue, before);
            en_buffer_puts(out, " -> ");
            put_labelled(out, issue, after);
            changed = 1;
        }
        if (!changed) en_buffer_puts(out, "\n    the forecast package does not change");
        en_buffer_puts(out, "\n");
    }
    for (size_t n = 0; n < r->note_count; n++) en_buffer_printf(out, "note: %s\n", r->notes[n]);
    en_free(order);
}

static en_node *interval_node(double lo, double hi)
{
    en_node *n = en_node_new(EN_NODE_ARRAY);
    en_node_push_number(n, lo);
    en_node_push_number(n, hi);
    return n;
}

static en_node *id_list(const char *joined)
{
    en_node *list = en_node_new(EN_NODE_ARRAY);
    const char *p = joined;
    while (p && *p) {
        const char *end = strstr(p, ", ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *id = en_xstrndup(p, n);
        en_node_push(list, en_node_string(id));
        en_free(id);
        p = end ? end + 2 : NULL;
    }
    return list;
}

static en_node *label_node(const en_issue *issue, double x)
{
    const en_label *label = en_nearest_label(issue, x);
    return label ? en_node_string(label->text) : en_node_new(EN_NODE_NULL);
}

static en_node *answer_node(const en_forecast_result *r, const fc_answer *a, int full)
{
    en_node *root = en_node_new(EN_NODE_OBJECT);
    en_node_set_number(root, "p_agreement", a->p_agreement);
    en_node_set_number(root, "p_forecast_accepted", a->p_forecast_accepted);
    en_node_set_number(root, "p_winset", a->p_winset);
    en_node_set(root, "winset_empty", en_node_bool(a->winset_empty_point));
    en_node_set_number(root, "draws", (double)a->draws);
    size_t *order = file_order(a);
    en_node *issues = en_node_set(root, "issues", en_node_new(EN_NODE_ARRAY));
    for (size_t n = 0; n < a->issue_count; n++) {
        size_t k = order[n];
        const fc_issue *is = &a->issues[k];
        const en_issue *issue = issue_of(r, k);
        en_node *row = en_node_push(issues, en_node_new(EN_NODE_OBJECT));
        en_node_set_string(row, "id", is->id);
        en_node_set_number(row, "forecast", is->forecast);
        en_node_set(row, "interval", interval_node(is->lo, is->hi));
        en_node_set(row, "label", label_node(issue, is->forecast));
        if (full) {
            en_node_set(row, "interval_monte_carlo", interval_node(is->mc_lo, is->mc_hi));
            en_node_set_number(row, "scale_min", issue->scale_min);
            en_node_set_number(row, "scale_max", issue->scale_max);
            en_node *models = en_node_set(row, "models", en_node_new(EN_NODE_OBJECT));
            for (size_t m = 0; m < r->panel_count; m++) en_node_set_number(models, r->panel[m], is->models[m]);
            if (isnan(is->no_agreement)) en_node_set(row, "no_agreement", en_node_new(EN_NODE_NULL));
            else {
                en_node_set_number(row, "no_agreement", is->no_agreement);
                en_node_set(row, "no_agreement_label", label_node(issue, is->no_agreement));
            }
            en_node_set_number(row, "proposal", is->proposal);
        }
    }
    en_node *blockers = en_node_set(root, "blockers", en_node_new(EN_NODE_ARRAY));
    for (size_t b = 0; b < a->blocker_count; b++) {
        const fc_blocker *bl = &a->blockers[b];
        en_node *row = en_node_push(blockers, en_node_new(EN_NODE_OBJECT));
        en_node_set_string(row, "actor", bl->actor);
        en_node_set_number(row, "share", bl->share);
        en_node_set_number(row, "surplus", bl->surplus);
        if (bl->surplus < 0 && bl->wins) {
            en_node *change = en_node_set(row, "accepts_if", en_node_new(EN_NODE_OBJECT));
            for (size_t n = 0; n < a->issue_count; n++) {
                size_t k = order[n];
                if (fabs(bl->changed[k] - a->issues[k].forecast) >= 1e-9) en_node_set_number(change, a->issues[k].id, bl->changed[k]);
            }
            en_node_set(row, "then_rejected_by", id_list(bl->loses));
        } else en_node_set(row, "accepts_if", en_node_new(EN_NODE_NULL));
    }
    if (full) {
        en_node *rejections = en_node_set(root, "model_rejections", en_node_new(EN_NODE_OBJECT));
        for (size_t m = 0; m < r->panel_count; m++) en_node_set(rejections, r->panel[m], id_list(a->model_rejected_by[m]));
    }
    en_free(order);
    return root;
}

static en_node *result_node(const en_forecast_result *r)
{
    en_node *root = answer_node(r, &r->base, 1);
    en_node *drivers = en_node_set(root, "drivers", en_node_new(EN_NODE_ARRAY));
    for (size_t d = 0; d < r->driver_count; d++) {
        const fc_driver *dr = &r->drivers[d];
        en_node *row = en_node_push(drivers, en_node_new(EN_NODE_OBJECT));
        en_node_set_string(row, "input", dr->input);
        en_node_set_number(row, "value", dr->value);
        en_node_set_number(row, "moved_to", dr->moved);
        en_node_set_string(row, "issue", dr->issue);
        en_node_set_number(row, "from", dr->from);
        en_node_set_number(row, "to", dr->to);
        en_node_set_number(row, "effect", dr->effect);
        long k = en_scenario_find_issue(r->canonical, dr->issue);
        en_node_set(row, "label", label_node(&r->canonical->issues[k], dr->to));
    }
    if (r->screen_inputs) {
        en_node *screen = en_node_set(root, "drivers_screen", en_node_new(EN_NODE_OBJECT));
        en_node_set_number(screen, "inputs", (double)r->screen_inputs);
        en_node_set_number(screen, "evaluated", (double)r->screen_evaluated);
    }
    en_node *what_if = en_node_set(root, "what_if", en_node_new(EN_NODE_ARRAY));
    for (size_t w = 0; w < r->what_if_count; w++) {
        en_node *row = answer_node(r, &r->what_ifs[w].answer, 0);
        en_node *wrapped = en_node_push(what_if, en_node_new(EN_NODE_OBJECT));
        en_node_set_string(wrapped, "expr", r->what_ifs[w].text);
        for (size_t c = 0; c < row->count; c++) {
            en_node_set(wrapped, row->keys[c], row->items[c]);
            row->items[c] = NULL;
        }
        en_node_free(row);
    }
    if (r->war) {
        en_node *war = en_node_new(EN_NODE_OBJECT);
        en_node_set_string(war, "summary", r->war_summary ? r->war_summary : "");
        en_node *steps = en_node_get(r->war, "steps");
        en_node *deal_by = en_node_set(war, "p_deal_by", en_node_new(EN_NODE_ARRAY));
        en_node *open = en_node_set(war, "p_window_open", en_node_new(EN_NODE_ARRAY));
        for (size_t t = 0; steps && steps->type == EN_NODE_ARRAY && t < steps->count; t++) {
            en_node *date = en_node_get(steps->items[t], "date");
            en_node *p = en_node_get(steps->items[t], "p_deal_by"), *o = en_node_get(steps->items[t], "p_window_open");
            if (!date || date->type != EN_NODE_STRING) continue;
            if (p) {
                en_node *cell = en_node_push(deal_by, en_node_new(EN_NODE_OBJECT));
                en_node_set_string(cell, "date", date->string);
                en_node_set_number(cell, "p", p->number);
            }
            if (o) {
                en_node *cell = en_node_push(open, en_node_new(EN_NODE_OBJECT));
                en_node_set_string(cell, "date", date->string);
                en_node_set_number(cell, "p", o->number);
            }
        }
        en_node_set(root, "war", war);
    } else en_node_set(root, "war", en_node_new(EN_NODE_NULL));
    en_buffer summary = {0};
    plain_answer(r, &summary);
    en_node_set_string(root, "summary", summary.data ? summary.data : "");
    en_buffer_free(&summary);
    en_node *notes = en_node_set(root, "notes", en_node_new(EN_NODE_ARRAY));
    for (size_t n = 0; n < r->note_count; n++) en_node_push(notes, en_node_string(r->notes[n]));
    return root;
}

static void write_json(const en_forecast_result *r, en_buffer *out)
{
    en_buffer_puts(out, "{\"entente\": ");
    en_json_write_string(out, en_version());
    en_buffer_puts(out, ", \"analysis\": \"forecast\", \"scenario\": ");
    en_json_write_string(out, en_scenario_title(r->scenario));
    en_buffer_puts(out, ", \"model\": ");
    en_json_write_string(out, r->model);
    en_buffer_printf(out, ", \"seed\": %llu, \"settings\": {\"patron_weight\": ", (unsigned long long)r->options.seed);
    en_json_write_number(out, r->options.patron_weight);
    en_buffer_puts(out, ", \"audience_cost\": ");
    en_json_write_number(out, r->options.audience_cost);
    en_buffer_printf(out, ", \"mediation\": %s, \"mediator_present\": %s}", r->options.mediation ? "true" : "false",
                     r->has_mediator ? "true" : "false");
    en_node *root = result_node(r);
    en_json_write_members(out, root, 1);
    en_node_free(root);
    en_buffer_puts(out, "}\n");
}

static void csv_row(en_buffer *out, const char *which, const char *kind, const char *name, const char *issue, double value,
                    double low, double high, const char *label)
{
    en_csv_write_field(out, which);
    en_buffer_puts(out, ",");
    en_csv_write_field(out, kind);
    en_buffer_puts(out, ",");
    en_csv_write_field(out, name ? name : "");
    en_buffer_puts(out, ",");
    en_csv_write_field(out, issue ? issue : "");
    en_csv_write_number(out, value, 1);
    en_csv_write_number(out, low, 1);
    en_csv_write_number(out, high, 1);
    en_buffer_puts(out, ",");
    en_csv_write_field(out, label ? label : "");
    en_buffer_puts(out, "\n");
}

static void csv_answer(const en_forecast_result *r, const fc_answer *a, const char *which, en_buffer *out)
{
    csv_row(out, which, "p_agreement", NULL, NULL, a->p_agreement, NAN, NAN, NULL);
    csv_row(out, which, "p_forecast_accepted", NULL, NULL, a->p_forecast_accepted, NAN, NAN, NULL);
    size_t *order = file_order(a);
    for (size_t n = 0; n < a->issue_count; n++) {
        size_t k = order[n];
        const fc_issue *is = &a->issues[k];
        const en_label *label = en_nearest_label(issue_of(r, k), is->forecast);
        csv_row(out, which, "forecast", r->model, is->id, is->forecast, is->lo, is->hi, label ? label->text : NULL);
        for (size_t m = 0; m < r->panel_count; m++) {
            const en_label *ml = isnan(is->models[m]) ? NULL : en_nearest_label(issue_of(r, k), is->models[m]);
            csv_row(out, which, "model", r->panel[m], is->id, is->models[m], NAN, NAN, ml ? ml->text : NULL);
        }
    }
    for (size_t b = 0; b < a->blocker_count; b++) {
        const fc_blocker *bl = &a->blockers[b];
        csv_row(out, which, "blocker", bl->actor, NULL, bl->share, NAN, NAN, NULL);
        if (bl->surplus < 0 && bl->wins)
            for (size_t n = 0; n < a->issue_count; n++) {
                size_t k = order[n];
                if (fabs(bl->changed[k] - a->issues[k].forecast) < 1e-9) continue;
                const en_label *label = en_nearest_label(issue_of(r, k), bl->changed[k]);
                csv_row(out, which, "accepts_if", bl->actor, a->issues[k].id, bl->changed[k], NAN, NAN, label ? label->text : NULL);
            }
    }
    en_free(order);
}

static void write_csv(const en_forecast_result *r, en_buffer *out)
{
    en_buffer_puts(out, "case,kind,name,issue,value,low,high,label\n");
    csv_answer(r, &r->base, "base", out);
    for (size_t d = 0; d < r->driver_count; d++) {
        const fc_driver *dr = &r->drivers[d];
        long k = en_scenario_find_issue(r->canonical, dr->issue);
        const en_label *label = en_nearest_label(&r->canonical->issues[k], dr->to);
        csv_row(out, "base", "driver", dr->input, dr->issue, dr->effect, dr->from, dr->to, label ? label->text : NULL);
    }
    if (r->screen_inputs) {
        csv_row(out, "base", "drivers_screen", "inputs", NULL, (double)r->screen_inputs, NAN, NAN, NULL);
        csv_row(out, "base", "drivers_screen", "evaluated", NULL, (double)r->screen_evaluated, NAN, NAN, NULL);
    }
    for (size_t w = 0; w < r->what_if_count; w++) csv_answer(r, &r->what_ifs[w].answer, r->what_ifs[w].text, out);
}

en_status en_forecast_write_unguarded(const en_forecast_result *r, en_output_format format, FILE *file, en_error *err)
{
    en_buffer out = {0};
    if (format == EN_OUTPUT_JSON) write_json(r, &out);
    else if (format == EN_OUTPUT_CSV) write_csv(r, &out);
    else write_text(r, &out);
    return en_report_flush(&out, file, err);
}
