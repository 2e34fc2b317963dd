/*
 * smp_engine.c — the bargaining rounds of the spatial model of politics (SMP) as KTAB computes
 * them: risk attitudes from a probabilistic Condorcet election over the actors' positions,
 * each actor's best challenge, interpolated bargains, one election per actor's queue of
 * bargains, and KTAB's stop rule. Every sum runs in the order KTAB sums, so that positions
 * agree with KTAB's to the last bit (docs/models/smp.md, "Exactness").
 *
 * Cost per round: O(n² (n + d)). KTAB also evaluates every challenge from every actor's
 * perspective (O(n⁴)), but only to log it; that work changes no position and is skipped here.
 * What makes 1,000 actors interactive (docs/models/smp.md, "Speed"): a bound on each challenge's
 * gain that rules most targets out unevaluated, a single-precision screen with a proven error
 * bound (smp_screen.c) for most of the rest, register-tiled (SSE2, or AVX2 when the CPU has
 * it) election sums and challenges, worker threads over a fixed partition of the work, and,
 * without a trace, queue winners decided by a filter (smp_filter.c) from O(n²) bargain utilities
 * with a proven error bound. None of it changes a bit of the output; smp_use_plain_kernels turns
 * it off for the tests.
 *
 * The large-n path (config->precision = SMP_PRECISION_FAST; docs/models/smp.md, "Large-n
 * path") is a separate approximation of the model: third parties from a fixed stratified sample
 * (smp_sample.c) to rank targets, the best eight evaluated exactly; the large elections first
 * with a sample of voters, then exactly for the options that can matter.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef SMP_STATS
#include <stdio.h>
#endif

#include "core/error.h"
#include "core/oom.h"
#include "core/pool.h"
#include "core/util.h"
#include "models/smp.h"
#include "models/smp_filter.h"
#include "models/smp_sample.h"
#include "models/smp_classes.h"
#include "models/smp_screen.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__GNUC__) && !defined(__clang__)
/* Element-wise loops only (no reassociated sums: the SIMD lanes give the same doubles). */
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

#define SMP_COALITION_FLOOR 1e-8  /* a coalition's strength before anyone votes */
#define SMP_CHALLENGE_FLOOR 1e-10 /* the same for the two sides of a challenge */
#define SMP_MIN_GAIN 1e-5         /* smallest expected gain worth a challenge */
#define SMP_BARGAIN_TILT 1e-6     /* keeps 0/0 bargains at each side's own position */
#define SMP_BINARY_STEP 1e-8      /* binary vote: differences this small count in proportion */
#define SMP_BINARY_THRESHOLD 1.10 /* binary victory: a 10% stronger coalition wins outright */
#define SMP_MIN_SIG_DELTA 1e-4    /* added to the first round's movement in the stop rule */
#define SMP_POSITION_TOLERANCE 1e-3 /* positions closer than this are the same position */
#define SMP_GAIN_MARGIN 1e-9      /* far above the round-off of a gain (gains are at most 4) */
#define SMP_SCREEN_CHUNK 16       /* targets screened before the best gain is updated */
#define SMP_SCREEN_STEP 16        /* third parties between two looks at the screen's bound */
#define SMP_SCREEN_STATE 6        /* doubles the screen keeps per target */
/* The large-n ranking's coarse pass: sampled third parties in it (one AVX-512 register of
 * floats), and the smallest sample that has one (two sampled parties per coarse one). */
#define SMP_FAST_COARSE 16
#define SMP_FAST_COARSE_MIN_SAMPLE 32

void smp_config_default(smp_config *c)
{
    memset(c, 0, sizeof *c);
    c->victory_prob_model = SMP_VPM_LINEAR;
    c->pce_model = SMP_PCE_CONDITIONAL;
    c->state_transitions = SMP_STM_DETERMINISTIC;
    c->voting_rule = SMP_VR_PROP;
    c->bigr_adjust = SMP_BIGR_ONE_THIRD;
    c->bigr_range = SMP_RANGE_MID;
    c->third_party_commit = SMP_TPC_SEMI_COMMIT;
    c->inter_vec_bargain = SMP_IVB_S2P2;
    c->bargain_model = SMP_BM_INIT_ONLY;
    c->min_rounds = 2;
    c->max_rounds = 100;
    c->min_delta_ratio = 0.02;
    c->seed = 0xD67CC16FE69C185Cull;
    c->record = 1;
}

/* ---- random numbers: mt19937_64 and KTAB's transform ---- */

void smp_rng_seed(smp_rng *g, uint64_t seed)
{
    g->state[0] = seed;
    for (size_t i = 1; i < 312; i++)
        g->state[i] = 6364136223846793005ull * (g->state[i - 1] ^ (g->state[i - 1] >> 62)) + i;
    g->index = 312;
}

uint64_t smp_rng_next(smp_rng *g)
{
    if (g->index >= 312) {
        for (size_t i = 0; i < 312; i++) {
            uint64_t x = (g->state[i] & 0xFFFFFFFF80000000ull) |
                         (g->state[(i + 1) % 312] & 0x7FFFFFFFull);
            uint64_t xa = x >> 1;
            if (x & 1) xa ^= 0xB5026F5AA96619E9ull;
            g->state[i] = g->state[(i + 156) % 312] ^ xa;
        }
        g->index = 0;
    }
    uint64_t y = g->state[g->index++];
    y ^= (y >> 29) & 0x5555555555555555ull;
    y ^= (y << 17) & 0x71D67FFFEDA60000ull;
    y ^= (y << 37) & 0xFFF7EEE000000000ull;
    y ^= y >> 43;
    return y;
}

double smp_rng_uniform(smp_rng *g)
{
    uint64_t n = smp_rng_next(g);
    uint64_t u = (n + 0xE08C1D668B756F83ull) * (2 * n + 3); /* modulo 2^64 */
    return 0.0 + (1.0 - 0.0) * (double)u / (double)0xFFFFFFFFFFFFFFFFull;
}

/* ---- utilities ---- */

/* Salience-weighted distance of a difference vector, scaled into [0,1]. */
static double weighted_distance(const double *delta, const double *salience, size_t d,
                                double salience_squares)
{
    double acc = 0.0;
    for (size_t k = 0; k < d; k++) {
        double ds = delta[k] * salience[k];
        acc += ds * ds;
    }
    if (salience_squares <= 0) return 0; /* an actor that cares about nothing here */
    return sqrt(acc / salience_squares);
}

static double scalar_utility(double distance, double risk)
{
    if (distance <= 1) return (1 - distance) * (1 + distance * risk);
    return (1 - distance) * (1 + risk);
}

static double clamp_unit(double x) { return x < -1 ? -1 : x > 1 ? 1 : x; }

/* Influence weight w exerts for a over b, given its utilities of a and b. */
static double vote(int rule, double w, double ua, double ub)
{
    double delta = ua - ub;
    switch (rule) {
    case SMP_VR_BINARY: return w * clamp_unit(delta / SMP_BINARY_STEP);
    case SMP_VR_PROP_BIN: return w * (0.8 * delta + 0.2 * clamp_unit(delta / SMP_BINARY_STEP));
    case SMP_VR_PROP_CBC: {
        double cube = delta * delta * delta;
        return w * (0.5 * delta + 0.5 * cube);
    }
    case SMP_VR_CUBIC: return w * (delta * delta * delta);
    case SMP_VR_ASYM_PROSP:
        if (delta < 0) return w * delta;
        if (delta > 0) return (2.0 * w * delta) / 3.0;
        return 0;
    case SMP_VR_PROP:
    default: return w * delta;
    }
}

/* ---- probabilistic Condorcet elections ---- */

typedef struct smp_work {
    const smp_config *config;
    size_t n, d;
    const double *capability, *salience, *accommodation;
    double *salience_total;   /* n: Σ_k s_ik */
    double *salience_squares; /* n: Σ_k s_ik² */
    double *effective_power;  /* n: S_i × c_i */
    /* the current state */
    double *x, *ideal, *distance, *distance_t, *risk; /* distance_t: transposed */
    float *distance_tf;       /* distance_t in float, for the screen (NULL: no screen) */
    int unit_distances;       /* every distance lies in [0,1] (a precondition of the screen) */
    unsigned char *row_unit;  /* n: row i of the distances lies in [0,1] */
    double *ideal_t, *salience_t, *x_t; /* d × n: ideal points, saliences and positions,
                                           dimension by dimension */
    double *end_u;            /* threads × 2n: each worker's utilities of a bargain's two ends */
    double *sq_utility;       /* n: each actor's mean utility of the status quo */
    long *hint;               /* n: each actor's target in the previous round (-1: none); it
                                 orders the target search, never decides it */
    int threads;              /* workers of the parallel phases (1: none) */
    en_pool *pool;            /* their threads, kept for the run (NULL: none) */
    /* a round's tables, kept from round to round (fresh pages for them every round cost
       about a tenth of a round's time at 1,000 actors) */
    double *Tt;               /* n × n: Tt[m][a] = U^a(a, m) */
    double *row_sum, *abs_sum; /* n: Σ_m U^a(a, m) in order, Σ_m |U^a(a, m)| */
    double *bu;               /* bargains × n: utilities of the bargains */
    double *bu_err;           /* bargains: Σ_a c_a ε_a of each bargain's error bounds ε_a */
    size_t bu_capacity;       /* bargains the two hold */
    double *exact;            /* bargains × n: exact utilities of the undecided queues' bargains */
    size_t exact_capacity;    /* bargains it holds */
    size_t bargains_total, bargains_exact, bargains_same_ends; /* statistics: bargains, those
                                             summed exactly, those with one position */
    size_t queues_filtered, queues_exact; /* statistics: queue winners decided by the filter
                                             or by the exact election */
    struct smp_scratch *scratch; /* one per worker */
    smp_rng rng;
    /* the large-n path (precision=fast; docs/models/smp.md, "Large-n path"): fixed stratified
       samples of third parties (by effective power) and of voters (by capability) */
    int fast;
    size_t tm, vm;               /* actors in the two samples */
    size_t *t_member, *v_member; /* tm, vm: the sampled actors, ascending */
    double *t_scale;             /* tm: a sampled third party's vote stands for its stratum's */
    size_t *t_place;             /* n: j's place in t_member, tm when j is not sampled */
    double *v_weight;            /* vm: a sampled voter's weight, its stratum's capability */
    float *Dsf;                  /* n × tm: Dsf[j·tm + s] = D(t_member[s], j) in float */
    /* the ranking's coarse pass (best_target_fast): SMP_FAST_COARSE of the sampled third
       parties, spread evenly over the sample; tc = 0 when there is none */
    size_t tc;
    size_t c_at[SMP_FAST_COARSE]; /* coarse place k's place in the sample */
    double c_weight;             /* a coarse party stands for tm / SMP_FAST_COARSE sampled ones */
    unsigned char *c_skip;       /* n: j's coarse place, SMP_FAST_COARSE when j has none */
    float *Dcf;                  /* n × SMP_FAST_COARSE: Dcf[j·16 + k] = Dsf[j·tm + c_at[k]] */
    struct smp_election *sampled; /* the sampled elections' tables */
    double *lp;                  /* n: the sampled elections' log₂ products */
    size_t *cand;                /* n: options whose product is computed from every voter */
} smp_work;

/* One election's tables; each worker owns one, so elections can run side by side. */
typedef struct smp_election {
    size_t capacity; /* options the tables hold */
    double *C, *P, *p, *q, *ct, *u, *panel;
    double *filter;       /* the filtered queue election's scratch */
    const double **rows;  /* capacity: the error bounds' rows of its options */
} smp_election;

typedef struct smp_candidate {
    double bound;
    size_t j;
} smp_candidate;

/* A worker's private scratch: an election and one perspective's vectors. */
typedef struct smp_scratch {
    smp_election el;
    double *rh, *uh_i, *uh_m, *delta, *third_party_vote;
    double *uh_i_copy;                /* n: scratch of screen_order (the caps' first parts) */
    smp_candidate *candidates; /* n */
    /* the screen of the target search (screen_order): third parties in screening order */
    int *perm;                        /* n */
    double *pw, *pui, *pum, *prh;     /* n each: power, U(m,i), U(m,m), risk in that order */
    double *cap;                      /* n + 1: suffix sums of the third parties' caps */
    double *cap_a, *cap_b, *cap_m;    /* n + 1 each: the caps' two parts, suffix sums, and the
                                         suffix maxima of w_m·U(m,i) (the per-target cap) */
    float *fw, *fui, *fum, *frh;      /* n each: pw, pui, pum, prh in float */
    double *err_a, *err_b;            /* n + 1: prefix sums of w_m and w_m² in screening order */
    double *screen_state;             /* SMP_SCREEN_STATE n: the screen's sums per target */
    size_t *screen_list;              /* n: the targets being screened */
    size_t *perm_tmp;                 /* n: the sort's buffer */
    size_t challenges_evaluated, challenges_screened, screen_terms; /* statistics */
    size_t coarse_tested, coarse_pruned; /* statistics of the ranking's coarse pass */
    size_t sampled_negative;          /* statistics: sampled gains below 0 */
    float *fsw, *fsui, *fsum, *fsrh, *fsf; /* tm each: the sampled third parties in one
                                             perspective: power, U(m,i), U(m,m), risk, scale */
    float fcw[SMP_FAST_COARSE], fcui[SMP_FAST_COARSE], fcum[SMP_FAST_COARSE]; /* the same of */
    float fcrh[SMP_FAST_COARSE], fcf[SMP_FAST_COARSE]; /* the coarse parties (scale × c_weight) */
    double *rows;                      /* 3 · SMP_FAST_GROUP · n: exact rows of the fast election */
} smp_scratch;

static void ensure_election(const smp_work *w, smp_election *e, size_t options)
{
    if (options <= e->capacity) return;
    /* twice the room at least: the queues' lengths creep up over a run, and each new block is
       fresh pages to fault in (the tables are packed by `options`, so room not used is never
       touched) */
    size_t cap = options < 16 ? 16 : options;
    if (cap < 2 * e->capacity) cap = 2 * e->capacity;
    size_t cap4 = (cap + 3) / 4 * 4;
    en_free(e->C), en_free(e->P), en_free(e->p), en_free(e->q), en_free(e->ct), en_free(e->u), en_free(e->panel);
    en_free(e->filter), en_free(e->rows);
    e->rows = en_xmalloc(cap * sizeof *e->rows);
    e->filter = en_xmalloc(smp_filter_scratch_size(cap) * sizeof *e->filter);
    e->C = en_xmalloc_large(cap * cap * sizeof *e->C);
    e->P = en_xmalloc_large(cap * cap * sizeof *e->P);
    e->ct = en_xmalloc_large(cap * cap * sizeof *e->ct);
    e->p = en_xmalloc(cap * sizeof *e->p);
    e->q = en_xmalloc(cap * sizeof *e->q);
    e->u = en_xmalloc_large(w->n * cap * sizeof *e->u);
    e->panel = en_xmalloc_large(w->n * cap4 * sizeof *e->panel);
    e->capacity = cap;
}

static void election_free(smp_election *e)
{
    en_free(e->C), en_free(e->P), en_free(e->p), en_free(e->q), en_free(e->ct), en_free(e->u), en_free(e->panel);
    en_free(e->filter), en_free(e->rows);
    memset(e, 0, sizeof *e);
}

/* Set by smp_use_plain_kernels (tests): no SIMD kernels, no pruned target search. */
static int smp_plain;

void smp_use_plain_kernels(int on) { __atomic_store_n(&smp_plain, on, __ATOMIC_RELAXED); }

/* Set by smp_limit_isa (tests, benchmarks): the highest instruction-set level allowed. */
static int smp_isa_limit = SMP_ISA_AVX512;

void smp_limit_isa(int level) { __atomic_store_n(&smp_isa_limit, level, __ATOMIC_RELAXED); }

/* Set by smp_check_fast_elections (tests, benchmarks): each fast election is also held
 * against the exact one, and the largest gap and the winner misses kept here. */
static int smp_election_check;
static pthread_mutex_t smp_election_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t smp_elections_checked, smp_election_misses;
static double smp_election_gap;

void smp_check_fast_elections(int on)
{
    pthread_mutex_lock(&smp_election_lock);
    smp_elections_checked = smp_election_misses = 0;
    smp_election_gap = 0.0;
    pthread_mutex_unlock(&smp_election_lock);
    __atomic_store_n(&smp_election_check, on, __ATOMIC_RELAXED);
}

size_t smp_fast_election_record(double *largest_gap, size_t *winner_misses)
{
    pthread_mutex_lock(&smp_election_lock);
    size_t checked = smp_elections_checked;
    *largest_gap = smp_election_gap, *winner_misses = smp_election_misses;
    pthread_mutex_unlock(&smp_election_lock);
    return checked;
}

/* ---- workers: a fixed partition, so results never depend on the thread count ---- */

#define SMP_MAX_THREADS 64

/* Rows of the n × n tables are dealt out in blocks of SMP_ROW_BLOCK (a block's column entries
 * in the transposed tables fill whole cache lines, so no two threads write the same line). */
#define SMP_ROW_BLOCK 16
#define SMP_END_LANES 16 /* actors side by side in the element-wise kernels */

/* Runs fn(ctx, t, parts) for t < parts on the run's worker pool (core/pool.h; the caller is
 * one of its threads). Each task handles the items t, t + parts, t + 2·parts, ... of its phase
 * (or a contiguous range of them) and writes only their own slots, and its scratch is that of
 * its thread's slot (smp_slot); every item is computed by the same code whichever thread and
 * part have it, so the output is the same bits for any thread count. */
static void smp_parallel(const smp_work *w, size_t parts, en_pool_task fn, void *ctx)
{
    en_pool_run(w->pool, parts, fn, ctx);
}

/* The scratch slot (w->scratch[], w->end_u) of the thread running the calling part. */
static size_t smp_slot(const smp_work *w) { return (size_t)en_pool_slot(w->pool); }

/* Workers for a phase of `items` independent items of roughly `cost` operations each: one
 * thread per ~2^20 operations at most, so small runs stay on one thread. */
static size_t workers_for(const smp_work *w, size_t items, double cost)
{
    double total = (double)items * cost;
    size_t k = (size_t)w->threads;
    size_t by_work = (size_t)(total / 1048576.0) + 1;
    if (k > by_work) k = by_work;
    if (k > items) k = items;
    return k ? k : 1;
}

/* Parts for such a phase: SMP_PARTS_PER_THREAD per worker when it has more than one (at most
 * one per item; phases whose parts share reads across their items keep workers_for). With one
 * part per thread a phase ends with its slowest part: a worker that wakes late, or items of
 * uneven cost, leave the other thread idle (at 1,000 actors × 6 on two threads that was about
 * a tenth of the wall time on a busy machine); with small parts claimed in turn, the thread
 * that is free takes the next. */
#define SMP_PARTS_PER_THREAD 16

static size_t parts_for(const smp_work *w, size_t items, double cost)
{
    size_t k = workers_for(w, items, cost);
    if (k < 2) return 1;
    k *= SMP_PARTS_PER_THREAD;
    return k < items ? k : items;
}

/* Part `part`'s contiguous share [*lo, *hi) of `items` items, for the phases that write
 * columns of a table (row i's entries C[j][i] for every j): parts dealt items in turn put
 * neighbouring rows on different threads, whose column entries then share a cache line in
 * every column, written by both threads at once. Contiguous shares leave one shared line per
 * column at each share's end. At most `shares` shares (shares_of: SMP_SHARES_PER_THREAD per
 * thread; a part beyond them gets none). heavy_last: item i costs about i (a triangle); part 0
 * then takes the last share, so the costly shares are claimed first and the cheap ones even
 * out the end. */
#define SMP_SHARES_PER_THREAD 4

static size_t shares_of(const smp_work *w) { return (size_t)w->threads * SMP_SHARES_PER_THREAD; }

static void part_share(size_t shares, size_t items, size_t part, size_t parts, int heavy_last,
                       size_t *lo, size_t *hi)
{
    if (shares > parts) shares = parts;
    *lo = *hi = 0;
    if (part >= shares) return;
    size_t k = heavy_last ? shares - 1 - part : part;
    *lo = items * k / shares;
    *hi = items * (k + 1) / shares;
}

/* Two doubles in one SIMD register (GCC/clang vector extension; SSE2 on x86-64). Element-wise
 * IEEE operations give each lane exactly the scalar result. */
typedef double v2d __attribute__((vector_size(16)));
typedef long long v2i __attribute__((vector_size(16)));

