/*
 * ktab_xml.c — KTAB's SMP XML input (<Scenario>), read with libxml2: name, desc, prngSeed,
 * ModelParameters (nine options, all or none), Dimensions (dName...), Actors (name,
 * description, capability, Position/dCoord..., Salience/dSal...) and IdealAdjustment (iaPair:
 * adjustingIdeal, referencePos, adjust). The options and the seed become scenario settings the
 * smp model applies; the pairs become accommodation entries. Unlike KTAB, <IdealAdjustment>
 * and <prngSeed> may be left out (KTAB's own schema marks the first optional), and every
 * problem is reported with its line and column instead of a log line and exit status 0.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/error.h"
#include "core/oom.h"
#include "core/util.h"
#include "io/ktab.h"
#include "io/load.h"

typedef struct kxml {
    const char *data;
    size_t size;
    const char *name;
    en_error *err;
} kxml;

/* libxml2 keeps lines but not columns: find the element's start tag on its line (the
 * `skip`+1-th one, for same-named siblings sharing the line). */
static int column_nth(const kxml *x, int line, const char *tag, int skip)
{
    if (line <= 0) return 0;
    const char *p = x->data, *end = x->data + x->size;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return 1;
        p = nl + 1;
    }
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    size_t tl = strlen(tag);
    for (const char *q = p; q + tl + 1 <= eol; q++)
        if (*q == '<' && strncmp(q + 1, tag, tl) == 0 && skip-- == 0) return (int)(q - p) + 1;
    return 1;
}

static int column_of(const kxml *x, int line, const char *tag)
{
    return column_nth(x, line, tag, 0);
}

static int node_column(const kxml *x, const xmlNode *node)
{
    int line = (int)xmlGetLineNo(node), skip = 0;
    for (const xmlNode *p = node->prev; p; p = p->prev)
        if (p->type == XML_ELEMENT_NODE && (int)xmlGetLineNo(p) == line &&
            strcmp((const char *)p->name, (const char *)node->name) == 0)
            skip++;
    return column_nth(x, line, (const char *)node->name, skip);
}

static void fail(const kxml *x, const xmlNode *node, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(const kxml *x, const xmlNode *node, const char *format, ...)
{
    char message[400];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    int line = node ? (int)xmlGetLineNo(node) : 0;
    if (line < 0) line = 0;
    en_error_add(x->err, EN_ERROR_INPUT, x->name, line, node ? node_column(x, node) : 0, "%s",
                 message);
}

static int is_element(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent->children; c; c = c->next)
        if (is_element(c, name)) return c;
    return NULL;
}

static void free_xml_text(void *text) { xmlFree(text); }

/* The element's text, blanks trimmed (malloc'd). */
static char *text_of(const xmlNode *n)
{
    xmlChar *raw = xmlNodeGetContent(n);
    en_oom_track(raw, free_xml_text); /* released by an unwind should the copy find no memory */
    const char *t = raw ? (const char *)raw : "";
    while (*t && isspace((unsigned char)*t)) t++;
    size_t len = strlen(t);
    while (len && isspace((unsigned char)t[len - 1])) len--;
    char *out = en_xstrndup(t, len);
    en_oom_untrack(raw);
    xmlFree(raw);
    return out;
}

static xmlNode *require(const kxml *x, const xmlNode *parent, const char *name, const char *what)
{
    xmlNode *c = child(parent, name);
    if (!c) fail(x, parent, "<%s> has no <%s> (expected %s)", (const char *)parent->name, name, what);
    return c;
}

/* A number in [lo, hi] as the whole text of the element. */
static int number_of(const kxml *x, const xmlNode *n, double lo, double hi, const char *what,
                     double *out)
{
    char *t = text_of(n);
    char *end = NULL;
    int ok = t[0] && (isdigit((unsigned char)t[0]) || strchr(".+-", t[0]));
    for (const char *q = t; ok && *q; q++) ok = isdigit((unsigned char)*q) || strchr(".eE+-", *q);
    double v = ok ? strtod(t, &end) : 0;
    ok = ok && end && *end == '\0' && isfinite(v);
    if (!ok) fail(x, n, "<%s> '%s' is not a number (expected %s)", (const char *)n->name, t, what);
    else if (!(v >= lo && v <= hi)) {
        fail(x, n, "<%s> %g is out of range (expected %s)", (const char *)n->name, v, what);
        ok = 0;
    }
    en_free(t);
    if (ok) *out = v;
    return ok;
}

/* KTAB's option names and the smp model's words for them. */
typedef struct kxml_option {
    const char *element, *setting;
    const char *ktab[6], *entente[6];
} kxml_option;

