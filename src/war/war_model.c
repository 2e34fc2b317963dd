/*
 * war_model.c — model `war`: the war-bargaining layer (docs/models/war.md) behind the common
 * model interface, so `entente run FILE --model war` works like any model. It runs the Monte
 * Carlo of war_sim.c on the scenario's `war:` section and reports, per issue, the median
 * term of the signed deals (stop reason "deal"), or the status quo (the compromise when none)
 * when no run signs a deal (stop reason "no_deal"). The full war summary (steps, deals, near
 * misses, who blocks) goes into the result's extra fields, so JSON output carries it.
 * The models layer lies below this module, so the registry cannot name the model: it keeps the
 * model's place and en_war_register fills it (at load time through a constructor, and from
 * en_war_options_init, so any program that links the module has the model).
 * Time complexity: that of en_war_simulate (runs × steps × one window LP).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "war/war.h"
#include "core/util.h"
#include "models/model.h"

static en_status war_run(const en_scenario *s, const en_param_values *params, en_result *result,
                         en_error *err)
{
    en_war_options o;
    en_war_options_init(&o);
    o.runs = en_param_integer(params, "runs");
    o.seed = (unsigned long)en_param_integer(params, "seed");
    o.threads = (int)en_param_integer(params, "threads");
    const char *settle = en_param_choice(params, "settle_with");
    o.settle_with = strcmp(settle, "nash") == 0 ? NULL : settle;
    en_war_summary *summary = NULL;
    en_status st = en_war_simulate(s, &o, &summary, err);
    if (st != EN_OK) return st;
    double *x = en_xmalloc((s->actor_count ? s->actor_count : 1) * sizeof *x);
    for (size_t issue = 0; issue < s->issue_count; issue++) {
        size_t index = en_result_add_issue(result, issue);
        en_issue_result *ir = &result->issues[index];
        for (size_t p = 0; p < ir->participant_count; p++)
            x[p] = s->actors[ir->participants[p]].stances[issue].position.value;
        en_round *round0 = en_result_add_round(result, index, x);
        double term = en_war_summary_median_term(summary, issue);
        if (isfinite(term)) {
            en_result_finish_issue(result, index, term, "deal");
        } else {
            const en_issue *is = &s->issues[issue];
            en_result_finish_issue(result, index, is->has_status_quo ? is->status_quo.value : round0->mean,
                                   "no_deal");
        }
    }
    en_free(x);
    en_node_set(en_result_extra(result), "war", en_war_summary_node(summary));
    en_buffer text = {0};
    en_war_summary_text(summary, &text);
    /* the story: the plain-language summary line of the text report */
    const char *line = text.data ? strstr(text.data, "Summary: ") : NULL;
    if (line) {
        const char *end = strchr(line, '\n');
        en_result_say(result, 0, -1, "%.*s", (int)(end ? end - line : (long)strlen(line)), line);
    }
    en_result_say(result, 0, -1, "P(deal signed by the end) = %.2f over %ld runs",
                  en_war_summary_p_deal(summary), o.runs);
    en_buffer_free(&text);
    en_war_summary_free(summary);
    return EN_OK;
}

static const en_param_def war_params[] = {
    {"runs", EN_PARAM_INTEGER, "200", "Monte Carlo runs", 1, 10000000, NULL},
    {"threads", EN_PARAM_INTEGER, "1", "worker threads (the output does not depend on them)", 1, 256, NULL},
    {"settle_with", EN_PARAM_CHOICE, "nash",
     "how the package inside the window is chosen: Nash bargaining or a stakeholder model",
     0, 0, "nash|compromise|median|eum|exchange"},
};

static int war_applies(const en_scenario *s)
{
    return s->war != NULL;
}

static const en_model en_model_war = {
    "war",
    "war-bargaining layer WB-1: settlement window, deal timing and terms (needs a war: section)",
    war_params, sizeof war_params / sizeof war_params[0], war_run, war_applies,
    NULL, /* seed_free: not claimed */
};

void en_war_register(void)
{
    (void)en_model_provide(&en_model_war);
}

/* The shared library, and every program whose link pulls this module in, registers the model
 * before main. */
__attribute__((constructor)) static void war_register_at_load(void)
{
    en_war_register();
}