static inline v2d load2(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store2(double *p, v2d v) { memcpy(p, &v, sizeof v); }

/* mask ? a : b, lane by lane (mask lanes all ones or all zeros, as comparisons give) */
static inline v2d select2(v2i mask, v2d a, v2d b)
{
    v2i r = ((v2i)a & mask) | ((v2i)b & ~mask);
    return (v2d)r;
}

/* Coalition strengths C (q × q) from voters' utilities u (voters × q, row per voter). For
 * each option i the sums against every j < i advance together voter by voter: each pair's sum
 * still adds its voters in ascending order (exactly KTAB's sums), while the pairs fill SIMD
 * lanes. Adding +0.0 leaves a positive sum unchanged, so the sums need no branches. */
static void coalitions_rowwise(const smp_work *w, smp_election *e, size_t voters, size_t q,
                               const double *weight, const double *u, double *C)
{
    int rule = w->config->voting_rule;
    double *pro = e->q, *con = e->ct; /* q entries each */
    for (size_t i = 0; i < q; i++) {
        for (size_t j = 0; j < i; j++) pro[j] = con[j] = SMP_COALITION_FLOOR;
        for (size_t k = 0; k < voters; k++) {
            const double *row = &u[k * q];
            double wk = weight[k], uki = row[i];
            if (rule == SMP_VR_PROP) {
                size_t j = 0;
                const v2d wv = {wk, wk}, uv = {uki, uki}, zero = {0.0, 0.0};
                for (; j + 2 <= i; j += 2) {
                    v2d v = wv * (uv - load2(&row[j]));
                    store2(&pro[j], load2(&pro[j]) + select2(v > zero, v, zero));
                    store2(&con[j], load2(&con[j]) - select2(v < zero, v, zero));
                }
                for (; j < i; j++) {
                    double v = wk * (uki - row[j]);
                    pro[j] += v > 0 ? v : 0.0;
                    con[j] -= v < 0 ? v : 0.0;
                }
            } else {
                for (size_t j = 0; j < i; j++) {
                    double v = vote(rule, wk, uki, row[j]);
                    pro[j] += v > 0 ? v : 0.0;
                    con[j] -= v < 0 ? v : 0.0;
                }
            }
        }
        for (size_t j = 0; j < i; j++) {
            C[i * q + j] = pro[j];
            C[j * q + i] = con[j];
        }
        C[i * q + i] = SMP_COALITION_FLOOR;
    }
}

/* lane-wise v > 0 ? v : 0 and v < 0 ? v : 0 (MAXPD/MINPD give exactly these, NaN included) */
static inline v2d positive_part(v2d v)
{
#if defined(__SSE2__)
    return (v2d)_mm_max_pd((__m128d)v, _mm_setzero_pd());
#else
    const v2d zero = {0.0, 0.0};
    return select2(v > zero, v, zero);
#endif
}

static inline v2d negative_part(v2d v)
{
#if defined(__SSE2__)
    return (v2d)_mm_min_pd((__m128d)v, _mm_setzero_pd());
#else
    const v2d zero = {0.0, 0.0};
    return select2(v < zero, v, zero);
#endif
}

/* Options in panels of four: panel b holds, voter after voter, the utilities of options
 * 4b..4b+3, so that a block of options is one sequential stream over the voters. Each part
 * makes a contiguous range of panels (plain copies: the same bits however they are shared):
 * a cache line of u holds eight options, so panels dealt out in turn would have two threads
 * each read every line of u for half of it, twice the memory traffic of one thread. */
typedef struct panel_task {
    size_t voters, q;
    const double *u;
    double *panel;
} panel_task;

static void panel_rows_task(void *ctx, size_t part, size_t parts)
{
    const panel_task *t = ctx;
    size_t blocks = (t->q + 3) / 4, voters = t->voters, q = t->q;
    for (size_t b = blocks * part / parts; b < blocks * (part + 1) / parts; b++)
        for (size_t k = 0; k < voters; k++)
            for (size_t l = 0; l < 4; l++) {
                size_t o = 4 * b + l;
                t->panel[(b * voters + k) * 4 + l] = o < q ? t->u[k * q + o] : 0.0;
            }
}

static void to_panels(const smp_work *w, size_t parts, size_t voters, size_t q, const double *u,
                      double *panel)
{
    panel_task t = {voters, q, u, panel};
    size_t blocks = (q + 3) / 4;
    if ((double)voters * (double)q < 262144.0) parts = 1; /* too small to share */
    smp_parallel(w, parts < blocks ? parts : blocks, panel_rows_task, &t);
}

static inline double panel_at(const double *panel, size_t voters, size_t k, size_t o)
{
    return panel[((o / 4) * voters + k) * 4 + o % 4];
}

/* One pair's two strengths under the proportional rule, voters in ascending order. */
static void pair_strengths(const double *panel, size_t voters, const double *weight, size_t i,
                           size_t j, double *pro, double *con)
{
    double a = SMP_COALITION_FLOOR, b = SMP_COALITION_FLOOR;
    for (size_t k = 0; k < voters; k++) {
        double v = weight[k] * (panel_at(panel, voters, k, i) - panel_at(panel, voters, k, j));
        a += v > 0 ? v : 0.0;
        b -= v < 0 ? v : 0.0;
    }
    *pro = a, *con = b;
}

/* Rows i0 and i0 + 1 (i0 even; only i0 when i0 + 1 = q) of the proportional-rule strengths.
 * Eight pairs (two options × four earlier options) keep their sixteen sums in registers for
 * the whole pass over the voters, which load one panel row each; every sum still adds its
 * voters one by one in ascending order, as KTAB does. */
static void coalition_row_pair(const double *panel, size_t voters, size_t q, const double *weight,
                               size_t i0, double *C)
{
    size_t i1 = i0 + 1, whole = i1 < q ? i0 / 4 * 4 : 0;
    const double *pi = &panel[(i0 / 4) * voters * 4 + i0 % 4];
    const v2d floor = {SMP_COALITION_FLOOR, SMP_COALITION_FLOOR};
    for (size_t j0 = 0; j0 < whole; j0 += 4) {
        const double *pj = &panel[(j0 / 4) * voters * 4];
        v2d p00 = floor, p01 = floor, p10 = floor, p11 = floor;
        v2d c00 = floor, c01 = floor, c10 = floor, c11 = floor;
        for (size_t k = 0; k < voters; k++) {
            const v2d wk = {weight[k], weight[k]};
            const v2d a0 = {pi[k * 4], pi[k * 4]}, a1 = {pi[k * 4 + 1], pi[k * 4 + 1]};
            const v2d b0 = load2(&pj[k * 4]), b1 = load2(&pj[k * 4 + 2]);
            v2d v = wk * (a0 - b0);
            p00 += positive_part(v), c00 -= negative_part(v);
            v = wk * (a0 - b1);
            p01 += positive_part(v), c01 -= negative_part(v);
            v = wk * (a1 - b0);
            p10 += positive_part(v), c10 -= negative_part(v);
            v = wk * (a1 - b1);
            p11 += positive_part(v), c11 -= negative_part(v);
        }
        store2(&C[i0 * q + j0], p00), store2(&C[i0 * q + j0 + 2], p01);
        store2(&C[i1 * q + j0], p10), store2(&C[i1 * q + j0 + 2], p11);
        C[j0 * q + i0] = c00[0], C[(j0 + 1) * q + i0] = c00[1];
        C[(j0 + 2) * q + i0] = c01[0], C[(j0 + 3) * q + i0] = c01[1];
        C[j0 * q + i1] = c10[0], C[(j0 + 1) * q + i1] = c10[1];
        C[(j0 + 2) * q + i1] = c11[0], C[(j0 + 3) * q + i1] = c11[1];
    }
    for (size_t i = i0; i <= i1 && i < q; i++) {
        for (size_t j = whole; j < i; j++)
            pair_strengths(panel, voters, weight, i, j, &C[i * q + j], &C[j * q + i]);
        C[i * q + i] = SMP_COALITION_FLOOR;
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SMP_HAVE_AVX2_KERNEL 1
#include <immintrin.h>

#define SMP_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq")))

/* Sixteen pairs' coalition sums (four rows a, interleaved per voter: a[k·4 + r], against four
 * options, pj[k·4 + l]): p_r[l] adds max(v, 0) and c_r[l] subtracts min(v, 0) for
 * v = w_k·(a_r − b_l), voters in ascending order, each starting at the floor — pair_strengths'
 * operations lane by lane (no FMA: the target enables AVX2 only), so the same bits. */
__attribute__((target("avx2"), always_inline)) static inline void
block4x4_avx2(const double *a, const double *pj, const double *weight, size_t voters, __m256d *p0,
              __m256d *p1, __m256d *p2, __m256d *p3, __m256d *c0, __m256d *c1, __m256d *c2,
              __m256d *c3)
{
    const __m256d floor = _mm256_set1_pd(SMP_COALITION_FLOOR), zero = _mm256_setzero_pd();
    __m256d q0 = floor, q1 = floor, q2 = floor, q3 = floor;
    __m256d d0 = floor, d1 = floor, d2 = floor, d3 = floor;
    for (size_t k = 0; k < voters; k++) {
        const __m256d wk = _mm256_broadcast_sd(&weight[k]);
        const __m256d b = _mm256_loadu_pd(&pj[k * 4]);
        __m256d v = _mm256_mul_pd(wk, _mm256_sub_pd(_mm256_broadcast_sd(&a[k * 4]), b));
        q0 = _mm256_add_pd(q0, _mm256_max_pd(v, zero));
        d0 = _mm256_sub_pd(d0, _mm256_min_pd(v, zero));
        v = _mm256_mul_pd(wk, _mm256_sub_pd(_mm256_broadcast_sd(&a[k * 4 + 1]), b));
        q1 = _mm256_add_pd(q1, _mm256_max_pd(v, zero));
        d1 = _mm256_sub_pd(d1, _mm256_min_pd(v, zero));
        v = _mm256_mul_pd(wk, _mm256_sub_pd(_mm256_broadcast_sd(&a[k * 4 + 2]), b));
        q2 = _mm256_add_pd(q2, _mm256_max_pd(v, zero));
        d2 = _mm256_sub_pd(d2, _mm256_min_pd(v, zero));
        v = _mm256_mul_pd(wk, _mm256_sub_pd(_mm256_broadcast_sd(&a[k * 4 + 3]), b));
        q3 = _mm256_add_pd(q3, _mm256_max_pd(v, zero));
        d3 = _mm256_sub_pd(d3, _mm256_min_pd(v, zero));
    }
    *p0 = q0, *p1 = q1, *p2 = q2, *p3 = q3, *c0 = d0, *c1 = d1, *c2 = d2, *c3 = d3;
}

/* Rows i0..i0+3 (i0 a multiple of four, all four < q) with AVX2: sixteen pairs (four options ×
 * four earlier options, one panel row each) per pass over the voters, the same operations
 * lane by lane as pair_strengths (no FMA: the target enables AVX2 only). */
__attribute__((target("avx2"), always_inline)) static inline void
coalition_row_quad_from_avx2(const double *panel, size_t voters, size_t q, const double *weight,
                             size_t i0, size_t from, double *C)
{
    const double *pi = &panel[(i0 / 4) * voters * 4];
    /* j0 = i0 is the diagonal block: all sixteen lanes are summed, the six pairs j < i kept
       (each lane's operations are pair_strengths', so the kept sums are its bits) */
    for (size_t j0 = from; j0 <= i0; j0 += 4) {
        const double *pj = &panel[(j0 / 4) * voters * 4];
        __m256d p0, p1, p2, p3, c0, c1, c2, c3;
        block4x4_avx2(pi, pj, weight, voters, &p0, &p1, &p2, &p3, &c0, &c1, &c2, &c3);
        double con[4][4];
        if (j0 == i0) {
            double pro[4][4];
            _mm256_storeu_pd(pro[0], p0), _mm256_storeu_pd(pro[1], p1);
            _mm256_storeu_pd(pro[2], p2), _mm256_storeu_pd(pro[3], p3);
            _mm256_storeu_pd(con[0], c0), _mm256_storeu_pd(con[1], c1);
            _mm256_storeu_pd(con[2], c2), _mm256_storeu_pd(con[3], c3);
            for (size_t r = 0; r < 4; r++)
                for (size_t l = 0; l < r; l++) {
                    C[(i0 + r) * q + i0 + l] = pro[r][l];
                    C[(i0 + l) * q + i0 + r] = con[r][l];
                }
            break;
        }
        _mm256_storeu_pd(&C[i0 * q + j0], p0), _mm256_storeu_pd(&C[(i0 + 1) * q + j0], p1);
        _mm256_storeu_pd(&C[(i0 + 2) * q + j0], p2), _mm256_storeu_pd(&C[(i0 + 3) * q + j0], p3);
        _mm256_storeu_pd(con[0], c0), _mm256_storeu_pd(con[1], c1);
        _mm256_storeu_pd(con[2], c2), _mm256_storeu_pd(con[3], c3);
        for (size_t r = 0; r < 4; r++)
            for (size_t l = 0; l < 4; l++) C[(j0 + l) * q + i0 + r] = con[r][l];
    }
    for (size_t i = i0; i < i0 + 4; i++) C[i * q + i] = SMP_COALITION_FLOOR;
}

__attribute__((target("avx2"))) static void coalition_row_quad_avx2(const double *panel,
                                                                     size_t voters, size_t q,
                                                                     const double *weight,
                                                                     size_t i0, double *C)
{
    coalition_row_quad_from_avx2(panel, voters, q, weight, i0, 0, C);
}

/* block4x4_avx2 with AVX-512 against eight options, the two panels pj0 (options j0..j0+3) and
 * pj1 (j0+4..j0+7) side by side in one register: thirty-two pairs per pass over the voters,
 * each lane with the same operations in the same order (no FMA), so the same bits. */
SMP_AVX512 __attribute__((always_inline)) static inline void
block4x8_avx512(const double *a, const double *pj0, const double *pj1, const double *weight,
                size_t voters, __m512d p[4], __m512d c[4])
{
    const __m512d floor = _mm512_set1_pd(SMP_COALITION_FLOOR), zero = _mm512_setzero_pd();
    __m512d q0 = floor, q1 = floor, q2 = floor, q3 = floor;
    __m512d d0 = floor, d1 = floor, d2 = floor, d3 = floor;
    for (size_t k = 0; k < voters; k++) {
        const __m512d wk = _mm512_set1_pd(weight[k]);
        const __m512d b = _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_loadu_pd(&pj0[k * 4])),
                                             _mm256_loadu_pd(&pj1[k * 4]), 1);
        __m512d v = _mm512_mul_pd(wk, _mm512_sub_pd(_mm512_set1_pd(a[k * 4]), b));
        q0 = _mm512_add_pd(q0, _mm512_max_pd(v, zero));
        d0 = _mm512_sub_pd(d0, _mm512_min_pd(v, zero));
        v = _mm512_mul_pd(wk, _mm512_sub_pd(_mm512_set1_pd(a[k * 4 + 1]), b));
        q1 = _mm512_add_pd(q1, _mm512_max_pd(v, zero));
        d1 = _mm512_sub_pd(d1, _mm512_min_pd(v, zero));
        v = _mm512_mul_pd(wk, _mm512_sub_pd(_mm512_set1_pd(a[k * 4 + 2]), b));
        q2 = _mm512_add_pd(q2, _mm512_max_pd(v, zero));
        d2 = _mm512_sub_pd(d2, _mm512_min_pd(v, zero));
        v = _mm512_mul_pd(wk, _mm512_sub_pd(_mm512_set1_pd(a[k * 4 + 3]), b));
        q3 = _mm512_add_pd(q3, _mm512_max_pd(v, zero));
        d3 = _mm512_sub_pd(d3, _mm512_min_pd(v, zero));
    }
    p[0] = q0, p[1] = q1, p[2] = q2, p[3] = q3, c[0] = d0, c[1] = d1, c[2] = d2, c[3] = d3;
}

/* coalition_row_quad_avx2 with AVX-512 for rows i0 .. i0 + rows − 1 (rows ≤ 4; fewer only in
 * the last quad, whose panel holds zeros past q and whose lanes beyond q are not stored): the
 * blocks of eight earlier options wholly below the diagonal block in one pass each, the rest
 * (at most two blocks of four, the diagonal one among them) as the AVX2 kernel does them, or
 * pair by pair in a last partial quad. */
SMP_AVX512 static void coalition_row_quad_avx512(const double *panel, size_t voters, size_t q,
                                                 const double *weight, size_t i0, size_t rows,
                                                 double *C)
{
    const double *pi = &panel[(i0 / 4) * voters * 4];
    size_t j0 = 0;
    for (; j0 + 8 <= i0; j0 += 8) {
        __m512d p[4], c[4];
        block4x8_avx512(pi, &panel[(j0 / 4) * voters * 4], &panel[(j0 / 4 + 1) * voters * 4],
                        weight, voters, p, c);
        double con[4][8];
        for (size_t r = 0; r < rows; r++) {
            _mm512_storeu_pd(&C[(i0 + r) * q + j0], p[r]);
            _mm512_storeu_pd(con[r], c[r]);
        }
        for (size_t r = 0; r < rows; r++)
            for (size_t l = 0; l < 8; l++) C[(j0 + l) * q + i0 + r] = con[r][l];
    }
    if (rows == 4) {
        coalition_row_quad_from_avx2(panel, voters, q, weight, i0, j0, C);
        return;
    }
    for (size_t i = i0; i < i0 + rows; i++) {
        for (size_t j = j0; j < i; j++)
            pair_strengths(panel, voters, weight, i, j, &C[i * q + j], &C[j * q + i]);
        C[i * q + i] = SMP_COALITION_FLOOR;
    }
}

/* The instruction-set level the kernels may use: what the processor has (AVX-512 counts with
 * its F, VL, BW and DQ parts), capped by smp_limit_isa; SMP_ISA_SCALAR with plain kernels. */
static int smp_isa(void)
{
    static int known = -1; /* benign race: every thread stores the same value */
    if (__atomic_load_n(&smp_plain, __ATOMIC_RELAXED)) return SMP_ISA_SCALAR;
    int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (k < 0) {
        __builtin_cpu_init();
        k = !__builtin_cpu_supports("avx2") ? SMP_ISA_SCALAR
            : __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                    __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
                ? SMP_ISA_AVX512
                : SMP_ISA_AVX2;
        __atomic_store_n(&known, k, __ATOMIC_RELAXED);
    }
    int limit = __atomic_load_n(&smp_isa_limit, __ATOMIC_RELAXED);
    return k < limit ? k : limit;
}

static int smp_avx2(void) { return smp_isa() >= SMP_ISA_AVX2; }
#endif

#ifdef SMP_HAVE_AVX2_KERNEL
/* The proportional-rule strengths of a small election (2 ≤ q ≤ 8 options: the bargain
 * queues) with AVX-512, in one pass over the voters: the q(q − 1)/2 pairs (x > y) fill the
 * lanes of G registers, each voter's q utilities loaded once and spread over the lanes by a
 * permutation. Every lane adds its voters in ascending order from the floor with
 * coalitions_rowwise's operations (MAXPD/MINPD against 0 are its comparisons; no FMA), so the
 * same bits. */
SMP_AVX512 __attribute__((always_inline)) static inline void
small_pairs_avx512(size_t voters, size_t q, const double *weight, const double *u,
                   const __m512i *ix, const __m512i *iy, int G, __m512d *pro, __m512d *con)
{
    const __m512d floor = _mm512_set1_pd(SMP_COALITION_FLOOR), zero = _mm512_setzero_pd();
    const __mmask8 load = (__mmask8)((1u << q) - 1u);
    __m512d p[4], c[4];
    for (int g = 0; g < G; g++) p[g] = c[g] = floor;
    for (size_t k = 0; k < voters; k++) {
        const __m512d row = _mm512_maskz_loadu_pd(load, &u[k * q]), wk = _mm512_set1_pd(weight[k]);
        for (int g = 0; g < G; g++) {
            __m512d v = _mm512_mul_pd(wk, _mm512_sub_pd(_mm512_permutexvar_pd(ix[g], row),
                                                        _mm512_permutexvar_pd(iy[g], row)));
            p[g] = _mm512_add_pd(p[g], _mm512_max_pd(v, zero));
            c[g] = _mm512_sub_pd(c[g], _mm512_min_pd(v, zero));
        }
    }
    for (int g = 0; g < G; g++) pro[g] = p[g], con[g] = c[g];
}

SMP_AVX512 static void coalitions_small_avx512(size_t voters, size_t q, const double *weight,
                                               const double *u, double *C)
{
    long long x[32] = {0}, y[32] = {0};
    size_t pairs = 0;
    for (size_t i = 1; i < q; i++)
        for (size_t j = 0; j < i; j++) x[pairs] = (long long)i, y[pairs] = (long long)j, pairs++;
    int G = (int)((pairs + 7) / 8);
    __m512i ix[4], iy[4];
    for (int g = 0; g < G; g++) ix[g] = _mm512_loadu_si512(&x[8 * g]), iy[g] = _mm512_loadu_si512(&y[8 * g]);
    __m512d pro[4], con[4];
    switch (G) { /* a constant G each, so the sums stay in registers */
    case 1: small_pairs_avx512(voters, q, weight, u, ix, iy, 1, pro, con); break;
    case 2: small_pairs_avx512(voters, q, weight, u, ix, iy, 2, pro, con); break;
    case 3: small_pairs_avx512(voters, q, weight, u, ix, iy, 3, pro, con); break;
    default: small_pairs_avx512(voters, q, weight, u, ix, iy, 4, pro, con); break;
    }
    double P[32] = {0}, N[32] = {0}; /* (cppcheck cannot see that G >= 1 when pairs >= 1) */
    for (int g = 0; g < G; g++) _mm512_storeu_pd(&P[8 * g], pro[g]), _mm512_storeu_pd(&N[8 * g], con[g]);
    for (size_t l = 0; l < pairs; l++) C[x[l] * q + y[l]] = P[l], C[y[l] * q + x[l]] = N[l];
    for (size_t i = 0; i < q; i++) C[i * q + i] = SMP_COALITION_FLOOR;
}
#endif

typedef struct coalition_task {
    const double *panel, *weight;
    size_t voters, q;
    double *C;
} coalition_task;

static void coalition_rows_task(void *ctx, size_t part, size_t parts)
{
    const coalition_task *t = ctx;
#ifdef SMP_HAVE_AVX2_KERNEL
    if (smp_avx2()) { /* quads of rows; a last partial quad in pairs */
        for (size_t r = part; 4 * r < t->q; r += parts) {
            size_t i0 = 4 * r;
            if (smp_isa() >= SMP_ISA_AVX512)
                coalition_row_quad_avx512(t->panel, t->voters, t->q, t->weight, i0,
                                          t->q - i0 < 4 ? t->q - i0 : 4, t->C);
            else if (i0 + 4 <= t->q)
                coalition_row_quad_avx2(t->panel, t->voters, t->q, t->weight, i0, t->C);
            else
                for (size_t i = i0; i < t->q; i += 2)
                    coalition_row_pair(t->panel, t->voters, t->q, t->weight, i, t->C);
        }
        return;
    }
#endif
    for (size_t r = part; 2 * r < t->q; r += parts)
        coalition_row_pair(t->panel, t->voters, t->q, t->weight, 2 * r, t->C);
}

/* Coalition strengths C (q × q) of the election in e (utilities e->u, voters × q), on up to
 * `parts` workers for the proportional rule (pairs of rows, dealt out in turn). */
static void coalitions(const smp_work *w, smp_election *e, size_t voters, size_t q,
                       const double *weight, size_t parts)
{
#ifdef SMP_HAVE_AVX2_KERNEL
    if (w->config->voting_rule == SMP_VR_PROP && q >= 2 && q < 8 && smp_isa() >= SMP_ISA_AVX512) {
        coalitions_small_avx512(voters, q, weight, e->u, e->C);
        return;
    }
#endif
    if (w->config->voting_rule != SMP_VR_PROP || q < 8 || __atomic_load_n(&smp_plain, __ATOMIC_RELAXED)) {
        coalitions_rowwise(w, e, voters, q, weight, e->u, e->C);
        return;
    }
    to_panels(w, parts, voters, q, e->u, e->panel);
    coalition_task t = {e->panel, weight, voters, q, e->C};
    size_t rows = (q + 3) / 4;
    smp_parallel(w, parts < rows ? parts : rows, coalition_rows_task, &t);
}

static double victory_power(int model, double s)
{
    switch (model) {
    case SMP_VPM_SQUARE: return s * s;
    case SMP_VPM_QUARTIC: { double s2 = s * s; return s2 * s2; }
    case SMP_VPM_OCTIC: { double s2 = s * s, s4 = s2 * s2; return s4 * s4; }
    default: return s;
    }
}

/* Row i of the pairwise victory probabilities P (q × q) from coalition strengths: the pairs
 * (i, j), j < i, and the diagonal. */
static void victory_row(int model, size_t q, const double *C, double *P, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        double s1 = C[i * q + j], s2 = C[j * q + i], x1, x2;
        if (model == SMP_VPM_BINARY) {
            if (s1 >= SMP_BINARY_THRESHOLD * s2) x1 = 1, x2 = 1e-6;
            else if (s2 >= SMP_BINARY_THRESHOLD * s1) x1 = 1e-6, x2 = 1;
            else {
                double r = s1 / (s1 + s2);
                double t = (r * (SMP_BINARY_THRESHOLD + 1.0) - 1.0) / (SMP_BINARY_THRESHOLD - 1.0);
                x1 = t, x2 = 1 - t;
            }
        } else {
            x1 = victory_power(model, s1);
            x2 = victory_power(model, s2);
        }
        double sum = x1 + x2;
        P[i * q + j] = x1 / sum;
        P[j * q + i] = x2 / sum;
    }
    P[i * q + i] = 0.5;
}

typedef struct victory_task {
    int model;
    size_t q, shares;
    const double *C;
    double *P;
} victory_task;

static void victory_rows_task(void *ctx, size_t part, size_t parts)
{
    const victory_task *t = ctx;
    size_t i0, i1;
    part_share(t->shares, t->q, part, parts, 1, &i0, &i1);
    for (size_t i = i0; i < i1; i++) victory_row(t->model, t->q, t->C, t->P, i);
}

/* Pairwise victory probabilities P (q × q) from coalition strengths, contiguous shares of rows
 * (part_share) on up to `parts` parts (each entry is computed by the same code whichever worker
 * has it). */
static void victory_probabilities(const smp_work *w, size_t parts, int model, size_t q,
                                  const double *C, double *P)
{
    victory_task t = {model, q, shares_of(w), C, P};
    size_t blocks = (q + SMP_ROW_BLOCK - 1) / SMP_ROW_BLOCK;
    if (q < 256) parts = 1; /* too small to share */
    if (parts > blocks) parts = blocks;
    smp_parallel(w, parts < t.shares ? parts : t.shares, victory_rows_task, &t);
}

/* Probability of each option from P; p and the scratch hold q entries. */
static en_status condorcet(const smp_work *w, smp_election *e, size_t q, const double *C,
                           const double *P, double *p, en_error *err)
{
    switch (w->config->pce_model) {
    case SMP_PCE_MARKOV_UNIFORM: {
        double *next = e->q;
        for (size_t i = 0; i < q; i++) p[i] = 1.0 / (double)q;
        size_t iter = 0;
        double change;
        do {
            change = 0;
            for (size_t i = 0; i < q; i++) {
                double s = 0.0;
                for (size_t j = 0; j < q; j++) s += P[i * q + j] * (p[i] + p[j]);
                next[i] = s / (double)q;
                double c = fabs(next[i] - p[i]);
                if (c > change) change = c;
            }
            for (size_t i = 0; i < q; i++) p[i] = (p[i] + next[i]) / 2.0;
            iter++;
        } while (change > 1e-6 && iter < 1000);
        if (iter >= 1000)
            return en_error_set(err, EN_ERROR_MODEL,
                                "smp: the Markov (uniform) election did not converge in 1000 iterations");
        return EN_OK;
    }
    case SMP_PCE_MARKOV_INCENTIVE: {
        double *chlg = e->ct, *next = e->q;
        /* chlg(i,j) = inc(i,j) / Σ_k inc(k,j), inc = C·P plus a floor on the diagonal */
        for (size_t j = 0; j < q; j++) {
            double col = 0.0;
            for (size_t k = 0; k < q; k++) {
                double inc = C[k * q + j] * P[k * q + j];
                if (k == j) inc += 1e-10;
                col += inc;
            }
            for (size_t i = 0; i < q; i++) {
                double inc = C[i * q + j] * P[i * q + j];
                if (i == j) inc += 1e-10;
                chlg[i * q + j] = inc / col;
            }
        }
        for (size_t i = 0; i < q; i++) p[i] = 1.0 / (double)q;
        size_t iter = 0;
        double change;
        do {
            change = 0;
            for (size_t i = 0; i < q; i++) {
                double s = 0.0;
                for (size_t j = 0; j < q; j++) {
                    double ct_ij = p[i] * chlg[j * q + i];
                    double ct_ji = p[j] * chlg[i * q + j];
                    s += P[i * q + j] * (ct_ij + ct_ji);
                }
                next[i] = s;
                double c = fabs(next[i] - p[i]);
                if (c > change) change = c;
            }
            for (size_t i = 0; i < q; i++) p[i] = (p[i] + next[i]) / 2.0;
            iter++;
        } while (change > 1e-8 && iter < 100000);
        if (change > 1e-8)
            return en_error_set(err, EN_ERROR_MODEL,
                                "smp: the Markov (incentive) election did not converge");
        return EN_OK;
    }
    case SMP_PCE_CONDITIONAL:
    default: {
        double total = 0.0;
        for (size_t i = 0; i < q; i++) {
            double prod = 1.0;
            for (size_t j = 0; j < q; j++) prod *= P[i * q + j];
            p[i] = prod;
        }
        for (size_t i = 0; i < q; i++) total += p[i];
        for (size_t i = 0; i < q; i++) p[i] = p[i] / total;
        return EN_OK;
    }
    }
}

/* The election over q options given voters' utilities e->u (n × q) and their weights; the
 * option probabilities land in e->p. `parts`: workers for the coalition sums. */
static en_status elect(const smp_work *w, smp_election *e, size_t q, const double *weight,
                       size_t parts, en_error *err)
{
    coalitions(w, e, w->n, q, weight, parts);
    victory_probabilities(w, parts, w->config->victory_prob_model, q, e->C, e->P);
    return condorcet(w, e, q, e->C, e->P, e->p, err);
}

/* ---- the large-n path's elections (precision=fast) ----
 *
 * An election over q options (the risk attitudes' over every position, the winning
 * probabilities' over the distinct positions) costs q²·n/2 vote terms, n³/2 at n positions.
 * The fast path first runs it with the fixed stratified sample of voters (w->v_member, each
 * carrying its stratum's capability): q²·vm/2 terms. Under the conditional product only the
 * options whose product comes near the largest one can matter (the others' probabilities are
 * below 2^-SMP_FAST_MARGIN of the largest); those options (at least SMP_FAST_CAND_MIN, at most
 * SMP_FAST_CAND_MAX, by the sample's ranking) get their rows of coalition strengths from every
 * voter, summed exactly as the exact path sums them, so their products are the exact path's
 * bits; the others keep the sample's products. docs/models/smp.md ("Large-n path"). */

#define SMP_FAST_GROUP 4      /* options whose exact rows share one pass over the voters */
#define SMP_FAST_CAND_MIN 32  /* options always given exact rows */
#define SMP_FAST_CAND_MAX 96  /* at most this many */
#define SMP_FAST_MARGIN 96.0  /* log₂ distance below the sample's largest product still exact */

/* log₂ Π_j row[j] without underflow (rescaled every 16 factors; factors are > 10⁻¹³). */
static double log2_product(const double *row, size_t q)
{
    double m = 1.0;
    int e = 0;
    for (size_t j = 0; j < q; j++) {
        m *= row[j];
        if ((j & 15) == 15) {
            int x;
            m = frexp(m, &x);
            e += x;
        }
    }
    if (!(m > 0)) return -INFINITY;
    return (double)e + log2(m);
}

/* Victory odds of one pair from its two strengths: victory_probabilities' operations. */
static void victory_pair(int model, double s1, double s2, double *p1, double *p2)
{
    double x1, x2;
    if (model == SMP_VPM_BINARY) {
        if (s1 >= SMP_BINARY_THRESHOLD * s2) x1 = 1, x2 = 1e-6;
        else if (s2 >= SMP_BINARY_THRESHOLD * s1) x1 = 1e-6, x2 = 1;
        else {
            double r = s1 / (s1 + s2);
            double t = (r * (SMP_BINARY_THRESHOLD + 1.0) - 1.0) / (SMP_BINARY_THRESHOLD - 1.0);
            x1 = t, x2 = 1 - t;
        }
    } else {
        x1 = victory_power(model, s1);
        x2 = victory_power(model, s2);
    }
    double sum = x1 + x2;
    *p1 = x1 / sum;
    *p2 = x2 / sum;
}

#ifdef SMP_HAVE_AVX2_KERNEL
/* The proportional rule's exact rows of four candidates (their utilities cp[k·4 + c], voter k)
 * against every option (panel: to_panels' layout of the q options), sixteen pairs in
 * registers per pass over the voters, each pair adding its voters in ascending order with
 * coalition_row_quad_avx2's operations: the same bits as coalitions(). pro and con receive
 * 4 × q sums each (row c at c·q). */
__attribute__((target("avx2"), always_inline)) static inline void
candidate_rows_from_avx2(const double *panel, const double *cp, size_t voters, size_t q,
                         const double *weight, size_t from, double *pro, double *con)
{
    for (size_t j0 = from; j0 < q; j0 += 4) {
        const double *pj = &panel[(j0 / 4) * voters * 4];
        __m256d p0, p1, p2, p3, c0, c1, c2, c3;
        block4x4_avx2(cp, pj, weight, voters, &p0, &p1, &p2, &p3, &c0, &c1, &c2, &c3);
        double out[8][4];
        _mm256_storeu_pd(out[0], p0), _mm256_storeu_pd(out[1], p1);
        _mm256_storeu_pd(out[2], p2), _mm256_storeu_pd(out[3], p3);
        _mm256_storeu_pd(out[4], c0), _mm256_storeu_pd(out[5], c1);
        _mm256_storeu_pd(out[6], c2), _mm256_storeu_pd(out[7], c3);
        size_t width = q - j0 < 4 ? q - j0 : 4;
        for (size_t c = 0; c < 4; c++)
            for (size_t l = 0; l < width; l++) {
                pro[c * q + j0 + l] = out[c][l];
                con[c * q + j0 + l] = out[4 + c][l];
            }
    }
}

__attribute__((target("avx2"))) static void candidate_rows_avx2(const double *panel,
                                                                 const double *cp, size_t voters,
                                                                 size_t q, const double *weight,
                                                                 double *pro, double *con)
{
    candidate_rows_from_avx2(panel, cp, voters, q, weight, 0, pro, con);
}

/* candidate_rows_avx2 with AVX-512: eight options per pass while two whole panels of four
 * remain (block4x8_avx512, the same bits lane by lane), the last block of four or fewer as
 * the AVX2 kernel does it. */
SMP_AVX512 static void candidate_rows_avx512(const double *panel, const double *cp,
                                             size_t voters, size_t q, const double *weight,
                                             double *pro, double *con)
{
    size_t j0 = 0;
    for (; j0 + 8 <= q; j0 += 8) {
        __m512d p[4], c[4];
        block4x8_avx512(cp, &panel[(j0 / 4) * voters * 4], &panel[(j0 / 4 + 1) * voters * 4],
                        weight, voters, p, c);
        for (size_t r = 0; r < 4; r++) {
            _mm512_storeu_pd(&pro[r * q + j0], p[r]);
            _mm512_storeu_pd(&con[r * q + j0], c[r]);
        }
    }
    candidate_rows_from_avx2(panel, cp, voters, q, weight, j0, pro, con);
}
#endif

/* The sampled election's coalition strengths in single precision (proportional rule). The
 * sample's products only rank the options (the ones that can matter get exact rows) and stand
 * for options below 2^-SMP_FAST_MARGIN of the largest, so float sums suffice: 128 terms carry a
 * relative error below 128·2⁻²⁴ ≈ 8·10⁻⁶, far inside the sample's own error. Each pair adds its
 * voters in ascending order with the same float operations in the AVX2 kernel (eight pairs per
 * instruction) and in the scalar loop (no FMA), so both give the same bits. The float panel
 * holds the options in blocks of eight: fp[(b·voters + k)·8 + l] = u(k, 8b + l). */
static inline float fpanel_at(const float *fp, size_t voters, size_t k, size_t o)
{
    return fp[((o / 8) * voters + k) * 8 + o % 8];
}

static void pair_strengths_f(const float *fp, size_t voters, const float *wf, size_t q, size_t i,
                             size_t j, double *C)
{
    float a = (float)SMP_COALITION_FLOOR, b = (float)SMP_COALITION_FLOOR;
    for (size_t k = 0; k < voters; k++) {
        float v = wf[k] * (fpanel_at(fp, voters, k, i) - fpanel_at(fp, voters, k, j));
        a += v > 0.0f ? v : 0.0f;
        b -= v < 0.0f ? v : 0.0f;
    }
    C[i * q + j] = (double)a, C[j * q + i] = (double)b;
}

#ifdef SMP_HAVE_AVX2_KERNEL
/* Rows i0..i0+3 (i0 a multiple of four, i0 + 3 < q) against the eight options j0..j0+7 (j0 a
 * multiple of eight, j0 <= i0): 32 pairs per pass over the voters; only the pairs j < i are
 * stored (the block holding i0 also sums lanes j >= i, options past q read the panel's zeros). */
__attribute__((target("avx2"))) static void coalition_block_f_avx2(const float *fp, size_t voters,
                                                                    const float *wf, size_t q,
                                                                    size_t i0, size_t j0, double *C)
{
    const float *pi = &fp[(i0 / 8) * voters * 8 + i0 % 8];
    const float *pj = &fp[(j0 / 8) * voters * 8];
    const __m256 floor = _mm256_set1_ps((float)SMP_COALITION_FLOOR), zero = _mm256_setzero_ps();
    __m256 p0 = floor, p1 = floor, p2 = floor, p3 = floor;
    __m256 c0 = floor, c1 = floor, c2 = floor, c3 = floor;
    for (size_t k = 0; k < voters; k++) {
        const __m256 wk = _mm256_broadcast_ss(&wf[k]);
        const __m256 b = _mm256_loadu_ps(&pj[k * 8]);
        __m256 v = _mm256_mul_ps(wk, _mm256_sub_ps(_mm256_broadcast_ss(&pi[k * 8]), b));
        p0 = _mm256_add_ps(p0, _mm256_max_ps(v, zero));
        c0 = _mm256_sub_ps(c0, _mm256_min_ps(v, zero));
        v = _mm256_mul_ps(wk, _mm256_sub_ps(_mm256_broadcast_ss(&pi[k * 8 + 1]), b));
        p1 = _mm256_add_ps(p1, _mm256_max_ps(v, zero));
        c1 = _mm256_sub_ps(c1, _mm256_min_ps(v, zero));
        v = _mm256_mul_ps(wk, _mm256_sub_ps(_mm256_broadcast_ss(&pi[k * 8 + 2]), b));
        p2 = _mm256_add_ps(p2, _mm256_max_ps(v, zero));
        c2 = _mm256_sub_ps(c2, _mm256_min_ps(v, zero));
        v = _mm256_mul_ps(wk, _mm256_sub_ps(_mm256_broadcast_ss(&pi[k * 8 + 3]), b));
        p3 = _mm256_add_ps(p3, _mm256_max_ps(v, zero));
        c3 = _mm256_sub_ps(c3, _mm256_min_ps(v, zero));
    }
    float out[8][8];
    _mm256_storeu_ps(out[0], p0), _mm256_storeu_ps(out[1], p1);
    _mm256_storeu_ps(out[2], p2), _mm256_storeu_ps(out[3], p3);
    _mm256_storeu_ps(out[4], c0), _mm256_storeu_ps(out[5], c1);
    _mm256_storeu_ps(out[6], c2), _mm256_storeu_ps(out[7], c3);
    for (size_t r = 0; r < 4; r++)
        for (size_t l = 0; l < 8 && j0 + l < i0 + r; l++) { /* the block holding i0: j < i only */
            C[(i0 + r) * q + j0 + l] = (double)out[r][l];
            C[(j0 + l) * q + i0 + r] = (double)out[4 + r][l];
        }
}
#endif

