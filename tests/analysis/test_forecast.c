/*
 * test_forecast.c — `entente forecast` (src/analysis/forecast*.c, acceptance.c, whatif.c) against
 * cases worked out by hand: two veto players (surpluses, the maximin package found by hand from
 * the piecewise-linear surpluses, the smallest change that wins the blocker over), an empty
 * win-set, the patron and audience-cost transformation, the mediator's proposal; independence
 * from the order of actors and issues and from the thread count (bit for bit); the progress
 * callback (draws done, the same answer with it); the --what-if language's errors, located
 * by column; and the drivers' screen (its leverage by hand, and the screened drivers against the
 * exhaustive ones).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/forecast_internal.h"
#include "core/scenario.h"
#include "core/util.h"
#include "support/scenario_fixture.h"

/* P and Q veto both issues (status quo 50 on each); R has no veto. Surpluses, ×100:
 *   S_P(a, b) = 0.8 (30 − |a − 20|) + 0.2 (10 − |b − 60|)
 *   S_Q(a, b) = 0.3 (10 − |a − 40|) + 0.6 (40 − |b − 10|)                                     */
static const char two_vetoes[] =
    "entente: 1\n"
    "title: two veto players\n"
    "issues:\n"
    "  - {id: a, scale: [0, 100], status_quo: 50}\n"
    "  - {id: b, scale: [0, 100], status_quo: 50}\n"
    "actors:\n"
    "  - {id: P, capability: 1, veto: true, positions: {a: {position: 20, salience: 0.8}, b: {position: 60, salience: 0.2}}}\n"
    "  - {id: Q, capability: 1, veto: true, positions: {a: {position: 40, salience: 0.3}, b: {position: 10, salience: 0.6}}}\n"
    "  - {id: R, capability: 1, positions: {a: {position: 90, salience: 0.5}}}\n";

static void assert_near(double got, double expected, double tolerance)
{
    if (!(fabs(got - expected) <= tolerance)) fail_msg("got %.15g, expected %.15g", got, expected);
}

static void test_two_veto_players_surplus(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(two_vetoes);
    fc_frame f;
    fc_frame_init(&f, s, NULL, 0);
    assert_int_equal(f.player_count, 2);
    double accepted[2] = {30, 40}, rejected[2] = {30, 70};
    assert_near(fc_surplus(&f, 0, accepted), 0.14, 1e-15);  /* 0.8·20 + 0.2·(10 − 20) = 14 */
    assert_near(fc_surplus(&f, 1, accepted), 0.06, 1e-15);  /* 0.3·0 + 0.6·(40 − 30) = 6 */
    assert_near(fc_surplus(&f, 0, rejected), 0.16, 1e-15);
    assert_near(fc_surplus(&f, 1, rejected), -0.12, 1e-15); /* 0.6·(40 − 60) = −12 */
    /* Q is won over most cheaply on b (slope 0.6 against 0.3 on a): b from 70 to 50. */
    double changed[2];
    assert_int_equal(fc_smallest_change(&f, 1, rejected, changed), 1);
    assert_near(changed[0], 30, 0);
    assert_near(changed[1], 50, 1e-6);
    assert_true(fc_surplus(&f, 1, changed) > 0);
    /* Maximin by hand: on [20, 40] × [10, 60] S_P = 30 − 0.8a + 0.2b, S_Q = 21 + 0.3a − 0.6b;
     * a = 20 (P's ideal), and b where they meet: 16 + 0.2t = 21 − 0.6t, t = 6.25. */
    fc_lp *lp = fc_lp_new();
    double package[2];
    double best = fc_maximin(&f, lp, package);
    assert_near(best, 0.1725, 1e-12);
    assert_near(package[0], 20, 1e-9);
    assert_near(package[1], 16.25, 1e-9);
    /* A naive grid never beats it. */
    double grid = -INFINITY;
    for (int i = 0; i <= 400; i++)
        for (int j = 0; j <= 400; j++) {
            double y[2] = {i * 0.25, j * 0.25};
            double m = fmin(fc_surplus(&f, 0, y), fc_surplus(&f, 1, y));
            if (m > grid) grid = m;
        }
    assert_true(grid <= best + 1e-12);
    assert_near(grid, best, 1e-12); /* (20, 16.25) is on the grid */
    fc_lp_free(lp);
    fc_frame_free(&f);
    en_scenario_free(s);
}

