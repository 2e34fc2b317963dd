/*
 * html.c — writes the HTML report: a page skeleton, the data as JSON (scenario, each model's
 * run in the documented `run --format json` layout, analyses in their own JSON layouts, source
 * texts), the inlined chart libraries (report/assets.h) and the page script web/report.js that
 * draws everything in the browser.
 *
 * Why the browser draws: Vega-Lite is a JavaScript library; generating the specs next to the
 * data in one script keeps the C side to serialisation.
 *
 * Safety (the page is mailed around; the scenario came from someone else): every string from a
 * scenario, a store or a source file is data. In the embedded JSON, '<', '>', '&', U+2028 and
 * U+2029 are written as \u escapes, so no text can close the <script> that holds it or start a
 * comment; the page script sets every label as text and links only http(s) addresses; and a
 * Content-Security-Policy allows exactly the page's own inlined scripts, by their SHA-256
 * hashes, with no eval (Vega runs its expression interpreter) and no network access, so an
 * injection that slipped through would still not run.
 */
#include "report/html.h"

#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/node.h"
#include "core/oom.h"
#include "core/result.h"
#include "core/scenario.h"
#include "core/util.h"
#include "core/war.h"
#include "report/assets.h"
#include "report/report.h"
#include "report/smp_view.h"

void en_html_append_script_safe(en_buffer *out, const char *json, size_t length)
{
    size_t start = 0;
    for (size_t k = 0; k < length; k++) {
        const unsigned char c = (unsigned char)json[k];
        const char *escape = NULL;
        size_t skip = 1;
        if (c == '<') escape = "\\u003c";
        else if (c == '>') escape = "\\u003e";
        else if (c == '&') escape = "\\u0026";
        else if (c == 0xE2 && k + 2 < length && (unsigned char)json[k + 1] == 0x80 &&
                 ((unsigned char)json[k + 2] == 0xA8 || (unsigned char)json[k + 2] == 0xA9)) {
            /* U+2028 and U+2029 end a line in older JavaScript parsers. */
            escape = (unsigned char)json[k + 2] == 0xA8 ? "\\u2028" : "\\u2029";
            skip = 3;
        }
        if (!escape) continue;
        en_buffer_append(out, json + start, k - start);
        en_buffer_puts(out, escape);
        k += skip - 1;
        start = k + 1;
    }
    en_buffer_append(out, json + start, length - start);
}

static void html_escape(en_buffer *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '<': en_buffer_puts(out, "&lt;"); break;
        case '>': en_buffer_puts(out, "&gt;"); break;
        case '&': en_buffer_puts(out, "&amp;"); break;
        case '"': en_buffer_puts(out, "&quot;"); break;
        default: en_buffer_append(out, p, 1);
        }
    }
}

static void key(en_buffer *out, const char *name, int comma)
{
    if (comma) en_buffer_puts(out, ", ");
    en_json_write_string(out, name);
    en_buffer_puts(out, ": ");
}

static void string_field(en_buffer *out, const char *name, const char *value)
{
    key(out, name, 1);
    if (value) en_json_write_string(out, value);
    else en_buffer_puts(out, "null");
}