#ifdef SMP_HAVE_AVX2_KERNEL
/* coalition_block_f_avx2 with AVX-512 against the sixteen options j0..j0+15 (j0 a multiple of
 * eight; the two float panels j0/8 and j0/8 + 1 side by side in one register, the second no
 * later than the panel holding i0): 64 pairs per pass over the voters, each lane with the
 * same float operations in the same order (no FMA), so the same bits; only the pairs j < i
 * are stored. */
SMP_AVX512 static void coalition_block_f_avx512(const float *fp, size_t voters, const float *wf,
                                                size_t q, size_t i0, size_t j0, double *C)
{
    const float *pi = &fp[(i0 / 8) * voters * 8 + i0 % 8];
    const float *pj0 = &fp[(j0 / 8) * voters * 8], *pj1 = pj0 + voters * 8;
    const __m512 floor = _mm512_set1_ps((float)SMP_COALITION_FLOOR), zero = _mm512_setzero_ps();
    __m512 p0 = floor, p1 = floor, p2 = floor, p3 = floor;
    __m512 c0 = floor, c1 = floor, c2 = floor, c3 = floor;
    for (size_t k = 0; k < voters; k++) {
        const __m512 wk = _mm512_set1_ps(wf[k]);
        const __m512 b = _mm512_insertf32x8(_mm512_castps256_ps512(_mm256_loadu_ps(&pj0[k * 8])),
                                            _mm256_loadu_ps(&pj1[k * 8]), 1);
        __m512 v = _mm512_mul_ps(wk, _mm512_sub_ps(_mm512_set1_ps(pi[k * 8]), b));
        p0 = _mm512_add_ps(p0, _mm512_max_ps(v, zero));
        c0 = _mm512_sub_ps(c0, _mm512_min_ps(v, zero));
        v = _mm512_mul_ps(wk, _mm512_sub_ps(_mm512_set1_ps(pi[k * 8 + 1]), b));
        p1 = _mm512_add_ps(p1, _mm512_max_ps(v, zero));
        c1 = _mm512_sub_ps(c1, _mm512_min_ps(v, zero));
        v = _mm512_mul_ps(wk, _mm512_sub_ps(_mm512_set1_ps(pi[k * 8 + 2]), b));
        p2 = _mm512_add_ps(p2, _mm512_max_ps(v, zero));
        c2 = _mm512_sub_ps(c2, _mm512_min_ps(v, zero));
        v = _mm512_mul_ps(wk, _mm512_sub_ps(_mm512_set1_ps(pi[k * 8 + 3]), b));
        p3 = _mm512_add_ps(p3, _mm512_max_ps(v, zero));
        c3 = _mm512_sub_ps(c3, _mm512_min_ps(v, zero));
    }
    float out[8][16];
    _mm512_storeu_ps(out[0], p0), _mm512_storeu_ps(out[1], p1);
    _mm512_storeu_ps(out[2], p2), _mm512_storeu_ps(out[3], p3);
    _mm512_storeu_ps(out[4], c0), _mm512_storeu_ps(out[5], c1);
    _mm512_storeu_ps(out[6], c2), _mm512_storeu_ps(out[7], c3);
    for (size_t r = 0; r < 4; r++)
        for (size_t l = 0; l < 16 && j0 + l < i0 + r; l++) { /* the block holding i0: j < i only */
            C[(i0 + r) * q + j0 + l] = (double)out[r][l];
            C[(j0 + l) * q + i0 + r] = (double)out[4 + r][l];
        }
}
#endif

typedef struct coalition_f_task {
    size_t shares; /* part_share's */
    const float *fp, *wf;
    size_t voters, q;
    double *C;
} coalition_f_task;

static void coalition_f_rows_task(void *ctx, size_t part, size_t parts)
{
    const coalition_f_task *t = ctx;
    size_t q = t->q, r0, r1;
    part_share(t->shares, (q + 3) / 4, part, parts, 1, &r0, &r1);
    for (size_t r = r0; r < r1; r++) {
        size_t i0 = 4 * r, i1 = i0 + 4 < q ? i0 + 4 : q, j0 = 0;
#ifdef SMP_HAVE_AVX2_KERNEL
        if (i1 == i0 + 4 && smp_avx2()) {
            if (smp_isa() >= SMP_ISA_AVX512) /* sixteen options while two panels remain */
                for (; j0 / 8 + 1 <= i0 / 8; j0 += 16)
                    coalition_block_f_avx512(t->fp, t->voters, t->wf, q, i0, j0, t->C);
            for (; j0 <= i0; j0 += 8) coalition_block_f_avx2(t->fp, t->voters, t->wf, q, i0, j0, t->C);
            j0 = i1; /* every pair done */
        }
#endif
        for (size_t i = i0; i < i1; i++) {
            for (size_t j = j0; j < i; j++) pair_strengths_f(t->fp, t->voters, t->wf, q, i, j, t->C);
            t->C[i * q + i] = SMP_COALITION_FLOOR;
        }
    }
}

/* The sampled voters' utilities in float panels of eight options (blocks dealt out). */
typedef struct float_panel_task {
    const smp_work *w;
    const double *u;
    size_t q;
    float *fp;
} float_panel_task;

static void float_panel_task_fn(void *ctx, size_t part, size_t parts)
{
    const float_panel_task *t = ctx;
    size_t vm = t->w->vm, q = t->q, blocks = (q + 7) / 8;
    for (size_t b = part; b < blocks; b += parts)
        for (size_t k = 0; k < vm; k++) {
            const double *row = &t->u[t->w->v_member[k] * q];
            for (size_t l = 0; l < 8; l++) {
                size_t o = 8 * b + l;
                t->fp[(b * vm + k) * 8 + l] = o < q ? (float)row[o] : 0.0f;
            }
        }
}

/* The sampled election's strengths C (q × q) in float: voters the sampled w->v_member with
 * weights w->v_weight, utilities rows of u (n × q); s->panel holds the float panel. */
static void sampled_coalitions_f(const smp_work *w, smp_election *s, const double *u, size_t q,
                                 size_t parts)
{
    size_t vm = w->vm, blocks = (q + 7) / 8;
    /* The panel's allocated block reused for floats: its effective type is what is stored
     * last (C11 6.5p6), so the floats written here are read as floats only. */
    float *fp = (float *)(void *)s->panel, *wf = fp + blocks * vm * 8;
    for (size_t t = 0; t < vm; t++) wf[t] = (float)w->v_weight[t];
    float_panel_task ft = {w, u, q, fp};
    smp_parallel(w, parts < blocks ? parts : blocks, float_panel_task_fn, &ft);
    coalition_f_task t = {shares_of(w), fp, wf, vm, q, s->C};
    size_t rows = (q + 3) / 4;
    if (parts > rows) parts = rows;
    smp_parallel(w, parts < t.shares ? parts : t.shares, coalition_f_rows_task, &t);
}

/* smp_check_coalition_kernels (smp.h): every SIMD kernel's sums against pair_strengths and
 * pair_strengths_f, bit for bit. */
size_t smp_check_coalition_kernels(size_t voters, size_t q, uint64_t seed, size_t *checked)
{
    size_t bad = 0, seen = 0, blocks4 = (q + 3) / 4, blocks8 = (q + 7) / 8;
    double *u = en_xmalloc(voters * q * sizeof *u), *weight = en_xmalloc(voters * sizeof *weight);
    double *panel = en_xmalloc(blocks4 * 4 * voters * sizeof *panel);
    float *fp = en_xmalloc(blocks8 * 8 * voters * sizeof *fp), *wf = en_xmalloc(voters * sizeof *wf);
    double *C = en_xmalloc(q * q * sizeof *C), *R = en_xmalloc(q * q * sizeof *R);
    double *Rf = en_xmalloc(q * q * sizeof *Rf);
    double *cp = en_xmalloc(voters * 4 * sizeof *cp), *pro = en_xmalloc(8 * q * sizeof *pro);
    double *con = pro + 4 * q;
    uint64_t g = seed;
#define SMP_CHECK_NEXT() \
    (g = g * 6364136223846793005ull + 1442695040888963407ull, (double)(g >> 11) / 9007199254740992.0)
    for (size_t k = 0; k < voters * q; k++) u[k] = SMP_CHECK_NEXT();
    for (size_t k = 0; k < voters; k++) weight[k] = 1 + 99 * SMP_CHECK_NEXT(), wf[k] = (float)weight[k];
#undef SMP_CHECK_NEXT
    panel_task pt = {voters, q, u, panel};
    panel_rows_task(&pt, 0, 1);
    for (size_t b = 0; b < blocks8; b++)
        for (size_t k = 0; k < voters; k++)
            for (size_t l = 0; l < 8; l++)
                fp[(b * voters + k) * 8 + l] = 8 * b + l < q ? (float)u[k * q + 8 * b + l] : 0.0f;
    for (size_t i = 0; i < q; i++)
        for (size_t j = 0; j < q; j++) {
            if (j < i) {
                pair_strengths(panel, voters, weight, i, j, &R[i * q + j], &R[j * q + i]);
                pair_strengths_f(fp, voters, wf, q, i, j, Rf);
            }
            if (j == i) R[i * q + i] = Rf[i * q + i] = SMP_COALITION_FLOOR;
        }
#ifdef SMP_HAVE_AVX2_KERNEL
    for (int level = SMP_ISA_AVX2; level <= smp_isa(); level++) {
        /* the double rows as coalition_rows_task deals them (quads, a last partial quad) and the float blocks */
        int saved = __atomic_load_n(&smp_isa_limit, __ATOMIC_RELAXED);
        smp_limit_isa(level);
        for (size_t k = 0; k < q * q; k++) C[k] = NAN;
        coalition_task ct = {panel, weight, voters, q, C};
        coalition_rows_task(&ct, 0, 1);
        for (size_t k = 0; k < q * q; k++, seen++) bad += memcmp(&C[k], &R[k], sizeof *C) != 0;
        for (size_t k = 0; k < q * q; k++) C[k] = NAN;
        coalition_f_task ft = {1, fp, wf, voters, q, C};
        coalition_f_rows_task(&ft, 0, 1);
        for (size_t k = 0; k < q * q; k++, seen++) bad += memcmp(&C[k], &Rf[k], sizeof *C) != 0;
        if (level >= SMP_ISA_AVX512 && q >= 2 && q < 8) { /* the small elections' kernel */
            for (size_t k = 0; k < q * q; k++) C[k] = NAN;
            coalitions_small_avx512(voters, q, weight, u, C);
            for (size_t k = 0; k < q * q; k++, seen++) bad += memcmp(&C[k], &R[k], sizeof *C) != 0;
        }
        /* the candidates' rows: four options spread over the range, against every option */
        size_t cand[4] = {0, q / 3, q / 2, q - 1};
        for (size_t k = 0; k < voters; k++)
            for (size_t c = 0; c < 4; c++) cp[k * 4 + c] = u[k * q + cand[c]];
        if (level >= SMP_ISA_AVX512) candidate_rows_avx512(panel, cp, voters, q, weight, pro, con);
        else candidate_rows_avx2(panel, cp, voters, q, weight, pro, con);
        for (size_t c = 0; c < 4; c++)
            for (size_t j = 0; j < q; j++, seen += 2) {
                double a, b;
                pair_strengths(panel, voters, weight, cand[c], j, &a, &b);
                bad += memcmp(&pro[c * q + j], &a, sizeof a) != 0;
                bad += memcmp(&con[c * q + j], &b, sizeof b) != 0;
            }
        smp_limit_isa(saved);
    }
#endif
    en_free(u), en_free(weight), en_free(panel), en_free(fp), en_free(wf), en_free(C), en_free(R);
    en_free(Rf), en_free(cp), en_free(pro);
    *checked = seen;
    return bad;
}

typedef struct fast_rows_task {
    smp_work *w;
    const double *u; /* n × q utilities, row per voter */
    const double *panel; /* the same in to_panels' layout (NULL: the scalar loop) */
    size_t q;
    const size_t *cand;
    size_t count;
    double *prod, *lprod; /* count each: the exact product and its log₂ */
} fast_rows_task;

/* Exact rows of candidate options, SMP_FAST_GROUP per pass over the voters: option i's
 * strength against every j, each adding the voters in ascending order as coalitions() does
 * (C(i,j) for j > i is coalitions()'s "con" sum of row j, the same terms: w(u_j − u_i) is
 * −w(u_i − u_j) exactly), then the product of its victory odds in the exact path's order. */
static void fast_rows_task_fn(void *ctx, size_t part, size_t parts)
{
    fast_rows_task *t = ctx;
    smp_work *w = t->w;
    size_t n = w->n, q = t->q;
    int rule = w->config->voting_rule, model = w->config->victory_prob_model;
    double *pro = w->scratch[smp_slot(w)].rows, *con = pro + SMP_FAST_GROUP * q;
    for (size_t g0 = part * SMP_FAST_GROUP; g0 < t->count; g0 += parts * SMP_FAST_GROUP) {
        size_t gn = t->count - g0 < SMP_FAST_GROUP ? t->count - g0 : SMP_FAST_GROUP;
        int done = 0;
#ifdef SMP_HAVE_AVX2_KERNEL
        if (t->panel) {
            double *cp = con + SMP_FAST_GROUP * q; /* n × 4: the candidates' utilities */
            for (size_t k = 0; k < n; k++)
                for (size_t c = 0; c < SMP_FAST_GROUP; c++)
                    cp[k * 4 + c] = t->u[k * q + t->cand[g0 + (c < gn ? c : 0)]];
            if (smp_isa() >= SMP_ISA_AVX512)
                candidate_rows_avx512(t->panel, cp, n, q, w->capability, pro, con);
            else
                candidate_rows_avx2(t->panel, cp, n, q, w->capability, pro, con);
            done = 1;
        }
#endif
        if (!done)
            for (size_t k = 0; k < gn * q; k++) pro[k] = con[k] = SMP_COALITION_FLOOR;
        for (size_t k = 0; !done && k < n; k++) {
            const double *row = &t->u[k * q];
            double wk = w->capability[k];
            for (size_t c = 0; c < gn; c++) {
                double uki = row[t->cand[g0 + c]];
                double *pc = &pro[c * q], *cc = &con[c * q];
                if (rule == SMP_VR_PROP) {
                    for (size_t j = 0; j < q; j++) {
                        double v = wk * (uki - row[j]);
                        pc[j] += v > 0 ? v : 0.0;
                        cc[j] -= v < 0 ? v : 0.0;
                    }
                } else {
                    for (size_t j = 0; j < q; j++) {
                        double v = vote(rule, wk, uki, row[j]);
                        pc[j] += v > 0 ? v : 0.0;
                        cc[j] -= v < 0 ? v : 0.0;
                    }
                }
            }
        }
        for (size_t c = 0; c < gn; c++) {
            size_t i = t->cand[g0 + c];
            double *P = &pro[c * q]; /* overwritten by the odds, j by j */
            for (size_t j = 0; j < q; j++) {
                double p1, p2;
                if (j == i) {
                    P[j] = 0.5;
                    continue;
                }
                /* the pair's first option in victory_probabilities is the larger index */
                if (j < i) victory_pair(model, P[j], con[c * q + j], &p1, &p2);
                else victory_pair(model, con[c * q + j], P[j], &p2, &p1);
                P[j] = p1;
            }
            double prod = 1.0;
            for (size_t j = 0; j < q; j++) prod *= P[j];
            t->prod[g0 + c] = prod;
            t->lprod[g0 + c] = log2_product(P, q);
        }
    }
}

static const double *rank_key;
static int by_rank(const void *a, const void *b) /* descending key, ties by index */
{
    double x = rank_key[*(const size_t *)a], y = rank_key[*(const size_t *)b];
    if (x != y) return x > y ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct log_rows_task {
    const double *P;
    size_t q;
    double *lp;
} log_rows_task;

static void log_rows_task_fn(void *ctx, size_t part, size_t parts)
{
    log_rows_task *t = ctx;
    for (size_t i = part; i < t->q; i += parts) t->lp[i] = log2_product(&t->P[i * t->q], t->q);
}

/* The fast path's election over q options, utilities e->u (n × q) filled by the caller,
 * capability weights; the option probabilities land in e->p. Small elections (q at most
 * SMP_FAST_CAND_MAX, or every voter in the sample) are the exact election. */
/* smp_check_fast_elections: the exact election over the same utilities (elect, the model's
 * definition) against the fast one's probabilities in e->p, which it leaves as they are. The
 * record: the largest |Δp| over the options, and whether the most likely option (ties to the
 * smaller index) is the same. */
static en_status check_fast_election(smp_work *w, smp_election *e, size_t q, size_t parts,
                                     en_error *err)
{
    double *fast = en_xmalloc(q * sizeof *fast);
    memcpy(fast, e->p, q * sizeof *fast);
    en_status st = elect(w, e, q, w->capability, parts, err);
    if (st == EN_OK) {
        size_t top_fast = 0, top_exact = 0;
        double gap = 0.0;
        for (size_t i = 0; i < q; i++) {
            top_fast = fast[i] > fast[top_fast] ? i : top_fast;
            top_exact = e->p[i] > e->p[top_exact] ? i : top_exact;
            double g = fabs(fast[i] - e->p[i]);
            gap = g > gap ? g : gap;
        }
        pthread_mutex_lock(&smp_election_lock);
        smp_elections_checked++;
        smp_election_misses += top_fast != top_exact;
        smp_election_gap = gap > smp_election_gap ? gap : smp_election_gap;
        pthread_mutex_unlock(&smp_election_lock);
        memcpy(e->p, fast, q * sizeof *fast);
    }
    en_free(fast);
    return st;
}

static en_status elect_fast(smp_work *w, smp_election *e, size_t q, size_t parts, en_error *err)
{
    size_t vm = w->vm;
    if (q <= 2 * SMP_FAST_CAND_MAX || vm >= w->n) return elect(w, e, q, w->capability, parts, err);
    smp_election *s = w->sampled;
    ensure_election(w, s, q);
    if (w->config->voting_rule == SMP_VR_PROP) {
        sampled_coalitions_f(w, s, e->u, q, parts);
    } else {
        for (size_t t = 0; t < vm; t++)
            memcpy(&s->u[t * q], &e->u[w->v_member[t] * q], q * sizeof *s->u);
        coalitions(w, s, vm, q, w->v_weight, parts);
    }
    victory_probabilities(w, parts, w->config->victory_prob_model, q, s->C, s->P);
    if (w->config->pce_model != SMP_PCE_CONDITIONAL) /* Markov chains: the sample's election */
        return condorcet(w, s, q, s->C, s->P, e->p, err);
    double *lp = w->lp;
    log_rows_task lt = {s->P, q, lp};
    smp_parallel(w, parts_for(w, q, (double)q * 2), log_rows_task_fn, &lt);
    size_t *order = w->cand;
    for (size_t i = 0; i < q; i++) order[i] = i;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* qsort has no context */
    pthread_mutex_lock(&lock);
    rank_key = lp;
    qsort(order, q, sizeof *order, by_rank);
    pthread_mutex_unlock(&lock);
    size_t count = 0;
    while (count < q && count < SMP_FAST_CAND_MAX &&
           (count < SMP_FAST_CAND_MIN || lp[order[count]] >= lp[order[0]] - SMP_FAST_MARGIN))
        count++;
    qsort(order, count, sizeof *order, by_index);
    double *prod = s->q, *lprod = s->ct; /* q and q² entries: room for 2·count */
    const double *panel = NULL;
#ifdef SMP_HAVE_AVX2_KERNEL
    if (w->config->voting_rule == SMP_VR_PROP && smp_avx2()) {
        to_panels(w, parts, w->n, q, e->u, e->panel);
        panel = e->panel;
    }
#endif
    fast_rows_task ft = {w, e->u, panel, q, order, count, prod, lprod};
    size_t groups = (count + SMP_FAST_GROUP - 1) / SMP_FAST_GROUP;
    smp_parallel(w, parts_for(w, groups, (double)w->n * q * SMP_FAST_GROUP), fast_rows_task_fn, &ft);
    /* the sample's products for the others, the exact ones for the candidates */
    double *p = e->p, total = 0.0;
    for (size_t i = 0; i < q; i++) p[i] = exp2(lp[i]);
    for (size_t c = 0; c < count; c++) p[order[c]] = prod[c];
    for (size_t i = 0; i < q; i++) total += p[i];
    if (!(total > 0) || !isfinite(total)) { /* every product underflowed: in log₂ instead */
        double top = -INFINITY;
        for (size_t c = 0; c < count; c++) lp[order[c]] = lprod[c];
        for (size_t i = 0; i < q; i++) top = lp[i] > top ? lp[i] : top;
        total = 0.0;
        for (size_t i = 0; i < q; i++) total += (p[i] = exp2(lp[i] - top));
    }
    for (size_t i = 0; i < q; i++) p[i] = p[i] / total;
    if (__atomic_load_n(&smp_election_check, __ATOMIC_RELAXED)) return check_fast_election(w, e, q, parts, err);
    return EN_OK;
}

/* ---- the state: distances and risk attitudes ---- */

/* Row i of the distances, sixteen positions j side by side from the dimension-wise copy of the
 * positions: weighted_distance's operations lane by lane, dimensions in the same order, so the
 * same bits at any vector width (compiled for SSE2, AVX2 and AVX-512, chosen by smp_isa()).
 * Returns whether the row lies in [0,1]. */
#define SMP_DISTANCE_ROW_BODY                                                                   \
    size_t n = w->n, d = w->d, j0 = 0;                                                          \
    const double *ideal = &w->ideal[i * d], *sal = &w->salience[i * d];                         \
    double sq = w->salience_squares[i];                                                         \
    double *row = &w->distance[i * n];                                                          \
    for (; j0 + SMP_END_LANES <= n; j0 += SMP_END_LANES) {                                      \
        double acc[SMP_END_LANES];                                                              \
        for (size_t l = 0; l < SMP_END_LANES; l++) acc[l] = 0.0;                                \
        for (size_t k = 0; k < d; k++) {                                                        \
            const double *x = &w->x_t[k * n + j0];                                              \
            double ik = ideal[k], sk = sal[k];                                                  \
            for (size_t l = 0; l < SMP_END_LANES; l++) {                                        \
                double ds = (ik - x[l]) * sk;                                                   \
                acc[l] += ds * ds;                                                              \
            }                                                                                   \
        }                                                                                       \
        for (size_t l = 0; l < SMP_END_LANES; l++) {                                            \
            double z = sq <= 0 ? 0.0 : acc[l] / sq;                                             \
            double r = sqrt(z);                                                                 \
            row[j0 + l] = sq <= 0 ? 0.0 : r;                                                    \
        }                                                                                       \
    }                                                                                           \
    for (size_t j = j0; j < n; j++) {                                                           \
        for (size_t k = 0; k < d; k++) delta[k] = ideal[k] - w->x[j * d + k];                   \
        row[j] = weighted_distance(delta, sal, d, sq);                                          \
    }

/* The AVX-512 builds of the element-wise loops: GCC is told to use 512-bit registers for them
 * (its default for AVX-512 code is 256); clang knows no such target option and picks the width
 * itself. Either way each lane performs the scalar operations, so the bits do not change. */
#if defined(__clang__)
#define SMP_AVX512_LOOP __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq")))
#else
#define SMP_AVX512_LOOP                                                                            \
    __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,prefer-vector-width=512")))
#endif

static void distance_row_plain(const smp_work *w, size_t i, double *delta)
{
    SMP_DISTANCE_ROW_BODY
}

#ifdef SMP_HAVE_AVX2_KERNEL
__attribute__((target("avx2"))) static void distance_row_avx2(const smp_work *w, size_t i,
                                                              double *delta)
{
    SMP_DISTANCE_ROW_BODY
}

SMP_AVX512_LOOP static void
distance_row_avx512(const smp_work *w, size_t i, double *delta)
{
    SMP_DISTANCE_ROW_BODY
}
#endif

static void distance_rows_task(void *ctx, size_t part, size_t parts)
{
    smp_work *w = ctx;
    size_t n = w->n, d = w->d;
    double *delta = w->scratch[smp_slot(w)].delta;
#ifdef SMP_HAVE_AVX2_KERNEL
    int isa = smp_isa();
#endif
    for (size_t i0 = part * SMP_ROW_BLOCK; i0 < n; i0 += parts * SMP_ROW_BLOCK)
        for (size_t i = i0; i < i0 + SMP_ROW_BLOCK && i < n; i++) {
            const double *row = &w->distance[i * n];
            if (__atomic_load_n(&smp_plain, __ATOMIC_RELAXED)) { /* the plain code */
                for (size_t j = 0; j < n; j++) {
                    for (size_t k = 0; k < d; k++) delta[k] = w->ideal[i * d + k] - w->x[j * d + k];
                    w->distance[i * n + j] =
                        weighted_distance(delta, &w->salience[i * d], d, w->salience_squares[i]);
                }
            }
#ifdef SMP_HAVE_AVX2_KERNEL
            else if (isa >= SMP_ISA_AVX512) distance_row_avx512(w, i, delta);
            else if (isa >= SMP_ISA_AVX2) distance_row_avx2(w, i, delta);
#endif
            else distance_row_plain(w, i, delta);
            int unit = 1;
            for (size_t j = 0; j < n; j++) {
                double dist = row[j];
                unit &= dist >= 0 && dist <= 1;
            }
            w->row_unit[i] = (unsigned char)unit;
        }
}

/* The column-wise copies of the distances, SMP_ROW_BLOCK targets j per block, blocks dealt
 * out: distance_t and distance_tf row j (D(·, j)) and, on the fast path, the sampled third
 * parties' distances to j (Dsf row j). Each part writes whole rows of its own, reading columns
 * of the distances (SMP_TRANSPOSE_TILE sources at a time, so the block's lines of them stay in
 * the first-level cache). Written from distance_rows_task, column entry by column entry, the
 * rows of two neighbouring blocks of sources shared cache lines of the transposed tables in
 * every column: at 1,000 actors the distances then took 0.9-1.0 s of CPU on two threads
 * against 0.44 s on one. */
#define SMP_TRANSPOSE_TILE 64

static void distance_columns_task(void *ctx, size_t part, size_t parts)
{
    smp_work *w = ctx;
    size_t n = w->n;
    const double *D = w->distance;
    for (size_t j0 = part * SMP_ROW_BLOCK; j0 < n; j0 += parts * SMP_ROW_BLOCK) {
        size_t j1 = j0 + SMP_ROW_BLOCK < n ? j0 + SMP_ROW_BLOCK : n;
        for (size_t i0 = 0; i0 < n; i0 += SMP_TRANSPOSE_TILE) {
            size_t i1 = i0 + SMP_TRANSPOSE_TILE < n ? i0 + SMP_TRANSPOSE_TILE : n;
            for (size_t j = j0; j < j1; j++) {
                double *dt = &w->distance_t[j * n];
                for (size_t i = i0; i < i1; i++) dt[i] = D[i * n + j];
                if (w->distance_tf) {
                    float *tf = &w->distance_tf[j * n];
                    for (size_t i = i0; i < i1; i++) tf[i] = (float)D[i * n + j];
                }
            }
        }
        if (w->fast)
            for (size_t j = j0; j < j1; j++) {
                for (size_t s = 0; s < w->tm; s++)
                    w->Dsf[j * w->tm + s] = (float)D[w->t_member[s] * n + j];
                for (size_t k = 0; k < w->tc; k++)
                    w->Dcf[j * SMP_FAST_COARSE + k] = w->Dsf[j * w->tm + w->c_at[k]];
            }
    }
}

static void compute_distances(smp_work *w)
{
    for (size_t i = 0; i < w->n; i++) /* the kernels read them dimension-wise */
        for (size_t k = 0; k < w->d; k++) {
            w->ideal_t[k * w->n + i] = w->ideal[i * w->d + k];
            w->x_t[k * w->n + i] = w->x[i * w->d + k];
        }
    size_t blocks = (w->n + SMP_ROW_BLOCK - 1) / SMP_ROW_BLOCK;
    smp_parallel(w, parts_for(w, blocks, (double)(SMP_ROW_BLOCK * w->n * (w->d + 2))),
                 distance_rows_task, w);
    double column_cost = (double)SMP_ROW_BLOCK * ((double)w->n * 4 + (double)w->tm * 2);
    smp_parallel(w, parts_for(w, blocks, column_cost), distance_columns_task, w);
    int unit = 1;
    for (size_t i = 0; i < w->n; i++) unit &= w->row_unit[i];
    w->unit_distances = unit;
}

/* Risk-neutral utilities of every position, row per voter (the risk attitudes' election). */
static void neutral_utility_task(void *ctx, size_t part, size_t parts)
{
    smp_work *w = ctx;
    size_t n = w->n;
    double *u = w->scratch[0].el.u;
    for (size_t k = part; k < n; k += parts)
        for (size_t j = 0; j < n; j++) u[k * n + j] = scalar_utility(w->distance[k * n + j], 0);
}

/* Risk attitudes from the election over all actors' positions with risk-neutral utilities. */
static en_status compute_risk(smp_work *w, en_error *err)
{
    size_t n = w->n;
    smp_election *e = &w->scratch[0].el;
    ensure_election(w, e, n);
    smp_parallel(w, parts_for(w, n, (double)n * 4), neutral_utility_task, w);
    size_t parts = parts_for(w, n / 2, (double)n * n);
    en_status st = w->fast ? elect_fast(w, e, n, parts, err) : elect(w, e, n, w->capability, parts, err);
    if (st != EN_OK) return st;
    double pmin = 1.0, pmax = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (e->p[i] < pmin) pmin = e->p[i];
        if (e->p[i] > pmax) pmax = e->p[i];
    }
    for (size_t i = 0; i < n; i++) {
        double p = e->p[i], r;
        if (!(pmax > pmin)) { /* every position equally likely: KTAB divides by zero here */
            w->risk[i] = 0;
            continue;
        }
        switch (w->config->bigr_range) {
        case SMP_RANGE_MIN: r = (p - pmin) / (pmax - pmin); break;
        case SMP_RANGE_MAX: r = (2.0 * p - (pmax + pmin)) / (pmax - pmin); break;
        default: r = (3.0 * p - (pmax + 2.0 * pmin)) / (2.0 * (pmax - pmin)); break;
        }
        w->risk[i] = r;
    }
    return EN_OK;
}