static en_forecast_result *forecast(const en_scenario *s, size_t draws, unsigned threads, const char *const *what_ifs,
                                    size_t count)
{
    en_forecast_options o;
    en_forecast_options_init(&o);
    o.draws = draws;
    o.threads = threads;
    o.war_runs = 50;
    o.model = "compromise"; /* the hand computations are the compromise's */
    o.mediation = 1;        /* ... and let a mediator, where there is one, propose */
    en_forecast_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    en_status st = en_forecast_run(s, NULL, &o, what_ifs, count, &r, &err);
    if (st != EN_OK) en_error_print(&err, stderr);
    assert_int_equal(st, EN_OK);
    en_error_clear(&err);
    return r;
}

static const fc_blocker *blocker(const fc_answer *a, const char *actor)
{
    for (size_t b = 0; b < a->blocker_count; b++)
        if (strcmp(a->blockers[b].actor, actor) == 0) return &a->blockers[b];
    return NULL;
}

/* The compromise forecast is a = (0.8·20 + 0.3·40 + 0.5·90)/1.6 = 45.625, b = (0.2·60 + 0.6·10)/0.8
 * = 22.5: S_P = 0.8·(30 − 25.625) + 0.2·(10 − 37.5) = −2 (rejects), S_Q = 17.8125 (accepts). */
static void test_two_veto_players_forecast(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml(two_vetoes);
    en_forecast_result *r = forecast(s, 64, 1, NULL, 0);
    const fc_answer *a = &r->base;
    assert_near(a->issues[0].forecast, 45.625, 1e-12);
    assert_near(a->issues[1].forecast, 22.5, 1e-12);
    assert_near(a->p_forecast_accepted, 0, 0);
    assert_near(a->p_winset, 1, 0);
    assert_near(a->p_agreement, 0, 0); /* no mediator proposes the package they would take */
    assert_int_equal(a->blocker_count, 1);
    const fc_blocker *p = blocker(a, "P");
    assert_non_null(p);
    assert_near(p->share, 1, 0);
    assert_near(p->surplus, -0.02, 1e-15);
    /* P gains 0.8 per unit on a (toward 20) against 0.2 on b: a moves 2/0.8 = 2.5 down. */
    assert_near(p->changed[0], 43.125, 1e-6);
    assert_near(p->changed[1], 22.5, 0);
    assert_string_equal(p->loses, "");
    en_forecast_result_free(r);
    en_scenario_free(s);
}

/* With a mediator a package is proposed. Two candidates: the forecast moved along the segment
 * toward the maximin package (20, 16.25) until P accepts, and P's smallest change (a: 45.625 →
 * about 43.5, which Q still accepts); the nearer is proposed. Segment: S_P(t) ×100 is linear in
 * t (a >= 20, b <= 60 all along): s0 at t = 0, s1 = 0.8·30 + 0.2·(10 − 43.75) = 17.25 at t = 1. */
static void test_mediator_proposal(void **state)
{
    (void)state;
    char *yaml = en_xprintf("%s  - {id: M, role: mediator, capability: 0.5, positions: {b: {position: 50, salience: 0.1}}}\n",
                            two_vetoes);
    en_scenario *s = fixture_yaml(yaml);
    en_forecast_result *r = forecast(s, 64, 1, NULL, 0);
    const fc_answer *a = &r->base;
    assert_near(a->p_agreement, 1, 0);
    double fa = a->issues[0].forecast, fb = a->issues[1].forecast;
    assert_near(fa, (0.8 * 20 + 0.3 * 40 + 0.5 * 90) / 1.6, 1e-12); /* the mediator is not on a */
    /* M's weight 0.05 at 50 on b: fb = (12 + 6 + 2.5)/0.85; P's surplus there (×100): */
    assert_near(fb, 20.5 / 0.85, 1e-12);
    double s0 = 0.8 * (30 - (fa - 20)) + 0.2 * (10 - (60 - fb));
    assert_near(a->issues[0].proposal, fa + s0 / 0.8, 1e-6); /* P's smallest change, on a */
    assert_near(a->issues[1].proposal, fb, 0);
    /* The segment candidate, by hand: nearer the maximin package, but further from the forecast. */
    fc_frame f;
    fc_frame_init(&f, s, NULL, 0);
    double from[2] = {fa, fb}, inside[2] = {20, 16.25}, out[2];
    fc_pull_into_winset(&f, from, inside, out);
    double t = -s0 / (17.25 - s0);
    assert_true(t * ((fa - 20) + (fb - 16.25)) > -s0 / 0.8);
    assert_near(out[0], fa + t * (20 - fa), 1e-9);
    assert_near(out[1], fb + t * (16.25 - fb), 1e-9);
    fc_frame_free(&f);
    en_forecast_result_free(r);
    en_scenario_free(s);
    en_free(yaml);
}