static void write_scenario(en_buffer *out, const en_scenario *s, char *const *texts)
{
    en_buffer_puts(out, "{");
    key(out, "title", 0);
    en_json_write_string(out, en_scenario_title(s));
    string_field(out, "date", s->date);
    string_field(out, "description", s->description);
    string_field(out, "path", s->path);
    key(out, "issues", 1);
    en_buffer_puts(out, "[");
    for (size_t i = 0; i < s->issue_count; i++) {
        const en_issue *is = &s->issues[i];
        en_buffer_puts(out, i ? ", {" : "{");
        key(out, "id", 0);
        en_json_write_string(out, is->id);
        string_field(out, "name", is->name ? is->name : is->id);
        string_field(out, "description", is->description);
        key(out, "scale", 1);
        en_buffer_puts(out, "[");
        en_json_write_number(out, is->scale_min);
        en_buffer_puts(out, ", ");
        en_json_write_number(out, is->scale_max);
        en_buffer_puts(out, "]");
        key(out, "labels", 1);
        en_buffer_puts(out, "[");
        for (size_t l = 0; l < is->label_count; l++) {
            en_buffer_puts(out, l ? ", {\"at\": " : "{\"at\": ");
            en_json_write_number(out, is->labels[l].at);
            string_field(out, "text", is->labels[l].text);
            en_buffer_puts(out, "}");
        }
        en_buffer_puts(out, "]");
        key(out, "status_quo", 1);
        if (is->has_status_quo) en_json_write_number(out, is->status_quo.value);
        else en_buffer_puts(out, "null");
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "]");
    key(out, "actors", 1);
    en_buffer_puts(out, "[");
    for (size_t a = 0; a < s->actor_count; a++) {
        const en_actor *ac = &s->actors[a];
        en_buffer_puts(out, a ? ", {" : "{");
        key(out, "id", 0);
        en_json_write_string(out, ac->id);
        string_field(out, "name", ac->name ? ac->name : ac->id);
        string_field(out, "role", en_role_name(ac->role));
        string_field(out, "note", ac->note);
        key(out, "capability", 1);
        en_json_write_number(out, ac->capability.value);
        key(out, "veto", 1);
        en_buffer_puts(out, "[");
        int first = 1;
        for (size_t i = 0; i < s->issue_count; i++) {
            if (!ac->veto_all && !(ac->veto && ac->veto[i])) continue;
            if (!first) en_buffer_puts(out, ", ");
            first = 0;
            en_json_write_string(out, s->issues[i].id);
        }
        en_buffer_puts(out, "]");
        key(out, "stances", 1);
        en_buffer_puts(out, "{");
        first = 1;
        for (size_t i = 0; i < s->issue_count; i++) {
            const en_stance *st = &ac->stances[i];
            if (!st->present) continue;
            key(out, s->issues[i].id, !first);
            first = 0;
            en_buffer_puts(out, "{\"position\": ");
            en_json_write_number(out, st->position.value);
            key(out, "salience", 1);
            en_json_write_number(out, st->salience.value);
            if (st->has_public) {
                key(out, "public", 1);
                en_json_write_number(out, st->public_position.value);
            }
            key(out, "cite", 1);
            en_buffer_puts(out, "[");
            for (size_t c = 0; c < st->cite_count; c++) {
                if (c) en_buffer_puts(out, ", ");
                en_json_write_string(out, st->cite[c]);
            }
            en_buffer_puts(out, "]");
            if (st->quote) string_field(out, "quote", st->quote);
            if (st->note) string_field(out, "note", st->note);
            en_buffer_puts(out, "}");
        }
        en_buffer_puts(out, "}}");
    }
    en_buffer_puts(out, "]");
    key(out, "sources", 1);
    en_buffer_puts(out, "[");
    for (size_t k = 0; k < s->source_count; k++) {
        const en_source *src = &s->sources[k];
        en_buffer_puts(out, k ? ", {" : "{");
        key(out, "id", 0);
        en_json_write_string(out, src->id);
        string_field(out, "file", src->file);
        string_field(out, "title", src->title);
        string_field(out, "outlet", src->outlet);
        string_field(out, "author", src->author);
        string_field(out, "date", src->date);
        string_field(out, "url", src->url);
        string_field(out, "text", texts ? texts[k] : NULL);
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "]");
    /* The war section's timeline, marked on the war-layer charts. */
    key(out, "war_events", 1);
    en_buffer_puts(out, "[");
    for (size_t k = 0; s->war && k < s->war->event_count; k++) {
        const en_war_event *e = &s->war->events[k];
        en_buffer_puts(out, k ? ", {" : "{");
        key(out, "date", 0);
        en_json_write_string(out, e->date ? e->date : "");
        string_field(out, "type", en_war_event_names[e->type]);
        string_field(out, "actor", e->actor >= 0 ? s->actors[e->actor].id : NULL);
        string_field(out, "issue", e->issue >= 0 ? s->issues[e->issue].id : NULL);
        string_field(out, "note", e->note);
        en_buffer_puts(out, "}");
    }
    en_buffer_puts(out, "]}");
}