/* h's estimate of i's risk attitude. */
static double estimated_risk(const smp_work *w, size_t h, size_t i)
{
    double rh = w->risk[h], ri = w->risk[i];
    if (h == i) return rh;
    switch (w->config->bigr_adjust) {
    case SMP_BIGR_NONE: return rh;
    case SMP_BIGR_HALF: return (rh + ri) / 2.0;
    case SMP_BIGR_TWO_THIRDS: return (rh + (2.0 * ri)) / 3.0;
    case SMP_BIGR_FULL: return ri;
    default: return ((2.0 * rh) + ri) / 3.0;
    }
}

#ifdef SMP_HAVE_AVX2_KERNEL
/* perspective() four actors at a time: estimated_risk's formula for h ≠ m (h's own entry is
 * set afterwards) and scalar_utility as (1 − D)·(1 + min(D, 1)·r), which is its value for
 * D ≤ 1 and, as min(D, 1)·r = r exactly, for D > 1 too; lane-wise IEEE operations, no FMA,
 * so the same bits. D(m, i) is read from the transposed matrix's row i. */
__attribute__((target("avx2"))) static size_t perspective_avx2(const smp_work *w, smp_scratch *sc,
                                                              size_t h, size_t i)
{
    size_t n = w->n, m = 0;
    const double *di = &w->distance_t[i * n];
    const __m256d one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0);
    const __m256d third = _mm256_set1_pd(3.0);
    const __m256d rh = _mm256_set1_pd(w->risk[h]);
    int adjust = w->config->bigr_adjust;
    for (; m + 4 <= n; m += 4) {
        __m256d ri = _mm256_loadu_pd(&w->risk[m]), r;
        switch (adjust) {
        case SMP_BIGR_NONE: r = rh; break;
        case SMP_BIGR_HALF: r = _mm256_div_pd(_mm256_add_pd(rh, ri), two); break;
        case SMP_BIGR_TWO_THIRDS: r = _mm256_div_pd(_mm256_add_pd(rh, _mm256_mul_pd(two, ri)), third); break;
        case SMP_BIGR_FULL: r = ri; break;
        default: r = _mm256_div_pd(_mm256_add_pd(_mm256_mul_pd(two, rh), ri), third); break;
        }
        __m256d d = _mm256_loadu_pd(&di[m]);
        __m256d dd = _mm256_set_pd(w->distance[(m + 3) * n + m + 3], w->distance[(m + 2) * n + m + 2],
                                   w->distance[(m + 1) * n + m + 1], w->distance[m * n + m]);
        __m256d u = _mm256_mul_pd(_mm256_sub_pd(one, d),
                                  _mm256_add_pd(one, _mm256_mul_pd(_mm256_min_pd(d, one), r)));
        __m256d um = _mm256_mul_pd(_mm256_sub_pd(one, dd),
                                   _mm256_add_pd(one, _mm256_mul_pd(_mm256_min_pd(dd, one), r)));
        _mm256_storeu_pd(&sc->rh[m], r), _mm256_storeu_pd(&sc->uh_i[m], u);
        _mm256_storeu_pd(&sc->uh_m[m], um);
    }
    return m;
}
#endif

/* Fills sc->rh (h's estimates of everyone's risk), sc->uh_i (U^h(m,i) for every m) and
 * sc->uh_m (U^h(m,m)). */
static void perspective(const smp_work *w, smp_scratch *sc, size_t h, size_t i)
{
    size_t n = w->n, m = 0;
#ifdef SMP_HAVE_AVX2_KERNEL
    if (smp_avx2()) {
        m = perspective_avx2(w, sc, h, i);
        if (h < m) { /* h's own risk, as estimated_risk gives it */
            sc->rh[h] = estimated_risk(w, h, h);
            sc->uh_i[h] = scalar_utility(w->distance[h * n + i], sc->rh[h]);
            sc->uh_m[h] = scalar_utility(w->distance[h * n + h], sc->rh[h]);
        }
    }
#endif
    for (; m < n; m++) {
        sc->rh[m] = estimated_risk(w, h, m);
        sc->uh_i[m] = scalar_utility(w->distance[m * n + i], sc->rh[m]);
        sc->uh_m[m] = scalar_utility(w->distance[m * n + m], sc->rh[m]);
    }
}

#ifdef SMP_HAVE_AVX2_KERNEL
/* A third party's vote in a challenge, four lanes at once: lane l holds third party m's power
 * wm, its utilities ui = U(m,i) and um = U(m,m), its estimated risk r and its distance dm to
 * the target j, and the principals' sums ci, cj. The operations are challenge()'s scalar loop
 * lane by lane (MINPD/MAXPD against 1 and 0 are exactly its comparisons; no FMA), so every
 * lane is that loop's double. The three AVX2 kernels below share it. */
__attribute__((target("avx2"), always_inline)) static inline __m256d
third_party_vote4(__m256d dm, __m256d wm, __m256d ui, __m256d um, __m256d r, __m256d ci,
                  __m256d cj, int full, int none)
{
    const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
    __m256d uj = _mm256_mul_pd(_mm256_sub_pd(one, dm),
                   _mm256_add_pd(one, _mm256_mul_pd(_mm256_min_pd(dm, one), r)));
    __m256d v0 = _mm256_mul_pd(wm, _mm256_sub_pd(ui, uj));
    __m256d cni = _mm256_add_pd(ci, _mm256_max_pd(v0, zero));
    __m256d cnj = _mm256_sub_pd(cj, _mm256_min_pd(v0, zero));
    __m256d pi = _mm256_div_pd(cni, _mm256_add_pd(cni, cnj));
    __m256d qi = _mm256_sub_pd(one, pi);
    __m256d ui2 = _mm256_add_pd(ui, ui), uj2 = _mm256_add_pd(uj, uj);
    __m256d join_i_win = _mm256_add_pd(ui2, full ? ui : um);
    __m256d join_i_lose = _mm256_add_pd(uj2, none ? um : uj);
    __m256d join_j_lose = _mm256_add_pd(ui2, none ? um : ui);
    __m256d join_j_win = _mm256_add_pd(uj2, full ? uj : um);
    __m256d e_i = _mm256_add_pd(_mm256_mul_pd(pi, join_i_win), _mm256_mul_pd(qi, join_i_lose));
    __m256d e_j = _mm256_add_pd(_mm256_mul_pd(pi, join_j_lose), _mm256_mul_pd(qi, join_j_win));
    return _mm256_mul_pd(wm, _mm256_sub_pd(e_i, e_j));
}

/* Third party m's vote in four challenges (targets idx, one per lane) added to the two sides'
 * sums: the positive part to the initiator's side, the negative part to the receiver's. A lane
 * whose target is m itself adds +0.0 (a principal is no third party), which leaves the positive
 * sums unchanged. challenge4_avx2 and the screen (screen4_avx2) share it, so their sums are
 * the same operations as challenge()'s, lane by lane. */
__attribute__((target("avx2"), always_inline)) static inline void
coalition4(__m256d dm, __m256d wm, __m256d ui, __m256d um, __m256d r, __m256d ci, __m256d cj,
           __m256i idx, size_t m, int full, int none, __m256d *chij, __m256d *chji)
{
    const __m256d zero = _mm256_setzero_pd();
    __m256d vm = third_party_vote4(dm, wm, ui, um, r, ci, cj, full, none);
    __m256d principal = _mm256_castsi256_pd(_mm256_cmpeq_epi64(idx, _mm256_set1_epi64x((long long)m)));
    vm = _mm256_andnot_pd(principal, vm);
    *chij = _mm256_add_pd(*chij, _mm256_max_pd(vm, zero));
    *chji = _mm256_sub_pd(*chji, _mm256_min_pd(vm, zero));
}

#endif

#ifdef SMP_HAVE_AVX2_KERNEL
/* The third parties' votes of challenge() under the proportional rule, four at a time with
 * AVX2; returns how many it filled (a multiple of four). The operations are the scalar loop's,
 * lane by lane (MINPD/MAXPD against 1 and 0 are exactly its comparisons; no FMA). */
__attribute__((target("avx2"))) static size_t
third_party_votes_avx2(size_t n, const double *power, const double *U_i, const double *U_m,
                       const double *dj, const double *rh, double ci0, double cj0, int full,
                       int none, double *vm)
{
    const __m256d ci = _mm256_set1_pd(ci0), cj = _mm256_set1_pd(cj0);
    size_t m = 0;
    for (; m + 4 <= n; m += 4) {
        __m256d wm = _mm256_loadu_pd(&power[m]), ui = _mm256_loadu_pd(&U_i[m]);
        __m256d um = _mm256_loadu_pd(&U_m[m]), dm = _mm256_loadu_pd(&dj[m]);
        __m256d r = _mm256_loadu_pd(&rh[m]);
        _mm256_storeu_pd(&vm[m], third_party_vote4(dm, wm, ui, um, r, ci, cj, full, none));
    }
    return m;
}
#endif

/* h's estimate (perspective set up by perspective(w, h, i)) of i's chance of beating j and of
 * i's expected gain from challenging j. First every third party's vote (independent of each
 * other, so the loop runs in SIMD lanes), then the two sides' sums in KTAB's order. A term of
 * +0.0 leaves a positive sum unchanged, which keeps the sums free of branches and exact. */
/* The principals' part of challenge(): the two sides' sums before any third party. */
static void challenge_start(const smp_work *w, const smp_scratch *sc, size_t i, size_t j,
                            double *ci0, double *cj0, double *u_ii_out, double *u_ij_out)
{
    size_t n = w->n;
    int rule = w->config->voting_rule;
    const double *power = w->effective_power;
    double u_ii = sc->uh_i[i];
    double u_ij = scalar_utility(w->distance[i * n + j], sc->rh[i]);
    double u_ji = sc->uh_i[j];
    double u_jj = sc->uh_m[j];
    double a = vote(rule, power[i], u_ii, u_ij);
    double b = vote(rule, power[j], u_ji, u_jj);
    double chij = SMP_CHALLENGE_FLOOR, chji = SMP_CHALLENGE_FLOOR;
    if (a > 0) chij += a;
    if (a < 0) chji -= a;
    if (b > 0) chij += b;
    if (b < 0) chji -= b;
    *ci0 = chij, *cj0 = chji, *u_ii_out = u_ii, *u_ij_out = u_ij;
}

/* The end of challenge(): win probability and expected gain from the two sides' sums. */
static void challenge_finish(const smp_work *w, size_t j, double chij, double chji, double u_ii,
                             double u_ij, double *phi, double *gain)
{
    double eu_sq = u_ii + u_ij;
    double u_victory = u_ii + u_ii;
    double u_loss = u_ij + u_ij;
    double p_win = chij / (chij + chji);
    double p_lose = chji / (chij + chji);
    double eu_contest = p_win * u_victory + p_lose * u_loss;
    double sj = w->salience_total[j];
    double eu_challenge = (1 - sj) * u_victory + sj * eu_contest;
    *phi = p_win;
    *gain = eu_challenge - eu_sq;
}

#ifdef SMP_HAVE_AVX2_KERNEL
/* challenge() for four targets j[0..3] at once (proportional rule), one target per lane: the
 * third parties run in ascending order and each lane adds exactly the terms challenge() adds
 * (a principal's term is +0.0, which leaves the positive sums unchanged), so every lane's
 * result is challenge()'s to the bit. Four independent sums hide the latency that a single
 * challenge's two running sums cannot. */
__attribute__((target("avx2"))) static void challenge4_avx2(const smp_work *w,
                                                            const smp_scratch *sc, size_t i,
                                                            const size_t j[4], double phi[4],
                                                            double gain[4])
{
    size_t n = w->n;
    const smp_config *c = w->config;
    const double *rh = sc->rh, *U_i = sc->uh_i, *U_m = sc->uh_m, *power = w->effective_power;
    const int full = c->third_party_commit == SMP_TPC_FULL_COMMIT;
    const int none = c->third_party_commit == SMP_TPC_NO_COMMIT;
    double ci0[4], cj0[4], u_ii[4], u_ij[4];
    for (int l = 0; l < 4; l++) challenge_start(w, sc, i, j[l], &ci0[l], &cj0[l], &u_ii[l], &u_ij[l]);
    const __m256d ci = _mm256_loadu_pd(ci0), cj = _mm256_loadu_pd(cj0);
    const __m256i idx = _mm256_set_epi64x((long long)j[3], (long long)j[2], (long long)j[1],
                                          (long long)j[0]);
    /* D(m, j) from the transposed matrix: four rows read in step, each one sequentially */
    const double *d0 = &w->distance_t[j[0] * n], *d1 = &w->distance_t[j[1] * n];
    const double *d2 = &w->distance_t[j[2] * n], *d3 = &w->distance_t[j[3] * n];
    __m256d chij = ci, chji = cj;
    for (size_t m = 0; m < n; m++) {
        if (m == i) continue;
        __m256d dm = _mm256_set_pd(d3[m], d2[m], d1[m], d0[m]);
        __m256d wm = _mm256_broadcast_sd(&power[m]), ui = _mm256_broadcast_sd(&U_i[m]);
        __m256d um = _mm256_broadcast_sd(&U_m[m]), r = _mm256_broadcast_sd(&rh[m]);
        coalition4(dm, wm, ui, um, r, ci, cj, idx, m, full, none, &chij, &chji);
    }
    double a[4], b[4];
    _mm256_storeu_pd(a, chij), _mm256_storeu_pd(b, chji);
    for (int l = 0; l < 4; l++) challenge_finish(w, j[l], a[l], b[l], u_ii[l], u_ij[l], &phi[l], &gain[l]);
}

/* third_party_vote4 in eight lanes (AVX-512): the same operations lane by lane, no FMA (the
 * build turns contraction off), so every lane is challenge()'s double. */
SMP_AVX512 __attribute__((always_inline)) static inline __m512d
third_party_vote8(__m512d dm, __m512d wm, __m512d ui, __m512d um, __m512d r, __m512d ci,
                  __m512d cj, int full, int none)
{
    const __m512d one = _mm512_set1_pd(1.0), zero = _mm512_setzero_pd();
    __m512d uj = _mm512_mul_pd(_mm512_sub_pd(one, dm),
                   _mm512_add_pd(one, _mm512_mul_pd(_mm512_min_pd(dm, one), r)));
    __m512d v0 = _mm512_mul_pd(wm, _mm512_sub_pd(ui, uj));
    __m512d cni = _mm512_add_pd(ci, _mm512_max_pd(v0, zero));
    __m512d cnj = _mm512_sub_pd(cj, _mm512_min_pd(v0, zero));
    __m512d pi = _mm512_div_pd(cni, _mm512_add_pd(cni, cnj));
    __m512d qi = _mm512_sub_pd(one, pi);
    __m512d ui2 = _mm512_add_pd(ui, ui), uj2 = _mm512_add_pd(uj, uj);
    __m512d join_i_win = _mm512_add_pd(ui2, full ? ui : um);
    __m512d join_i_lose = _mm512_add_pd(uj2, none ? um : uj);
    __m512d join_j_lose = _mm512_add_pd(ui2, none ? um : ui);
    __m512d join_j_win = _mm512_add_pd(uj2, full ? uj : um);
    __m512d e_i = _mm512_add_pd(_mm512_mul_pd(pi, join_i_win), _mm512_mul_pd(qi, join_i_lose));
    __m512d e_j = _mm512_add_pd(_mm512_mul_pd(pi, join_j_lose), _mm512_mul_pd(qi, join_j_win));
    return _mm512_mul_pd(wm, _mm512_sub_pd(e_i, e_j));
}

/* Third party m's vote in eight challenges added to the two sides' sums; a lane not in `keep`
 * (the principals) adds +0.0, which leaves the sums as they are. */
SMP_AVX512 __attribute__((always_inline)) static inline void
coalition8(__m512d dm, const smp_scratch *sc, const double *power, size_t m, __m512d ci,
           __m512d cj, __mmask8 keep, int full, int none, __m512d *chij, __m512d *chji)
{
    const __m512d zero = _mm512_setzero_pd();
    __m512d vm = third_party_vote8(dm, _mm512_set1_pd(power[m]), _mm512_set1_pd(sc->uh_i[m]),
                                   _mm512_set1_pd(sc->uh_m[m]), _mm512_set1_pd(sc->rh[m]), ci, cj,
                                   full, none);
    vm = _mm512_maskz_mov_pd(keep, vm);
    *chij = _mm512_add_pd(*chij, _mm512_max_pd(vm, zero));
    *chji = _mm512_sub_pd(*chji, _mm512_min_pd(vm, zero));
}

/* challenge4_avx2 for eight targets j[0..7] (lanes may repeat) with AVX-512: the third parties
 * in ascending order, a principal's term +0.0, so every lane is challenge()'s result to the
 * bit. D(m, j) comes from the eight targets' rows of the transposed matrix, eight third
 * parties at a time through an 8 × 8 transpose in registers (a gather is much slower). */
SMP_AVX512 static void challenge8_avx512(const smp_work *w, const smp_scratch *sc, size_t i,
                                         const size_t j[8], double phi[8], double gain[8])
{
    size_t n = w->n;
    const smp_config *c = w->config;
    const double *power = w->effective_power;
    const int full = c->third_party_commit == SMP_TPC_FULL_COMMIT;
    const int none = c->third_party_commit == SMP_TPC_NO_COMMIT;
    double ci0[8], cj0[8], u_ii[8], u_ij[8];
    long long jj[8];
    const double *row[8];
    for (int l = 0; l < 8; l++) {
        challenge_start(w, sc, i, j[l], &ci0[l], &cj0[l], &u_ii[l], &u_ij[l]);
        jj[l] = (long long)j[l], row[l] = &w->distance_t[j[l] * n];
    }
    const __m512d ci = _mm512_loadu_pd(ci0), cj = _mm512_loadu_pd(cj0);
    const __m512i idx = _mm512_loadu_si512(jj);
    const __m512i s2a = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    const __m512i s2b = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    const __m512i s3a = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
    const __m512i s3b = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    __m512d chij = ci, chji = cj;
    size_t m0 = 0;
    for (; m0 + 8 <= n; m0 += 8) {
        __m512d r0 = _mm512_loadu_pd(row[0] + m0), r1 = _mm512_loadu_pd(row[1] + m0);
        __m512d r2 = _mm512_loadu_pd(row[2] + m0), r3 = _mm512_loadu_pd(row[3] + m0);
        __m512d r4 = _mm512_loadu_pd(row[4] + m0), r5 = _mm512_loadu_pd(row[5] + m0);
        __m512d r6 = _mm512_loadu_pd(row[6] + m0), r7 = _mm512_loadu_pd(row[7] + m0);
        /* t_ab: rows a, b interleaved (columns 0,2,4,6 or 1,3,5,7) */
        __m512d t01e = _mm512_unpacklo_pd(r0, r1), t01o = _mm512_unpackhi_pd(r0, r1);
        __m512d t23e = _mm512_unpacklo_pd(r2, r3), t23o = _mm512_unpackhi_pd(r2, r3);
        __m512d t45e = _mm512_unpacklo_pd(r4, r5), t45o = _mm512_unpackhi_pd(r4, r5);
        __m512d t67e = _mm512_unpacklo_pd(r6, r7), t67o = _mm512_unpackhi_pd(r6, r7);
        /* rows 0–3 (or 4–7) of columns k and k + 4 */
        __m512d u0 = _mm512_permutex2var_pd(t01e, s2a, t23e), u2 = _mm512_permutex2var_pd(t01e, s2b, t23e);
        __m512d u1 = _mm512_permutex2var_pd(t01o, s2a, t23o), u3 = _mm512_permutex2var_pd(t01o, s2b, t23o);
        __m512d v0 = _mm512_permutex2var_pd(t45e, s2a, t67e), v2 = _mm512_permutex2var_pd(t45e, s2b, t67e);
        __m512d v1 = _mm512_permutex2var_pd(t45o, s2a, t67o), v3 = _mm512_permutex2var_pd(t45o, s2b, t67o);
        __m512d col[8];
        col[0] = _mm512_permutex2var_pd(u0, s3a, v0), col[4] = _mm512_permutex2var_pd(u0, s3b, v0);
        col[1] = _mm512_permutex2var_pd(u1, s3a, v1), col[5] = _mm512_permutex2var_pd(u1, s3b, v1);
        col[2] = _mm512_permutex2var_pd(u2, s3a, v2), col[6] = _mm512_permutex2var_pd(u2, s3b, v2);
        col[3] = _mm512_permutex2var_pd(u3, s3a, v3), col[7] = _mm512_permutex2var_pd(u3, s3b, v3);
        for (size_t k = 0; k < 8; k++) {
            size_t m = m0 + k;
            __mmask8 keep = m == i ? 0 : (__mmask8)~_mm512_cmpeq_epi64_mask(idx, _mm512_set1_epi64((long long)m));
            coalition8(col[k], sc, power, m, ci, cj, keep, full, none, &chij, &chji);
        }
    }
    for (size_t m = m0; m < n; m++) {
        __m512d dm = _mm512_setr_pd(row[0][m], row[1][m], row[2][m], row[3][m], row[4][m],
                                    row[5][m], row[6][m], row[7][m]);
        __mmask8 keep = m == i ? 0 : (__mmask8)~_mm512_cmpeq_epi64_mask(idx, _mm512_set1_epi64((long long)m));
        coalition8(dm, sc, power, m, ci, cj, keep, full, none, &chij, &chji);
    }
    double a[8], b[8];
    _mm512_storeu_pd(a, chij), _mm512_storeu_pd(b, chji);
    for (int l = 0; l < 8; l++) challenge_finish(w, j[l], a[l], b[l], u_ii[l], u_ij[l], &phi[l], &gain[l]);
}
#endif

static void challenge(const smp_work *w, smp_scratch *sc, size_t i, size_t j, double *phi,
                      double *gain);

/* Exact challenges of i to j[0..lanes) (lanes 1, 4 or 8, see challenge_lanes; a batch's
 * unused lanes repeat its last target) into phi and gain: challenge()'s bits at every level. */
static void challenges(const smp_work *w, smp_scratch *sc, size_t i, const size_t *j,
                       size_t lanes, double *phi, double *gain)
{
#ifdef SMP_HAVE_AVX2_KERNEL
    if (lanes == 8) {
        challenge8_avx512(w, sc, i, j, phi, gain);
        return;
    }
    if (lanes == 4) {
        challenge4_avx2(w, sc, i, j, phi, gain);
        return;
    }
#endif
    for (size_t l = 0; l < lanes; l++) challenge(w, sc, i, j[l], &phi[l], &gain[l]);
}

/* How many exact challenges the kernels take at once: 8 with AVX-512, 4 with AVX2 (the
 * proportional rule only), else 1. */
static size_t challenge_lanes(const smp_work *w)
{
#ifdef SMP_HAVE_AVX2_KERNEL
    if (w->config->voting_rule == SMP_VR_PROP) {
        int isa = smp_isa();
        if (isa >= SMP_ISA_AVX512) return 8;
        if (isa >= SMP_ISA_AVX2) return 4;
    }
#else
    (void)w;
#endif
    return 1;
}

#ifdef SMP_HAVE_AVX2_KERNEL
/* ---- the screen of the target search ----
 *
 * Most targets whose cheap bound survives still have a win probability φ far below what they
 * would need to beat the best gain found (docs/models/smp.md, "Speed"). The screen proves that
 * without the whole O(n) sum: it adds the third parties' votes in index order and after every
 * SMP_SCREEN_STEP of them bounds φ from above by (chij + rest) / (chij + rest + chji), with chij
 * and chji the two sides' sums so far and rest the sum of the caps on what each third party
 * still to come can add to the initiator's side (chji only grows). A target whose gain at that φ is below
 * the best gain found is ruled out; the others are evaluated exactly, in KTAB's order. Only
 * the choice of target depends on the screen, never a value: every chosen gain and φ is the
 * exact computation's.
 *
 * The cap. With the proportional rule and semi-commitment, a third party m's vote is
 * w_m·(π(u_m − u_i) + (1 − π)(u_j − u_m)) for a π in [0,1] (the other commitments give 0),
 * and u_j ≤ 1 when every estimated risk lies in [−1,1] (docs/models/smp.md, "Distance and
 * utility"), so the vote is at most w_m·((u_m − u_i)⁺ + (1 − u_m)⁺), independent of the
 * target; a relative 1e-12 on top covers the round-off of the vote's own evaluation. Per target
 * the first part shrinks by a bound on π (screen_targets).
 *
 * Single precision. The screen adds float votes, eight targets per instruction
 * (smp_screen_vote8), and widens its sums by the proven bound on their distance from the
 * double votes and by the float summation's bound (smp_screen.c; screen_sides). */

/* Lists the third parties of i's perspective (set up by perspective()) in index order with
 * their power, utilities and risk (in double and in float), the suffix sums of their caps and
 * the prefix sums of w_m and w_m² that the float screen's error bound needs. (Any order gives
 * a valid bound; a sorted one exits earlier but reads the distance rows out of order, which
 * cost more than it saved.) Returns 0 when a precondition of the cap or of the float bound
 * fails (a negative or out-of-range power, an estimated risk outside [−1,1], a utility or a
 * distance outside [0,1]): then no screen. Time complexity: O(n). */
static int screen_order(const smp_work *w, smp_scratch *sc, size_t i)
{
    size_t n = w->n;
    const double *power = w->effective_power;
    double *cap = sc->third_party_vote, *part_a = sc->uh_i_copy;
    if (!w->distance_tf || !w->unit_distances) return 0;
    for (size_t m = 0; m < n; m++) {
        if (m == i) continue;
        double wm = power[m], ui = sc->uh_i[m], um = sc->uh_m[m];
        if (!(wm == 0 || (wm >= 1e-30 && wm <= 1e20)) || !(fabs(sc->rh[m]) <= 1) ||
            !(ui >= 0 && ui <= 1) || !(um >= 0 && um <= 1))
            return 0;
        double a = um - ui, b = 1 - um;
        double c = wm * ((a > 0 ? a : 0) + (b > 0 ? b : 0) + 1e-12 * (1 + fabs(um) + fabs(ui)));
        cap[m] = c * (1 + 1e-12);
        part_a[m] = wm * (a > 0 ? a : 0) * (1 + 1e-12);
    }
    size_t t = 0;
    for (size_t m = 0; m < n; m++)
        if (m != i) sc->perm[t++] = (int)m;
    size_t len = n - 1;
    sc->cap[len] = sc->cap_a[len] = sc->cap_b[len] = sc->cap_m[len] = 0;
    for (t = len; t-- > 0;) {
        size_t m = (size_t)sc->perm[t];
        sc->pw[t] = power[m], sc->pui[t] = sc->uh_i[m], sc->pum[t] = sc->uh_m[m];
        sc->prh[t] = sc->rh[m];
        sc->fw[t] = (float)power[m], sc->fui[t] = (float)sc->uh_i[m];
        sc->fum[t] = (float)sc->uh_m[m], sc->frh[t] = (float)sc->rh[m];
        sc->cap[t] = sc->cap[t + 1] + cap[m];
        sc->cap_a[t] = sc->cap_a[t + 1] + part_a[m];
        sc->cap_b[t] = sc->cap_b[t + 1] + (cap[m] - part_a[m]) * (1 + 1e-12);
        double wu = power[m] * sc->uh_i[m];
        sc->cap_m[t] = wu > sc->cap_m[t + 1] ? wu : sc->cap_m[t + 1];
    }
    sc->err_a[0] = sc->err_b[0] = 0;
    for (t = 0; t < len; t++) {
        sc->err_a[t + 1] = sc->err_a[t] + sc->pw[t];
        sc->err_b[t + 1] = sc->err_b[t] + sc->pw[t] * sc->pw[t];
    }
    return 1;
}

/* One stretch [t0, t1) of the screen for eight targets j[0..7] of i, in single precision:
 * st[l] holds target l's principals' sums (ci0, cj0) and the float sums so far of the positive
 * and of the negative third-party votes, updated here. The votes are smp_screen_vote8's (the
 * double kernel's formula in float); smp_screen.c bounds each one's distance from the double
 * vote, and screen_targets allows for it. */