/* One issue, P at 20 and Q at 80 with vetoes, status quo 50: every move hurts one of them, so no
 * package is strictly better for both — the win-set is empty, and the answer says so. */
static void test_empty_winset(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml("entente: 1\ntitle: deadlock\nissues:\n  - {id: a, scale: [0, 100], status_quo: 50}\n"
                                  "actors:\n"
                                  "  - {id: P, capability: 1, veto: true, positions: {a: {position: 20, salience: 1}}}\n"
                                  "  - {id: Q, capability: 1, veto: true, positions: {a: {position: 80, salience: 1}}}\n"
                                  "  - {id: M, role: mediator, capability: 1, positions: {a: {position: 60, salience: 1}}}\n");
    en_forecast_result *r = forecast(s, 64, 1, NULL, 0);
    const fc_answer *a = &r->base;
    assert_near(a->issues[0].forecast, 160.0 / 3, 1e-12);
    assert_true(a->winset_empty_point);
    assert_near(a->p_winset, 0, 0);
    assert_near(a->p_agreement, 0, 0);
    assert_near(a->issues[0].no_agreement, 50, 0);
    /* P would take the package back at 50 − ε: just below the status quo. */
    const fc_blocker *p = blocker(a, "P");
    assert_non_null(p);
    assert_true(p->wins);
    assert_true(p->changed[0] < 50 && p->changed[0] > 49.999);
    assert_string_equal(p->loses, "Q");
    en_buffer text = {0};
    FILE *out = tmpfile();
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_forecast_write(r, EN_OUTPUT_TEXT, out, &err), EN_OK);
    rewind(out);
    char line[4096];
    int said = 0;
    while (fgets(line, sizeof line, out)) said |= strstr(line, "no package is acceptable to every veto player") != NULL;
    fclose(out);
    assert_true(said);
    en_buffer_free(&text);
    en_forecast_result_free(r);
    en_scenario_free(s);
}

/* Patron: C (capability 10, salience 0.5, at 20, public 0), its patron P (30, 0.5, at 80).
 * ω = λ·15/(5 + 15) = 0.375 with λ = 0.5: x' = 0.625·20 + 0.375·80 = 42.5; public, α = 0.5:
 * x̃ = (42.5 + 0.5·0)/1.5 = 28.33… The patron's own position is unchanged. */
static void test_patron_and_audience(void **state)
{
    (void)state;
    en_scenario *s = fixture_yaml("entente: 1\ntitle: patron\nissues:\n  - {id: a, scale: [0, 100], status_quo: 10}\n"
                                  "actors:\n"
                                  "  - {id: C, capability: 10, veto: true, positions: {a: {position: 20, public: 0, salience: 0.5}}}\n"
                                  "  - {id: P, capability: 30, role: patron, patron_of: C, positions: {a: {position: 80, salience: 0.5}}}\n");
    en_scenario *eff = en_scenario_clone(s);
    double preference[2] = {0, 0};
    fc_effective(s, 0.5, 0.5, eff, preference);
    assert_near(preference[0], 42.5, 1e-12);
    assert_near(eff->actors[0].stances[0].position.value, 42.5 / 1.5, 1e-12);
    assert_near(eff->actors[1].stances[0].position.value, 80, 0);
    fc_effective(s, 0, 0, eff, preference);
    assert_near(eff->actors[0].stances[0].position.value, 20, 0);
    /* Audience cost in acceptance: C at x' = 42.5, public 0, status quo 10 (free band 10):
     * S(y) = 0.5(32.5 − |y − 42.5|) − 0.5·0.5·max(0, y − 10). At y = 40: 15 − 7.5 = 7.5 (×1/100);
     * at y = 60: 7.5 − 12.5 < 0. */
    fc_effective(s, 0.5, 0.5, eff, preference);
    fc_frame f;
    fc_frame_init(&f, s, preference, 0.5);
    double y40 = 40, y60 = 60;
    assert_near(fc_surplus(&f, 0, &y40), 0.075, 1e-15);
    assert_near(fc_surplus(&f, 0, &y60), -0.05, 1e-15);
    fc_frame_free(&f);
    en_scenario_free(eff);
    en_scenario_free(s);
}

