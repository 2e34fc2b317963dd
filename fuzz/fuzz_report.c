/*
 * fuzz_report.c — libFuzzer target for the HTML report writer: the input is cut at NUL bytes
 * into strings that become the scenario's title, description, issue and actor names, a label,
 * notes, a quote, source metadata and a source text. The page must embed them so that the data
 * block cannot end early or hold markup ('<', '>', '&', U+2028, U+2029 never appear raw), and
 * the block must parse back (store/json_read.c, an independent reader) to exactly the same
 * strings. Any difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/node.h"
#include "core/scenario.h"
#include "core/util.h"
#include "report/html.h"
#include "store/json_read.h"

enum { TITLE, DESCRIPTION, ISSUE_NAME, LABEL, ACTOR_NAME, ACTOR_NOTE, QUOTE, SOURCE_TITLE,
       SOURCE_URL, SOURCE_TEXT, STRING_COUNT };

static const char *field(const en_node *object, const char *key)
{
    const en_node *n = object ? en_node_get(object, key) : NULL;
    if (!n || n->type != EN_NODE_STRING) abort();
    return n->string;
}

static const en_node *item(const en_node *array, size_t k)
{
    if (!array || array->type != EN_NODE_ARRAY || k >= array->count) abort();
    return array->items[k];
}

static void same(const char *got, const char *want)
{
    if (strcmp(got, want) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *strings[STRING_COUNT];
    size_t at = 0;
    for (int k = 0; k < STRING_COUNT; k++) {
        size_t end = at;
        while (end < size && data[end] != 0) end++;
        strings[k] = en_xstrndup(at < size ? (const char *)data + at : "", end > at ? end - at : 0);
        at = end < size ? end + 1 : size;
    }
    en_scenario *s = en_scenario_new("fuzz.yaml", EN_FORMAT_YAML);
    s->title = en_xstrdup(strings[TITLE]);
    s->description = en_xstrdup(strings[DESCRIPTION]);
    en_source *src = en_scenario_add_source(s);
    src->id = en_xstrdup("s1");
    src->title = en_xstrdup(strings[SOURCE_TITLE]);
    src->url = en_xstrdup(strings[SOURCE_URL]);
    en_issue *issue = en_scenario_add_issue(s);
    issue->id = en_xstrdup("i");
    issue->name = en_xstrdup(strings[ISSUE_NAME]);
    issue->scale_min = 0;
    issue->scale_max = 1;
    issue->labels = en_xcalloc(1, sizeof *issue->labels);
    issue->labels[0].text = en_xstrdup(strings[LABEL]);
    issue->label_count = 1;
    en_actor *actor = en_scenario_add_actor(s);
    actor->id = en_xstrdup("a");
    actor->name = en_xstrdup(strings[ACTOR_NAME]);
    actor->note = en_xstrdup(strings[ACTOR_NOTE]);
    actor->stances[0].present = 1;
    actor->stances[0].quote = en_xstrdup(strings[QUOTE]);
    char *texts[1] = {strings[SOURCE_TEXT]};

    en_html_input in = {0};
    in.scenario = s;
    in.source_texts = texts;
    in.origin = strings[TITLE];
    char *page = NULL;
    size_t page_size = 0;
    FILE *out = open_memstream(&page, &page_size);
    en_error err = EN_ERROR_INIT;
    if (!out || en_html_write(&in, out, &err) != EN_OK) abort();
    fclose(out);

    static const char open_tag[] = "<script id=\"entente-data\" type=\"application/json\">";
    char *begin = strstr(page, open_tag);
    if (!begin) abort();
    begin += strlen(open_tag);
    char *end = strstr(begin, "</script>");
    if (!end) abort();
    *end = '\0';
    for (const char *p = begin; *p; p++) {
        if (*p == '<' || *p == '>' || *p == '&') abort();
        if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
            ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9))
            abort();
    }
    en_node *doc = en_json_parse(begin);
    if (!doc) abort();
    same(field(doc, "origin"), strings[TITLE]);
    const en_node *sc = en_node_get(doc, "scenario");
    same(field(sc, "title"), strings[TITLE]);
    same(field(sc, "description"), strings[DESCRIPTION]);
    const en_node *is = item(en_node_get(sc, "issues"), 0);
    same(field(is, "name"), strings[ISSUE_NAME]);
    same(field(item(en_node_get(is, "labels"), 0), "text"), strings[LABEL]);
    const en_node *ac = item(en_node_get(sc, "actors"), 0);
    same(field(ac, "name"), strings[ACTOR_NAME]);
    same(field(ac, "note"), strings[ACTOR_NOTE]);
    same(field(en_node_get(en_node_get(ac, "stances"), "i"), "quote"), strings[QUOTE]);
    const en_node *so = item(en_node_get(sc, "sources"), 0);
    same(field(so, "title"), strings[SOURCE_TITLE]);
    same(field(so, "url"), strings[SOURCE_URL]);
    same(field(so, "text"), strings[SOURCE_TEXT]);

    en_node_free(doc);
    en_free(page);
    en_scenario_free(s);
    for (int k = 0; k < STRING_COUNT; k++) en_free(strings[k]);
    return 0;
}