__attribute__((target("avx2"))) static void screen8_avx2(const smp_work *w, const smp_scratch *sc,
                                                        const size_t j[8], double *st[8],
                                                        size_t t0, size_t t1)
{
    size_t n = w->n;
    const smp_config *c = w->config;
    const int full = c->third_party_commit == SMP_TPC_FULL_COMMIT;
    const int none = c->third_party_commit == SMP_TPC_NO_COMMIT;
    const __m256 zero = _mm256_setzero_ps();
    float ci0[8], cj0[8], fij0[8], fji0[8];
    const float *d[8];
    for (int l = 0; l < 8; l++) {
        ci0[l] = (float)st[l][0], cj0[l] = (float)st[l][1];
        fij0[l] = (float)st[l][2], fji0[l] = (float)st[l][3]; /* floats already: exact */
        d[l] = &w->distance_tf[j[l] * n];
    }
    const __m256 ci = _mm256_loadu_ps(ci0), cj = _mm256_loadu_ps(cj0);
    __m256 fij = _mm256_loadu_ps(fij0), fji = _mm256_loadu_ps(fji0);
    const __m256i idx = _mm256_set_epi32((int)j[7], (int)j[6], (int)j[5], (int)j[4], (int)j[3],
                                         (int)j[2], (int)j[1], (int)j[0]);
    for (size_t t = t0; t < t1; t++) {
        size_t m = (size_t)sc->perm[t];
        __m256 dm = _mm256_set_ps(d[7][m], d[6][m], d[5][m], d[4][m], d[3][m], d[2][m], d[1][m],
                                  d[0][m]);
        __m256 wm = _mm256_broadcast_ss(&sc->fw[t]), ui = _mm256_broadcast_ss(&sc->fui[t]);
        __m256 um = _mm256_broadcast_ss(&sc->fum[t]), r = _mm256_broadcast_ss(&sc->frh[t]);
        __m256 vm = smp_screen_vote8(dm, wm, ui, um, r, ci, cj, full, none);
        /* a principal is no third party: its lane adds +0.0 */
        __m256 principal = _mm256_castsi256_ps(_mm256_cmpeq_epi32(idx, _mm256_set1_epi32((int)m)));
        vm = _mm256_andnot_ps(principal, vm);
        fij = _mm256_add_ps(fij, _mm256_max_ps(vm, zero));
        fji = _mm256_sub_ps(fji, _mm256_min_ps(vm, zero));
    }
    _mm256_storeu_ps(fij0, fij), _mm256_storeu_ps(fji0, fji);
    for (int l = 0; l < 8; l++) st[l][2] = fij0[l], st[l][3] = fji0[l];
}

/* Orders candidate indices roughly by decreasing bound: a counting sort into SMP_SORT_BUCKETS
 * equal slices of the bounds' range, the highest slice first, each slice in the list's order
 * (tmp: count entries). The order only decides how early the best gain is found, never the
 * choice (the largest gain, ties to the smallest index, whatever was looked at first), and a
 * comparison sort here cost more (mispredicted branches) than it saved. Time complexity: O(count). */
#define SMP_SORT_BUCKETS 64
static void sort_by_bound(size_t *list, size_t *tmp, size_t count, const smp_candidate *cand)
{
    if (count < 2) return;
    double lo = cand[list[0]].bound, hi = lo;
    for (size_t c = 1; c < count; c++) {
        double b = cand[list[c]].bound;
        if (b < lo) lo = b;
        if (b > hi) hi = b;
    }
    if (!(hi > lo) || !isfinite(hi - lo)) return;
    double scale = (SMP_SORT_BUCKETS - 1) / (hi - lo);
    size_t start[SMP_SORT_BUCKETS + 1] = {0};
    for (size_t c = 0; c < count; c++) {
        size_t k = (size_t)((hi - cand[list[c]].bound) * scale); /* 0: the highest slice */
        start[(k < SMP_SORT_BUCKETS ? k : SMP_SORT_BUCKETS - 1) + 1]++;
    }
    for (size_t k = 0; k < SMP_SORT_BUCKETS; k++) start[k + 1] += start[k];
    for (size_t c = 0; c < count; c++) {
        size_t k = (size_t)((hi - cand[list[c]].bound) * scale);
        tmp[start[k < SMP_SORT_BUCKETS ? k : SMP_SORT_BUCKETS - 1]++] = list[c];
    }
    memcpy(list, tmp, count * sizeof *list);
}

/* The bounds on a screened target's two sides after its first k third parties (st: its
 * screen state, see screen_targets): the double sums the exact challenge would have reached
 * there lie in [*ij_lo, *ij_hi] and [*ji_lo, *ji_hi]. The float sums F carry the votes' error
 * E = Σ E_m (smp_screen_vote_error, summed through the prefix sums of w_m and w_m²) and the
 * float summation's relative error g (smp_screen_sum_error); the double evaluation of these
 * bounds rounds a few times more, far inside the 1e-9 the callers add to φ. */
static void screen_sides(const smp_scratch *sc, const double *st, size_t k, double *ij_lo,
                         double *ij_hi, double *ji_lo, double *ji_hi)
{
    double scale = smp_screen_bound_scale();
    double E = scale * SMP_SCREEN_U *
               (SMP_SCREEN_ERR_A * sc->err_a[k] + SMP_SCREEN_ERR_B * sc->err_b[k] / (st[0] + st[1]));
    E *= 1 + 1e-9;
    double g = smp_screen_sum_error(k);
    double lo_ij = st[2] * (1 - g) - E, lo_ji = st[3] * (1 - g) - E;
    *ij_lo = st[0] + (lo_ij > 0 ? lo_ij : 0);
    *ji_lo = st[1] + (lo_ji > 0 ? lo_ji : 0);
    *ij_hi = st[0] + st[2] * (1 + g) + E;
    *ji_hi = st[1] + st[3] * (1 + g) + E;
}

/* The screen of the targets list[0..count) (indices into cand, each with delta·S_j > 0) of i:
 * stretch by stretch over the third parties in screening order, eight targets at a time in
 * single precision, dropping after each stretch every target whose bound on the gain falls
 * below `best`. Returns how many remain at the front of list; they need the exact evaluation.
 * Time complexity: O(count · n) at most. */
static size_t screen_targets(const smp_work *w, smp_scratch *sc, size_t i,
                             const smp_candidate *cand, size_t *list, size_t count, double u_ii,
                             double r, double best)
{
    size_t n = w->n, len = n - 1;
    /* SMP_SCREEN_STATE per listed target: ci0, cj0, the float sums of the third parties' positive
     * and negative votes, Δ = U(i,i) − U(i,j), 2·S_j */
    double *st = sc->screen_state;
    for (size_t c = 0; c < count; c++) {
        double u_ij, u_ii_unused, *v = &st[SMP_SCREEN_STATE * c];
        size_t j = cand[list[c]].j;
        challenge_start(w, sc, i, j, &v[0], &v[1], &u_ii_unused, &u_ij);
        v[2] = v[3] = 0;
        v[4] = u_ii - scalar_utility(w->distance[i * w->n + j], r);
        v[5] = 2 * w->salience_total[j];
        if (!(v[0] >= 1e-10 && v[0] <= 1e30 && v[1] >= 1e-10 && v[1] <= 1e30))
            return count; /* outside the float bound's range: every target is evaluated */
    }
    size_t t0 = 0, stretch = SMP_SCREEN_STEP;
    while (count && t0 < len) {
        size_t t1 = t0 + stretch < len ? t0 + stretch : len;
        for (size_t c = 0; c < count; c += 8) {
            size_t js[8];
            double *sp[8];
            for (size_t l = 0; l < 8; l++) {
                size_t k = c + l < count ? c + l : c;
                js[l] = cand[list[k]].j;
                sp[l] = &st[SMP_SCREEN_STATE * k];
            }
            double keep[8][4]; /* a repeated lane must not add its votes twice */
            for (size_t l = 0; l < 8; l++) memcpy(keep[l], sp[l], sizeof keep[l]);
            for (size_t l = 1; l < 8; l++)
                if (c + l >= count) sp[l] = keep[l];
            screen8_avx2(w, sc, js, sp, t0, t1);
            sc->screen_terms += 8 * (t1 - t0);
        }
        double rest = sc->cap[t1] * (1 + 1e-9);
        /* After the last stretch the sums are complete: each target's gain is known to within
         * the bounds, and the largest lower end among them bounds the best gain from below
         * (that target is evaluated exactly: it stays). */
        double floor_gain = best;
        for (size_t c = 0; t1 == len && c < count; c++) {
            const double *v = &st[SMP_SCREEN_STATE * c];
            double ij_lo, ij_hi, ji_lo, ji_hi;
            screen_sides(sc, v, t1, &ij_lo, &ij_hi, &ji_lo, &ji_hi);
            double phi = ij_lo / (ij_lo + ji_hi) - 1e-9;
            double g = v[4] * (1 - v[5] * (1 - (phi > 0 ? phi : 0)));
            g -= SMP_GAIN_MARGIN;
            if (g > floor_gain) floor_gain = g;
        }
        size_t kept = 0;
        for (size_t c = 0; c < count; c++) {
            const double *v = &st[SMP_SCREEN_STATE * c];
            double ij_lo, ij_hi, ji_lo, ji_hi;
            screen_sides(sc, v, t1, &ij_lo, &ij_hi, &ji_lo, &ji_hi);
            /* The per-target cap: third party m's little-conflict chance π is at most
             * (c_i + w_m·U(m,i)) / (c_i + w_m·U(m,i) + c_j) (its own vote adds at most
             * w_m·U(m,i) to i's side, as U(m,j) ≥ 0), so its vote, a mix of (u_m − u_i) with
             * weight π and of (u_j − u_m) ≤ (1 − u_m), is at most π̄·(u_m − u_i)⁺ + (1 − u_m)⁺
             * with π̄ that chance at the largest w_m·U(m,i) still to come. */
            double big = sc->cap_m[t1] * (1 + 1e-12);
            double pibar = (v[0] + big) / ((v[0] + big) + v[1]) + 1e-9;
            double rest_j = (pibar < 1 ? pibar : 1) * sc->cap_a[t1] + sc->cap_b[t1];
            rest_j *= 1 + 1e-9;
            double up = ij_hi + (rest_j < rest ? rest_j : rest);
            double phi = up / (up + ji_lo) + 1e-9;
            if (phi > 1) phi = 1;
            double g = v[4] * (1 - v[5] * (1 - phi));
            if (!(g + SMP_GAIN_MARGIN < floor_gain)) {
                list[kept] = list[c];
                memmove(&st[SMP_SCREEN_STATE * kept], v, SMP_SCREEN_STATE * sizeof *v);
                kept++;
            }
        }
        count = kept;
        t0 = t1;
        stretch += SMP_SCREEN_STEP;
    }
    return count;
}
#endif

static void challenge(const smp_work *w, smp_scratch *sc, size_t i, size_t j, double *phi,
                      double *gain)
{
    size_t n = w->n;
    const smp_config *c = w->config;
    const double *rh = sc->rh, *U_i = sc->uh_i, *U_m = sc->uh_m, *power = w->effective_power;
    double ci0, cj0, u_ii, u_ij;
    challenge_start(w, sc, i, j, &ci0, &cj0, &u_ii, &u_ij);
    double chij = ci0, chji = cj0;
    const double *dj = &w->distance_t[j * n];
    double *vm = sc->third_party_vote;
    /* which utility completes each outcome: 0 = the side's own (3u), 1 = the third party's (2u + um) */
    const int full = c->third_party_commit == SMP_TPC_FULL_COMMIT;
    const int none = c->third_party_commit == SMP_TPC_NO_COMMIT;
    if (c->voting_rule == SMP_VR_PROP) {
        size_t m = 0;
#ifdef SMP_HAVE_AVX2_KERNEL
        if (smp_avx2()) m = third_party_votes_avx2(n, power, U_i, U_m, dj, rh, ci0, cj0, full, none, vm);
#endif
        /* two lanes at a time: the same operations as the scalar loop below, lane by lane */
        const v2d one = {1.0, 1.0}, zero = {0.0, 0.0};
        const v2d ci = {ci0, ci0}, cj = {cj0, cj0};
        for (; m + 2 <= n; m += 2) {
            v2d wm = load2(&power[m]), ui = load2(&U_i[m]), um = load2(&U_m[m]);
            v2d dm = load2(&dj[m]), r = load2(&rh[m]);
            v2d uj = (one - dm) * (one + select2(dm <= one, dm, one) * r);
            v2d v0 = wm * (ui - uj);
            v2d cni = ci + select2(v0 > zero, v0, zero);
            v2d cnj = cj - select2(v0 < zero, v0, zero);
            v2d pi = cni / (cni + cnj);
            v2d join_i_win = (ui + ui) + (full ? ui : um);
            v2d join_i_lose = (uj + uj) + (none ? um : uj);
            v2d join_j_lose = (ui + ui) + (none ? um : ui);
            v2d join_j_win = (uj + uj) + (full ? uj : um);
            v2d e_i = pi * join_i_win + (one - pi) * join_i_lose;
            v2d e_j = pi * join_j_lose + (one - pi) * join_j_win;
            store2(&vm[m], wm * (e_i - e_j));
        }
        for (; m < n; m++) {
            double wm = power[m], ui = U_i[m], um = U_m[m];
            double dm = dj[m], r = rh[m];
            double uj = (1 - dm) * (1 + (dm <= 1 ? dm : 1.0) * r);
            double v0 = wm * (ui - uj);
            double cni = ci0 + (v0 > 0 ? v0 : 0.0);
            double cnj = cj0 - (v0 < 0 ? v0 : 0.0);
            double pi = cni / (cni + cnj);
            double join_i_win = (ui + ui) + (full ? ui : um);
            double join_i_lose = (uj + uj) + (none ? um : uj);
            double join_j_lose = (ui + ui) + (none ? um : ui);
            double join_j_win = (uj + uj) + (full ? uj : um);
            double e_i = pi * join_i_win + (1.0 - pi) * join_i_lose;
            double e_j = pi * join_j_lose + (1.0 - pi) * join_j_win;
            vm[m] = wm * (e_i - e_j);
        }
    } else {
        for (size_t m = 0; m < n; m++) {
            double wm = power[m], ui = U_i[m], um = U_m[m];
            double uj = scalar_utility(dj[m], rh[m]);
            double v0 = vote(c->voting_rule, wm, ui, uj);
            double cni = v0 > 0 ? ci0 + v0 : ci0;
            double cnj = v0 < 0 ? cj0 - v0 : cj0;
            double pi = cni / (cni + cnj);
            double join_i_win = (ui + ui) + (full ? ui : um);
            double join_i_lose = (uj + uj) + (none ? um : uj);
            double join_j_lose = (ui + ui) + (none ? um : ui);
            double join_j_win = (uj + uj) + (full ? uj : um);
            double e_i = pi * join_i_win + (1.0 - pi) * join_i_lose;
            double e_j = pi * join_j_lose + (1.0 - pi) * join_j_win;
            vm[m] = vote(c->voting_rule, wm, e_i, e_j);
        }
    }
    vm[i] = vm[j] = 0.0; /* the principals are not third parties */
    for (size_t m = 0; m < n; m++) {
        double v = vm[m];
        chij += v > 0 ? v : 0.0;
        chji -= v < 0 ? v : 0.0;
    }
    challenge_finish(w, j, chij, chji, u_ii, u_ij, phi, gain);
}

/* KTAB's rounding of bargain positions to 4 decimals (truncation after adding 0.5); values
 * outside any position's range (impossible with finite input) are left alone rather than
 * overflow the int. */
static double round4(double x)
{
    double y = 0.5 + x * 10000.0;
    if (!(y > -2e9 && y < 2e9)) return x;
    return (double)(int)y / 10000.0;
}

/* The bargain positions when i challenges j and i's chance is phi. */
static void interpolate(const smp_work *w, size_t i, size_t j, double phi, double *bi, double *bj)
{
    size_t d = w->d;
    double p_i = phi, p_j = 1 - phi;
    for (size_t k = 0; k < d; k++) {
        double ti = w->x[i * d + k], tj = w->x[j * d + k];
        double si = w->salience[i * d + k], sj = w->salience[j * d + k];
        if (w->config->inter_vec_bargain == SMP_IVB_S2PMAX) {
            double di = p_j - p_i > 0 ? p_j - p_i : 0;
            double dj = p_i - p_j > 0 ? p_i - p_j : 0;
            double ai = di * sj * sj / (di * sj * sj + SMP_BARGAIN_TILT + (1 - di) * si * si);
            double aj = dj * si * si / (dj * si * si + SMP_BARGAIN_TILT + (1 - dj) * sj * sj);
            bi[k] = ti + ai * (tj - ti);
            bj[k] = tj + aj * (ti - tj);
        } else {
            double e = w->config->inter_vec_bargain == SMP_IVB_S1P1 ? 1 : 2;
            double wi = pow(si, e) * pow(p_i, e);
            double wj = pow(sj, e) * pow(p_j, e);
            double den = (wi + SMP_BARGAIN_TILT) + wj;
            bi[k] = round4(((wi + SMP_BARGAIN_TILT) * ti + wj * tj) / den);
            bj[k] = round4((wi * ti + (SMP_BARGAIN_TILT + wj) * tj) / den);
        }
    }
}

static double state_distance(const double *a, const double *b, size_t n, size_t d)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t k = 0; k < d; k++) {
            double diff = a[i * d + k] - b[i * d + k];
            s += diff * diff;
        }
        total += sqrt(s);
    }
    return total;
}

/* The utilities of the winning-probability election: rows k of u (each actor's utility of
 * every distinct position), in contiguous shares, so a line of u is written by two threads at
 * most at a share's end. */
typedef struct win_utility_task {
    const smp_work *w;
    const size_t *unique;
    size_t count;
    double *u;
} win_utility_task;

static void win_utility_task_fn(void *ctx, size_t part, size_t parts)
{
    const win_utility_task *t = ctx;
    const smp_work *w = t->w;
    size_t n = w->n, count = t->count, lo, hi;
    part_share(parts, n, part, parts, 0, &lo, &hi);
    for (size_t k = lo; k < hi; k++)
        for (size_t u = 0; u < count; u++)
            t->u[k * count + u] = scalar_utility(w->distance[k * n + t->unique[u]], w->risk[k]);
}

/* Winning probabilities of the state (KTAB's end-of-run table): each actor's true utilities
 * over the distinct positions, one election; an actor gets its position's probability. */
static en_status win_probabilities(smp_work *w, double *out, en_error *err)
{
    size_t n = w->n, d = w->d;
    size_t *unique = en_xmalloc(n * sizeof *unique), count = 0;
    size_t *class_of = en_xmalloc(n * sizeof *class_of);
    smp_position_classes(w->x, n, d, SMP_POSITION_TOLERANCE, unique, &count, class_of);
    smp_election *e = &w->scratch[0].el;
    ensure_election(w, e, count);
    win_utility_task ut = {w, unique, count, e->u};
    smp_parallel(w, parts_for(w, n, (double)count * 8), win_utility_task_fn, &ut);
    size_t parts = parts_for(w, count / 2, (double)n * count);
    en_status st = w->fast ? elect_fast(w, e, count, parts, err)
                           : elect(w, e, count, w->capability, parts, err);
    if (st == EN_OK)
        for (size_t a = 0; a < n; a++) out[a] = e->p[class_of[a]];
    en_free(unique);
    en_free(class_of);
    return st;
}

/* ---- the choice of target ---- */

#ifdef SMP_HAVE_AVX2_KERNEL
/* gather_candidates' bounds for j = 0, 1, ... four at a time (scalar_utility as in
 * perspective_avx2; MAXPD(Δ, o) is Δ > o ? Δ : o); returns how many it filled. */
__attribute__((target("avx2"))) static size_t candidate_bounds_avx2(const smp_work *w, size_t i,
                                                                   double u_ii, double r,
                                                                   double *bounds)
{
    size_t n = w->n, j = 0;
    const double *di = &w->distance[i * n];
    const __m256d one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0), rr = _mm256_set1_pd(r);
    const __m256d uii = _mm256_set1_pd(u_ii), margin = _mm256_set1_pd(SMP_GAIN_MARGIN);
    for (; j + 4 <= n; j += 4) {
        __m256d d = _mm256_loadu_pd(&di[j]);
        __m256d u = _mm256_mul_pd(_mm256_sub_pd(one, d),
                                  _mm256_add_pd(one, _mm256_mul_pd(_mm256_min_pd(d, one), rr)));
        __m256d delta = _mm256_sub_pd(uii, u);
        __m256d other = _mm256_mul_pd(
            _mm256_sub_pd(one, _mm256_mul_pd(two, _mm256_loadu_pd(&w->salience_total[j]))), delta);
        _mm256_storeu_pd(&bounds[j], _mm256_add_pd(_mm256_max_pd(delta, other), margin));
    }
    return j;
}
#endif

/* i's candidate targets into sc->candidates, in index order: every j ≠ i whose gain bound
 * max(Δ, (1 − 2·S_j)·Δ) + SMP_GAIN_MARGIN (Δ = U(i,i) − U(i,j), see best_target) exceeds
 * SMP_MIN_GAIN; returns their number. top[0..*tops) receives the candidates (indices into
 * sc->candidates) with the four largest bounds, descending (ties in index order), and then
 * i's target of the previous round when it is a candidate and not among them, so that the best
 * gain is high early. u_ii = U(i,i) and r = i's risk. Both target searches start here. */
static size_t gather_candidates(const smp_work *w, smp_scratch *sc, size_t i, double u_ii,
                                double r, size_t top[5], size_t *tops_out)
{
    size_t n = w->n, count = 0, tops = 0;
    smp_candidate *cand = sc->candidates;
    long hint = w->hint[i], hinted = -1; /* i's target in the previous round, a likely winner */
    double *bounds = sc->third_party_vote; /* n: every j's bound (challenge()'s scratch) */
    size_t from = 0;
#ifdef SMP_HAVE_AVX2_KERNEL
    if (smp_avx2()) from = candidate_bounds_avx2(w, i, u_ii, r, bounds);
#endif
    for (size_t j = from; j < n; j++) {
        double delta = u_ii - scalar_utility(w->distance[i * n + j], r);
        double other = (1 - 2 * w->salience_total[j]) * delta;
        bounds[j] = (delta > other ? delta : other) + SMP_GAIN_MARGIN;
    }
    for (size_t j = 0; j < n; j++) {
        if (j == i) continue;
        double bound = bounds[j];
        if (!(bound > SMP_MIN_GAIN)) continue;
        cand[count].bound = bound, cand[count].j = j;
        size_t at = tops < 4 ? tops++ : 4;
        while (at > 0 && cand[top[at - 1]].bound < bound) {
            if (at < 4) top[at] = top[at - 1];
            at--;
        }
        if (at < 4) top[at] = count;
        if ((long)j == hint) hinted = (long)count;
        count++;
    }
    if (hinted >= 0) {
        int known = 0;
        for (size_t t = 0; t < tops; t++) known |= top[t] == (size_t)hinted;
        if (!known) top[tops++] = (size_t)hinted;
    }
    *tops_out = tops;
    return count;
}



/* i's best challenge: the first j (ascending) with the largest expected gain above
 * SMP_MIN_GAIN, as KTAB scans; -1 when none qualifies. *gain and *phi receive its gain and
 * win probability.
 *
 * The gain of a challenge is Δ·(1 − 2·S_j·(1 − φ)) with Δ = U(i,i) − U(i,j) (docs/models/smp.md,
 * "Speed"): linear in the unknown φ ∈ [0,1], so it lies between Δ and (1 − 2·S_j)·Δ. Both
 * ends cost O(1) per target, while φ costs O(n). Targets are therefore evaluated in
 * descending order of that bound, and the scan stops once the bound (plus a margin far above
 * round-off) falls below the best gain found: no target left can reach it, let alone tie it.
 * Every evaluated gain is computed exactly as in the full scan, and ties go to the smallest
 * index, so the choice is the full scan's to the bit. */
static long best_target(const smp_work *w, smp_scratch *sc, size_t i, double *gain_out,
                        double *phi_out)
{
    size_t n = w->n;
    perspective(w, sc, i, i);
    if (__atomic_load_n(&smp_plain, __ATOMIC_RELAXED)) { /* KTAB's scan: every j ascending */
        double best = -1, best_phi = 0;
        long target = -1;
        for (size_t j = 0; j < n; j++) {
            if (j == i) continue;
            double phi, gain;
            challenge(w, sc, i, j, &phi, &gain);
            if (gain > SMP_MIN_GAIN && gain > best) best = gain, best_phi = phi, target = (long)j;
        }
        *gain_out = best, *phi_out = best_phi;
        return target;
    }
    smp_candidate *cand = sc->candidates;
    double r = w->risk[i], u_ii = scalar_utility(w->distance[i * n + i], r);
    size_t top[5], tops = 0;
    size_t count = gather_candidates(w, sc, i, u_ii, r, top, &tops);
    double best = -1, best_phi = 0;
    long target = -1;
    size_t evaluated = 0;
    /* Four (AVX2) or eight (AVX-512) at a time where the kernels allow: a batch may evaluate a
     * target a one-by-one scan would have skipped, which cannot change the choice (the maximum
     * with ties to the smallest index does not depend on which losers were looked at). */
    size_t lanes = challenge_lanes(w);
    int four = lanes > 1;
    size_t batch[8], filled = 0;
    size_t *list = sc->screen_list, listed = 0;
    int screen = 0; /* pass 1 leaves its targets to the screen (screen_targets) */
    /* First the targets with the four largest bounds, then, in index order, every other one
     * whose bound still reaches the best gain found so far; last the screened ones that the
     * screen could not rule out, in chunks of decreasing bound. */
    size_t next = 0, chunk_end = 0;
    for (size_t pass = 0; pass < 3; pass++) {
        size_t limit = pass == 0 ? tops : count;
#ifdef SMP_HAVE_AVX2_KERNEL
        if (pass == 1) screen = four && n >= 64 && screen_order(w, sc, i);
        if (pass == 2) {
            if (next >= listed) break;
            if (next == 0) sort_by_bound(list, sc->perm_tmp, listed, cand);
            /* the next chunk of targets that can still reach the best gain */
            size_t kept = next;
            for (size_t c = next; c < listed; c++)
                if (cand[list[c]].bound >= best) list[kept++] = list[c];
            listed = kept;
            if (next >= listed) break;
            chunk_end = next + SMP_SCREEN_CHUNK < listed ? next + SMP_SCREEN_CHUNK : listed;
            limit = screen_targets(w, sc, i, cand, list + next, chunk_end - next, u_ii, r, best);
            sc->challenges_screened += chunk_end - next;
        }
#else
        if (pass == 2) break;
#endif
        for (size_t c = 0; c <= limit; c++) {
            if (c < limit) {
                size_t k = pass == 0 ? top[c] : pass == 1 ? c : list[next + c];
                if (pass == 1 && (cand[k].bound < best || cand[k].bound < 0)) continue;
                if (pass == 0) cand[k].bound = -1; /* done: not again in pass 1 */
                if (pass == 1 && screen &&
                    (u_ii - scalar_utility(w->distance[i * n + cand[k].j], r)) *
                            w->salience_total[cand[k].j] > 0) {
                    list[listed++] = k;
                    continue;
                }
                batch[filled++] = k;
                if (filled < lanes) continue;
            }
            if (!filled) continue;
            size_t js[8];
            double phi[8], gain[8];
            for (size_t l = 0; l < lanes; l++) js[l] = cand[batch[l < filled ? l : filled - 1]].j;
            challenges(w, sc, i, js, lanes, phi, gain);
            for (size_t l = 0; l < filled; l++) {
                long j = (long)js[l];
                if (gain[l] > SMP_MIN_GAIN && (gain[l] > best || (gain[l] == best && j < target)))
                    best = gain[l], best_phi = phi[l], target = j;
            }
            evaluated += filled;
            filled = 0;
        }
        if (pass == 2) {
            next = chunk_end;
            pass = 1; /* the next chunk */
        }
    }
    sc->challenges_evaluated += evaluated;
    *gain_out = best, *phi_out = best_phi;
    return target;
}

/* ---- the large-n path's target search (precision=fast) ----
 *
 * Each challenge's third parties are the fixed stratified sample w->t_member, each sampled
 * third party's vote multiplied by t_scale (its stratum's effective power over its own), so a
 * challenge costs O(tm) instead of O(n). The sampled gain obeys the same bound as the exact one
 * (Δ·(1 − 2·S_j·(1 − φ)) with φ in [0,1]), so targets whose bound cannot reach the best sampled
 * gain less SMP_FAST_SLACK are never sampled. The SMP_FAST_FINALISTS best targets by sampled
 * gain are then evaluated exactly (every third party, KTAB's order) and the best exact gain
 * wins, ties to the smallest index; the bargain's φ and gain are always the exact ones. */

#define SMP_FAST_FINALISTS 8
#define SMP_FAST_SLACK 0.05 /* relative: sampled gains this far below the best are no finalists */
/* Targets sampled before the ranking's floor is raised again. The batch decides which targets
 * are sampled at all, so it is a constant, the same at every instruction-set level and
 * thread count. */
#define SMP_FAST_BATCH 16
/* The coarse pass (coarse_pass): a target whose coarse gain plus this share of |Δ| stays
 * below the ranking's floor is not sampled. */
#define SMP_FAST_COARSE_MARGIN 0.5

/* The sampled third parties' sums of i's challenge to j under the proportional rule, in single
 * precision: *a and *b receive the positive and the negative votes' totals. Only the ranking of
 * targets depends on them (the finalists are evaluated exactly), so float suffices, and the
 * vote is written in its short form: under semi-commitment a third party m's vote is
 *   w_m·(π·(u_m − u_i) + (1 − π)·(u_j − u_m)),  π = c'_i / (c'_i + c'_j),
 * (u_i = U(m,i), u_m = U(m,m), u_j = U(m,j); c'_i, c'_j the principals' sums with m's own
 * vote w_m·(u_i − u_j) on its side), which is challenge()'s expected-value difference with
 * the equal terms cancelled; under full or no commitment those terms cancel entirely and every
 * vote is 0 (so are the sums). The sum is defined for SIMD: sampled third party s goes to
 * partial sum s mod 16 (SMP_FAST_PARTS), in sample order, and the sixteen partial sums are
 * added in a fixed tree (sum16); no FMA. The AVX2 (two registers of eight) and AVX-512 (one of
 * sixteen) kernels below do exactly this, so every level gives the same bits. `skip` is the
 * principal j's place in the sample (tm when j is not sampled); the initiator's scale fsf is
 * 0, and a term of +0.0 leaves the sums as they are. */
