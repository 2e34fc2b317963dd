/*
 * evidence_score.c — the evidence scorer. A labelled statement and an extracted one match when
 * they lie in the same sentence; within a sentence pairs are made one to one, preferring pairs
 * whose cue spans overlap, then pairs with the same actor. Statement detection counts matched
 * pairs; speaker→actor attribution counts matched pairs with the same actor; stance on talks
 * counts matched pairs with the same stance and target among the statements that have one (a
 * pair target "A-B" equals "B-A").
 * Statements of the author (actor AUTHOR) are left out on both sides.
 */
#include "evidence_score.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>


static const char *str(const en_node *obj, const char *key)
{
    const en_node *n = en_node_get(obj, key);
    return n && n->type == EN_NODE_STRING ? n->string : NULL;
}

/* Position of `needle` in text[from, to), or (size_t)-1. */
static size_t find_in(const char *text, size_t from, size_t to, const char *needle)
{
    size_t n = strlen(needle);
    if (!n) return (size_t)-1;
    for (size_t i = from; i + n <= to; i++)
        if (memcmp(text + i, needle, n) == 0) return i;
    return (size_t)-1;
}

typedef struct gold {
    const en_node *node;
    en_ev_span sentence, cue;
    int has_cue;
    const char *actor, *stance, *target, *kind, *id;
} gold;

static const char *const *renames_;
static size_t rename_count_;

/* The labels' id of an extracted actor id. */
static const char *label_id(const char *actor)
{
    if (!actor) return NULL;
    size_t n = strlen(actor);
    for (size_t i = 0; i < rename_count_; i++)
        if (!strncmp(renames_[i], actor, n) && renames_[i][n] == '=') return renames_[i] + n + 1;
    return actor;
}

static int same(const char *a, const char *b)
{
    if (!a && !b) return 1;
    return a && b && strcmp(a, b) == 0;
}

/* Targets: a pair "A-B" is the talks between A and B, whichever comes first. */
static int same_target(const char *a, const char *b)
{
    if (same(a, b)) return 1;
    if (!a || !b) return 0;
    const char *da = strchr(a, '-'), *db = strchr(b, '-');
    if (!da || !db || strlen(a) != strlen(b)) return 0;
    size_t la = (size_t)(da - a), lb = (size_t)(db - b);
    return !strncmp(a, db + 1, la) && strlen(db + 1) == la && !strncmp(b, da + 1, lb) && strlen(da + 1) == lb;
}

static int overlap(en_ev_span a, en_ev_span b)
{
    return a.start < b.end && b.start < a.end;
}

static int has_stance(const char *s)
{
    return s && strcmp(s, "n/a") != 0;
}