/* The same scenario with issues and actors in the reverse order (patron_of renumbered). */
static en_scenario *reversed(const en_scenario *s)
{
    en_scenario *c = en_scenario_clone(s);
    size_t ni = c->issue_count, na = c->actor_count;
    for (size_t k = 0; k < ni / 2; k++) {
        en_issue t = c->issues[k];
        c->issues[k] = c->issues[ni - 1 - k];
        c->issues[ni - 1 - k] = t;
    }
    for (size_t a = 0; a < na; a++) {
        en_actor *actor = &c->actors[a];
        for (size_t k = 0; k < ni / 2; k++) {
            en_stance t = actor->stances[k];
            actor->stances[k] = actor->stances[ni - 1 - k];
            actor->stances[ni - 1 - k] = t;
            unsigned char v = actor->veto[k];
            actor->veto[k] = actor->veto[ni - 1 - k];
            actor->veto[ni - 1 - k] = v;
        }
        if (actor->patron_of >= 0) actor->patron_of = (long)na - 1 - actor->patron_of;
    }
    for (size_t a = 0; a < na / 2; a++) {
        en_actor t = c->actors[a];
        c->actors[a] = c->actors[na - 1 - a];
        c->actors[na - 1 - a] = t;
    }
    return c;
}

static void assert_same_bits(double x, double y)
{
    if (memcmp(&x, &y, sizeof x) != 0 && !(isnan(x) && isnan(y))) fail_msg("%.17g != %.17g", x, y);
}

static void assert_same_answer(const en_forecast_result *r1, const en_forecast_result *r2)
{
    const fc_answer *a = &r1->base, *b = &r2->base;
    assert_same_bits(a->p_agreement, b->p_agreement);
    assert_same_bits(a->p_forecast_accepted, b->p_forecast_accepted);
    assert_same_bits(a->p_winset, b->p_winset);
    assert_int_equal(a->issue_count, b->issue_count);
    for (size_t k = 0; k < a->issue_count; k++) {
        assert_string_equal(a->issues[k].id, b->issues[k].id);
        assert_same_bits(a->issues[k].forecast, b->issues[k].forecast);
        assert_same_bits(a->issues[k].lo, b->issues[k].lo);
        assert_same_bits(a->issues[k].hi, b->issues[k].hi);
        assert_same_bits(a->issues[k].mc_lo, b->issues[k].mc_lo);
        assert_same_bits(a->issues[k].proposal, b->issues[k].proposal);
        for (size_t m = 0; m < r1->panel_count; m++) assert_same_bits(a->issues[k].models[m], b->issues[k].models[m]);
    }
    assert_int_equal(a->blocker_count, b->blocker_count);
    for (size_t n = 0; n < a->blocker_count; n++) {
        assert_string_equal(a->blockers[n].actor, b->blockers[n].actor);
        assert_same_bits(a->blockers[n].share, b->blockers[n].share);
        for (size_t k = 0; k < a->issue_count; k++) assert_same_bits(a->blockers[n].changed[k], b->blockers[n].changed[k]);
        assert_string_equal(a->blockers[n].loses, b->blockers[n].loses);
    }
    assert_int_equal(r1->driver_count, r2->driver_count);
    for (size_t d = 0; d < r1->driver_count; d++) {
        assert_string_equal(r1->drivers[d].input, r2->drivers[d].input);
        assert_same_bits(r1->drivers[d].effect, r2->drivers[d].effect);
    }
}

static void test_order_and_threads(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(fixture_path("scenarios/ukraine-2023.yaml"), NULL, &s, &err), EN_OK);
    en_scenario *back = reversed(s);
    assert_string_not_equal(back->actors[0].id, s->actors[0].id);
    const char *what_if[] = {"UKR.talks.public=50"};
    en_forecast_result *r1 = forecast(s, 700, 1, what_if, 1);
    en_forecast_result *r2 = forecast(back, 700, 3, what_if, 1);
    assert_same_answer(r1, r2);
    /* The written text lists issues in each file's order; actors only reversed gives the same bytes. */
    en_forecast_result_free(r1);
    en_forecast_result_free(r2);
    en_scenario_free(back);
    en_scenario_free(s);
}