static const kxml_option options[] = {
    {"VictoryProbModel", "victory_prob_model",
     {"Linear", "Square", "Quartic", "Octic", "Binary"},
     {"linear", "square", "quartic", "octic", "binary"}},
    {"PCEModel", "pce_model", {"Conditional", "MarkovIncentive", "MarkovUniform"},
     {"conditional", "markov_incentive", "markov_uniform"}},
    {"StateTransitions", "state_transitions", {"Deterministic", "Stochastic"},
     {"deterministic", "stochastic"}},
    {"VotingRule", "voting_rule", {"Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"},
     {"binary", "prop_bin", "prop", "prop_cbc", "cubic", "asym_prosp"}},
    {"BigRAdjust", "bigr_adjust", {"None", "OneThird", "Half", "TwoThirds", "Full"},
     {"none", "one_third", "half", "two_thirds", "full"}},
    {"BigRRange", "bigr_range", {"Min", "Mid", "Max"}, {"min", "mid", "max"}},
    {"ThirdPartyCommit", "third_party_commit", {"NoCommit", "SemiCommit", "FullCommit"},
     {"no_commit", "semi_commit", "full_commit"}},
    {"InterVecBrgn", "inter_vec_bargain", {"S1P1", "S2P2", "S2PMax"}, {"s1p1", "s2p2", "s2pmax"}},
    {"BargnModel", "bargain_model", {"InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"},
     {"init_only", "init_rcvr", "pw_comp"}},
};

static void read_options(const kxml *x, const xmlNode *node, en_scenario *s)
{
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        const kxml_option *o = &options[i];
        char expected[200] = "";
        for (size_t k = 0; k < 6 && o->ktab[k]; k++) {
            strcat(expected, k ? (k + 1 < 6 && o->ktab[k + 1] ? ", " : " or ") : "");
            strcat(expected, o->ktab[k]);
        }
        xmlNode *e = require(x, node, o->element, expected);
        if (!e) continue;
        char *t = text_of(e);
        size_t k = 0;
        while (k < 6 && o->ktab[k] && strcmp(o->ktab[k], t) != 0) k++;
        if (k < 6 && o->ktab[k]) en_scenario_add_setting(s, o->setting, o->entente[k]);
        else fail(x, e, "<%s> '%s' is unknown (expected %s; names are case-sensitive)",
                  o->element, t, expected);
        en_free(t);
    }
}

static void read_seed(const kxml *x, const xmlNode *node, en_scenario *s)
{
    char *t = text_of(node);
    int ok = t[0] != '\0' && strlen(t) <= 40;
    for (const char *q = t; ok && *q; q++) ok = isdigit((unsigned char)*q);
    if (ok) {
        /* decimal uint64, leading zeros allowed */
        const char *q = t;
        while (q[0] == '0' && q[1]) q++;
        ok = strlen(q) < 20 || (strlen(q) == 20 && strcmp(q, "18446744073709551615") <= 0);
        if (ok) en_scenario_add_setting(s, "seed", q);
    }
    if (!ok) fail(x, node, "<prngSeed> '%s' is not a whole number from 0 to 18446744073709551615", t);
    en_free(t);
}

