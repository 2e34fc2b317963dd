/*
 * smp_trace.c — the round-by-round record of a spatial model run (the `spaces` the smp model
 * attaches to its result) as one long CSV table: positions, winning probabilities, bargains
 * and queue winners per round, the "why did it move" of every actor. Layout in docs/cli.md
 * (`entente trace`).
 */
#include <string.h>

#include "core/error.h"
#include "core/result.h"
#include "report/report.h"

static void row(en_buffer *out, const char *space, double round, const char *record,
                const char *actor, const char *counterpart, const char *bargain,
                const char *issue, double value)
{
    en_csv_write_field(out, space);
    en_csv_write_number(out, round, 1);
    en_buffer_puts(out, ",");
    en_csv_write_field(out, record);
    en_buffer_puts(out, ",");
    en_csv_write_field(out, actor ? actor : "");
    en_buffer_puts(out, ",");
    en_csv_write_field(out, counterpart ? counterpart : "");
    en_buffer_puts(out, ",");
    en_csv_write_field(out, bargain ? bargain : "");
    en_buffer_puts(out, ",");
    en_csv_write_field(out, issue ? issue : "");
    en_csv_write_number(out, value, 1);
    en_buffer_puts(out, "\n");
}

static void write_positions(en_buffer *out, const char *space, double round, const char *record,
                            const char *actor, const char *counterpart, const char *bargain,
                            const en_node *position)
{
    for (size_t k = 0; position && k < position->count; k++)
        row(out, space, round, record, actor, counterpart, bargain, position->keys[k],
            position->items[k]->number);
}

en_status en_result_write_trace_csv_unguarded(const en_result *r, FILE *file, en_error *err)
{
    const en_node *spaces = r->extra ? en_node_get(r->extra, "spaces") : NULL;
    if (!spaces)
        return en_error_set(err, EN_ERROR_INPUT,
                            "model %s records no spatial trace (use --model smp, trace summary or full)",
                            en_model_name(r->model));
    const en_scenario *s = r->scenario;
    en_buffer out = {0};
    en_buffer_puts(&out, "space,round,record,actor,counterpart,bargain,issue,value\n");
    for (size_t sp = 0; sp < spaces->count; sp++) {
        const en_node *space = spaces->items[sp];
        const char *name = en_node_get(space, "space")->string;
        const en_node *issues = en_node_get(space, "issues");
        const en_node *rounds = en_node_get(space, "rounds");
        for (size_t t = 0; t < rounds->count; t++) {
            const en_node *rd = rounds->items[t];
            double round = (double)t;
            /* positions from the result's issues */
            for (size_t k = 0; k < issues->count; k++)
                for (size_t i = 0; i < r->issue_count; i++) {
                    const en_issue_result *ir = &r->issues[i];
                    if (strcmp(s->issues[ir->issue].id, issues->items[k]->string) != 0) continue;
                    for (size_t p = 0; t < ir->round_count && p < ir->participant_count; p++)
                        row(&out, name, round, "position", s->actors[ir->participants[p]].id, NULL,
                            NULL, issues->items[k]->string, ir->rounds[t].positions[p]);
                }
            const en_node *win = en_node_get(rd, "win_probability");
            for (size_t a = 0; win && a < win->count; a++)
                row(&out, name, round, "win_probability", win->keys[a], NULL, NULL, NULL,
                    win->items[a]->number);
            const en_node *ratio = en_node_get(rd, "change_ratio");
            if (ratio) row(&out, name, round, "change_ratio", NULL, NULL, NULL, NULL, ratio->number);
            const en_node *bargains = en_node_get(rd, "bargains");
            for (size_t b = 0; bargains && b < bargains->count; b++) {
                const en_node *bg = bargains->items[b];
                char id[32];
                snprintf(id, sizeof id, "%.0f", en_node_get(bg, "id")->number);
                const char *init = en_node_get(bg, "initiator")->string;
                const char *rcvr = en_node_get(bg, "receiver")->string;
                row(&out, name, round, "bargain_win_probability", init, rcvr, id, NULL,
                    en_node_get(bg, "initiator_win_probability")->number);
                row(&out, name, round, "bargain_gain", init, rcvr, id, NULL,
                    en_node_get(bg, "initiator_gain")->number);
                write_positions(&out, name, round, "bargain_initiator_position", init, rcvr, id,
                                en_node_get(bg, "initiator_position"));
                write_positions(&out, name, round, "bargain_receiver_position", rcvr, init, id,
                                en_node_get(bg, "receiver_position"));
            }
            const en_node *winners = en_node_get(rd, "queue_winners");
            for (size_t a = 0; winners && a < winners->count; a++) {
                const en_node *wn = winners->items[a];
                const en_node *b = en_node_get(wn, "bargain");
                char id[32];
                if (b->type == EN_NODE_STRING) snprintf(id, sizeof id, "%s", b->string);
                else snprintf(id, sizeof id, "%.0f", b->number);
                row(&out, name, round, "queue_winner", winners->keys[a], NULL, id, NULL,
                    en_node_get(wn, "probability")->number);
            }
        }
    }
    return en_report_flush(&out, file, err);
}