#define SMP_FAST_PARTS 16

/* p[0] + ... + p[15] as the SIMD kernels add them: halves, then quarters, then pairs. */
static float sum16(const float p[SMP_FAST_PARTS])
{
    float q[8], r[4];
    for (int k = 0; k < 8; k++) q[k] = p[k] + p[k + 8];
    for (int k = 0; k < 4; k++) r[k] = q[k] + q[k + 4];
    float t0 = r[0] + r[2], t1 = r[1] + r[3];
    return t0 + t1;
}

static void sampled_sides_scalar(const smp_work *w, const smp_scratch *sc, size_t j, size_t skip,
                                 float ci, float cj, float *a, float *b)
{
    size_t tm = w->tm;
    const float *dj = &w->Dsf[j * tm];
    float A[SMP_FAST_PARTS] = {0}, B[SMP_FAST_PARTS] = {0};
    for (size_t s = 0; s < tm; s++) {
        if (s == skip) continue; /* a principal is no third party */
        float wm = sc->fsw[s], ui = sc->fsui[s], um = sc->fsum[s], dm = dj[s], r = sc->fsrh[s];
        float uj = (1.0f - dm) * (1.0f + (dm < 1.0f ? dm : 1.0f) * r);
        float v0 = wm * (ui - uj);
        float cni = ci + (v0 > 0.0f ? v0 : 0.0f);
        float cnj = cj - (v0 < 0.0f ? v0 : 0.0f);
        float pi = cni / (cni + cnj);
        float qi = 1.0f - pi;
        float v = (wm * (pi * (um - ui) + qi * (uj - um))) * sc->fsf[s];
        size_t k = s % SMP_FAST_PARTS;
        A[k] = A[k] + (v > 0.0f ? v : 0.0f);
        B[k] = B[k] - (v < 0.0f ? v : 0.0f);
    }
    *a = sum16(A), *b = sum16(B);
}

#ifdef SMP_HAVE_SCREEN8
/* The rest of sum16 once its first halving q is done: q[0..3] + q[4..7], then pairs. */
__attribute__((target("avx2"), always_inline)) static inline float sum8_avx(__m256 q)
{
    __m128 r = _mm_add_ps(_mm256_castps256_ps128(q), _mm256_extractf128_ps(q, 1));
    __m128 t = _mm_add_ps(r, _mm_movehl_ps(r, r)); /* r0 + r2, r1 + r3 */
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

/* The last block of sixteen sampled third parties when tm is no multiple of sixteen: the
 * perspective's arrays and j's row of Dsf from s0 on, zeros beyond tm (masked out). */
static void sample_pad(const smp_scratch *sc, const float *dj, size_t s0, size_t count,
                       float pad[6][SMP_FAST_PARTS])
{
    const float *src[6] = {dj, sc->fsw, sc->fsui, sc->fsum, sc->fsrh, sc->fsf};
    for (int k = 0; k < 6; k++)
        for (size_t l = 0; l < SMP_FAST_PARTS; l++) pad[k][l] = l < count ? src[k][s0 + l] : 0.0f;
}

/* One sampled third party's vote in eight lanes (the scalar loop's operations). */
__attribute__((target("avx2"), always_inline)) static inline __m256
sampled_vote8(const float *dm_, const float *wm_, const float *ui_, const float *um_,
              const float *r_, const float *f_, __m256 ci, __m256 cj)
{
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    __m256 dm = _mm256_loadu_ps(dm_), wm = _mm256_loadu_ps(wm_), ui = _mm256_loadu_ps(ui_);
    __m256 um = _mm256_loadu_ps(um_), r = _mm256_loadu_ps(r_);
    __m256 uj = _mm256_mul_ps(_mm256_sub_ps(one, dm),
                              _mm256_add_ps(one, _mm256_mul_ps(_mm256_min_ps(dm, one), r)));
    __m256 v0 = _mm256_mul_ps(wm, _mm256_sub_ps(ui, uj));
    __m256 cni = _mm256_add_ps(ci, _mm256_max_ps(v0, zero));
    __m256 cnj = _mm256_sub_ps(cj, _mm256_min_ps(v0, zero));
    __m256 pi = _mm256_div_ps(cni, _mm256_add_ps(cni, cnj));
    __m256 qi = _mm256_sub_ps(one, pi);
    __m256 e = _mm256_add_ps(_mm256_mul_ps(pi, _mm256_sub_ps(um, ui)),
                             _mm256_mul_ps(qi, _mm256_sub_ps(uj, um)));
    return _mm256_mul_ps(_mm256_mul_ps(wm, e), _mm256_loadu_ps(f_));
}

/* sampled_sides_scalar with AVX2: partial sums 0–7 and 8–15 in two registers. */
__attribute__((target("avx2"))) static void sampled_sides_avx2(const smp_work *w,
                                                               const smp_scratch *sc, size_t j,
                                                               size_t skip, float ci0, float cj0,
                                                               float *a, float *b)
{
    size_t tm = w->tm;
    const float *dj = &w->Dsf[j * tm];
    const __m256 ci = _mm256_set1_ps(ci0), cj = _mm256_set1_ps(cj0), zero = _mm256_setzero_ps();
    const __m256i lane_lo = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i lane_hi = _mm256_add_epi32(lane_lo, _mm256_set1_epi32(8));
    __m256 A0 = zero, A1 = zero, B0 = zero, B1 = zero;
    float pad[6][SMP_FAST_PARTS];
    for (size_t s0 = 0; s0 < tm; s0 += SMP_FAST_PARTS) {
        size_t count = tm - s0 < SMP_FAST_PARTS ? tm - s0 : SMP_FAST_PARTS;
        const float *dm = dj + s0, *wm = sc->fsw + s0, *ui = sc->fsui + s0, *um = sc->fsum + s0;
        const float *r = sc->fsrh + s0, *f = sc->fsf + s0;
        if (count < SMP_FAST_PARTS) {
            sample_pad(sc, dj, s0, count, pad);
            dm = pad[0], wm = pad[1], ui = pad[2], um = pad[3], r = pad[4], f = pad[5];
        }
        __m256 v0 = sampled_vote8(dm, wm, ui, um, r, f, ci, cj);
        __m256 v1 = sampled_vote8(dm + 8, wm + 8, ui + 8, um + 8, r + 8, f + 8, ci, cj);
        if (count < SMP_FAST_PARTS || (skip >= s0 && skip < s0 + count)) {
            /* lanes to keep: inside the sample and not the principal */
            const __m256i cnt = _mm256_set1_epi32((int)count);
            const __m256i sk = _mm256_set1_epi32(skip >= s0 && skip < s0 + count ? (int)(skip - s0) : -1);
            v0 = _mm256_and_ps(v0, _mm256_castsi256_ps(_mm256_andnot_si256(
                                       _mm256_cmpeq_epi32(lane_lo, sk), _mm256_cmpgt_epi32(cnt, lane_lo))));
            v1 = _mm256_and_ps(v1, _mm256_castsi256_ps(_mm256_andnot_si256(
                                       _mm256_cmpeq_epi32(lane_hi, sk), _mm256_cmpgt_epi32(cnt, lane_hi))));
        }
        A0 = _mm256_add_ps(A0, _mm256_max_ps(v0, zero));
        B0 = _mm256_sub_ps(B0, _mm256_min_ps(v0, zero));
        A1 = _mm256_add_ps(A1, _mm256_max_ps(v1, zero));
        B1 = _mm256_sub_ps(B1, _mm256_min_ps(v1, zero));
    }
    *a = sum8_avx(_mm256_add_ps(A0, A1)), *b = sum8_avx(_mm256_add_ps(B0, B1));
}

/* sampled_sides_scalar with AVX-512: the sixteen partial sums in one register. */
SMP_AVX512 static void sampled_sides_avx512(const smp_work *w, const smp_scratch *sc, size_t j,
                                            size_t skip, float ci0, float cj0, float *a, float *b)
{
    size_t tm = w->tm;
    const float *dj = &w->Dsf[j * tm];
    const __m512 ci = _mm512_set1_ps(ci0), cj = _mm512_set1_ps(cj0), zero = _mm512_setzero_ps();
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 A = zero, B = zero;
    float pad[6][SMP_FAST_PARTS];
    for (size_t s0 = 0; s0 < tm; s0 += SMP_FAST_PARTS) {
        size_t count = tm - s0 < SMP_FAST_PARTS ? tm - s0 : SMP_FAST_PARTS;
        const float *dm_ = dj + s0, *wm_ = sc->fsw + s0, *ui_ = sc->fsui + s0;
        const float *um_ = sc->fsum + s0, *r_ = sc->fsrh + s0, *f_ = sc->fsf + s0;
        __mmask16 keep = 0xFFFFu;
        if (count < SMP_FAST_PARTS) {
            sample_pad(sc, dj, s0, count, pad);
            dm_ = pad[0], wm_ = pad[1], ui_ = pad[2], um_ = pad[3], r_ = pad[4], f_ = pad[5];
            keep = (__mmask16)((1u << count) - 1u);
        }
        if (skip >= s0 && skip < s0 + count) keep &= (__mmask16)~(1u << (skip - s0));
        __m512 dm = _mm512_loadu_ps(dm_), wm = _mm512_loadu_ps(wm_), ui = _mm512_loadu_ps(ui_);
        __m512 um = _mm512_loadu_ps(um_), r = _mm512_loadu_ps(r_);
        __m512 uj = _mm512_mul_ps(_mm512_sub_ps(one, dm),
                                  _mm512_add_ps(one, _mm512_mul_ps(_mm512_min_ps(dm, one), r)));
        __m512 v0 = _mm512_mul_ps(wm, _mm512_sub_ps(ui, uj));
        __m512 cni = _mm512_add_ps(ci, _mm512_max_ps(v0, zero));
        __m512 cnj = _mm512_sub_ps(cj, _mm512_min_ps(v0, zero));
        __m512 pi = _mm512_div_ps(cni, _mm512_add_ps(cni, cnj));
        __m512 qi = _mm512_sub_ps(one, pi);
        __m512 e = _mm512_add_ps(_mm512_mul_ps(pi, _mm512_sub_ps(um, ui)),
                                 _mm512_mul_ps(qi, _mm512_sub_ps(uj, um)));
        __m512 v = _mm512_maskz_mov_ps(keep, _mm512_mul_ps(_mm512_mul_ps(wm, e), _mm512_loadu_ps(f_)));
        A = _mm512_add_ps(A, _mm512_max_ps(v, zero));
        B = _mm512_sub_ps(B, _mm512_min_ps(v, zero));
    }
    *a = sum8_avx(_mm256_add_ps(_mm512_castps512_ps256(A), _mm512_extractf32x8_ps(A, 1)));
    *b = sum8_avx(_mm256_add_ps(_mm512_castps512_ps256(B), _mm512_extractf32x8_ps(B, 1)));
}
#endif

/* The coarse pass's sums of i's challenges to js[0..count) (count <= SMP_FAST_BATCH): the
 * sampled_sides sums over the SMP_FAST_COARSE coarse parties only (sc->fc*, j's row of Dcf;
 * their scale fcf already multiplied by c_weight, 0 for the initiator), coarse party k in
 * partial sum k, the same vote in the same float operations, the principal j's coarse place
 * c_skip[j] giving +0.0, and the sixteen added by sum16's tree. The AVX2 and AVX-512 twins
 * below give the same bits; ci, cj are the principals' sums per target. */
static void coarse_sides_scalar(const smp_work *w, const smp_scratch *sc, const size_t *js,
                                size_t count, const float *ci, const float *cj, float *a, float *b)
{
    for (size_t l = 0; l < count; l++) {
        const float *dj = &w->Dcf[js[l] * SMP_FAST_COARSE];
        size_t skip = w->c_skip[js[l]];
        float A[SMP_FAST_COARSE], B[SMP_FAST_COARSE];
        for (size_t k = 0; k < SMP_FAST_COARSE; k++) {
            float wm = sc->fcw[k], ui = sc->fcui[k], um = sc->fcum[k], dm = dj[k], r = sc->fcrh[k];
            float uj = (1.0f - dm) * (1.0f + (dm < 1.0f ? dm : 1.0f) * r);
            float v0 = wm * (ui - uj);
            float cni = ci[l] + (v0 > 0.0f ? v0 : 0.0f);
            float cnj = cj[l] - (v0 < 0.0f ? v0 : 0.0f);
            float pi = cni / (cni + cnj);
            float qi = 1.0f - pi;
            float v = (wm * (pi * (um - ui) + qi * (uj - um))) * sc->fcf[k];
            if (k == skip) v = 0.0f; /* a principal is no third party */
            A[k] = v > 0.0f ? v : 0.0f;
            B[k] = 0.0f - (v < 0.0f ? v : 0.0f);
        }
        a[l] = sum16(A), b[l] = sum16(B);
    }
}

#ifdef SMP_HAVE_SCREEN8
/* coarse_sides_scalar with AVX2: coarse parties 0–7 and 8–15 in two registers. */
__attribute__((target("avx2"))) static void coarse_sides_avx2(const smp_work *w,
                                                              const smp_scratch *sc,
                                                              const size_t *js, size_t count,
                                                              const float *ci, const float *cj,
                                                              float *a, float *b)
{
    const __m256 zero = _mm256_setzero_ps();
    const __m256i lane_lo = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i lane_hi = _mm256_add_epi32(lane_lo, _mm256_set1_epi32(8));
    for (size_t l = 0; l < count; l++) {
        const float *dj = &w->Dcf[js[l] * SMP_FAST_COARSE];
        const __m256 c_i = _mm256_set1_ps(ci[l]), c_j = _mm256_set1_ps(cj[l]);
        __m256 v0 = sampled_vote8(dj, sc->fcw, sc->fcui, sc->fcum, sc->fcrh, sc->fcf, c_i, c_j);
        __m256 v1 = sampled_vote8(dj + 8, sc->fcw + 8, sc->fcui + 8, sc->fcum + 8, sc->fcrh + 8,
                                  sc->fcf + 8, c_i, c_j);
        const __m256i sk = _mm256_set1_epi32((int)w->c_skip[js[l]]);
        v0 = _mm256_andnot_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(lane_lo, sk)), v0);
        v1 = _mm256_andnot_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(lane_hi, sk)), v1);
        __m256 A0 = _mm256_max_ps(v0, zero), A1 = _mm256_max_ps(v1, zero);
        __m256 B0 = _mm256_sub_ps(zero, _mm256_min_ps(v0, zero));
        __m256 B1 = _mm256_sub_ps(zero, _mm256_min_ps(v1, zero));
        a[l] = sum8_avx(_mm256_add_ps(A0, A1)), b[l] = sum8_avx(_mm256_add_ps(B0, B1));
    }
}

/* coarse_sides_scalar with AVX-512: the sixteen coarse parties in one register, the
 * perspective's five registers loaded once for the batch. */
SMP_AVX512 static void coarse_sides_avx512(const smp_work *w, const smp_scratch *sc,
                                           const size_t *js, size_t count, const float *ci,
                                           const float *cj, float *a, float *b)
{
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    const __m512 wm = _mm512_loadu_ps(sc->fcw), ui = _mm512_loadu_ps(sc->fcui);
    const __m512 um = _mm512_loadu_ps(sc->fcum), r = _mm512_loadu_ps(sc->fcrh);
    const __m512 f = _mm512_loadu_ps(sc->fcf), um_ui = _mm512_sub_ps(um, ui);
    for (size_t l = 0; l < count; l++) {
        __m512 dm = _mm512_loadu_ps(&w->Dcf[js[l] * SMP_FAST_COARSE]);
        __mmask16 keep = (__mmask16)~(1u << w->c_skip[js[l]]); /* bit 16 and up: none */
        __m512 uj = _mm512_mul_ps(_mm512_sub_ps(one, dm),
                                  _mm512_add_ps(one, _mm512_mul_ps(_mm512_min_ps(dm, one), r)));
        __m512 v0 = _mm512_mul_ps(wm, _mm512_sub_ps(ui, uj));
        __m512 cni = _mm512_add_ps(_mm512_set1_ps(ci[l]), _mm512_max_ps(v0, zero));
        __m512 cnj = _mm512_sub_ps(_mm512_set1_ps(cj[l]), _mm512_min_ps(v0, zero));
        __m512 pi = _mm512_div_ps(cni, _mm512_add_ps(cni, cnj));
        __m512 qi = _mm512_sub_ps(one, pi);
        __m512 e = _mm512_add_ps(_mm512_mul_ps(pi, um_ui), _mm512_mul_ps(qi, _mm512_sub_ps(uj, um)));
        __m512 v = _mm512_maskz_mov_ps(keep, _mm512_mul_ps(_mm512_mul_ps(wm, e), f));
        __m512 A = _mm512_max_ps(v, zero), B = _mm512_sub_ps(zero, _mm512_min_ps(v, zero));
        a[l] = sum8_avx(_mm256_add_ps(_mm512_castps512_ps256(A), _mm512_extractf32x8_ps(A, 1)));
        b[l] = sum8_avx(_mm256_add_ps(_mm512_castps512_ps256(B), _mm512_extractf32x8_ps(B, 1)));
    }
}
#endif

/* coarse_sides at the instruction-set level in force. */
static void coarse_sides(const smp_work *w, const smp_scratch *sc, const size_t *js, size_t count,
                         const float *ci, const float *cj, float *a, float *b)
{
#ifdef SMP_HAVE_SCREEN8
    int isa = smp_isa();
    if (isa >= SMP_ISA_AVX512) coarse_sides_avx512(w, sc, js, count, ci, cj, a, b);
    else if (isa >= SMP_ISA_AVX2) coarse_sides_avx2(w, sc, js, count, ci, cj, a, b);
    else
#endif
        coarse_sides_scalar(w, sc, js, count, ci, cj, a, b);
}

/* The same sums for the other voting rules, in double, one target at a time. */
static void sampled_sides_rule(const smp_work *w, const smp_scratch *sc, size_t j, double ci,
                               double cj, double *a, double *b)
{
    size_t tm = w->tm;
    const int full = w->config->third_party_commit == SMP_TPC_FULL_COMMIT;
    const int none = w->config->third_party_commit == SMP_TPC_NO_COMMIT;
    int rule = w->config->voting_rule;
    const float *dj = &w->Dsf[j * tm];
    double A = 0, B = 0;
    for (size_t s = 0; s < tm; s++) {
        if (w->t_member[s] == j) continue;
        double wm = sc->fsw[s], ui = sc->fsui[s], um = sc->fsum[s], r = sc->fsrh[s];
        double uj = scalar_utility(dj[s], r);
        double v0 = vote(rule, wm, ui, uj);
        double cni = ci + (v0 > 0 ? v0 : 0.0), cnj = cj - (v0 < 0 ? v0 : 0.0);
        double pi = cni / (cni + cnj), qi = 1.0 - pi;
        double e_i = pi * ((ui + ui) + (full ? ui : um)) + qi * ((uj + uj) + (none ? um : uj));
        double e_j = pi * ((ui + ui) + (none ? um : ui)) + qi * ((uj + uj) + (full ? uj : um));
        double v = vote(rule, wm, e_i, e_j) * sc->fsf[s];
        A += v > 0 ? v : 0.0;
        B -= v < 0 ? v : 0.0;
    }
    *a = A, *b = B;
}

/* j's place in the sample, tm when j is not sampled. */
static size_t sample_place(const smp_work *w, size_t j) { return w->t_place[j]; }

/* smp_check_coarse_kernels (smp.h): coarse_sides at every level against a plain loop that
 * adds the sixteen parties by halving (8, 4, 2, 1 apart: sum16's tree), bit for bit. */
size_t smp_check_coarse_kernels(size_t count, uint64_t seed, size_t *checked)
{
    smp_work w;
    smp_scratch sc;
    memset(&w, 0, sizeof w), memset(&sc, 0, sizeof sc);
    size_t *js = en_xmalloc(count * sizeof *js), bad = 0, seen = 0;
    float *ci = en_xmalloc(4 * count * sizeof *ci), *cj = ci + count, *ra = cj + count, *rb = ra + count;
    float a[SMP_FAST_BATCH], b[SMP_FAST_BATCH];
    float *dcf = en_xmalloc(count * SMP_FAST_COARSE * sizeof *dcf);
    unsigned char *skip = en_xmalloc(count * sizeof *skip);
    w.Dcf = dcf, w.c_skip = skip;
    uint64_t g = seed;
#define SMP_CHECK_NEXT() \
    (g = g * 6364136223846793005ull + 1442695040888963407ull, (double)(g >> 11) / 9007199254740992.0)
    for (size_t k = 0; k < SMP_FAST_COARSE; k++) {
        sc.fcw[k] = (float)(2 * SMP_CHECK_NEXT()), sc.fcui[k] = (float)SMP_CHECK_NEXT();
        sc.fcum[k] = (float)SMP_CHECK_NEXT(), sc.fcrh[k] = (float)(2 * SMP_CHECK_NEXT() - 1);
        sc.fcf[k] = k == 3 ? 0.0f : (float)(20 * SMP_CHECK_NEXT()); /* 3: the initiator */
    }
    for (size_t t = 0; t < count; t++) {
        js[t] = count - 1 - t; /* rows read out of order */
        skip[t] = (unsigned char)(t % (SMP_FAST_COARSE + 1)); /* 16: no coarse place */
        for (size_t k = 0; k < SMP_FAST_COARSE; k++)
            dcf[t * SMP_FAST_COARSE + k] = (float)(1.3 * SMP_CHECK_NEXT());
        ci[t] = (float)(1e-10 + 3 * SMP_CHECK_NEXT()), cj[t] = (float)(1e-10 + 3 * SMP_CHECK_NEXT());
    }
#undef SMP_CHECK_NEXT
    for (size_t t = 0; t < count; t++) { /* the plain loop */
        float pa[SMP_FAST_COARSE], pb[SMP_FAST_COARSE];
        const float *dj = &dcf[js[t] * SMP_FAST_COARSE];
        for (size_t k = 0; k < SMP_FAST_COARSE; k++) {
            float dm = dj[k], uj = (1.0f - dm) * (1.0f + (dm > 1.0f ? 1.0f : dm) * sc.fcrh[k]);
            float v0 = sc.fcw[k] * (sc.fcui[k] - uj);
            float cni = ci[t] + (v0 > 0.0f ? v0 : 0.0f), cnj = cj[t] + (v0 < 0.0f ? -v0 : 0.0f);
            float pi = cni / (cni + cnj);
            float v = (sc.fcw[k] * (pi * (sc.fcum[k] - sc.fcui[k]) + (1.0f - pi) * (uj - sc.fcum[k]))) * sc.fcf[k];
            if (k == skip[js[t]]) v = 0.0f;
            pa[k] = v > 0.0f ? v : 0.0f, pb[k] = v < 0.0f ? -v : 0.0f;
        }
        for (size_t h = SMP_FAST_COARSE / 2; h >= 1; h /= 2)
            for (size_t k = 0; k < h; k++) pa[k] = pa[k] + pa[k + h], pb[k] = pb[k] + pb[k + h];
        ra[t] = pa[0], rb[t] = pb[0];
    }
    int top = SMP_ISA_SCALAR;
#ifdef SMP_HAVE_SCREEN8
    top = smp_isa();
#endif
    int saved = __atomic_load_n(&smp_isa_limit, __ATOMIC_RELAXED);
    for (int level = SMP_ISA_SCALAR; level <= top; level++) {
        smp_limit_isa(level);
        for (size_t t0 = 0; t0 < count; t0 += SMP_FAST_BATCH) {
            size_t c = count - t0 < SMP_FAST_BATCH ? count - t0 : SMP_FAST_BATCH;
            coarse_sides(&w, &sc, js + t0, c, ci + t0, cj + t0, a, b);
            for (size_t l = 0; l < c; l++, seen += 2)
                bad += (memcmp(&a[l], &ra[t0 + l], sizeof *a) != 0) + (memcmp(&b[l], &rb[t0 + l], sizeof *b) != 0);
        }
    }
    smp_limit_isa(saved);
    en_free(js), en_free(ci), en_free(dcf), en_free(skip);
    *checked = seen;
    return bad;
}

/* Sampled gains of i's challenges to j[0..filled) into gain[0..filled). */
static void sampled_gains(const smp_work *w, smp_scratch *sc, size_t i, const size_t *j,
                          size_t filled, double *gain)
{
    int rule = w->config->voting_rule;
#ifdef SMP_HAVE_SCREEN8
    int isa = smp_isa();
#endif
    for (size_t l = 0; l < filled; l++) {
        double ci0, cj0, u_ii, u_ij, phi, A, B;
        challenge_start(w, sc, i, j[l], &ci0, &cj0, &u_ii, &u_ij);
        if (rule != SMP_VR_PROP) sampled_sides_rule(w, sc, j[l], ci0, cj0, &A, &B);
        else if (w->config->third_party_commit != SMP_TPC_SEMI_COMMIT) A = B = 0; /* see above */
        else {
            size_t skip = sample_place(w, j[l]);
            float a, b;
#ifdef SMP_HAVE_SCREEN8
            if (isa >= SMP_ISA_AVX512)
                sampled_sides_avx512(w, sc, j[l], skip, (float)ci0, (float)cj0, &a, &b);
            else if (isa >= SMP_ISA_AVX2)
                sampled_sides_avx2(w, sc, j[l], skip, (float)ci0, (float)cj0, &a, &b);
            else
#endif
                sampled_sides_scalar(w, sc, j[l], skip, (float)ci0, (float)cj0, &a, &b);
            A = (double)a, B = (double)b;
        }
        challenge_finish(w, j[l], ci0 + A, cj0 + B, u_ii, u_ij, &phi, &gain[l]);
    }
}

/* The bit mask of the targets j0 + l (l < width, b = bounds + j0) still to sample: a
 * candidate's bound (above SMP_MIN_GAIN; the others are marked off with −1) that reaches the
 * floor. The AVX-512 comparisons are the scalar ones (ordered: a NaN bound is no candidate). */
#ifdef SMP_HAVE_AVX2_KERNEL
SMP_AVX512 static unsigned target_mask_avx512(const double *b, size_t width, double floor_gain)
{
    __mmask8 in = (__mmask8)((1u << width) - 1u);
    __m512d v = _mm512_maskz_loadu_pd(in, b);
    __mmask8 m = _mm512_mask_cmp_pd_mask(in, v, _mm512_set1_pd(SMP_MIN_GAIN), _CMP_GT_OQ);
    return (unsigned)_mm512_mask_cmp_pd_mask(m, v, _mm512_set1_pd(floor_gain), _CMP_GE_OQ);
}
#endif

static unsigned target_mask(const double *b, size_t width, double floor_gain)
{
#ifdef SMP_HAVE_AVX2_KERNEL
    if (smp_isa() >= SMP_ISA_AVX512) return target_mask_avx512(b, width, floor_gain);
#endif
    unsigned m = 0;
    for (size_t l = 0; l < width; l++)
        m |= (unsigned)(b[l] > SMP_MIN_GAIN && b[l] >= floor_gain) << l;
    return m;
}

/* The coarse pass over a batch of targets js[0..filled): each target's coarse gain, its gain
 * with the coarse sums (coarse_sides) for the third parties' sums, and kept[0..returned) the
 * targets whose coarse gain plus SMP_FAST_COARSE_MARGIN·|U(i,i) − U(i,j)| reaches the floor,
 * in batch order; the others are not sampled. */
static size_t coarse_pass(const smp_work *w, smp_scratch *sc, size_t i, const size_t *js,
                          size_t filled, double floor_gain, size_t *kept)
{
    double ci0[SMP_FAST_BATCH], cj0[SMP_FAST_BATCH], u_ii[SMP_FAST_BATCH], u_ij[SMP_FAST_BATCH];
    float ci[SMP_FAST_BATCH] = {0}, cj[SMP_FAST_BATCH] = {0}, a[SMP_FAST_BATCH], b[SMP_FAST_BATCH];
    for (size_t l = 0; l < filled; l++) {
        challenge_start(w, sc, i, js[l], &ci0[l], &cj0[l], &u_ii[l], &u_ij[l]);
        ci[l] = (float)ci0[l], cj[l] = (float)cj0[l];
    }
    coarse_sides(w, sc, js, filled, ci, cj, a, b);
    size_t k = 0;
    for (size_t l = 0; l < filled; l++) {
        double phi, gain;
        challenge_finish(w, js[l], ci0[l] + (double)a[l], cj0[l] + (double)b[l], u_ii[l], u_ij[l],
                         &phi, &gain);
        if (gain + SMP_FAST_COARSE_MARGIN * fabs(u_ii[l] - u_ij[l]) >= floor_gain) kept[k++] = js[l];
    }
    sc->coarse_tested += filled, sc->coarse_pruned += filled - k;
    return k;
}

/* The sampled gains of i's challenges to js[0..filled) into the ranking: fin/fgain[0..*nf)
 * hold the largest sampled gains so far, descending, ties to the smaller index; the floor
 * rises to the largest gain less SMP_FAST_SLACK, or to the eighth-largest when that is
 * higher. */
static void rank_batch(const smp_work *w, smp_scratch *sc, size_t i, const size_t *js,
                       size_t filled, size_t *fin, double *fgain, size_t *nf, double *floor_gain)
{
    double g[SMP_FAST_BATCH];
    size_t kept[SMP_FAST_BATCH];
    if (w->tc && *floor_gain > -INFINITY && w->config->voting_rule == SMP_VR_PROP &&
        w->config->third_party_commit == SMP_TPC_SEMI_COMMIT) {
        filled = coarse_pass(w, sc, i, js, filled, *floor_gain, kept);
        js = kept;
    }
    sampled_gains(w, sc, i, js, filled, g);
#ifdef SMP_STATS
    for (size_t l = 0; l < filled; l++) sc->sampled_negative += g[l] < 0;
#endif
    for (size_t l = 0; l < filled; l++) {
        size_t at = *nf < SMP_FAST_FINALISTS ? (*nf)++ : SMP_FAST_FINALISTS;
        while (at > 0 && (g[l] > fgain[at - 1] || (g[l] == fgain[at - 1] && js[l] < fin[at - 1]))) {
            if (at < SMP_FAST_FINALISTS) fin[at] = fin[at - 1], fgain[at] = fgain[at - 1];
            at--;
        }
        if (at < SMP_FAST_FINALISTS) fin[at] = js[l], fgain[at] = g[l];
    }
    double f = fgain[0] - SMP_FAST_SLACK * fabs(fgain[0]);
    if (*nf == SMP_FAST_FINALISTS && fgain[*nf - 1] > f) f = fgain[*nf - 1];
    *floor_gain = f;
    sc->challenges_screened += filled;
}