/* The progress callback: never more than the draws asked for, never backwards, and a last call
 * with every draw done ((1 + what-ifs) × draws); the answer is the same bits as without it. */
typedef struct progress_seen {
    size_t calls, done, total, backwards;
} progress_seen;

static void note_progress(size_t done, size_t total, void *data)
{
    progress_seen *p = data;
    if (done < p->done || done > total) p->backwards++;
    p->calls++, p->done = done, p->total = total;
}

static void test_progress(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(fixture_path("scenarios/ukraine-2023.yaml"), NULL, &s, &err), EN_OK);
    const char *what_if[] = {"UKR.talks.public=50"};
    en_forecast_options o;
    en_forecast_options_init(&o);
    o.draws = 300, o.threads = 2, o.war_runs = 50, o.model = "compromise", o.mediation = 1;
    progress_seen seen = {0};
    o.progress = note_progress, o.progress_data = &seen;
    en_forecast_result *r = NULL;
    assert_int_equal(en_forecast_run(s, NULL, &o, what_if, 1, &r, &err), EN_OK);
    assert_true(seen.calls >= 1);
    assert_int_equal(seen.backwards, 0);
    assert_int_equal(seen.total, 600);
    assert_int_equal(seen.done, 600);
    en_forecast_result *plain = forecast(s, 300, 2, what_if, 1);
    assert_same_answer(r, plain);
    en_forecast_result_free(r);
    en_forecast_result_free(plain);
    en_scenario_free(s);
}

/* Ukraine signalling openness on talks moves its bargaining position up, so the talks forecast
 * rises; without vetoes nobody can block, so the forecast package is always accepted. */
static void test_what_if_directions(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(fixture_path("scenarios/ukraine-2023.yaml"), NULL, &s, &err), EN_OK);
    const char *what_if[] = {"UKR.talks.public=50",
                             "UKR.veto=none; RUS.veto=none; USA.veto=none; USC.veto=none; EUR.veto=none; NATO.veto=none"};
    en_forecast_result *r = forecast(s, 300, 2, what_if, 2);
    long talks = en_scenario_find_issue(r->canonical, "talks");
    assert_true(r->what_ifs[0].answer.issues[talks].forecast > r->base.issues[talks].forecast);
    const fc_blocker *before = blocker(&r->base, "UKR"), *after = blocker(&r->what_ifs[0].answer, "UKR");
    assert_non_null(before);
    if (after) assert_true(after->surplus > before->surplus);
    assert_near(r->what_ifs[1].answer.p_forecast_accepted, 1, 0);
    assert_int_equal(r->what_ifs[1].answer.blocker_count, 0);
    en_forecast_result_free(r);
    en_scenario_free(s);
}

typedef struct bad_case {
    const char *text;
    int column;
    const char *needle;
} bad_case;

