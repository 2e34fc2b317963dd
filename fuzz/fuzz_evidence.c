/*
 * fuzz_evidence.c — libFuzzer target for `entente evidence`: an article's bytes through the
 * UTF-8 check, sentence segmentation (ICU breaks, quotation and abbreviation merges), quotation
 * spans and statement extraction. Every span must stay inside the text on UTF-8 boundaries.
 */
#include <stdint.h>
#include <stdlib.h>

#include "evidence/evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static en_ev_rules *rules;
    en_error err = EN_ERROR_INIT;
    if (!rules) rules = en_ev_rules_load(&err);
    if (!rules) abort();
    en_ev_article *a = NULL;
    if (en_ev_article_from_text("fuzz.txt", (const char *)data, size, &a, &err) == EN_OK) {
        if (en_ev_segment(a, rules, &err) == EN_OK && en_ev_extract(a, rules, NULL, &err) == EN_OK &&
            en_ev_check_spans(a) != 0)
            abort();
        en_ev_span quotes[8];
        en_ev_find_quotes(a->text, 0, a->size, quotes, 8);
        en_buffer out = {0};
        en_ev_write(&out, &a, 1, EN_EV_FORMAT_JSON, NULL);
        en_buffer_free(&out);
        en_ev_article_free(a);
    }
    en_error_clear(&err);
    return 0;
}