/* A model's run in the `run --format json` layout. Built in a buffer (not captured from the
 * public writer through a memory stream, which an out-of-memory unwind could not release). */
static en_status write_result(en_buffer *out, const en_result *r, en_error *err)
{
    en_buffer text = {0};
    /* A large smp run: the page's bounded cut of it (report/smp_view.h). */
    en_result *view = en_smp_view_new(r);
    en_result_json(view ? view : r, &text);
    en_smp_view_free(view);
    size_t size = text.length;
    while (size && (text.data[size - 1] == '\n' || text.data[size - 1] == ' ')) size--;
    en_buffer_append(out, text.data ? text.data : "", size);
    int failed = text.failed;
    en_buffer_free(&text);
    return failed ? en_error_set(err, EN_ERROR_NOMEM, "out of memory") : EN_OK;
}

static void write_data(en_buffer *json, const en_html_input *in, en_error *err, en_status *st)
{
    char now[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M UTC", &tm);
    en_buffer_puts(json, "{\"entente\": ");
    en_json_write_string(json, en_version());
    string_field(json, "generated", now);
    string_field(json, "origin", in->origin ? in->origin : "");
    key(json, "scenario", 1);
    write_scenario(json, in->scenario, in->source_texts);
    key(json, "models", 1);
    en_buffer_puts(json, "[");
    for (size_t m = 0; m < in->result_count && *st == EN_OK; m++) {
        if (m) en_buffer_puts(json, ", ");
        *st = write_result(json, in->results[m], err);
    }
    en_buffer_puts(json, "]");
    key(json, "analyses", 1);
    en_buffer_puts(json, "[");
    for (size_t k = 0; k < in->analysis_count; k++) {
        en_buffer_puts(json, k ? ", {\"kind\": " : "{\"kind\": ");
        en_json_write_string(json, in->analysis_kinds[k]);
        en_buffer_puts(json, ", \"data\": ");
        const char *doc = in->analysis_json[k];
        size_t n = strlen(doc);
        while (n && (doc[n - 1] == '\n' || doc[n - 1] == ' ')) n--;
        en_buffer_append(json, doc, n);
        en_buffer_puts(json, "}");
    }
    en_buffer_puts(json, "]}");
}

/* The CSP source for a script's text: 'sha256-BASE64' of exactly the bytes between the tags. */
static void script_hash(en_buffer *out, const char *code)
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(code), (const uint8_t *)code);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    char encoded[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];
    base64_encode_raw(encoded, SHA256_DIGEST_SIZE, digest);
    encoded[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE)] = '\0';
    en_buffer_printf(out, " 'sha256-%s'", encoded);
}

/* The page's scripts, in order; the CSP names each by hash. */
static const struct {
    const unsigned char *code;
    const char *what;
} page_scripts[] = {
    {en_asset_vega, "Vega"},
    {en_asset_vega_lite, "Vega-Lite"},
    {en_asset_vega_embed, "vega-embed"},
    {en_asset_vega_interpreter, "vega-interpreter"},
    {en_asset_charts_js, "entente charts (shared with entente serve)"},
    {en_asset_smp_js, "entente report: smp section"},
    {en_asset_report_js, "entente report"},
};
#define PAGE_SCRIPT_COUNT (sizeof page_scripts / sizeof page_scripts[0])

/* The scripts never change while the program runs: their policy is computed once and kept.
 * Not with pthread_once: a computation that runs out of memory must leave nothing behind and
 * let a later call try again. Each thread that finds no policy yet computes one in a buffer of
 * its own (no lock held while it allocates: inside a guard a failure unwinds), and the first
 * to finish publishes it under the lock; the others drop theirs. */
static const char *policy_text;
static size_t policy_length;
static atomic_int policy_ready;
static pthread_mutex_t policy_lock = PTHREAD_MUTEX_INITIALIZER;