static void test_what_if_errors(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(fixture_path("scenarios/ukraine-2023.yaml"), NULL, &s, &err), EN_OK);
    static const bad_case cases[] = {
        {"", 1, "empty what-if"},
        {"UKR.talks.public", 17, "expected '=', '+=' or '-='"},
        {"UKR.talks.publik=50", 11, "did you mean 'public'"},
        {"UKR.talks.public=abc", 18, "'abc' is not a number"},
        {"UKR.talks.public=", 18, "expected a number"},
        {"UKR=5", 1, "names no field"},
        {"UKR.talks.public.x=1", 18, "too many parts"},
        {"drop USX", 6, "did you mean 'USA'"},
        {"USA.veto-=guarantes", 11, "did you mean 'guarantees'"},
        {"USA.veto=maybe", 10, "'all' or 'none'"},
        {"UKR.talks.salience=2", 20, "out of range (expected a number in [0, 1])"},
        {"UKR.talks.public=50; RUS.capability-=500", 38, "out of range"},
        {"NATO.territory.position=5", 1, "takes no part in issue 'territory'"},
        {"UKR.talks.public=50 USA", 18, "'50 USA' is not a number"},
        {"drop USA RUS", 10, "unexpected text after 'drop USA'"},
        {"'UKR.talks.public=5", 1, "unterminated quote"},
        {"territory.capability=3", 1, "unknown actor 'territory'"},
        /* every weight zero: no model can read it, so it is the what-if's error */
        {"UKR.capability=0; RUS.capability=0; USA.capability=0; USC.capability=0; EUR.capability=0; "
         "NATO.capability=0; TUR.capability=0", 1, "after this change the scenario is not valid"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        en_forecast_options o;
        en_forecast_options_init(&o);
        o.draws = 10;
        en_forecast_result *r = NULL;
        const char *one[] = {cases[c].text};
        en_error e = EN_ERROR_INIT;
        en_status st = en_forecast_run(s, NULL, &o, one, 1, &r, &e);
        if (st != EN_ERROR_INPUT || !fixture_error_has(&e, 1, cases[c].column, cases[c].needle)) {
            en_error_print(&e, stderr);
            fail_msg("case '%s': expected column %d with '%s'", cases[c].text, cases[c].column, cases[c].needle);
        }
        assert_null(r);
        assert_string_equal(e.file, "--what-if");
        en_error_clear(&e);
    }
    /* Good ones parse and apply. */
    static const char *const good[] = {"UKR.talks.public=50", "drop USA", "USA.veto-=guarantees",
                                       " RUS.nato.salience -= 0.2 ; talks.status_quo=30;", "EUR.capability+=5",
                                       "\"UKR\".'talks'.position=10", "NATO.veto+=guarantees", "TUR.territory.power=3"};
    for (size_t g = 0; g < sizeof good / sizeof good[0]; g++) {
        fc_whatif *w = NULL;
        en_error e = EN_ERROR_INIT;
        assert_int_equal(fc_whatif_parse(good[g], "--what-if", &w, &e), EN_OK);
        en_scenario *c = en_scenario_clone(s);
        assert_int_equal(fc_whatif_apply(w, "--what-if", c, &e), EN_OK);
        en_scenario_free(c);
        fc_whatif_free(w);
    }
    /* The values land where they should. */
    fc_whatif *w = NULL;
    assert_int_equal(fc_whatif_parse("RUS.nato.salience-=0.2; drop USA; USA2.x.public=1", "--what-if", &w, &err), EN_OK);
    assert_int_equal(w->change_count, 3);
    fc_whatif_free(w);
    assert_int_equal(fc_whatif_parse("RUS.nato.salience-=0.2; drop USA", "--what-if", &w, &err), EN_OK);
    en_scenario *c = en_scenario_clone(s);
    assert_int_equal(fc_whatif_apply(w, "--what-if", c, &err), EN_OK);
    long rus = en_scenario_find_actor(c, "RUS"), nato = en_scenario_find_issue(c, "nato");
    assert_near(c->actors[rus].stances[nato].salience.value, 0.75, 1e-15);
    assert_int_equal(en_scenario_find_actor(c, "USA"), -1);
    assert_int_equal(c->actor_count, s->actor_count - 1);
    for (size_t a = 0; a < c->actor_count; a++)
        if (c->actors[a].patron_of >= 0) assert_string_equal(c->actors[c->actors[a].patron_of].id, "UKR");
    en_scenario_free(c);
    fc_whatif_free(w);
    en_scenario_free(s);
}

/* The screen's first-order leverage, by hand (docs/models/forecast.md §4). Issue a, scale
 * [0, 100], status quo 50, α = 1, δ = 0.1; weights w = c·s: P 2·0.5 = 1, Q 1·1 = 1, R 1·0.5 = 0.5,
 * Σw = 2.5. R's effective position (50 + 90)/2 = 70, so F = (20 + 80 + 0.5·70)/2.5 = 54 and the
 * leverages (share of the scale, Σw × 100 = 250 below) are
 *   P.capability  0.2·0.5·|20 − 54|/250 = 0.0136    P.a.position 10·1/250 = 0.04
 *   P.a.salience  0.1·2·34/250 = 0.0272             Q.capability 0.1·1·26/250 = 0.0104
 *   Q.a.position  10·1/250 = 0.04                   Q.a.salience 0.1 (1 → 0.9)·1·26/250 = 0.0104
 *   R.capability  0.1·0.5·16/250 = 0.0032           R.a.position 10·0.5·(1/2)/250 = 0.01
 *   R.a.salience  0.1·1·16/250 = 0.0064             R.a.public   10·0.5·(1/2)/250 = 0.01
 * and the status quo +inf. Ties go to the earlier input. */
