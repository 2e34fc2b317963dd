/*
 * bench_forecast.c — `entente forecast` on the bundled Ukraine scenario: 10,000 draws with 1 and
 * 2 threads (wall and CPU seconds), against a plain Monte Carlo of the default forecaster with
 * the same draws and threads, in one run; the ratio is the cost of the acceptance step, the win-set
 * programme, the model panel and the drivers on top of the draws themselves.
 *
 * usage: bench_forecast [DRAWS]   (default 10000). Results go in docs/performance.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "entente.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

int main(int argc, char **argv)
{
    size_t draws = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    if (en_scenario_load(ENTENTE_SOURCE_DIR "/scenarios/ukraine-2023.yaml", NULL, &s, &err) != EN_OK) {
        en_error_print(&err, stderr);
        return 1;
    }
    const en_model *model = en_model_find(en_default_forecaster());
    printf("forecast of the bundled scenario, %zu draws, default forecaster %s\n", draws, en_model_name(model));
    printf("threads  forecast wall  forecast cpu  mc wall  mc cpu  forecast/mc (cpu)\n");
    for (unsigned threads = 1; threads <= 2; threads++) {
        en_forecast_options fo;
        en_forecast_options_init(&fo);
        fo.draws = draws;
        fo.threads = threads;
        en_forecast_result *r = NULL;
        double w0 = now(), c0 = cpu_seconds();
        if (en_forecast_run(s, NULL, &fo, NULL, 0, &r, &err) != EN_OK) {
            en_error_print(&err, stderr);
            return 1;
        }
        double fw = now() - w0, fc = cpu_seconds() - c0;
        en_forecast_result_free(r);
        en_mc_options mo;
        en_mc_options_init(&mo);
        mo.draws = draws;
        mo.threads = threads;
        en_mc_result *mc = NULL;
        w0 = now(), c0 = cpu_seconds();
        if (en_mc_run(model, s, NULL, &mo, &mc, &err) != EN_OK) {
            en_error_print(&err, stderr);
            return 1;
        }
        double mw = now() - w0, mcpu = cpu_seconds() - c0;
        en_mc_result_free(mc);
        printf("%7u  %13.3f  %12.3f  %7.3f  %6.3f  %17.2f\n", threads, fw, fc, mw, mcpu, fc / mcpu);
    }
    en_scenario_free(s);
    return 0;
}