en_status en_html_policy_prepare(void)
{
    if (atomic_load_explicit(&policy_ready, memory_order_acquire)) return EN_OK;
    en_buffer b = {0};
    en_buffer_puts(&b, "default-src 'none'; script-src");
    for (size_t k = 0; k < PAGE_SCRIPT_COUNT; k++)
        script_hash(&b, (const char *)page_scripts[k].code);
    /* Vega and vega-embed set inline styles on the elements they draw. */
    en_buffer_puts(&b, "; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
                       "base-uri 'none'; form-action 'none'");
    if (b.failed) { /* outside a guard: nothing kept, the next call tries again */
        en_buffer_free(&b);
        return EN_ERROR_NOMEM;
    }
    en_oom_untrack(b.data); /* kept for the life of the process: no call's unwind may free it */
    pthread_mutex_lock(&policy_lock);
    if (!atomic_load_explicit(&policy_ready, memory_order_relaxed)) {
        policy_text = b.data, policy_length = b.length;
        b.data = NULL;
        atomic_store_explicit(&policy_ready, 1, memory_order_release);
    }
    pthread_mutex_unlock(&policy_lock);
    en_free(b.data); /* another thread published first */
    return EN_OK;
}

void en_html_content_security_policy(en_buffer *out)
{
    if (en_html_policy_prepare() != EN_OK) {
        out->failed = 1; /* outside a guard: the buffer records the failure (inside, it unwound) */
        return;
    }
    en_buffer_append(out, policy_text, policy_length);
}

en_status en_html_write_unguarded(const en_html_input *in, FILE *file, en_error *err)
{
    en_status st = EN_OK;
    en_buffer json = {0};
    write_data(&json, in, err, &st);
    if (st != EN_OK) {
        en_buffer_free(&json);
        return st;
    }
    /* The inlined scripts contain no "</script" (scripts/embed-web.sh refuses them). */
    en_buffer out = {0};
    en_buffer_puts(&out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                         "<meta http-equiv=\"Content-Security-Policy\" content=\"");
    en_html_content_security_policy(&out);
    en_buffer_puts(&out, "\">\n<title>entente — ");
    html_escape(&out, en_scenario_title(in->scenario));
    en_buffer_puts(&out, "</title>\n<style>\n");
    en_buffer_puts(&out, (const char *)en_asset_report_css);
    en_buffer_puts(&out, "</style>\n</head>\n<body data-status=\"loading\">\n"
                         "<header><h1 id=\"title\">");
    html_escape(&out, en_scenario_title(in->scenario));
    en_buffer_puts(&out, "</h1><p id=\"subtitle\"></p></header>\n<nav id=\"nav\"></nav>\n"
                         "<main id=\"content\">\n<noscript><p>This report draws its tables and "
                         "charts with JavaScript; please enable it.</p></noscript>\n"
                         "<ul id=\"entente-errors\"></ul>\n</main>\n"
                         "<footer><p class=\"note\" style=\"padding: 0 28px\">Charts: Vega ");
    en_buffer_printf(&out, "%s, Vega-Lite %s, vega-embed %s, vega-interpreter %s (BSD-3-Clause), "
                           "embedded. Each chart's menu saves it as SVG or PNG.</p></footer>\n",
                     en_asset_vega_version, en_asset_vega_lite_version, en_asset_vega_embed_version,
                     en_asset_vega_interpreter_version);
    en_buffer_puts(&out, "<script id=\"entente-data\" type=\"application/json\">");
    en_html_append_script_safe(&out, json.data ? json.data : "", json.length);
    en_buffer_free(&json);
    en_buffer_puts(&out, "</script>\n");
    /* Each script's text is exactly the asset, so its hash in the policy matches. */
    for (size_t k = 0; k < PAGE_SCRIPT_COUNT; k++) {
        en_buffer_printf(&out, "<!-- %s -->\n<script>", page_scripts[k].what);
        en_buffer_puts(&out, (const char *)page_scripts[k].code);
        en_buffer_puts(&out, "</script>\n");
    }
    en_buffer_puts(&out, "</body>\n</html>\n");
    return en_report_flush(&out, file, err);
}
