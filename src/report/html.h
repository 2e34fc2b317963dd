/*
 * html.h — the self-contained HTML report (html.c): one file with the scenario, every model's
 * run, the analyses and the cited source texts as embedded JSON, the chart libraries and the
 * page script inlined. Opening it needs no network; docs/report.md describes what it shows.
 */
#ifndef ENTENTE_REPORT_HTML_H
#define ENTENTE_REPORT_HTML_H

#include <stdio.h>

#include "core/util.h"
#include "entente.h"
#include "entente/report.h"

/* Appends `length` bytes of JSON text to `out` so that it is inert inside an HTML <script>
 * element: '<', '>', '&', U+2028 and U+2029 become \u escapes (they only occur inside JSON
 * strings, where the escape means the same character), so the text can neither close the
 * element nor open a comment. Time complexity: O(length). */
void en_html_append_script_safe(en_buffer *out, const char *json, size_t length);

/* Appends the page's Content-Security-Policy: no network, no eval, and only the page's own
 * inlined scripts, each named by its SHA-256 hash. Time complexity: O(size of the scripts). */
void en_html_content_security_policy(en_buffer *out);

/* en_html_write's body, which report_guard.c runs under an out-of-memory guard. */
en_status en_html_write_unguarded(const en_html_input *in, FILE *file, en_error *err);
/* Computes the page's Content-Security-Policy once and keeps it for the life of the process
 * (unchained from any guard, so no unwind releases it). Returns EN_OK, or EN_ERROR_NOMEM
 * outside a guard when memory ran out (nothing is kept; the next call tries again); inside a
 * guard a failure unwinds the call like any other allocation. Thread-safe.
 * Time complexity: O(size of the inlined scripts) until it succeeded once, O(1) after. */
en_status en_html_policy_prepare(void);

#endif