static void read_actor(const kxml *x, const xmlNode *node, en_scenario *s, size_t dims)
{
    en_actor *actor = en_scenario_add_actor(s);
    actor->where.line = (int)xmlGetLineNo(node);
    actor->where.column = column_of(x, actor->where.line, "Actor");
    xmlNode *n = require(x, node, "name", "the actor's name, 1 to 25 characters");
    char *name = n ? text_of(n) : en_xstrdup("");
    if (n && (strlen(name) < 1 || strlen(name) > 25))
        fail(x, n, "actor name '%s' has %zu characters (expected 1 to 25)", name, strlen(name));
    actor->id = name;
    xmlNode *desc = require(x, node, "description", "a non-empty description");
    if (desc) {
        char *t = text_of(desc);
        if (!t[0]) fail(x, desc, "<description> of actor '%s' is empty (expected text)", name);
        if (strlen(t) > 256)
            fail(x, desc, "<description> has %zu characters (expected at most 256)", strlen(t));
        if (t[0]) actor->note = t;
        else en_free(t);
    }
    xmlNode *cap = require(x, node, "capability", "a number > 0");
    double c = 0;
    if (cap && number_of(x, cap, 0, 1e8, "a number > 0 and <= 1e8", &c) && !(c > 0))
        fail(x, cap, "<capability> is 0 (expected a number > 0: KTAB cannot weigh the votes of "
                     "an actor with capability 0)");
    actor->capability = en_value_fixed(c, 0, HUGE_VAL);
    if (cap) {
        actor->capability.where.line = (int)xmlGetLineNo(cap);
        actor->capability.where.column = column_of(x, actor->capability.where.line, "capability");
    }
    xmlNode *pos = require(x, node, "Position", "one <dCoord> per dimension");
    xmlNode *sal = require(x, node, "Salience", "one <dSal> per dimension");
    if (!pos || !sal) return;
    const char *tags[2] = {"dCoord", "dSal"};
    xmlNode *lists[2] = {pos, sal};
    double total = 0;
    int all = 1;
    for (int which = 0; which < 2; which++) {
        size_t k = 0;
        for (xmlNode *e = lists[which]->children; e; e = e->next) {
            if (!is_element(e, tags[which])) continue;
            if (k < dims) {
                en_stance *st = &actor->stances[k];
                st->present = 1;
                double v = 0;
                if (!number_of(x, e, 0, 100, "a number in [0, 100]", &v)) all = 0;
                en_value *slot = which == 0 ? &st->position : &st->salience;
                *slot = which == 0 ? en_value_fixed(v, 0, 100) : en_value_fixed(v / 100.0, 0, 1);
                slot->where.line = (int)xmlGetLineNo(e);
                slot->where.column = node_column(x, e);
                if (which == 0) st->where = slot->where;
                else total += v;
            }
            k++;
        }
        if (k != dims) {
            all = 0;
            fail(x, lists[which], "<%s> of actor '%s' has %zu <%s> (expected one per dimension: %zu)",
                 which == 0 ? "Position" : "Salience", name, k, tags[which], dims);
        }
    }
    if (all && total > 100 + 1e-9)
        fail(x, sal, "saliences of actor '%s' add up to %g (expected at most 100)", name, total);
    if (all && !(total > 0))
        fail(x, sal, "actor '%s' has salience 0 on every dimension (expected a positive salience "
                     "on at least one)", name);
}

static void read_adjustments(const kxml *x, const xmlNode *node, en_scenario *s)
{
    for (xmlNode *p = node->children; p; p = p->next) {
        if (!is_element(p, "iaPair")) continue;
        xmlNode *a = require(x, p, "adjustingIdeal", "the name of the actor whose ideal adjusts");
        xmlNode *r = require(x, p, "referencePos", "the name of the actor it adjusts to");
        xmlNode *v = require(x, p, "adjust", "a number in [0, 1]");
        if (!a || !r || !v) continue;
        char *an = text_of(a), *rn = text_of(r);
        double value = 0;
        int ok = number_of(x, v, 0, 1, "a number in [0, 1]", &value);
        if (en_scenario_find_actor(s, an) < 0)
            ok = 0, fail(x, a, "<adjustingIdeal> '%s' is not an actor of this scenario", an);
        if (en_scenario_find_actor(s, rn) < 0)
            ok = 0, fail(x, r, "<referencePos> '%s' is not an actor of this scenario", rn);
        if (ok) {
            s->accommodation = en_xrealloc(s->accommodation,
                                           (s->accommodation_count + 1) * sizeof *s->accommodation);
            en_accommodation *e = &s->accommodation[s->accommodation_count++];
            e->actor = an;
            e->reference = rn;
            e->value = value;
            e->where.line = (int)xmlGetLineNo(p);
            e->where.column = column_of(x, e->where.line, "iaPair");
            /* a later pair for the same entry replaces an earlier one */
            for (size_t k = 0; k + 1 < s->accommodation_count; k++)
                if (!strcmp(s->accommodation[k].actor, an) && !strcmp(s->accommodation[k].reference, rn))
                    s->accommodation[k].value = -1; /* marked, removed below */
            continue;
        }
        en_free(an);
        en_free(rn);
    }
    size_t kept = 0;
    for (size_t k = 0; k < s->accommodation_count; k++) {
        if (s->accommodation[k].value < 0) {
            en_free(s->accommodation[k].actor), en_free(s->accommodation[k].reference);
            continue;
        }
        s->accommodation[kept++] = s->accommodation[k];
    }
    s->accommodation_count = kept;
    /* each actor's row (identity where not given) must add up to at most 1 */
    for (size_t a = 0; a < s->actor_count; a++) {
        int self;
        const en_accommodation *last;
        const double row = en_scenario_accommodation_row(s, a, &self, &last);
        if (last && row > 1 + 1e-10)
            en_error_add(x->err, EN_ERROR_INPUT, x->name, last->where.line, last->where.column,
                         "the adjustments of actor '%s' add up to %g%s (expected at most 1)",
                         s->actors[a].id, row, self ? "" : " with its own 1 on itself");
    }
}

