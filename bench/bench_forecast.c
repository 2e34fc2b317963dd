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

#include "common.h"
#include "entente.h"

int main(int argc, char **argv)
{
    size_t draws = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000;
    en_scenario *s = bench_load_scenario("scenarios/ukraine-2023.yaml");
    en_error err = EN_ERROR_INIT;
    const en_model *model = en_model_find(en_default_forecaster());
    printf("forecast of the bundled scenario, %zu draws, default forecaster %s\n", draws, en_model_name(model));
    printf("threads  forecast wall  forecast cpu  mc wall  mc cpu  forecast/mc (cpu)\n");
    for (unsigned threads = 1; threads <= 2; threads++) {
        en_forecast_options fo;
        en_forecast_options_init(&fo);
        fo.draws = draws;
        fo.threads = threads;
        en_forecast_result *r = NULL;
        double w0 = bench_wall_seconds(), c0 = bench_rusage_seconds();
        if (en_forecast_run(s, NULL, &fo, NULL, 0, &r, &err) != EN_OK) bench_die(&err);
        double fw = bench_wall_seconds() - w0, fc = bench_rusage_seconds() - c0;
        en_forecast_result_free(r);
        en_mc_options mo;
        en_mc_options_init(&mo);
        mo.draws = draws;
        mo.threads = threads;
        en_mc_result *mc = NULL;
        w0 = bench_wall_seconds(), c0 = bench_rusage_seconds();
        if (en_mc_run(model, s, NULL, &mo, &mc, &err) != EN_OK) bench_die(&err);
        double mw = bench_wall_seconds() - w0, mcpu = bench_rusage_seconds() - c0;
        en_mc_result_free(mc);
        printf("%7u  %13.3f  %12.3f  %7.3f  %6.3f  %17.2f\n", threads, fw, fc, mw, mcpu, fc / mcpu);
    }
    en_scenario_free(s);
    return 0;
}
