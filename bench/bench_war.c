/*
 * bench_war.c — throughput of the war layer on the bundled backcast
 * (scenarios/ukraine-war-2022.yaml, 149 weekly steps), in one run: WB-2 defaults with 2 threads
 * and 1 thread, and the same file with every WB-2 switch off (WB-1), so the figures are ratios
 * measured under the same machine load. Prints wall and CPU seconds. Results go in
 * docs/performance.md ("War layer").
 *
 * usage: bench_war [RUNS]   (default 10000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "common.h"
#include "core/war.h"
#include "entente.h"

static void timed(const char *label, const en_scenario *s, long runs, int threads, double *wall_out)
{
    en_war_options o;
    en_war_options_init(&o);
    o.runs = runs;
    o.threads = threads;
    en_war_summary *m = NULL;
    en_error err = EN_ERROR_INIT;
    double w0 = bench_wall_seconds(), c0 = bench_rusage_seconds();
    if (en_war_simulate(s, &o, &m, &err) != EN_OK) bench_die(&err);
    double wall = bench_wall_seconds() - w0, cpu = bench_rusage_seconds() - c0;
    printf("%-34s %6ld runs, %d thread(s): %7.2f s wall, %7.2f s CPU, P(deal) %.3f\n", label, runs, threads,
           wall, cpu, en_war_summary_p_deal(m));
    en_war_summary_free(m);
    if (wall_out) *wall_out = wall;
}

int main(int argc, char **argv)
{
    long runs = argc > 1 ? atol(argv[1]) : 10000;
    if (runs < 1) runs = 10000;
    en_scenario *s = bench_load_scenario("scenarios/ukraine-war-2022.yaml");
    double two, one, wb1;
    timed("WB-2 defaults", s, runs, 2, &two);
    timed("WB-2 defaults", s, runs, 1, &one);
    /* every WB-2 switch off: WB-1 */
    static const int off[] = {WP_PRIVATE_INFO, WP_TALK_RAMP_DAYS, WP_CHILL, WP_HARDEN,
                              WP_RATIFY_AUDIENCE, WP_CEASEFIRE, WP_VICTOR_SIGNS, WP_AID_FORESIGHT,
                              WP_GUARANTEE_CREDIBILITY, WP_SIGNAL_NOISE, WP_OBSERVE_NOISE,
                              WP_RENEWAL_POWER};
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++) s->war->global[off[i]].value = 0;
    for (size_t a = 0; a < s->actor_count; a++) {
        en_war_actor_param(s->war, a, WA_LEVERAGE)->value = 0;
        if (s->actors[a].role == EN_ROLE_PATRON) en_war_actor_param(s->war, a, WA_RATIFY)->value = 1;
    }
    timed("WB-1 (every WB-2 switch off)", s, runs, 2, &wb1);
    printf("ratios: 1 thread / 2 threads %.2f; WB-2 / WB-1 (2 threads) %.2f\n", one / two, two / wb1);
    en_scenario_free(s);
    return 0;
}
