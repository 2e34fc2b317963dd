/*
 * fuzz_serve_request.c — libFuzzer target for what `entente serve` reads from a client
 * (src/serve/): the POST /api/run body, the scenario document converted to YAML and back, and
 * the locating of a message in a scenario. The first byte picks the parser. Beyond "no crash,
 * no leak": a parsed run request never carries an option that names a file or the run store,
 * a failure is always reported, a document survives JSON -> YAML -> JSON unchanged, and a
 * document read from YAML, saved over that text as it is and changed at every level, reads back
 * as that document.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/node.h"
#include "entente/serve.h"
#include "store/json_read.h"

/* Changes every level of a document: numbers + 1, strings longer, the last member of each
 * object dropped, each array reversed. */
static void mutate(en_node *n)
{
    if (n->type == EN_NODE_NUMBER) n->number += 1;
    if (n->type == EN_NODE_STRING && n->string && strlen(n->string) < 60) {
        size_t k = strlen(n->string);
        char *longer = malloc(k + 3);
        if (!longer) return;
        memcpy(longer, n->string, k);
        memcpy(longer + k, "x:", 3);
        free(n->string);
        n->string = longer;
    }
    if (n->type == EN_NODE_OBJECT && n->count > 1) {
        n->count--;
        en_node_free(n->items[n->count]);
        free(n->keys[n->count]);
    }
    if (n->type == EN_NODE_ARRAY)
        for (size_t k = 0; k < n->count / 2; k++) {
            en_node *t = n->items[k];
            n->items[k] = n->items[n->count - 1 - k];
            n->items[n->count - 1 - k] = t;
        }
    for (size_t k = 0; k < n->count; k++) mutate(n->items[k]);
}

/* The document `json` read from `text`, saved over `text` as it is and changed (mutate), reads
 * back as that document each time (src/serve/serve_patch.c). */
static void saved_over(const char *text, size_t length, const char *json)
{
    en_node *doc = en_json_parse(json);
    if (!doc || doc->type != EN_NODE_OBJECT) {
        en_node_free(doc);
        return;
    }
    for (int round = 0; round < 2; round++) {
        if (round) mutate(doc);
        char *edited = en_json_text(doc);
        if (!edited) break;
        en_error err = EN_ERROR_INIT;
        char *yaml = en_serve_json_to_yaml_over(text, length, edited, strlen(edited), &err);
        if (yaml) {
            en_error again = EN_ERROR_INIT;
            char *back = en_serve_yaml_to_json(yaml, strlen(yaml), "fuzz.yaml", &again);
            en_node *after = back ? en_json_parse(back) : NULL;
            if (!back || !en_node_equal(doc, after)) abort();
            en_node_free(after);
            free(back);
            en_error_clear(&again);
            free(yaml);
        }
        en_error_clear(&err);
        free(edited);
    }
    en_node_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *text = (const char *)data + 1;
    size_t length = size - 1;
    en_error err = EN_ERROR_INIT;
    switch (data[0] % 4) {
    case 0: {
        en_serve_run_request r;
        if (en_serve_run_request_parse(text, length, &r, &err) == EN_OK) {
            if (r.argc < 1 || !r.argv || r.argv[r.argc]) abort();
            for (int k = 1; k < r.argc; k++)
                if (strcmp(r.argv[k], "--db") == 0 || strcmp(r.argv[k], "--output") == 0 || strcmp(r.argv[k], "--o") == 0 ||
                    strcmp(r.argv[k], "--sources-dir") == 0 || strcmp(r.argv[k], "--format") == 0)
                    if (k == 1 || strncmp(r.argv[k - 1], "--", 2) != 0 || k % 2 == 1) abort();
            en_serve_run_request_free(&r);
        } else if (err.code == EN_OK) {
            abort(); /* a refusal must say why */
        }
        break;
    }
    case 1: {
        /* A JSON document -> YAML -> JSON is the same document. */
        char *copy = malloc(length + 1);
        if (!copy) return 0;
        memcpy(copy, text, length);
        copy[length] = '\0';
        en_node *before = strlen(copy) == length ? en_json_parse(copy) : NULL;
        char *yaml = en_serve_json_to_yaml(text, length, &err);
        if (yaml && before) {
            en_error again = EN_ERROR_INIT;
            char *json = en_serve_yaml_to_json(yaml, strlen(yaml), "fuzz.yaml", &again);
            en_node *after = json ? en_json_parse(json) : NULL;
            if (!json || !en_node_equal(before, after)) abort();
            en_node_free(after);
            free(json);
            en_error_clear(&again);
        } else if (!yaml && err.code == EN_OK) {
            abort();
        }
        free(yaml);
        en_node_free(before);
        free(copy);
        break;
    }
    case 2: {
        char *json = en_serve_yaml_to_json(text, length, "fuzz.yaml", &err);
        if (!json && err.code == EN_OK) abort();
        if (json) saved_over(text, length, json);
        free(json);
        break;
    }
    default: {
        if (length < 2) return 0;
        char *path = en_serve_locate(text + 2, length - 2, (unsigned char)text[0], (unsigned char)text[1]);
        free(path);
        break;
    }
    }
    en_error_clear(&err);
    return 0;
}
