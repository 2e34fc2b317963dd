/*
 * test_yaml_aliases.c — the optional `aliases:` list of an actor: read in order, kept by clone,
 * written by the YAML writer and read back the same, and bad values located.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/scenario.h"

static const char base[] = "entente: 1\ntitle: t\nissues:\n  - id: talks\n    scale: [0, 100]\n"
                           "actors:\n  - id: RUS\n    capability: 1\n%s"
                           "    positions: {talks: {position: 100, salience: 1}}\n"
                           "  - id: UKR\n    capability: 1\n    positions: {talks: {position: 0, salience: 1}}\n";

static en_status load(const char *aliases_line, en_scenario **s, en_error *err)
{
    char text[1024];
    snprintf(text, sizeof text, base, aliases_line);
    return en_scenario_load_buffer(text, strlen(text), "a.yaml", NULL, s, err);
}

static void aliases_read_cloned_and_written(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(load("    aliases: [Russia, \"the Kremlin\", Peskov]\n", &s, &err), EN_OK);
    assert_int_equal(s->actors[0].alias_count, 3);
    assert_string_equal(s->actors[0].aliases[1], "the Kremlin");
    assert_int_equal(s->actors[1].alias_count, 0);
    en_scenario *c = en_scenario_clone(s);
    assert_string_equal(c->actors[0].aliases[2], "Peskov");
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);
    assert_int_equal(en_scenario_write_yaml(s, stream, &err), EN_OK);
    fclose(stream);
    en_scenario *back = NULL;
    assert_int_equal(en_scenario_load_buffer(text, size, "w.yaml", NULL, &back, &err), EN_OK);
    assert_int_equal(back->actors[0].alias_count, 3);
    for (size_t k = 0; k < 3; k++) assert_string_equal(back->actors[0].aliases[k], s->actors[0].aliases[k]);
    free(text);
    en_scenario_free(back);
    en_scenario_free(c);
    en_scenario_free(s);
}

static void bad_aliases_are_located(void **state)
{
    (void)state;
    en_scenario *s = NULL;
    en_error err = EN_ERROR_INIT;
    assert_int_equal(load("    aliases: Russia\n", &s, &err), EN_ERROR_INPUT);
    assert_int_equal(err.line, 9);
    assert_non_null(strstr(err.message, "aliases"));
    en_error_clear(&err);
    assert_int_equal(load("    aliases: [\"\"]\n", &s, &err), EN_ERROR_INPUT);
    assert_non_null(strstr(err.message, "empty alias"));
    en_error_clear(&err);
    assert_int_equal(load("    alias: [Russia]\n", &s, &err), EN_ERROR_INPUT);
    assert_non_null(strstr(err.message, "aliases"));  /* did-you-mean */
    en_error_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aliases_read_cloned_and_written),
        cmocka_unit_test(bad_aliases_are_located),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
