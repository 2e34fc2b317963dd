/* eum_positions.c — a program built against an installed libentente with pkg-config: runs the
 * expected utility model for 10 rounds and prints round,actor,position (tests/install). */
#include <entente.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    en_error err = EN_ERROR_INIT;
    en_scenario *scenario = NULL;
    en_params *params = en_params_new();
    en_result *result = NULL;
    if (argc != 2 || en_version_number() != ENTENTE_VERSION_NUMBER ||
        en_scenario_load(argv[1], NULL, &scenario, &err) != EN_OK ||
        en_params_set(params, "rounds", "10", &err) != EN_OK ||
        en_run(en_model_find("eum"), scenario, params, &result, &err) != EN_OK) {
        en_error_print(&err, stderr);
        return 2;
    }
    for (size_t round = 0; round < en_result_round_count(result, 0); round++)
        for (size_t a = 0; a < en_scenario_actor_count(scenario); a++) {
            double x;
            if (en_result_position(result, 0, round, a, &x))
                printf("%zu,%s,%.17g\n", round, en_scenario_actor_id(scenario, a), x);
        }
    en_result_free(result);
    en_params_free(params);
    en_scenario_free(scenario);
    en_error_clear(&err);
    return 0;
}