static void test_driver_leverage(void **state)
{
    (void)state;
    en_scenario *raw = fixture_yaml("entente: 1\ntitle: leverage\nissues:\n  - {id: a, scale: [0, 100], status_quo: 50}\n"
                                    "actors:\n"
                                    "  - {id: R, capability: 1, positions: {a: {position: 50, public: 90, salience: 0.5}}}\n"
                                    "  - {id: Q, capability: 1, positions: {a: {position: 80, salience: 1}}}\n"
                                    "  - {id: P, capability: 2, positions: {a: {position: 20, salience: 0.5}}}\n");
    en_scenario *s = fc_canonical_copy(raw, NULL);
    driver_input *in = NULL;
    size_t n = fc_driver_inputs(s, 0.1, &in);
    assert_int_equal(n, 11);
    double lev[11];
    fc_driver_leverage(s, 0.5, 1, in, n, lev);
    /* canonical order: the status quo, then P, Q, R (capability, position, salience[, public]) */
    const double expected[11] = {INFINITY, 0.0136, 0.04, 0.0272, 0.0104, 0.04, 0.0104, 0.0032, 0.01, 0.0064, 0.01};
    const slot_field fields[11] = {SLOT_STATUS_QUO, SLOT_CAPABILITY, SLOT_POSITION, SLOT_SALIENCE, SLOT_CAPABILITY,
                                   SLOT_POSITION, SLOT_SALIENCE, SLOT_CAPABILITY, SLOT_POSITION, SLOT_SALIENCE, SLOT_PUBLIC};
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(in[k].field, fields[k]);
        if (isinf(expected[k])) assert_true(isinf(lev[k]) && lev[k] > 0);
        else assert_near(lev[k], expected[k], 1e-15);
    }
    /* Keep 4: the status quo, P.a.position and Q.a.position (tied, both in), P.a.salience,
     * P.capability. Keep 5: Q.capability wins its tie with Q.a.salience (earlier). */
    size_t chosen[11];
    assert_int_equal(fc_screen_inputs(lev, n, 4, chosen), 5);
    const size_t four[] = {0, 1, 2, 3, 5};
    for (size_t k = 0; k < 5; k++) assert_int_equal(chosen[k], four[k]);
    assert_int_equal(fc_screen_inputs(lev, n, 5, chosen), 6);
    const size_t five[] = {0, 1, 2, 3, 4, 5};
    for (size_t k = 0; k < 6; k++) assert_int_equal(chosen[k], five[k]);
    assert_int_equal(fc_screen_inputs(lev, n, 100, chosen), 11);
    en_free(in);
    en_scenario_free(s);
    en_scenario_free(raw);

    /* A patron's pull (λ = 0.5): client C (1, at 0, salience 1) and its patron D (1, at 100, 1):
     * ω = 0.5·1/(1 + 1) = 0.25, x'_C = 25, F = (25 + 100)/2 = 62.5. Moving D by 10 moves F by
     * (10 + 0.25·10)/2 = 6.25 (0.0625 of the scale); moving C by 10 moves it by 0.75·10/2 = 3.75. */
    raw = fixture_yaml("entente: 1\ntitle: patron\nissues:\n  - {id: a, scale: [0, 100]}\nactors:\n"
                       "  - {id: C, capability: 1, positions: {a: {position: 0, salience: 1}}}\n"
                       "  - {id: D, capability: 1, role: patron, patron_of: C, positions: {a: {position: 100, salience: 1}}}\n");
    s = fc_canonical_copy(raw, NULL);
    n = fc_driver_inputs(s, 0.1, &in);
    assert_int_equal(n, 6);
    fc_driver_leverage(s, 0.5, 0.5, in, n, lev);
    assert_int_equal(in[1].field, SLOT_POSITION);
    assert_near(lev[1], 0.0375, 1e-15);
    assert_int_equal(in[4].field, SLOT_POSITION);
    assert_near(lev[4], 0.0625, 1e-15);
    /* salience of C: 0.1·1·|25 − 62.5|/200 */
    assert_near(lev[2], 0.01875, 1e-15);
    en_free(in);
    en_scenario_free(s);
    en_scenario_free(raw);
}