/* best_target on the large-n path (see above). */
static long best_target_fast(const smp_work *w, smp_scratch *sc, size_t i, double *gain_out,
                             double *phi_out)
{
    size_t n = w->n, tm = w->tm;
    perspective(w, sc, i, i);
    for (size_t s = 0; s < tm; s++) {
        size_t m = w->t_member[s];
        sc->fsw[s] = (float)w->effective_power[m], sc->fsui[s] = (float)sc->uh_i[m];
        sc->fsum[s] = (float)sc->uh_m[m], sc->fsrh[s] = (float)sc->rh[m];
        sc->fsf[s] = m == i ? 0.0f : (float)w->t_scale[s]; /* nor is the initiator */
    }
    for (size_t k = 0; k < w->tc; k++) {
        size_t s = w->c_at[k], m = w->t_member[s];
        sc->fcw[k] = sc->fsw[s], sc->fcui[k] = sc->fsui[s], sc->fcum[k] = sc->fsum[s];
        sc->fcrh[k] = sc->fsrh[s];
        sc->fcf[k] = m == i ? 0.0f : (float)(w->t_scale[s] * w->c_weight);
    }
    smp_candidate *cand = sc->candidates;
    double r = w->risk[i], u_ii = scalar_utility(w->distance[i * n + i], r);
    size_t top[5], tops = 0;
    (void)gather_candidates(w, sc, i, u_ii, r, top, &tops);
    /* finalists: the largest sampled gains, descending, ties to the smaller index */
    size_t fin[SMP_FAST_FINALISTS];
    double fgain[SMP_FAST_FINALISTS];
    size_t nf = 0;
    size_t batch[SMP_FAST_BATCH], filled = 0;
    double floor_gain = -INFINITY; /* rises after each batch */
    /* First the targets with the four largest bounds and the hint, one batch of their own;
     * then every other candidate in index order whose bound reaches the floor when its turn
     * comes. The second pass reads gather_candidates' bounds (indexed by target; the first
     * batch's targets and i itself marked off) eight at a time as a bit mask; when a batch
     * fills and the floor rises, the rest of the eight is tested again against the new floor,
     * so the batches are the ones a test of one target after the other gives. */
    double *bounds = sc->third_party_vote;
    bounds[i] = -1;
    for (size_t t = 0; t < tops; t++) {
        size_t j = cand[top[t]].j;
        bounds[j] = -1; /* done: not again below */
        batch[filled++] = j;
    }
    if (filled) rank_batch(w, sc, i, batch, filled, fin, fgain, &nf, &floor_gain);
    filled = 0;
    for (size_t j0 = 0; j0 < n; j0 += 8) {
        size_t width = n - j0 < 8 ? n - j0 : 8;
        unsigned pending = target_mask(bounds + j0, width, floor_gain);
        while (pending) {
            unsigned l = (unsigned)__builtin_ctz(pending);
            pending &= pending - 1;
            batch[filled++] = j0 + l;
            if (filled == SMP_FAST_BATCH) {
                rank_batch(w, sc, i, batch, filled, fin, fgain, &nf, &floor_gain);
                filled = 0;
                pending &= target_mask(bounds + j0, width, floor_gain);
            }
        }
    }
    if (filled) rank_batch(w, sc, i, batch, filled, fin, fgain, &nf, &floor_gain);
    /* the finalists' exact gains decide (challenge()'s bits at every level) */
    double best = -1, best_phi = 0;
    long target = -1;
    double phi[SMP_FAST_FINALISTS], gain[SMP_FAST_FINALISTS];
    size_t lanes = nf > 1 ? challenge_lanes(w) : 1;
    for (size_t f0 = 0; f0 < nf; f0 += lanes) {
        size_t js[8];
        for (size_t l = 0; l < lanes; l++) js[l] = fin[f0 + l < nf ? f0 + l : nf - 1];
        double p8[8], g8[8];
        challenges(w, sc, i, js, lanes, p8, g8);
        for (size_t l = 0; l < lanes && f0 + l < nf; l++) phi[f0 + l] = p8[l], gain[f0 + l] = g8[l];
    }
    for (size_t f = 0; f < nf; f++) {
        long j = (long)fin[f];
        if (gain[f] > SMP_MIN_GAIN && (gain[f] > best || (gain[f] == best && j < target)))
            best = gain[f], best_phi = phi[f], target = j;
    }
    sc->challenges_evaluated += nf;
    *gain_out = best, *phi_out = best_phi;
    return target;
}

/* ---- one round ---- */

typedef struct smp_queue_entry {
    long bargain; /* -1: the status quo */
} smp_queue_entry;

/* Phase 1: every actor's best challenge, on its own worker's scratch. */
typedef struct target_task {
    smp_work *w;
    long *target;
    double *gain, *phi, *phi_receiver;
} target_task;

static void target_rows_task(void *ctx, size_t part, size_t parts)
{
    target_task *t = ctx;
    smp_work *w = t->w;
    smp_scratch *sc = &w->scratch[smp_slot(w)];
    for (size_t i = part; i < w->n; i += parts) {
        long j = w->fast ? best_target_fast(w, sc, i, &t->gain[i], &t->phi[i])
                         : best_target(w, sc, i, &t->gain[i], &t->phi[i]);
        t->target[i] = j;
        w->hint[i] = j;
        t->phi_receiver[i] = 0;
        /* The receiver's version of the bargain. [KTAB quirk] KTAB interpolates it with the
         * second value of the receiver's challenge estimate, which is the expected gain of
         * the challenge to the initiator (as the receiver sees it), not the probability. */
        if (j >= 0 && w->config->bargain_model != SMP_BM_INIT_ONLY) {
            double p_receiver_view;
            perspective(w, sc, (size_t)j, i);
            challenge(w, sc, i, (size_t)j, &p_receiver_view, &t->phi_receiver[i]);
        }
    }
}

/* Phase 2: every actor's utility of every bargain, the mean utility of the configuration it
 * makes: util(posInit) + util(posRcvr) + Σ_{m ∉ {I,J}} U^a(a,m), m ascending, then / n.
 * Tt holds the true utilities transposed (Tt[m][a] = U^a(a, m)). Eight voters' sums stay in
 * registers while m runs (the two principals' terms skipped by splitting the range), and each
 * worker takes every block of eight voters for all its bargains before the next block, so the
 * block's column of Tt is read from cache. Every sum still adds its terms in KTAB's order. */
#define SMP_BU_LANES 8

typedef struct utility_task {
    smp_work *w;
    const smp_bargain *bargains;
    size_t count;
    const double *Tt;
    double *bu;
    int bounds; /* approx_utilities_task: also each bargain's weighted error bound (bu_err) */
} utility_task;

/* Actor a's utilities of the two positions bargain b would give its principals. */
static void bargain_end_utilities(const smp_work *w, const smp_bargain *b, size_t a,
                                  double *delta, double *ui, double *ur)
{
    size_t d = w->d;
    const double *ideal = &w->ideal[a * d];
    for (size_t k = 0; k < d; k++) delta[k] = ideal[k] - b->init_position[k];
    *ui = scalar_utility(weighted_distance(delta, &w->salience[a * d], d, w->salience_squares[a]),
                         w->risk[a]);
    for (size_t k = 0; k < d; k++) delta[k] = ideal[k] - b->rcvr_position[k];
    *ur = scalar_utility(weighted_distance(delta, &w->salience[a * d], d, w->salience_squares[a]),
                         w->risk[a]);
}

/* Every actor's utilities of the two positions bargain b would give its principals (ui, ur:
 * n each): bargain_end_utilities' operations for sixteen actors side by side, from the
 * dimension-by-dimension copies of the ideal points and saliences; each lane adds its
 * dimensions in the same order and rounds every step as the scalar code does (IEEE operations
 * without contraction), so the same bits at any vector width. Compiled three times (SSE2, AVX2,
 * AVX-512) and chosen by smp_isa(). */
#define SMP_END_UTILITIES_BODY                                                                  \
    size_t n = w->n, d = w->d, a0 = 0;                                                          \
    const double *pi = b->init_position, *pr = b->rcvr_position;                                \
    for (; a0 + SMP_END_LANES <= n; a0 += SMP_END_LANES) {                                      \
        double acc_i[SMP_END_LANES], acc_r[SMP_END_LANES];                                      \
        for (size_t l = 0; l < SMP_END_LANES; l++) acc_i[l] = acc_r[l] = 0.0;                   \
        for (size_t k = 0; k < d; k++) {                                                        \
            const double *x = &w->ideal_t[k * n + a0], *sa = &w->salience_t[k * n + a0];        \
            double xi = pi[k], xr = pr[k];                                                      \
            for (size_t l = 0; l < SMP_END_LANES; l++) {                                        \
                double di = (x[l] - xi) * sa[l], dr = (x[l] - xr) * sa[l];                      \
                acc_i[l] += di * di;                                                            \
                acc_r[l] += dr * dr;                                                            \
            }                                                                                   \
        }                                                                                       \
        for (size_t l = 0; l < SMP_END_LANES; l++) {                                            \
            double sq = w->salience_squares[a0 + l], risk = w->risk[a0 + l];                    \
            double qi = acc_i[l] / sq, qr = acc_r[l] / sq;                                      \
            double zi = sq <= 0 ? 0.0 : qi, zr = sq <= 0 ? 0.0 : qr;                            \
            double si = sqrt(zi), sr = sqrt(zr);                                                \
            double di = sq <= 0 ? 0.0 : si, dr = sq <= 0 ? 0.0 : sr;                            \
            ui[a0 + l] = (1 - di) * (di <= 1 ? 1 + di * risk : 1 + risk);                       \
            ur[a0 + l] = (1 - dr) * (dr <= 1 ? 1 + dr * risk : 1 + risk);                       \
        }                                                                                       \
    }                                                                                           \
    for (size_t a = a0; a < n; a++) end_utilities_one(w, b, a, &ui[a], &ur[a]);

/* The same for a bargain whose two ends are one position (the same bits in every
 * coordinate: most bargains, KTAB's interpolation rounding both ends to four decimals): every
 * actor's utility of it once, the operations of the two-ended body's first end, so the same
 * bits; the caller copies them to the second end (u: n utilities). */
#define SMP_END_UTILITY_BODY                                                                    \
    size_t n = w->n, d = w->d, a0 = 0;                                                          \
    const double *p = b->init_position;                                                         \
    for (; a0 + SMP_END_LANES <= n; a0 += SMP_END_LANES) {                                      \
        double acc[SMP_END_LANES];                                                              \
        for (size_t l = 0; l < SMP_END_LANES; l++) acc[l] = 0.0;                                \
        for (size_t k = 0; k < d; k++) {                                                        \
            const double *x = &w->ideal_t[k * n + a0], *sa = &w->salience_t[k * n + a0];        \
            double xp = p[k];                                                                   \
            for (size_t l = 0; l < SMP_END_LANES; l++) {                                        \
                double dp = (x[l] - xp) * sa[l];                                                \
                acc[l] += dp * dp;                                                              \
            }                                                                                   \
        }                                                                                       \
        for (size_t l = 0; l < SMP_END_LANES; l++) {                                            \
            double sq = w->salience_squares[a0 + l], risk = w->risk[a0 + l];                    \
            double qp = acc[l] / sq;                                                            \
            double zp = sq <= 0 ? 0.0 : qp;                                                     \
            double sp = sqrt(zp);                                                               \
            double dp = sq <= 0 ? 0.0 : sp;                                                     \
            u[a0 + l] = (1 - dp) * (dp <= 1 ? 1 + dp * risk : 1 + risk);                        \
        }                                                                                       \
    }                                                                                           \
    for (size_t a = a0; a < n; a++) {                                                           \
        double unused;                                                                          \
        end_utilities_one(w, b, a, &u[a], &unused);                                             \
    }

static void end_utilities_one(const smp_work *w, const smp_bargain *b, size_t a, double *ui,
                              double *ur)
{
    size_t n = w->n, d = w->d;
    double acc_i = 0.0, acc_r = 0.0;
    for (size_t k = 0; k < d; k++) {
        double x = w->ideal_t[k * n + a], sa = w->salience_t[k * n + a];
        double di = (x - b->init_position[k]) * sa, dr = (x - b->rcvr_position[k]) * sa;
        acc_i += di * di;
        acc_r += dr * dr;
    }
    double sq = w->salience_squares[a];
    double di = sq <= 0 ? 0.0 : sqrt(acc_i / sq), dr = sq <= 0 ? 0.0 : sqrt(acc_r / sq);
    *ui = scalar_utility(di, w->risk[a]);
    *ur = scalar_utility(dr, w->risk[a]);
}

static void end_utilities_plain(const smp_work *w, const smp_bargain *b, double *ui, double *ur)
{
    SMP_END_UTILITIES_BODY
}

static void end_utility_plain(const smp_work *w, const smp_bargain *b, double *u)
{
    SMP_END_UTILITY_BODY
}

#ifdef SMP_HAVE_AVX2_KERNEL
__attribute__((target("avx2"))) static void end_utilities_avx2(const smp_work *w,
                                                               const smp_bargain *b, double *ui,
                                                               double *ur)
{
    SMP_END_UTILITIES_BODY
}

SMP_AVX512_LOOP static void
end_utilities_avx512(const smp_work *w, const smp_bargain *b, double *ui, double *ur)
{
    SMP_END_UTILITIES_BODY
}

__attribute__((target("avx2"))) static void end_utility_avx2(const smp_work *w,
                                                             const smp_bargain *b, double *u)
{
    SMP_END_UTILITY_BODY
}

SMP_AVX512_LOOP static void
end_utility_avx512(const smp_work *w, const smp_bargain *b, double *u)
{
    SMP_END_UTILITY_BODY
}
#endif

static void end_utilities(const smp_work *w, const smp_bargain *b, double *delta, double *ui,
                          double *ur)
{
    if (__atomic_load_n(&smp_plain, __ATOMIC_RELAXED)) { /* the plain code, actor by actor */
        for (size_t a = 0; a < w->n; a++) bargain_end_utilities(w, b, a, delta, &ui[a], &ur[a]);
        return;
    }
#ifdef SMP_HAVE_AVX2_KERNEL
    int isa = smp_isa();
#endif
    if (!memcmp(b->init_position, b->rcvr_position, w->d * sizeof *b->init_position)) {
#ifdef SMP_HAVE_AVX2_KERNEL
        if (isa >= SMP_ISA_AVX512) end_utility_avx512(w, b, ui);
        else if (isa >= SMP_ISA_AVX2) end_utility_avx2(w, b, ui);
        else
#endif
            end_utility_plain(w, b, ui);
        memcpy(ur, ui, w->n * sizeof *ur);
        return;
    }
#ifdef SMP_HAVE_AVX2_KERNEL
    if (isa >= SMP_ISA_AVX512) {
        end_utilities_avx512(w, b, ui, ur);
        return;
    }
    if (isa >= SMP_ISA_AVX2) {
        end_utilities_avx2(w, b, ui, ur);
        return;
    }
#endif
    end_utilities_plain(w, b, ui, ur);
}

/* The sums over the third parties m of every bargain's utilities, eight voters at a time
 * (sums[a0..a0+8) += Tt[m][a0..a0+8), m ascending, the principals skipped), every block of
 * eight voters for all of a worker's bargains before the next block. One eight-lane vector
 * per block: four SSE2 registers, two AVX2 or one AVX-512 register, each lane adding its
 * voter's terms in the same order, so the same bits at every width. One bargain's sum is a
 * chain of n dependent additions, bound by the adder's latency; so the worker's bargains go
 * four at a time, four independent chains over the same rows of Tt: the rows between the
 * group's (sorted) principals are added to all four, a principal's row to the bargains it is
 * no principal of. Each sum still adds exactly its own terms in ascending m. */
typedef double v8d __attribute__((vector_size(64)));

#define SMP_GROUP_SUMS_BODY                                                                      \
    size_t n = t->w->n, whole = n / SMP_BU_LANES * SMP_BU_LANES;                                 \
    for (size_t a0 = 0; a0 < n; a0 += SMP_BU_LANES) {                                            \
        size_t b = part;                                                                         \
        for (; a0 < whole && b + 3 * parts < t->count; b += 4 * parts) {                         \
            size_t I[4], J[4], skip[8];                                                          \
            double *sum[4];                                                                      \
            for (size_t k = 0; k < 4; k++) {                                                     \
                const smp_bargain *g = &t->bargains[b + k * parts];                              \
                I[k] = (size_t)g->initiator, J[k] = (size_t)g->receiver;                         \
                skip[2 * k] = I[k], skip[2 * k + 1] = J[k];                                      \
                sum[k] = &t->bu[(b + k * parts) * n + a0];                                       \
            }                                                                                    \
            for (size_t x = 1; x < 8; x++) /* insertion sort of the eight principals */          \
                for (size_t y = x; y > 0 && skip[y - 1] > skip[y]; y--) {                        \
                    size_t tmp = skip[y];                                                        \
                    skip[y] = skip[y - 1], skip[y - 1] = tmp;                                    \
                }                                                                                \
            v8d acc0, acc1, acc2, acc3, row;                                                     \
            memcpy(&acc0, sum[0], sizeof acc0), memcpy(&acc1, sum[1], sizeof acc1);              \
            memcpy(&acc2, sum[2], sizeof acc2), memcpy(&acc3, sum[3], sizeof acc3);              \
            size_t m = 0;                                                                        \
            for (size_t x = 0; x <= 8; x++) {                                                    \
                size_t end = x < 8 ? skip[x] : n;                                                \
                for (; m < end; m++) {                                                           \
                    memcpy(&row, &t->Tt[m * n + a0], sizeof row);                                \
                    acc0 += row, acc1 += row, acc2 += row, acc3 += row;                          \
                }                                                                                \
                if (x < 8 && m == end) { /* a principal's row, once even if shared */            \
                    memcpy(&row, &t->Tt[m * n + a0], sizeof row);                                \
                    if (m != I[0] && m != J[0]) acc0 += row;                                     \
                    if (m != I[1] && m != J[1]) acc1 += row;                                     \
                    if (m != I[2] && m != J[2]) acc2 += row;                                     \
                    if (m != I[3] && m != J[3]) acc3 += row;                                     \
                    m++;                                                                         \
                }                                                                                \
            }                                                                                    \
            memcpy(sum[0], &acc0, sizeof acc0), memcpy(sum[1], &acc1, sizeof acc1);              \
            memcpy(sum[2], &acc2, sizeof acc2), memcpy(sum[3], &acc3, sizeof acc3);              \
        }                                                                                        \
        for (; b < t->count; b += parts) {                                                       \
            size_t I = (size_t)t->bargains[b].initiator, J = (size_t)t->bargains[b].receiver;    \
            size_t lo = I < J ? I : J, hi = I < J ? J : I;                                       \
            double *sum = &t->bu[b * n];                                                         \
            if (a0 < whole) {                                                                    \
                v8d acc, row;                                                                    \
                memcpy(&acc, &sum[a0], sizeof acc);                                              \
                for (size_t m = 0; m < lo; m++) {                                                \
                    memcpy(&row, &t->Tt[m * n + a0], sizeof row);                                \
                    acc += row;                                                                  \
                }                                                                                \
                for (size_t m = lo + 1; m < hi; m++) {                                           \
                    memcpy(&row, &t->Tt[m * n + a0], sizeof row);                                \
                    acc += row;                                                                  \
                }                                                                                \
                for (size_t m = hi + 1; m < n; m++) {                                            \
                    memcpy(&row, &t->Tt[m * n + a0], sizeof row);                                \
                    acc += row;                                                                  \
                }                                                                                \
                memcpy(&sum[a0], &acc, sizeof acc);                                              \
            } else {                                                                             \
                for (size_t a = a0; a < n; a++)                                                  \
                    for (size_t m = 0; m < n; m++)                                               \
                        if (m != I && m != J) sum[a] += t->Tt[m * n + a];                        \
            }                                                                                    \
        }                                                                                        \
    }

static void group_sums_plain(const utility_task *t, size_t part, size_t parts)
{
    SMP_GROUP_SUMS_BODY
}

#ifdef SMP_HAVE_AVX2_KERNEL
__attribute__((target("avx2"))) static void group_sums_avx2(const utility_task *t, size_t part,
                                                            size_t parts)
{
    SMP_GROUP_SUMS_BODY
}

SMP_AVX512_LOOP static void
group_sums_avx512(const utility_task *t, size_t part, size_t parts)
{
    SMP_GROUP_SUMS_BODY
}
#endif

static void utility_groups_task(void *ctx, size_t part, size_t parts)
{
    utility_task *t = ctx;
    smp_work *w = t->w;
    size_t n = w->n;
    size_t slot = smp_slot(w);
    double *ui = &w->end_u[2 * n * slot], *ur = ui + n;
    for (size_t b = part; b < t->count; b += parts) {
        double *sum = &t->bu[b * n];
        end_utilities(w, &t->bargains[b], w->scratch[slot].delta, ui, ur);
        for (size_t a = 0; a < n; a++) {
            double s = 0.0;
            s += ui[a];
            s += ur[a];
            sum[a] = s;
        }
    }
#ifdef SMP_HAVE_AVX2_KERNEL
    int isa = smp_isa();
    if (isa >= SMP_ISA_AVX512) group_sums_avx512(t, part, parts);
    else if (isa >= SMP_ISA_AVX2) group_sums_avx2(t, part, parts);
    else
#endif
        group_sums_plain(t, part, parts);
    for (size_t b = part; b < t->count; b += parts)
        for (size_t a = 0; a < n; a++) t->bu[b * n + a] = t->bu[b * n + a] / (double)n;
}

/* smp_check_bargain_kernels (smp.h): utility_groups_task (the end utilities, one- and
 * two-ended, and the grouped sums over the third parties) at every level against
 * bargain_end_utilities and a plain loop over m, bit for bit. */
size_t smp_check_bargain_kernels(size_t n, size_t d, size_t count, uint64_t seed, size_t *checked)
{
    size_t bad = 0, seen = 0, max_parts = 3;
    smp_work w;
    memset(&w, 0, sizeof w);
    w.n = n, w.d = d;
    double *salience = en_xmalloc(n * d * sizeof *salience); /* w.salience is read-only */
    w.ideal = en_xmalloc(n * d * sizeof *w.ideal), w.salience = salience;
    w.ideal_t = en_xmalloc(n * d * sizeof *w.ideal_t), w.salience_t = en_xmalloc(n * d * sizeof *w.salience_t);
    w.salience_squares = en_xmalloc(n * sizeof *w.salience_squares), w.risk = en_xmalloc(n * sizeof *w.risk);
    w.end_u = en_xmalloc(2 * n * max_parts * sizeof *w.end_u);
    w.scratch = en_xcalloc(max_parts, sizeof *w.scratch);
    double *Tt = en_xmalloc(n * n * sizeof *Tt), *bu = en_xmalloc(count * n * sizeof *bu);
    double *ref = en_xmalloc(count * n * sizeof *ref), *delta = en_xmalloc(d * sizeof *delta);
    double *coords = en_xmalloc(count * 2 * d * sizeof *coords);
    smp_bargain *bargains = en_xcalloc(count, sizeof *bargains);
    uint64_t g = seed;
#define SMP_CHECK_NEXT() \
    (g = g * 6364136223846793005ull + 1442695040888963407ull, (double)(g >> 11) / 9007199254740992.0)
    for (size_t a = 0; a < n; a++) {
        double s2 = 0.0;
        for (size_t k = 0; k < d; k++) {
            double x = SMP_CHECK_NEXT(), sa = a == 1 ? 0.0 : SMP_CHECK_NEXT(); /* actor 1 cares about nothing */
            w.ideal[a * d + k] = w.ideal_t[k * n + a] = x;
            salience[a * d + k] = w.salience_t[k * n + a] = sa;
            s2 += sa * sa;
        }
        w.salience_squares[a] = s2;
        w.risk[a] = 2 * SMP_CHECK_NEXT() - 1;
    }
    for (size_t k = 0; k < n * n; k++) Tt[k] = 3 * SMP_CHECK_NEXT() - 2;
    for (size_t b = 0; b < count; b++) {
        /* principals at the ends of the range, shared, next to each other, or anywhere */
        size_t I = (size_t)(SMP_CHECK_NEXT() * (double)n), J = (I + 1 + (size_t)(SMP_CHECK_NEXT() * (double)(n - 1))) % n;
        if (b % 5 == 0) I = 0, J = n - 1;
        if (b % 5 == 1) I = n - 1, J = 0;
        if (b % 5 == 2) J = (I + 1) % n;
        bargains[b].initiator = (int)I, bargains[b].receiver = (int)J;
        bargains[b].init_position = &coords[b * 2 * d], bargains[b].rcvr_position = &coords[b * 2 * d + d];
        for (size_t k = 0; k < d; k++) {
            /* some ends farther than 1 from some ideals (the utility's other branch) */
            bargains[b].init_position[k] = 3 * SMP_CHECK_NEXT() - 1;
            /* every other bargain with one position at both ends (end_utilities' shortcut) */
            bargains[b].rcvr_position[k] = b % 2 ? bargains[b].init_position[k] : 3 * SMP_CHECK_NEXT() - 1;
        }
        for (size_t a = 0; a < n; a++) {
            double ui, ur, sum = 0.0;
            bargain_end_utilities(&w, &bargains[b], a, delta, &ui, &ur);
            sum += ui;
            sum += ur;
            for (size_t m = 0; m < n; m++)
                if (m != I && m != J) sum += Tt[m * n + a];
            ref[b * n + a] = sum / (double)n;
        }
    }
#undef SMP_CHECK_NEXT
    int saved = __atomic_load_n(&smp_isa_limit, __ATOMIC_RELAXED);
    for (int level = SMP_ISA_SCALAR; level <= smp_isa(); level++) {
        smp_limit_isa(level);
        for (size_t parts = 1; parts <= max_parts; parts++) {
            for (size_t k = 0; k < count * n; k++) bu[k] = NAN;
            utility_task t = {&w, bargains, count, Tt, bu, 0};
            for (size_t part = 0; part < parts; part++) utility_groups_task(&t, part, parts);
            for (size_t k = 0; k < count * n; k++, seen++) bad += memcmp(&bu[k], &ref[k], sizeof *bu) != 0;
        }
        smp_limit_isa(saved);
    }
    en_free(w.ideal), en_free(salience), en_free(w.ideal_t), en_free(w.salience_t);
    en_free(w.salience_squares), en_free(w.risk), en_free(w.end_u), en_free(w.scratch);
    en_free(Tt), en_free(bu), en_free(ref), en_free(delta), en_free(coords), en_free(bargains);
    *checked = seen;
    return bad;
}

/* Phase 3: one election per actor's queue; the option probabilities go to prob at the queue's
 * offset, the status to status[k]. */
typedef struct queue_task {
    smp_work *w;
    const long *queue;        /* all queues, one after another */
    const size_t *start;      /* n + 1 offsets into queue */
    const double *bu;
    double *prob;
    en_status *status;
} queue_task;

static en_status queue_election(smp_work *w, smp_election *e, const long *queue, size_t q,
                                const double *bu, double *prob, en_error *err)
{
    size_t n = w->n;
    ensure_election(w, e, q);
    for (size_t a = 0; a < n; a++)
        for (size_t o = 0; o < q; o++)
            e->u[a * q + o] = queue[o] < 0 ? w->sq_utility[a] : bu[(size_t)queue[o] * n + a];
    en_status st = elect(w, e, q, w->capability, 1, err);
    if (st == EN_OK) memcpy(prob, e->p, q * sizeof *prob);
    return st;
}

static void queue_rows_task(void *ctx, size_t part, size_t parts)
{
    queue_task *t = ctx;
    smp_work *w = t->w;
    int stochastic = w->config->state_transitions == SMP_STM_STOCHASTIC;
    for (size_t k = part; k < w->n; k += parts) {
        size_t q = t->start[k + 1] - t->start[k];
        t->status[k] = EN_OK;
        /* a stochastic run draws for every queue, even the status quo alone */
        if (q > 1 || stochastic) {
            en_error local = EN_ERROR_INIT;
            t->status[k] = queue_election(w, &w->scratch[smp_slot(w)].el, &t->queue[t->start[k]], q,
                                          t->bu, &t->prob[t->start[k]], &local);
            en_error_clear(&local);
        }
    }
}

/* Phase 2 without a trace: each bargain's utility to every actor in O(n) instead of O(n²),
 * ((ui + ur) + ((S_a − T_aI) − T_aJ)) / n with S_a the ordered sum of actor a's utilities of
 * all positions, and a bound ε_a on its distance from the exact, KTAB-ordered value
 * (smp_filter_utility_eps). Only the queue elections' winners are decided from these; a
 * winner the bound cannot prove is decided again from the exact values. The filter needs the
 * bounds only as the sum Σ_a c_a ε_a (c: capabilities, the votes' weights), and a bargain
 * enters two queues (its initiator's and its receiver's): so the sum is taken here, once per
 * bargain, and the n bounds are never stored. */
