/*
 * serve.h — the parts of `entente serve` (the browser workbench) that read what a client sends:
 * the scenario as JSON and back as YAML, the body of POST /api/run turned into the arguments of
 * the CLI command it names, and a validation message's FILE:LINE:COL turned into the place in
 * the scenario (a JSON pointer such as /actors/0/positions/talks/salience) the page shows it on.
 * No HTTP here (src/cli/serve_http.c has the server): these functions are pure, so the request
 * parser can be fuzzed on its own (fuzz/fuzz_serve_request.c). docs/serve.md has the API.
 */
#ifndef ENTENTE_PUBLIC_SERVE_H
#define ENTENTE_PUBLIC_SERVE_H

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

#include <stddef.h>

#include "entente.h"

/* The commands POST /api/run may name, in the order docs/serve.md lists them. */
/* Command k of that list (k from 0), NULL past its end. Time complexity: O(1). */
const char *en_serve_command_name(size_t k);

/* A parsed POST /api/run body. argv[0] is the command; argv[1..argc-1] its options as the CLI
 * takes them ("--draws", "2000", "--what-if", "UKR.talks.public=50", "--mediation", ...), never
 * a FILE, -o, --db or --sources-dir (the server adds those itself). */
typedef struct en_serve_run_request {
    char **argv;
    int argc;
    int wait;          /* "wait": true (default) answers when the run is over; false: at once
                        * with the run's id (GET /api/runs/ID then follows it) */
    char *scenario;    /* "scenario": the edited scenario as YAML (converted from the JSON
                        * document or taken as given when it is a string); NULL: the open one */
} en_serve_run_request;

/* Parses the body of POST /api/run: a JSON object {"command": NAME, "options": {...},
 * "scenario": DOCUMENT|YAML, "wait": BOOL}. Option names are lower-case words with dashes
 * ("draws", "what-if"); a value is a string or number (one argument), true (a flag), false or
 * null (left out) or an array of strings and numbers (the option repeated). Errors
 * (EN_ERROR_INPUT, located "request:1:COL" where the JSON is malformed): not JSON, not an
 * object, an unknown or missing command, an option name that is not a word, an option that
 * names a file or the run store (output, o, db, sources-dir, input-format), a value of another
 * type, more than 256 arguments. Time complexity: O(body length). */
en_status en_serve_run_request_parse(const char *body, size_t length, en_serve_run_request *out,
                                     en_error *err);
void en_serve_run_request_free(en_serve_run_request *request);

/* The scenario YAML `text` as a JSON document that keeps every field and the order of the file:
 * plain scalars that read as numbers, true, false or null become those; everything else is a
 * string; anchors and aliases are resolved. Comments are not kept. Errors: EN_ERROR_INPUT
 * naming `name`, line and column when the text is not YAML, a key is not a scalar, or it nests
 * deeper than 64 levels. Returns a malloc'd NUL-terminated string or NULL.
 * Time complexity: O(length). */
char *en_serve_yaml_to_json(const char *text, size_t length, const char *name, en_error *err);

/* The inverse: a JSON document (as en_serve_yaml_to_json writes it, or edited) as block YAML
 * that `entente` reads, keys in the document's order, short lists and maps of plain values in
 * flow style ([0, 100], {value: 45, low: 30, high: 60}), strings quoted whenever plain text
 * would read as something else. Errors: EN_ERROR_INPUT when `json` is not a JSON object.
 * Returns a malloc'd string or NULL. Time complexity: O(length). */
char *en_serve_json_to_yaml(const char *json, size_t length, en_error *err);

/* The JSON document `json` as edits of the YAML text `original` it was read from (as
 * en_serve_json_to_yaml_over's file comment in src/serve/serve_patch.c details): unchanged values
 * keep their text, changed ones are replaced, members added, removed or moved in a block
 * collection take their comment and blank lines with them, so the user's comments and layout
 * survive. When `original` cannot be edited so (NULL, not YAML, anchors, aliases or tags), the
 * document is written afresh as en_serve_json_to_yaml does. Either way the result reads back as
 * the document. Errors and result as en_serve_json_to_yaml.
 * Time complexity: O(length of original + length of json). */
char *en_serve_json_to_yaml_over(const char *original, size_t original_length, const char *json, size_t length,
                                 en_error *err);

/* Where in the YAML `text` line `line`, column `column` (1-based, as en_error has them) is: the
 * JSON pointer of the value that starts there (a key stands for its value) or, failing that,
 * of the last value that starts on that line before the column, or of the first value after
 * it. Returns a malloc'd pointer string ("" is the whole document) or NULL when the text does
 * not parse. Time complexity: O(length). */
char *en_serve_locate(const char *text, size_t length, int line, int column);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#endif