int en_ktab_xml_detect(const char *data, size_t size)
{
    size_t i = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < size && isspace((unsigned char)data[i])) i++;
    if (i >= size || data[i] != '<') return 0;
    /* the first element after the XML declaration and comments */
    for (size_t k = i; k + 9 <= size; k++) {
        if (data[k] != '<') continue;
        if (data[k + 1] == '?' || data[k + 1] == '!') continue;
        return strncmp(data + k + 1, "Scenario", 8) == 0 &&
               (k + 9 == size || strchr(" \t\r\n>/", data[k + 9]));
    }
    return 0;
}

static void free_context(void *ctxt) { xmlFreeParserCtxt(ctxt); }
static void free_document(void *doc) { xmlFreeDoc(doc); }

en_status en_ktab_xml_load(const char *data, size_t size, const char *name, en_scenario **out,
                           en_error *err)
{
    *out = NULL;
    en_error local = EN_ERROR_INIT;
    kxml x = {data, size, name, &local};
    if (size > (size_t)INT32_MAX)
        return en_error_add(err, EN_ERROR_INPUT, name, 0, 0, "file too large for the XML reader");
    xmlInitParser();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) return en_error_set(err, EN_ERROR_NOMEM, "out of memory (XML parser)");
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)size, name, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    /* Released by an unwind should memory run out while they are held (core/oom.h). */
    en_oom_track(ctxt, free_context);
    en_oom_track(doc, free_document);
    if (!doc || !ctxt->wellFormed) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        char message[300] = "the file is not well-formed XML";
        if (e && e->message) {
            snprintf(message, sizeof message, "%s", e->message);
            size_t n = strlen(message);
            while (n && (message[n - 1] == '\n' || message[n - 1] == ' ')) message[--n] = '\0';
        }
        en_error_add(&local, EN_ERROR_INPUT, name, e ? e->line : 0, e ? e->int2 : 0,
                     "XML: %s", message);
        en_oom_untrack(doc);
        en_oom_untrack(ctxt);
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        en_error_move(err, &local);
        return EN_ERROR_INPUT;
    }
    en_oom_untrack(ctxt);
    xmlFreeParserCtxt(ctxt);
    en_scenario *s = en_scenario_new(name, EN_FORMAT_KTAB_XML);
    /* KTAB breaks ties by actor order: keep the file's for exactness (docs/models/smp.md) */
    en_scenario_add_setting(s, "actor_order", "file");
    xmlNode *root = xmlDocGetRootElement(doc);
    if (doc->intSubset || doc->extSubset) {
        /* KTAB files have none; refusing them keeps entity expansion (and its blow-ups) out */
        fail(&x, (xmlNode *)(doc->intSubset ? doc->intSubset : doc->extSubset),
             "the file has a document type declaration (expected a plain <Scenario> document)");
        goto done;
    }
    if (!is_element(root, "Scenario")) {
        fail(&x, root, "the root element is <%s> (expected <Scenario>)",
             root ? (const char *)root->name : "");
        goto done;
    }
    xmlNode *e;
    if ((e = child(root, "name"))) s->title = text_of(e);
    if ((e = child(root, "desc"))) {
        s->description = text_of(e);
        if (!s->description[0]) en_free(s->description), s->description = NULL;
    }
    if ((e = child(root, "prngSeed"))) read_seed(&x, e, s);
    if ((e = child(root, "ModelParameters"))) read_options(&x, e, s);
    xmlNode *dims = require(&x, root, "Dimensions", "one <dName> per dimension");
    xmlNode *actors = require(&x, root, "Actors", "one <Actor> per actor");
    if (!dims || !actors) goto done;
    for (xmlNode *d = dims->children; d; d = d->next) {
        if (!is_element(d, "dName")) continue;
        char *t = text_of(d);
        if (!t[0]) fail(&x, d, "<dName> is empty (expected the dimension's name)");
        en_issue *issue = en_scenario_add_issue(s);
        issue->id = t;
        issue->name = en_xstrdup(t);
        issue->scale_min = 0;
        issue->scale_max = 100;
        issue->space = en_xstrdup(EN_KTAB_SPACE);
        issue->where.line = (int)xmlGetLineNo(d);
        issue->where.column = node_column(&x, d);
    }
    if (s->issue_count == 0) {
        fail(&x, dims, "<Dimensions> has no <dName> (expected at least one dimension)");
        goto done;
    }
    for (xmlNode *a = actors->children; a && en_error_count(&local) < EN_ERROR_LIMIT; a = a->next)
        if (is_element(a, "Actor")) read_actor(&x, a, s, s->issue_count);
    if (local.code == EN_OK && (e = child(root, "IdealAdjustment"))) read_adjustments(&x, e, s);
done:
    en_oom_untrack(doc);
    xmlFreeDoc(doc);
    if (local.code != EN_OK) {
        en_scenario_free(s);
        en_error_move(err, &local);
        return EN_ERROR_INPUT;
    }
    *out = s;
    return EN_OK;
}
