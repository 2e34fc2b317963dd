/*
 * test_mc_zero_weight.c — a Monte Carlo draw in which every weight on an issue is zero gives
 * no forecast on that issue (counted, with the reason), never the number a model makes of 0/0
 * (the compromise's midpoint, the exchange model's 0). Hand-built case: on `fragile` only A's
 * salience can be non-zero, drawn from a normal of sd 10^6 on [0, 1], which is clamped after
 * its redraws fail: to 0 or to 1, each with probability 1/2. So the zero-weight draws are
 * Binomial(n, 1/2), and every other draw weighs A alone: the forecast is A's position, 20.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/montecarlo.h"
#include "support/scenario_fixture.h"

static const char zero_yaml[] =
    "entente: 1\n"
    "title: zero weight in some draws\n"
    "issues:\n"
    "  - {id: fragile, scale: [0, 100]}\n"
    "  - {id: solid, scale: [0, 100]}\n"
    "actors:\n"
    "  - id: A\n"
    "    capability: 1\n"
    "    positions:\n"
    "      fragile: {position: 20, salience: {value: 0.5, sd: 1000000}}\n"
    "      solid: {position: 20, salience: 0.5}\n"
    "  - id: B\n"
    "    capability: 1\n"
    "    positions:\n"
    "      fragile: {position: 80, salience: 0}\n"
    "      solid: {position: 80, salience: 0.5}\n";

#define DRAWS 2000

static en_mc_result *run(const en_scenario *s, const char *model, unsigned threads)
{
    en_mc_options o;
    en_mc_options_init(&o);
    o.draws = DRAWS;
    o.seed = 7;
    o.threads = threads;
    en_params *params = en_params_new();
    en_mc_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_mc_run(en_model_find(model), s, params, &o, &r, &err), EN_OK);
    en_params_free(params);
    return r;
}

static void zero_weight_draws_have_no_forecast(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(zero_yaml);
    static const char *const models[] = {"compromise", "exchange", "nash", "median"};
    for (size_t m = 0; m < 4; m++) {
        en_mc_result *r = run(s, models[m], 2);
        const en_mc_issue_stats *fragile = &r->issues[0], *solid = &r->issues[1];
        /* Every draw is accounted for: a forecast or a zero-weight draw. */
        assert_int_equal(r->draws_failed, 0);
        assert_int_equal(fragile->count + fragile->zero_weight, DRAWS);
        /* Binomial(2000, 1/2): mean 1000, sd 22.4; 900..1100 is 4.5 sd. */
        assert_true(fragile->zero_weight >= 900 && fragile->zero_weight <= 1100);
        /* The draws kept weigh A alone: the forecast is A's position, in every draw (before,
         * the zero-weight draws gave 50 for compromise and nash, 0 for exchange). */
        assert_true(fabs(fragile->min - 20) < 1e-9 && fabs(fragile->max - 20) < 1e-9);
        assert_int_equal(solid->zero_weight, 0);
        assert_int_equal(solid->count, DRAWS);
        /* The count is in the JSON and the text output, with the reason. */
        char *text = NULL;
        size_t length = 0;
        FILE *out = open_memstream(&text, &length);
        en_error err = EN_ERROR_INIT;
        assert_int_equal(en_mc_result_write(r, EN_OUTPUT_JSON, out, &err), EN_OK);
        assert_int_equal(en_mc_result_write(r, EN_OUTPUT_TEXT, out, &err), EN_OK);
        fclose(out);
        char expected[160];
        snprintf(expected, sizeof expected, "\"draws\": %zu, \"no_forecast\": {\"zero_weight\": %zu}",
                 fragile->count, fragile->zero_weight);
        assert_non_null(strstr(text, expected));
        snprintf(expected, sizeof expected, "issue 'fragile': no forecast in %zu of %d draws",
                 fragile->zero_weight, DRAWS);
        assert_non_null(strstr(text, expected));
        assert_null(strstr(text, "issue 'solid': no forecast"));
        free(text);
        en_mc_result_free(r);
    }
    en_scenario_free(s);
}

static void zero_weight_count_independent_of_threads(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(zero_yaml);
    en_mc_result *one = run(s, "compromise", 1), *three = run(s, "compromise", 3);
    assert_int_equal(one->issues[0].zero_weight, three->issues[0].zero_weight);
    assert_int_equal(one->issues[0].count, three->issues[0].count);
    en_mc_result_free(one);
    en_mc_result_free(three);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zero_weight_draws_have_no_forecast),
        cmocka_unit_test(zero_weight_count_independent_of_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