static en_forecast_result *screened(const en_scenario *s, unsigned threads, long screen, size_t drivers)
{
    en_forecast_options o;
    en_forecast_options_init(&o);
    o.draws = 200;
    o.threads = threads;
    o.war_runs = 20;
    o.model = "compromise";
    o.drivers = drivers;
    o.drivers_screen = screen;
    en_forecast_result *r = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_forecast_run(s, NULL, &o, NULL, 0, &r, &err), EN_OK);
    return r;
}

/* The screen on the bundled scenario: with K = every input the drivers are the exhaustive ones
 * (bit for bit, though reported as screened); with K = 10 they are the exhaustive list
 * restricted to the 10 inputs of largest leverage and the status quos (the oracle: every
 * driver of the exhaustive run, filtered), whatever the order of the file and the thread count. */
static void test_driver_screen(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(en_scenario_load(fixture_path("scenarios/ukraine-2023.yaml"), NULL, &s, &err), EN_OK);
    en_forecast_result *all = screened(s, 2, 0, 100000);
    assert_int_equal(all->screen_inputs, 0);
    driver_input *in = NULL;
    size_t n = fc_driver_inputs(all->canonical, 0.1, &in);
    assert_true(n > 100 && n <= FC_SCREEN_THRESHOLD); /* the default keeps it exhaustive */
    en_forecast_result *every = screened(s, 2, (long)n, 100000);
    assert_int_equal(every->screen_inputs, n);
    assert_int_equal(every->screen_evaluated, n);
    assert_int_equal(every->driver_count, all->driver_count);
    for (size_t d = 0; d < all->driver_count; d++) {
        assert_string_equal(every->drivers[d].input, all->drivers[d].input);
        assert_same_bits(every->drivers[d].effect, all->drivers[d].effect);
    }
    /* K = 10: the names of the chosen inputs, from the leverage */
    double *lev = en_xcalloc(n, sizeof *lev);
    size_t *chosen = en_xcalloc(n, sizeof *chosen);
    fc_driver_leverage(all->canonical, 0.5, 0.5, in, n, lev);
    size_t kept = fc_screen_inputs(lev, n, 10, chosen);
    en_scenario *back = reversed(s);
    en_forecast_result *r1 = screened(s, 1, 10, 100000), *r3 = screened(back, 3, 10, 100000);
    assert_int_equal(r1->screen_inputs, n);
    assert_int_equal(r1->screen_evaluated, kept);
    size_t matched = 0;
    for (size_t d = 0; d < all->driver_count; d++) {
        const fc_driver *dr = &all->drivers[d];
        int in_screen = 0;
        for (size_t c = 0; c < kept; c++) {
            const driver_input *x = &in[chosen[c]];
            const char *names[] = {"status_quo", "capability", "position", "salience", "public", "power"};
            in_screen |= strcmp(names[x->field], dr->field) == 0 &&
                         (x->actor < 0 ? !dr->actor : dr->actor && strcmp(all->canonical->actors[x->actor].id, dr->actor) == 0) &&
                         (x->issue < 0 ? !dr->issue_input : dr->issue_input && strcmp(all->canonical->issues[x->issue].id, dr->issue_input) == 0);
        }
        if (!in_screen) continue;
        assert_true(matched < r1->driver_count);
        assert_string_equal(r1->drivers[matched].input, dr->input);
        assert_same_bits(r1->drivers[matched].effect, dr->effect);
        matched++;
    }
    assert_int_equal(matched, r1->driver_count);
    assert_true(matched > 0);
    assert_same_answer(r1, r3);
    assert_int_equal(r3->screen_evaluated, r1->screen_evaluated);
    en_free(lev), en_free(chosen), en_free(in);
    en_forecast_result_free(r1), en_forecast_result_free(r3);
    en_forecast_result_free(every), en_forecast_result_free(all);
    en_scenario_free(back);
    en_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_veto_players_surplus),
        cmocka_unit_test(test_two_veto_players_forecast),
        cmocka_unit_test(test_mediator_proposal),
        cmocka_unit_test(test_empty_winset),
        cmocka_unit_test(test_patron_and_audience),
        cmocka_unit_test(test_order_and_threads),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_what_if_directions),
        cmocka_unit_test(test_what_if_errors),
        cmocka_unit_test(test_driver_leverage),
        cmocka_unit_test(test_driver_screen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