static void score_article(const en_node *labels, const en_ev_article *a, FILE *out, cli_evidence_score *sc)
{
    const en_node *list = en_node_get(labels, "statements");
    size_t ng = list && list->type == EN_NODE_ARRAY ? list->count : 0;
    gold *g = cli_xcalloc(ng + 1, sizeof *g);
    size_t kept = 0;
    for (size_t i = 0; i < ng; i++) {
        const en_node *s = list->items[i];
        const char *actor = str(s, "actor");
        if (actor && !strcmp(actor, "AUTHOR")) continue;
        const char *sentence = str(s, "sentence");
        size_t at = sentence ? find_in(a->text, 0, a->size, sentence) : (size_t)-1;
        if (at == (size_t)-1) {
            fprintf(out, "  warning: %s: the labelled sentence is not in %s\n", str(s, "id") ? str(s, "id") : "?", a->name);
            continue;
        }
        gold *x = &g[kept++];
        x->node = s;
        x->id = str(s, "id");
        x->sentence = (en_ev_span){at, at + strlen(sentence)};
        x->actor = actor;
        x->stance = str(s, "stance_on_talks");
        x->target = str(s, "target");
        x->kind = str(s, "kind");
        const char *cue = str(s, "cue");
        size_t c = cue ? find_in(a->text, x->sentence.start, x->sentence.end, cue) : (size_t)-1;
        if (c != (size_t)-1) x->has_cue = 1, x->cue = (en_ev_span){c, c + strlen(cue)};
    }
    size_t np = a->statement_count;
    long *gold_of = malloc((np + 1) * sizeof *gold_of);
    long *pred_of = malloc((kept + 1) * sizeof *pred_of);
    for (size_t j = 0; j < np; j++) gold_of[j] = -1;
    for (size_t i = 0; i < kept; i++) pred_of[i] = -1;
    /* greedy one-to-one pairing, best pairs first */
    for (int want = 7; want >= 0; want--)
        for (size_t i = 0; i < kept; i++) {
            if (pred_of[i] >= 0) continue;
            for (size_t j = 0; j < np; j++) {
                const en_ev_statement *p = &a->statements[j];
                if (gold_of[j] >= 0 || (p->actor && !strcmp(p->actor, "AUTHOR"))) continue;
                en_ev_span ps = a->sentences[p->sentence].span;
                if (!overlap(ps, g[i].sentence)) continue;
                int score = 0;
                if (g[i].has_cue && p->has_cue && overlap(g[i].cue, p->cue)) score += 4;
                if (same(g[i].actor, label_id(p->actor))) score += 2;
                if ((g[i].has_cue != 0) == (p->has_cue != 0)) score += 1;
                if (score != want) continue;
                pred_of[i] = (long)j, gold_of[j] = (long)i;
                break;
            }
        }
    size_t predicted = 0;
    for (size_t j = 0; j < np; j++)
        if (!(a->statements[j].actor && !strcmp(a->statements[j].actor, "AUTHOR"))) {
            predicted++;
            if (has_stance(a->statements[j].stance)) sc->predicted_stance++;
        }
    sc->predicted += predicted;
    sc->gold += kept;
    for (size_t i = 0; i < kept; i++) {
        if (has_stance(g[i].stance)) sc->gold_stance++;
        if (pred_of[i] < 0) {
            fprintf(out, "  missed     %s %-12s cue %s\n", g[i].id, g[i].actor ? g[i].actor : "null",
                    str(g[i].node, "cue") ? str(g[i].node, "cue") : "(none)");
            continue;
        }
        const en_ev_statement *p = &a->statements[pred_of[i]];
        sc->matched++;
        if (same(g[i].actor, label_id(p->actor))) sc->attributed++;
        else
            fprintf(out, "  actor      %s gold %s, extracted %s (%s)\n", g[i].id, g[i].actor ? g[i].actor : "null",
                    p->actor ? p->actor : "unresolved", p->speaker);
        if (same(g[i].kind, p->kind)) sc->kind_hits++;
        if (has_stance(g[i].stance) && has_stance(p->stance) && same(g[i].stance, p->stance) &&
            same_target(g[i].target, p->target))
            sc->stance_hits++;
        else if (has_stance(g[i].stance) || has_stance(p->stance))
            fprintf(out, "  stance     %s gold %s %s, extracted %s %s (%s)\n", g[i].id, g[i].stance,
                    g[i].target ? g[i].target : "-", p->stance, p->target ? p->target : "-", p->id);
    }
    for (size_t j = 0; j < np; j++) {
        const en_ev_statement *p = &a->statements[j];
        if (gold_of[j] >= 0 || (p->actor && !strcmp(p->actor, "AUTHOR"))) continue;
        fprintf(out, "  extra      %s %-12s %s [%.*s]\n", p->id, p->actor ? p->actor : "unresolved", p->speaker,
                p->has_cue ? (int)(p->cue.end - p->cue.start) : 0, p->has_cue ? a->text + p->cue.start : "");
    }
    free(gold_of), free(pred_of), free(g);
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static double f1(double p, double r)
{
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

en_status cli_evidence_score_labels(const char *path, en_ev_article *const *articles, size_t count,
                          const char *const *renames, size_t rename_count, FILE *out, cli_evidence_score *sc,
                          en_error *err)
{
    renames_ = renames, rename_count_ = rename_count;
    for (size_t i = 0; i < rename_count; i++)
        if (!strchr(renames[i], '=') || renames[i][0] == '=')
            return en_error_set(err, EN_ERROR_INPUT, "--label-id '%s' (expected EXTRACTED=LABEL, e.g. USC=USA_CONGRESS)", renames[i]);
    memset(sc, 0, sizeof *sc);
    char *text = en_store_read_file(path, NULL);
    if (!text) return en_error_add(err, EN_ERROR_INPUT, path, 0, 0, "cannot open the labels");
    en_node *root = en_json_parse(text);
    free(text);
    if (!root || root->type != EN_NODE_ARRAY) {
        en_node_free(root);
        return en_error_add(err, EN_ERROR_INPUT, path, 1, 1,
                            "not a labels file (expected a JSON list of {file, statements} objects)");
    }
    fprintf(out, "misses (gold id, what went wrong):\n");
    for (size_t i = 0; i < root->count; i++) {
        const char *file = str(root->items[i], "file");
        if (!file) continue;
        for (size_t k = 0; k < count; k++)
            if (!strcmp(articles[k]->name, file)) {
                fprintf(out, " %s\n", file);
                score_article(root->items[i], articles[k], out, sc);
                sc->articles++;
            }
    }
    en_node_free(root);
    if (!sc->articles)
        return en_error_add(err, EN_ERROR_INPUT, path, 0, 0,
                            "none of the articles given is labelled here (labels are matched by file name)");
    double dp = ratio(sc->matched, sc->predicted), dr = ratio(sc->matched, sc->gold);
    double ap = ratio(sc->attributed, sc->predicted), ar = ratio(sc->attributed, sc->gold);
    double sp = ratio(sc->stance_hits, sc->predicted_stance), sr = ratio(sc->stance_hits, sc->gold_stance);
    fprintf(out, "\nscore on %zu labelled articles (AUTHOR claims left out): %zu labelled, %zu extracted\n",
            sc->articles, sc->gold, sc->predicted);
    fprintf(out, "  statement detection       precision %.3f  recall %.3f  F1 %.3f  (%zu matched)\n", dp, dr,
            f1(dp, dr), sc->matched);
    fprintf(out, "  speaker->actor            precision %.3f  recall %.3f  F1 %.3f  (%zu right)\n", ap, ar,
            f1(ap, ar), sc->attributed);
    fprintf(out, "  stance on talks + target  precision %.3f  recall %.3f  F1 %.3f  (%zu right of %zu labelled, %zu extracted)\n",
            sp, sr, f1(sp, sr), sc->stance_hits, sc->gold_stance, sc->predicted_stance);
    fprintf(out, "  kind (matched statements) accuracy %.3f\n", ratio(sc->kind_hits, sc->matched));
    return EN_OK;
}
