/*
 * eum_masad_fast.h — what the files of the masad fast path share (not for use outside
 * src/models/eum_masad_fast*.c): the per-position tables and the win probabilities computed
 * from them (eum_masad_fast_positions.c), and the argument records and run-time dispatch of the
 * wide pass-1 and pass-2 kernels (eum_masad_fast_kernels.c), which the round
 * (eum_masad_fast.c) drives. What the kernels must inline for each target instance
 * (bucket_of, midpoint_index) is defined here, static inline.
 */
#ifndef ENTENTE_MODELS_EUM_MASAD_FAST_H
#define ENTENTE_MODELS_EUM_MASAD_FAST_H

#include <stdatomic.h>
#include <stddef.h>

#define EUM_PAD 32 /* padding of the per-position arrays, > two wide vectors */
#define WD 8       /* doubles per wide vector */
#define WF 16      /* floats per wide vector */

/* ---- per-position tables (eum_masad_fast_positions.c) ------------------------------------ */

typedef struct masad_positions {
    size_t m;
    double *u;      /* distinct positions, ascending */
    double *W;      /* weight (c·s) at each */
    double *PW;     /* prefix sums of W, m + 1 entries */
    double *PWX;    /* prefix sums of W·u */
    double *F;      /* F(u_q) = Σ_k w_k |x_k − u_q| */
    size_t *count;  /* actors at each */
    size_t *index;  /* per actor: its position index */
    size_t *order;  /* actors sorted by position (stable) */
    double tol;     /* below this a computed denominator may be rounding noise */
    /* bucket index of the position range: bucket(v) = ⌊(v − u_0)·scale⌋ (monotone in v), and
     * first[b] = the first position whose bucket is ≥ b; it locates a midpoint in O(1) */
    double scale;
    size_t nbucket;
    unsigned *first; /* (32-bit: half the cache footprint) */
} masad_positions;

static inline size_t bucket_of(const masad_positions *mp, double v)
{
    double t = (v - mp->u[0]) * mp->scale;
    if (!(t > 0)) return 0;
    return t >= (double)mp->nbucket ? mp->nbucket : (size_t)t;
}

/* The first position index q with 2·u_q ≥ sum (sum = u_lo + u_hi, lo < hi: the midpoint index
 * of the denominator). Exact: the bucket's first entry is never past it. */
static inline size_t midpoint_index(const masad_positions *mp, double sum)
{
    const double *u = mp->u;
    size_t q = mp->first[bucket_of(mp, 0.5 * sum)];
    /* usually no step at all (8 buckets per position): a well-predicted branch, faster
     * than stepping without branches */
    while (2 * u[q] < sum) q++;
    return q;
}

/* Builds the tables for n actors with weights w and positions x; returns 0 if the total weight
 * is not positive. Free them with masad_free_positions (also after a 0). */
int masad_build_positions(masad_positions *mp, size_t n, const double *w, const double *x);
void masad_free_positions(masad_positions *mp);
/* Σ_k w_k ||x_k − u_b| − |x_k − u_a|| for positions qa < qb (qm: their midpoint index). */
double masad_denominator(const masad_positions *mp, size_t qa, size_t qb, size_t qm);
/* The row P_p(q) of sender position p; 0 if a denominator is zero. */
int masad_probability_row(const masad_positions *mp, size_t p, double *P);
/* One probability P_a(b), positions a ≠ b. */
double masad_probability_one(const masad_positions *mp, size_t a, size_t b);

/* ---- kernels (eum_masad_fast_kernels.c) --------------------------------------------------- */

/* One slice of pass 1 (pass1_body): X[q] for target positions [q0, q1). */
typedef struct pass1_args {
    const masad_positions *mp;
    double *X;
    double *P, *pwm, *pwxm; /* scratch, m + EUM_PAD */
    size_t q0, q1;
    int ok;
} pass1_args;

/* Pass 2 (pass2_body explains the screening and its error bound). A pair kept for the exact
 * evaluation: */
typedef struct p2_cand {
    unsigned t;   /* receiver, rank in position order */
    unsigned i;   /* sender */
    float hi;     /* upper bound of its EU */
    unsigned amb; /* 1: sign in doubt, count the offer if the exact EU is > 0 */
} p2_cand;

/* Pass 2's inputs, read by every thread: */
typedef struct pass2_shared {
    const masad_positions *mp;
    size_t n, n16, m16;
    const double *x, *s, *r;
    const double *usq;      /* per actor: 2 − 4·pow(0.5, r) */
    const float *s_sorted;  /* n16: salience of the receiver of rank t (pads 0) */
    const size_t *start;    /* per position: first rank there */
    const unsigned *pos_of; /* per rank: its position index */
    const double *xr;       /* per rank: its position (n16 + EUM_PAD, padded with the last) */
    const size_t *perm;     /* sender positions in visiting order */
    double Q, T, dx, mu;
    float delta, eta; /* screening error bound: relative part, absolute part */
    atomic_size_t next;
} pass2_shared;

/* Pass 2's per-thread state and results (merged by the round): */
typedef struct pass2_local {
    pass2_shared *sh;
    float *M;            /* n16: largest lower bound eu~ − bound per receiver rank (≥ 0) */
    int *cnt;            /* n16: offers per receiver rank */
    double *best_eu, *best_dist; /* per actor: exact best offer among this thread's senders */
    long *best;
    p2_cand *cand;
    size_t ncand, capcand;
    double *P, *pwm, *pwxm;            /* m + EUM_PAD */
    float *Lm, *Lp, *LBm, *LBp, *D, *E, *G, *H, *Pf; /* m16 */
    float *Pc;                         /* n16: P by receiver rank, when positions are shared */
    int ok;
} pass2_local;

/* the selection order: larger EU, then nearer, then the earlier sender */
static inline int better_offer(double eu, double dist, long i, double beu, double bdist, long bi)
{
    if (bi < 0) return 1;
    if (eu != beu) return eu > beu;
    if (dist != bdist) return dist < bdist;
    return i < bi;
}

/* A kernel takes a pass1_args or a pass2_local. masad_pick_kernels returns the pass-1 and
 * pass-2 instances for this CPU (AVX-512F, AVX2 or SSE2: the same bits). */
typedef void (*eum_kernel)(void *);
void masad_pick_kernels(eum_kernel *k1, eum_kernel *k2);

#endif