static void approx_utilities_task(void *ctx, size_t part, size_t parts)
{
    utility_task *t = ctx;
    smp_work *w = t->w;
    size_t n = w->n;
    size_t slot = smp_slot(w);
    double *ui = &w->end_u[2 * n * slot], *ur = ui + n;
    for (size_t b = part; b < t->count; b += parts) {
        const double *tI = &t->Tt[(size_t)t->bargains[b].initiator * n];
        const double *tJ = &t->Tt[(size_t)t->bargains[b].receiver * n];
        double *sum = &t->bu[b * n];
        end_utilities(w, &t->bargains[b], w->scratch[slot].delta, ui, ur);
        for (size_t a = 0; a < n; a++) {
            double rest = (w->row_sum[a] - tI[a]) - tJ[a];
            sum[a] = ((ui[a] + ur[a]) + rest) / (double)n;
        }
        if (t->bounds) w->bu_err[b] = smp_filter_weighted_eps(n, w->capability, ui, ur, w->abs_sum);
#ifdef SMP_STATS
        if (!memcmp(t->bargains[b].init_position, t->bargains[b].rcvr_position, w->d * sizeof(double)))
            __atomic_fetch_add(&w->bargains_same_ends, 1, __ATOMIC_RELAXED);
#endif
    }
}

/* Phase 3 without a trace: each queue's winner from the approximate utilities where the
 * filter can prove it (pick[k] = its place in the queue), else pick[k] = -1. */
typedef struct filter_task {
    smp_work *w;
    const long *queue;
    const size_t *start;
    long *pick;
} filter_task;

static void queue_filter_task(void *ctx, size_t part, size_t parts)
{
    filter_task *t = ctx;
    smp_work *w = t->w;
    size_t n = w->n;
    smp_election *e = &w->scratch[smp_slot(w)].el;
    for (size_t k = part; k < n; k += parts) {
        size_t q = t->start[k + 1] - t->start[k];
        const long *queue = &t->queue[t->start[k]];
        t->pick[k] = 0;
        if (q < 2) continue;
        ensure_election(w, e, q);
        /* option by option: one row read straight through, its column of u written */
        for (size_t o = 0; o < q; o++) {
            const double *row = queue[o] < 0 ? w->sq_utility : &w->bu[(size_t)queue[o] * n];
            double *col = &e->u[o];
            for (size_t a = 0; a < n; a++) col[a * q] = row[a];
        }
        /* the coalitions from the approximate utilities by the engine's own kernels */
        coalitions(w, e, n, q, w->capability, 1);
        double *err = e->p; /* the status quo's utilities are exact: no error */
        for (size_t o = 0; o < q; o++) err[o] = queue[o] < 0 ? 0.0 : w->bu_err[queue[o]];
        t->pick[k] = smp_filter_queue_winner_sums(n, q, w->capability, err, e->C, e->filter);
    }
}

/* The exact elections of the queues the filter left undecided (list[0..count)). */
typedef struct exact_queue_task {
    queue_task *qt;
    const size_t *list;
    size_t count;
} exact_queue_task;

static void exact_queues_task(void *ctx, size_t part, size_t parts)
{
    exact_queue_task *t = ctx;
    queue_task *qt = t->qt;
    for (size_t x = part; x < t->count; x += parts) {
        size_t k = t->list[x], q = qt->start[k + 1] - qt->start[k];
        en_error local = EN_ERROR_INIT;
        qt->status[k] = queue_election(qt->w, &qt->w->scratch[smp_slot(qt->w)].el,
                                       &qt->queue[qt->start[k]], q, qt->bu, &qt->prob[qt->start[k]],
                                       &local);
        en_error_clear(&local);
    }
}

/* The round's true utilities, transposed (Tt[m][a] = U^a(a, m)), with each actor's ordered
 * sum, sum of magnitudes and mean (the status quo's utility), actors in blocks of
 * SMP_ROW_BLOCK. */
static void true_utility_task(void *ctx, size_t part, size_t parts)
{
    smp_work *w = ctx;
    size_t n = w->n;
    double *Tt = w->Tt;
    for (size_t a0 = part * SMP_ROW_BLOCK; a0 < n; a0 += parts * SMP_ROW_BLOCK)
        for (size_t a = a0; a < a0 + SMP_ROW_BLOCK && a < n; a++) {
            double s = 0.0, abs_s = 0.0;
            for (size_t m = 0; m < n; m++) {
                double t = scalar_utility(w->distance[a * n + m], w->risk[a]);
                Tt[m * n + a] = t;
                s += t;
                abs_s += fabs(t);
            }
            w->row_sum[a] = s;
            w->abs_sum[a] = abs_s;
            w->sq_utility[a] = s / (double)n;
        }
}

/* Room for `count` bargains' utilities in the round's tables (by half again at least: the
 * count changes from round to round, and each new block is fresh pages to fault in). */
static void ensure_bargain_tables(smp_work *w, size_t count)
{
    if (count <= w->bu_capacity) return;
    if (count < w->bu_capacity + w->bu_capacity / 2) count = w->bu_capacity + w->bu_capacity / 2;
    en_free(w->bu), en_free(w->bu_err);
    w->bu = en_xmalloc_large(count * w->n * sizeof *w->bu);
    w->bu_err = en_xmalloc(count * sizeof *w->bu_err);
    w->bu_capacity = count;
}

static en_status bargaining_round(smp_work *w, double *next_x, smp_turn *turn, en_error *err)
{
    size_t n = w->n, d = w->d;
    const smp_config *c = w->config;
    size_t per_actor = c->bargain_model == SMP_BM_INIT_RCVR ? 2 : 1;
    smp_bargain *bargains = en_xcalloc(n * per_actor, sizeof *bargains);
    double *coords = en_xcalloc(n * per_actor * 2 * d, sizeof *coords);
    long *first_of = en_xmalloc(n * sizeof *first_of); /* first bargain i initiated, -1 none */
    long *target = en_xmalloc(n * sizeof *target);
    double *tgain = en_xmalloc(3 * n * sizeof *tgain), *tphi = tgain + n, *tphi_j = tphi + n;
    target_task tt = {w, target, tgain, tphi, tphi_j};
    smp_parallel(w, parts_for(w, n, (double)n * 64), target_rows_task, &tt);
    size_t count = 0;
    double *bi = en_xmalloc(2 * d * sizeof *bi), *bj = bi + d;
    for (size_t i = 0; i < n; i++) {
        first_of[i] = -1;
        if (target[i] < 0) continue;
        size_t j = (size_t)target[i];
        double best = tgain[i], best_phi = tphi[i], phi_j = tphi_j[i];
        first_of[i] = (long)count;
        for (size_t v = 0; v < per_actor; v++) {
            smp_bargain *b = &bargains[count];
            b->initiator = (int)i, b->receiver = (int)j;
            b->win_probability = best_phi, b->gain = best;
            b->init_position = &coords[count * 2 * d];
            b->rcvr_position = b->init_position + d;
            interpolate(w, i, j, v == 0 ? best_phi : phi_j, b->init_position, b->rcvr_position);
            if (c->bargain_model == SMP_BM_PW_COMP) {
                interpolate(w, i, j, phi_j, bi, bj);
                double wi = w->capability[i] * w->salience_total[i];
                double wj = w->capability[i] * w->salience_total[j]; /* as KTAB: i's capability */
                for (size_t k = 0; k < d; k++) {
                    b->init_position[k] = (wi * b->init_position[k] + wj * bi[k]) / (wi + wj);
                    b->rcvr_position[k] = (wi * b->rcvr_position[k] + wj * bj[k]) / (wi + wj);
                }
            }
            count++;
        }
    }
    en_free(bi);
    en_free(target);
    en_free(tgain);

    /* Without a trace only the queues' winners matter: the filter decides them from O(n²)
     * utilities with a proven bound (docs/models/smp.md, "Filtered queue elections"). */
    int filtered = !__atomic_load_n(&smp_plain, __ATOMIC_RELAXED) && !c->record &&
                   c->state_transitions == SMP_STM_DETERMINISTIC &&
                   c->pce_model == SMP_PCE_CONDITIONAL &&
                   c->victory_prob_model == SMP_VPM_LINEAR && c->voting_rule == SMP_VR_PROP;
    double *Tt = w->Tt;
    smp_parallel(w, parts_for(w, (n + SMP_ROW_BLOCK - 1) / SMP_ROW_BLOCK, (double)SMP_ROW_BLOCK * n * 8),
                 true_utility_task, w);
    ensure_bargain_tables(w, count ? count : 1);
    double *bu = w->bu;
    utility_task ut = {w, bargains, count, Tt, bu, filtered};
    /* The fast path takes the O(n²·d) utilities as they are, without the filter's proof
     * (they are within ε of the exact ones, smp_filter.h), whatever the trace. */
    if (filtered || w->fast)
        smp_parallel(w, parts_for(w, count, (double)n * (4.0 * (double)d + 16.0)),
                     approx_utilities_task, &ut);
    else
        smp_parallel(w, workers_for(w, count, (double)n * n), utility_groups_task, &ut);

    /* Each actor's queue, canonical order: by initiator, the status quo before own proposals. */
    long *targeting = en_xmalloc((count ? count : 1) * sizeof *targeting);
    size_t *by_receiver_start = en_xcalloc(n + 1, sizeof *by_receiver_start);
    for (size_t b = 0; b < count; b++) by_receiver_start[bargains[b].receiver + 1]++;
    for (size_t k = 0; k < n; k++) by_receiver_start[k + 1] += by_receiver_start[k];
    size_t *fill = en_xmalloc((n + 1) * sizeof *fill);
    memcpy(fill, by_receiver_start, (n + 1) * sizeof *fill);
    for (size_t b = 0; b < count; b++) targeting[fill[bargains[b].receiver]++] = (long)b;
    en_free(fill);
    size_t *start = en_xmalloc((n + 1) * sizeof *start);
    long *queues = en_xmalloc((n * (1 + per_actor) + count + 1) * sizeof *queues);
    size_t total = 0;
    for (size_t k = 0; k < n; k++) {
        start[k] = total;
        size_t t = by_receiver_start[k], t_end = by_receiver_start[k + 1];
        /* bargains aimed at k come in initiator order because b runs in initiator order */
        while (t < t_end && (size_t)bargains[targeting[t]].initiator < k) queues[total++] = targeting[t++];
        queues[total++] = -1;
        if (first_of[k] >= 0)
            for (size_t v = 0; v < per_actor; v++) queues[total++] = first_of[k] + (long)v;
        while (t < t_end) queues[total++] = targeting[t++];
    }
    start[n] = total;
    en_free(targeting);
    en_free(by_receiver_start);
    double *prob = en_xmalloc((total + 1) * sizeof *prob);
    en_status *status = en_xmalloc(n * sizeof *status);
    queue_task qt = {w, queues, start, bu, prob, status};
    double mean_q = (double)total / (double)n;
    long *pick = NULL;
    if (filtered) {
        pick = en_xmalloc(n * sizeof *pick);
        filter_task ft = {w, queues, start, pick};
        smp_parallel(w, parts_for(w, n, mean_q * mean_q * (double)n + (double)n), queue_filter_task, &ft);
        /* The undecided queues: their bargains' exact utilities (the plain phase 2 on just
         * those bargains), then their exact elections. */
        size_t *undecided = en_xmalloc(n * sizeof *undecided), open = 0;
        unsigned char *needed = en_xcalloc(count ? count : 1, 1);
        for (size_t k = 0; k < n; k++) {
            status[k] = EN_OK;
            if (pick[k] >= 0) continue;
            undecided[open++] = k;
            for (size_t o = start[k]; o < start[k + 1]; o++)
                if (queues[o] >= 0) needed[queues[o]] = 1;
        }
        w->queues_filtered += n - open, w->queues_exact += open, w->bargains_total += count;
        if (open) {
            size_t sub = 0;
            for (size_t b = 0; b < count; b++) sub += needed[b];
            w->bargains_exact += sub;
            smp_bargain *subset = en_xmalloc(sub * sizeof *subset);
            if (sub > w->exact_capacity) { /* kept for the run: fresh pages every round cost */
                en_free(w->exact);
                w->exact_capacity = sub + sub / 2;
                w->exact = en_xmalloc_large(w->exact_capacity * n * sizeof *w->exact);
            }
            double *exact = w->exact;
            sub = 0;
            for (size_t b = 0; b < count; b++)
                if (needed[b]) subset[sub++] = bargains[b];
            utility_task xt = {w, subset, sub, Tt, exact, 0};
            /* one part per worker: a part reads each block of Tt once for all its bargains */
            smp_parallel(w, workers_for(w, sub, (double)n * n), utility_groups_task, &xt);
            sub = 0;
            for (size_t b = 0; b < count; b++)
                if (needed[b]) memcpy(&bu[b * n], &exact[(sub++) * n], n * sizeof *bu);
            en_free(subset);
            exact_queue_task et = {&qt, undecided, open};
            smp_parallel(w, parts_for(w, open, mean_q * mean_q * (double)n + (double)n),
                         exact_queues_task, &et);
        }
        en_free(undecided);
        en_free(needed);
    } else {
        smp_parallel(w, parts_for(w, n, mean_q * mean_q * (double)n + (double)n), queue_rows_task, &qt);
    }

    /* The moves, actor by actor in order (a stochastic run draws in this order). */
    en_status st = EN_OK;
    for (size_t k = 0; k < n && st == EN_OK; k++) {
        const long *queue = &queues[start[k]];
        const double *p = &prob[start[k]];
        size_t q = start[k + 1] - start[k];
        long winner = -1;
        double winner_p = 1;
        if (q > 1 || c->state_transitions == SMP_STM_STOCHASTIC) {
            const long *pick_of = pick;
            if (status[k] != EN_OK) { /* again, for the error's message */
                st = queue_election(w, &w->scratch[0].el, queue, q, bu, &prob[start[k]], err);
                if (st == EN_OK) st = en_error_set(err, EN_ERROR_INTERNAL, "smp: an election failed once only");
                break;
            }
            size_t pick = 0;
            if (filtered && pick_of[k] >= 0) {
                pick = (size_t)pick_of[k]; /* proven to be the exact election's pick */
            } else if (c->state_transitions == SMP_STM_STOCHASTIC) {
                double u = smp_rng_uniform(&w->rng), sum = 0;
                pick = q - 1;
                for (size_t o = 0; o < q; o++) {
                    sum += p[o];
                    if (u <= sum) { pick = o; break; }
                }
            } else {
                for (size_t o = 1; o < q; o++)
                    if (p[pick] < p[o]) pick = o;
            }
            winner = queue[pick];
            winner_p = p[pick];
        }
        const double *from = &w->x[k * d];
        if (winner >= 0) {
            const smp_bargain *b = &bargains[winner];
            from = (size_t)b->initiator == k ? b->init_position : b->rcvr_position;
        }
        memcpy(&next_x[k * d], from, d * sizeof *from);
        if (turn) turn->winner[k] = (int)winner, turn->winner_probability[k] = winner_p;
    }
    en_free(queues);
    en_free(start);
    en_free(prob);
    en_free(status);
    en_free(pick);
    en_free(first_of);
    if (turn && st == EN_OK) {
        turn->bargain_count = count;
        turn->bargains = bargains;
        /* bargains point into coords: keep it alive with the turn */
        if (count == 0) en_free(coords), turn->bargains = NULL, en_free(bargains);
    } else {
        en_free(bargains);
        en_free(coords);
    }
    return st;
}

/* ---- the run ---- */

typedef struct ideal_task {
    smp_work *w;
    const double *new_x;
    double *next;
} ideal_task;

/* Each actor's new ideal point: its accommodation-weighted mean of the new positions plus the
 * lagging rest of its old ideal (rows dealt out: each row's sums keep their order). */
static void ideal_rows_task(void *ctx, size_t part, size_t parts)
{
    ideal_task *t = ctx;
    smp_work *w = t->w;
    size_t n = w->n, d = w->d;
    for (size_t i = part; i < n; i += parts) {
        const double *A = &w->accommodation[i * n];
        double *next = &t->next[i * d];
        for (size_t k = 0; k < d; k++) next[k] = 0.0;
        double row = 0.0;
        for (size_t j = 0; j < n; j++) {
            row += A[j];
            for (size_t k = 0; k < d; k++) next[k] += A[j] * t->new_x[j * d + k];
        }
        double lag = 1 - (row < 1 ? row : 1);
        for (size_t k = 0; k < d; k++) next[k] += lag * w->ideal[i * d + k];
    }
}

static void update_ideals(smp_work *w, const double *new_x, double *next)
{
    size_t n = w->n, d = w->d;
    if (!w->accommodation) {
        memcpy(w->ideal, new_x, n * d * sizeof *new_x);
        return;
    }
    ideal_task t = {w, new_x, next};
    smp_parallel(w, parts_for(w, n, (double)n * (2.0 * (double)d + 1.0)), ideal_rows_task, &t);
    memcpy(w->ideal, next, n * d * sizeof *next);
}

static void turn_free(smp_turn *t)
{
    if (t->bargains && t->bargain_count) en_free(t->bargains[0].init_position);
    en_free(t->bargains);
    en_free(t->winner);
    en_free(t->winner_probability);
}

void smp_output_free(smp_output *out)
{
    if (!out) return;
    if (out->turns)
        for (size_t t = 0; t < out->state_count; t++) turn_free(&out->turns[t]);
    en_free(out->turns);
    en_free(out->positions);
    en_free(out->win_probability);
    memset(out, 0, sizeof *out);
}

en_status smp_solve(const smp_input *in, const smp_config *config, smp_output *out,
                    en_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = in->n, d = in->d;
    if (n < 2 || d < 1)
        return en_error_set(err, EN_ERROR_INTERNAL, "smp: needs two actors and one dimension");
    smp_work w = {0};
    w.config = config;
    w.n = n, w.d = d;
    w.capability = in->capability;
    w.salience = in->salience;
    w.accommodation = in->accommodation;
    w.salience_total = en_xmalloc(n * sizeof(double));
    w.salience_squares = en_xmalloc(n * sizeof(double));
    w.effective_power = en_xmalloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double s = 0.0, s2 = 0.0;
        for (size_t k = 0; k < d; k++) {
            double v = in->salience[i * d + k];
            s += v;
            s2 += v * v;
        }
        w.salience_total[i] = s;
        w.salience_squares[i] = s2;
        w.effective_power[i] = s * in->capability[i];
    }
    w.x = en_xmalloc(n * d * sizeof(double));
    w.ideal = en_xmalloc(n * d * sizeof(double));
    w.distance = en_xmalloc_large(n * n * sizeof(double));
    w.distance_t = en_xmalloc_large(n * n * sizeof(double));
    if (n >= 64) w.distance_tf = en_xmalloc_large(n * n * sizeof(float)); /* the screen's */
    w.risk = en_xmalloc(n * sizeof(double));
    w.sq_utility = en_xmalloc(n * sizeof(double));
    w.hint = en_xmalloc(n * sizeof *w.hint);
    w.Tt = en_xmalloc_large(n * n * sizeof(double));
    w.row_sum = en_xmalloc(n * sizeof(double));
    w.abs_sum = en_xmalloc(n * sizeof(double));
    w.row_unit = en_xmalloc(n);
    w.salience_t = en_xmalloc(n * d * sizeof(double));
    w.ideal_t = en_xmalloc(n * d * sizeof(double));
    w.x_t = en_xmalloc(n * d * sizeof(double));
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++) w.salience_t[k * n + i] = in->salience[i * d + k];
    for (size_t i = 0; i < n; i++) w.hint[i] = -1;
    long cores = config->threads > 0 ? config->threads : sysconf(_SC_NPROCESSORS_ONLN);
    w.threads = cores < 1 ? 1 : cores > SMP_MAX_THREADS ? SMP_MAX_THREADS : (int)cores;
    w.scratch = en_xcalloc((size_t)w.threads, sizeof *w.scratch);
    w.pool = w.threads > 1 ? en_pool_create(w.threads) : NULL; /* threads start when needed */
    w.end_u = en_xmalloc((size_t)w.threads * 2 * n * sizeof(double));
    for (int t = 0; t < w.threads; t++) {
        smp_scratch *sc = &w.scratch[t];
        sc->rh = en_xmalloc(n * sizeof(double));
        sc->uh_i = en_xmalloc(n * sizeof(double));
        sc->uh_m = en_xmalloc(n * sizeof(double));
        sc->third_party_vote = en_xmalloc(n * sizeof(double));
        sc->delta = en_xmalloc(d * sizeof(double));
        sc->candidates = en_xmalloc(n * sizeof *sc->candidates);
        sc->perm = en_xmalloc(n * sizeof *sc->perm);
        sc->pw = en_xmalloc(4 * n * sizeof(double));
        sc->pui = sc->pw + n, sc->pum = sc->pui + n, sc->prh = sc->pum + n;
        sc->cap = en_xmalloc(4 * (n + 1) * sizeof(double));
        sc->cap_a = sc->cap + n + 1, sc->cap_b = sc->cap_a + n + 1, sc->cap_m = sc->cap_b + n + 1;
        sc->uh_i_copy = en_xmalloc(n * sizeof(double));
        sc->screen_state = en_xmalloc(SMP_SCREEN_STATE * n * sizeof(double));
        sc->fw = en_xmalloc(4 * n * sizeof(float));
        sc->fui = sc->fw + n, sc->fum = sc->fui + n, sc->frh = sc->fum + n;
        sc->err_a = en_xmalloc(2 * (n + 1) * sizeof(double));
        sc->err_b = sc->err_a + n + 1;
        sc->screen_list = en_xmalloc(n * sizeof *sc->screen_list);
        sc->perm_tmp = en_xmalloc(n * sizeof *sc->perm_tmp);
    }
    w.fast = config->precision == SMP_PRECISION_FAST;
    if (w.fast) { /* the fixed samples (smp_sample.h), drawn once from the input */
        uint64_t *key = en_xmalloc(n * sizeof *key);
        for (size_t i = 0; i < n; i++)
            key[i] = smp_sample_key(config->seed, in->capability[i], &in->position[i * d],
                                    &in->salience[i * d], d);
        w.tm = w.vm = smp_sample_size(n, config->sample);
        w.t_member = en_xmalloc(w.tm * sizeof *w.t_member);
        w.t_scale = en_xmalloc(w.tm * sizeof *w.t_scale);
        w.v_member = en_xmalloc(w.vm * sizeof *w.v_member);
        w.v_weight = en_xmalloc(w.vm * sizeof *w.v_weight);
        smp_sample_strata(n, w.effective_power, key, w.tm, w.t_member, w.t_scale);
        w.t_place = en_xmalloc(n * sizeof *w.t_place);
        for (size_t j = 0; j < n; j++) w.t_place[j] = w.tm;
        for (size_t t = 0; t < w.tm; t++) w.t_place[w.t_member[t]] = t;
        smp_sample_strata(n, in->capability, key, w.vm, w.v_member, w.v_weight);
        for (size_t t = 0; t < w.vm; t++) w.v_weight[t] *= in->capability[w.v_member[t]];
        w.Dsf = en_xmalloc_large(n * w.tm * sizeof *w.Dsf);
        /* the coarse pass's parties: places ⌊(k + 1)·tm/16⌋ − 1 (7, 15, ..., 127 of 128); none
           when the sample is every actor (the ranking then has no sampling error to spare) */
        w.tc = w.tm >= SMP_FAST_COARSE_MIN_SAMPLE && w.tm < n ? SMP_FAST_COARSE : 0;
        w.c_weight = (double)w.tm / SMP_FAST_COARSE;
        w.c_skip = en_xmalloc(n * sizeof *w.c_skip);
        memset(w.c_skip, SMP_FAST_COARSE, n * sizeof *w.c_skip);
        for (size_t k = 0; k < w.tc; k++) {
            w.c_at[k] = (k + 1) * w.tm / SMP_FAST_COARSE - 1;
            w.c_skip[w.t_member[w.c_at[k]]] = (unsigned char)k;
        }
        w.Dcf = en_xmalloc(n * SMP_FAST_COARSE * sizeof *w.Dcf);
        w.sampled = en_xcalloc(1, sizeof *w.sampled);
        w.lp = en_xmalloc(n * sizeof *w.lp);
        w.cand = en_xmalloc(n * sizeof *w.cand);
        for (int t = 0; t < w.threads; t++) {
            smp_scratch *sc = &w.scratch[t];
            sc->fsw = en_xmalloc(5 * w.tm * sizeof(float));
            sc->fsui = sc->fsw + w.tm, sc->fsum = sc->fsui + w.tm, sc->fsrh = sc->fsum + w.tm;
            sc->fsf = sc->fsrh + w.tm;
            sc->rows = en_xmalloc(3 * SMP_FAST_GROUP * n * sizeof(double));
        }
        en_free(key);
    }
    smp_rng_seed(&w.rng, config->seed);
    memcpy(w.x, in->position, n * d * sizeof(double));
    memcpy(w.ideal, in->position, n * d * sizeof(double));

    size_t capacity = 16;
    out->n = n, out->d = d;
    out->positions = en_xmalloc(capacity * n * d * sizeof(double));
    out->win_probability = en_xmalloc(capacity * n * sizeof(double));
    if (config->record) out->turns = en_xcalloc(capacity, sizeof *out->turns);
    memcpy(out->positions, w.x, n * d * sizeof(double));
    out->state_count = 1;
    out->stop_reason = "rounds";

    compute_distances(&w);
    en_status st = compute_risk(&w, err);
    /* winning probabilities: of every state with record, else of the last one only (the
     * forecast's); the others are left 0 */
    memset(out->win_probability, 0, n * sizeof(double));
    if (st == EN_OK && config->record) st = win_probabilities(&w, out->win_probability, err);
    double first_change = 0;
    double *next_x = en_xmalloc(n * d * sizeof(double));
    double *next_ideal = en_xmalloc(n * d * sizeof(double)); /* update_ideals' buffer */
    for (int iter = 1; st == EN_OK; iter++) {
        if (out->state_count == capacity) {
            capacity *= 2;
            out->positions = en_xrealloc(out->positions, capacity * n * d * sizeof(double));
            out->win_probability = en_xrealloc(out->win_probability, capacity * n * sizeof(double));
            if (config->record) {
                out->turns = en_xrealloc(out->turns, capacity * sizeof *out->turns);
                memset(&out->turns[out->state_count], 0,
                       (capacity - out->state_count) * sizeof *out->turns);
            }
        }
        smp_turn *turn = NULL;
        if (config->record) {
            turn = &out->turns[out->state_count];
            turn->winner = en_xmalloc(n * sizeof *turn->winner);
            turn->winner_probability = en_xmalloc(n * sizeof(double));
        }
        st = bargaining_round(&w, next_x, turn, err);
        if (st != EN_OK) break;
        double *prev = &out->positions[(out->state_count - 1) * n * d];
        double *cur = &out->positions[out->state_count * n * d];
        memcpy(cur, next_x, n * d * sizeof(double));
        out->state_count++;
        if (iter == 1) first_change = state_distance(out->positions, cur, n, d) + SMP_MIN_SIG_DELTA;
        double change = state_distance(prev, cur, n, d);
        double ratio = change / first_change;
        if (turn) turn->change_ratio = ratio;
        memcpy(w.x, next_x, n * d * sizeof(double));
        update_ideals(&w, next_x, next_ideal);
        compute_distances(&w);
        st = compute_risk(&w, err);
        double *wp = &out->win_probability[(out->state_count - 1) * n];
        if (st == EN_OK && config->record) st = win_probabilities(&w, wp, err);
        else memset(wp, 0, n * sizeof *wp);
        if (st != EN_OK) break;
        if (iter >= config->max_rounds) break;
        if (iter >= config->min_rounds && ratio < config->min_delta_ratio) {
            out->stop_reason = "quiet";
            break;
        }
    }
    if (st == EN_OK && !config->record)
        st = win_probabilities(&w, &out->win_probability[(out->state_count - 1) * n], err);
#ifdef SMP_STATS /* counts for docs/performance.md: build with -DSMP_STATS (one thread) */
    fprintf(stderr, "bargains %zu, summed exactly %zu, one position at both ends %zu; ",
            w.bargains_total, w.bargains_exact, w.bargains_same_ends);
    fprintf(stderr, "queues filtered %zu exact %zu; challenges evaluated %zu screened %zu, screen terms %zu\n",
            w.queues_filtered, w.queues_exact, w.scratch[0].challenges_evaluated,
            w.scratch[0].challenges_screened, w.scratch[0].screen_terms);
    fprintf(stderr, "coarse pass: targets tested %zu, pruned %zu; sampled gains below 0 %zu\n",
            w.scratch[0].coarse_tested, w.scratch[0].coarse_pruned, w.scratch[0].sampled_negative);
#endif
    en_free(next_x), en_free(next_ideal);
    en_pool_destroy(w.pool);
    en_free(w.salience_total), en_free(w.salience_squares), en_free(w.effective_power);
    en_free(w.x), en_free(w.ideal), en_free(w.distance), en_free(w.distance_t), en_free(w.risk);
    en_free(w.distance_tf), en_free(w.row_unit), en_free(w.salience_t), en_free(w.ideal_t);
    en_free(w.x_t);
    en_free(w.end_u);
    en_free(w.sq_utility), en_free(w.hint);
    en_free(w.Tt), en_free(w.row_sum), en_free(w.abs_sum), en_free(w.bu), en_free(w.bu_err);
    en_free(w.exact);
    for (int t = 0; t < w.threads; t++) {
        smp_scratch *sc = &w.scratch[t];
        en_free(sc->rh), en_free(sc->uh_i), en_free(sc->uh_m), en_free(sc->third_party_vote), en_free(sc->delta);
        en_free(sc->candidates);
        en_free(sc->perm), en_free(sc->pw), en_free(sc->cap);
        en_free(sc->screen_state), en_free(sc->screen_list), en_free(sc->perm_tmp);
        en_free(sc->fw), en_free(sc->err_a), en_free(sc->uh_i_copy);
        en_free(sc->fsw), en_free(sc->rows);
        election_free(&sc->el);
    }
    en_free(w.scratch);
    en_free(w.t_member), en_free(w.t_place), en_free(w.t_scale), en_free(w.v_member), en_free(w.v_weight);
    en_free(w.Dsf), en_free(w.Dcf), en_free(w.c_skip), en_free(w.lp), en_free(w.cand);
    if (w.sampled) election_free(w.sampled);
    en_free(w.sampled);
    if (st != EN_OK) smp_output_free(out);
    return st;
}
