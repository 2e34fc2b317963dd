/*
 * test_citations.c — the citation check: the normalised form changes only white space and
 * quotation marks; a quote is found in a cited source's file whatever its quote marks and line
 * breaks, a changed word is not, and a missing file is reported at the source's line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "io/citations.h"
#include "io/sources.h"

static void normalise_white_space_and_quote_marks_only(void **state)
{
    (void)state;
    const char *in = "  “We are ready,”\n\tZelensky\xC2\xA0said. It’s «fine» — ok ";
    char *out = en_citation_normalise(in, strlen(in));
    assert_string_equal(out, "\"We are ready,\" Zelensky said. It's \"fine\" — ok");
    free(out);
}

static en_scenario *scenario_citing(const char *dir, const char *quote, en_error *err)
{
    char yaml[2048], path[512];
    snprintf(yaml, sizeof yaml,
             "entente: 1\ntitle: t\nsources:\n  - id: a\n    file: src.txt\n  - id: b\n    file: gone.txt\n"
             "issues:\n  - id: talks\n    scale: [0, 100]\nactors:\n  - id: UKR\n    capability: 1\n"
             "    positions:\n      talks: {position: 0, salience: 1, cite: [a], quote: \"%s\"}\n"
             "  - id: RUS\n    capability: 1\n    positions: {talks: {position: 100, salience: 1}}\n",
             quote);
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    FILE *f = fopen(path, "w");
    fputs(yaml, f);
    fclose(f);
    en_scenario *s = NULL;
    assert_int_equal(en_scenario_load(path, NULL, &s, err), EN_OK);
    return s;
}

static void quotes_checked_against_the_cited_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/entente-citations-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/src.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("“We are ready for dialogue with Russia, but with another\npresident of Russia,” Zelensky said.\n", f);
    fclose(f);
    en_error err = EN_ERROR_INIT;
    en_scenario *s = scenario_citing(dir, "We are ready for dialogue with Russia, but with another president of Russia,\\\" Zelensky", &err);
    /* The texts as validate reads them (en_sources_read; the uncited source 'b' has no file,
     * which is a note there, not the check's business): the quote is there. */
    char **texts = NULL;
    assert_int_equal(en_sources_read(s, NULL, &texts, &err), EN_OK);
    assert_int_equal(en_scenario_check_citations(s, texts, &err), EN_OK);
    assert_int_equal(err.code, EN_OK);
    en_sources_free(texts, s->source_count);
    en_error_clear(&err);
    en_scenario_free(s);
    s = scenario_citing(dir, "We are ready for talks with Russia", &err);
    assert_int_equal(en_sources_read(s, NULL, &texts, &err), EN_OK);
    assert_int_equal(en_scenario_check_citations(s, texts, &err), EN_ERROR_INPUT);
    en_sources_free(texts, s->source_count);
    int quote_reported = 0;
    for (const en_error *e = &err; e; e = e->next)
        if (strstr(e->message, "UKR on 'talks': the quote is not in the cited source (a)")) quote_reported = e->line == 15;
    assert_true(quote_reported);
    en_error_clear(&err);
    en_scenario_free(s);
    remove(path);
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalise_white_space_and_quote_marks_only),
        cmocka_unit_test(quotes_checked_against_the_cited_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
