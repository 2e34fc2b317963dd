/*
 * eum_masad_fast.c — one round of the "masad" EUM variant (bdm2, docs/models/eum.md "Variant masad"; Scholz, Calbert &
 * Smith 2011, J. Theoretical Politics 23(4):510–531), fast path. Same model as eum_masad.c,
 * sums reordered; agrees with the straight path to ~1e-15 relative.
 *
 * What makes it fast (docs/models/eum.md, "Straight and fast paths"):
 *   - everything that depends only on positions is computed per distinct position (m of them);
 *   - F(y) = Σ_k w_k |x_k − y| at every position by sorting and prefix sums, so the win
 *     probability's numerator F(x_j) − F(x_i) is O(1), the median is argmin F;
 *   - its denominator Σ_k w_k ||x_k − x_j| − |x_k − x_i|| is piecewise linear in x_k: weight
 *     outside [lo, hi] counts (hi − lo), weight inside |lo + hi − 2x_k|, so two prefix sums and
 *     the index of the midpoint give it in O(1); the midpoint moves monotonically as the alter
 *     moves away, so a row costs O(m);
 *   - pass 1 (every r = 1) needs no pow, and the utilities are linear in |x_j − x_k|: the
 *     security sums come from prefix sums plus one O(m²/2) sum of P·|u_p − u_q| over the
 *     pairs with P > 0 (pass1_body);
 *   - the midpoint index comes from a bucket table over the position range (O(1), exact), and
 *     eight-position blocks whose numerators are all negative (P = 0) skip the denominator;
 *   - pass 2 needs pow(b, r) for every (sender, alter) pair only to find, per receiver, the
 *     offers (EU > 0) and the best one: it is screened in single precision (16 lanes) with a
 *     margin relative to the size of the EU's parts, and only the pairs whose sign is in
 *     doubt or that may be a receiver's best are evaluated again exactly, with glibc pow like
 *     the straight path (see pass2_body);
 *   - both passes run on `threads` threads (eum_config.threads, 0 = online cores): pass 1 by
 *     slices of target positions (each column sum keeps its order), pass 2 by sender positions
 *     with per-thread best offers merged under a total order, so the output is bit-identical
 *     for every thread count;
 *   - the wide kernels are compiled for AVX-512F, AVX2 and baseline SSE2 and picked at run
 *     time; with no FMA contraction all three give the same bits.
 * Per round: O(n log n + m² + n·m) time (m² denominators and logs, n·m single-precision expm1s
 * and an O(n²) vectorised scan), O(threads·(n + m)) memory (O(n²) only when the caller asks for
 * the EU matrices, which uses the older all-exact scan on one thread).
 *
 * Files (they share eum_masad_fast.h):
 *   eum_masad_fast.c            this round: pass 1's slices and the security sums, the risk
 *                               exponents, pass 2's set-up and the merge of the threads' offers
 *                               (pass2_screened), the all-exact scan used when the caller asks
 *                               for the EU matrices (two-lane log/exp), the resolution, and the
 *                               threads that run the kernels;
 *   eum_masad_fast_kernels.c    the wide kernels (prob_slice_body, pass1_body, and pass2_body
 *                               with the exact re-evaluation of its candidates): one body each,
 *                               compiled for three targets (EUM_KERNELS) and picked at run time;
 *   eum_masad_fast_positions.c  the per-position tables and the win probabilities in double
 *                               precision.
 * The kernels inline their helpers into each target instance, so those helpers live in the
 * kernels' file or, like midpoint_index, static inline in the header: a helper in another
 * translation unit would not be inlined per target.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/oom.h"
#include "core/util.h"
#include "models/eum.h"
#include "models/eum_formula.h"
#include "models/eum_masad_fast.h"

/* ---- two-lane log and exp (GCC/clang vector extensions, SSE2 baseline) -------------------
 * pow(b, r) = exp(r·log b) with b = 1/2 ± a/2 ∈ [0, 1]: the logarithm depends only on the pair
 * of positions and is shared by every sender at a position; the exponential is per sender. Both
 * are evaluated two lanes at a time by the series below (relative error a few ulp, against
 * glibc's correctly rounded-ish pow: the fast path's results move by ~1e-15). */
typedef double v2d __attribute__((vector_size(16)));
typedef long long v2l __attribute__((vector_size(16)));
typedef unsigned long long v2u __attribute__((vector_size(16)));

static inline v2d v_splat(double v) { return (v2d){v, v}; }
static inline v2d v_select(v2l mask, v2d yes, v2d no)
{
    return (v2d)(((v2l)yes & mask) | ((v2l)no & ~mask));
}

static const double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;

/* natural log for b in [0, 1]; b = 0 gives −1e4 (so that exp(r·log b) underflows to ~0) */
static inline __attribute__((always_inline)) v2d v_log(v2d b)
{
    v2l bits = (v2l)b;
    v2l e = ((bits >> 52) & 0x7ff) - 1023;
    v2d m = (v2d)((bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL); /* [1, 2) */
    v2l big = m > v_splat(1.4142135623730951);
    m = v_select(big, m * v_splat(0.5), m);
    e = e - big; /* big is −1 where true */
    v2d ed = __builtin_convertvector(e, v2d);
    v2d t = (m - v_splat(1.0)) / (m + v_splat(1.0)), t2 = t * t;
    /* 2 atanh t = 2t Σ t^(2k)/(2k+1), |t| ≤ 0.1716: 12 terms reach 1e-18 */
    v2d p = v_splat(1.0 / 23);
    static const double c[] = {1.0 / 21, 1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11,
                               1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3, 1.0};
    for (int k = 0; k < 11; k++) p = p * t2 + v_splat(c[k]);
    v2d lnm = v_splat(2.0) * t * p;
    v2d result = ed * v_splat(LN2_HI) + (ed * v_splat(LN2_LO) + lnm);
    return v_select(b == v_splat(0.0), v_splat(-1e4), result);
}

/* exp for y ≤ 0 (clamped at −700, where the result is below 1e-304) */
static inline __attribute__((always_inline)) v2d v_exp(v2d y)
{
    y = v_select(y < v_splat(-700.0), v_splat(-700.0), y);
    const v2d magic = v_splat(0x1.8p52);
    v2d kd = y * v_splat(1.4426950408889634) + magic;
    v2l kbits = (v2l)kd;
    kd = kd - magic;
    v2d f = (y - kd * v_splat(LN2_HI)) - kd * v_splat(LN2_LO); /* |f| ≤ 0.347 */
    static const double inv_fact[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0,
                                      1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
                                      1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0,
                                      1.0 / 6.0, 0.5, 1.0, 1.0};
    v2d p = v_splat(inv_fact[0]);
    for (int k = 1; k < 14; k++) p = p * f + v_splat(inv_fact[k]);
    v2d scale = (v2d)(((v2u)kbits + 1023) << 52); /* 2^k: the low bits of kbits hold k */
    return p * scale;
}

static inline v2d v_load(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void v_store(double *p, v2d v) { memcpy(p, &v, sizeof v); }


/* Bulk versions over arrays whose length is a multiple of 8: four independent two-lane chains
 * per step, so the series are throughput-bound rather than latency-bound. in may equal out. */
static void log_bulk(const double *in, double *out, size_t len)
{
    for (size_t q = 0; q < len; q += 8) {
        v2d a = v_log(v_load(in + q)), b = v_log(v_load(in + q + 2));
        v2d c = v_log(v_load(in + q + 4)), d = v_log(v_load(in + q + 6));
        v_store(out + q, a);
        v_store(out + q + 2, b);
        v_store(out + q + 4, c);
        v_store(out + q + 6, d);
    }
}

/* out[q] = 2 − 4·exp(r·L[q]): the utilities 2 − 4·pow(b, r) */
static void utility_bulk(double r, const double *L, double *out, size_t len)
{
    const v2d rv = v_splat(r), two = v_splat(2.0), four = v_splat(4.0);
    for (size_t q = 0; q < len; q += 8) {
        v2d a = v_exp(rv * v_load(L + q)), b = v_exp(rv * v_load(L + q + 2));
        v2d c = v_exp(rv * v_load(L + q + 4)), d = v_exp(rv * v_load(L + q + 6));
        v_store(out + q, two - four * a);
        v_store(out + q + 2, two - four * b);
        v_store(out + q + 4, two - four * c);
        v_store(out + q + 6, two - four * d);
    }
}

/* Runs fn(args + k·size) for k < count, on count threads (the caller is one of them). The
 * results never depend on how many threads run: the kernels are written so. */
typedef struct eum_job {
    eum_kernel fn;
    void *arg;
    en_oom_section *section;
} eum_job;

static void *job_main(void *p)
{
    eum_job *job = p;
    en_oom_worker_run(job->section, job->fn, job->arg);
    return NULL;
}

typedef struct eum_threads {
    pthread_t *tid;
    int *started;
    int count;
} eum_threads;

/* Joins the threads started (the section's join, core/oom.h). */
static void eum_join(void *data)
{
    eum_threads *t = data;
    for (int k = 1; k < t->count; k++)
        if (t->started[k]) pthread_join(t->tid[k], NULL);
}

static void run_parallel(eum_kernel fn, void *args, size_t size, int count)
{
    pthread_t tid[EUM_MAX_THREADS];
    eum_job jobs[EUM_MAX_THREADS];
    int started[EUM_MAX_THREADS] = {0};
    /* No unwinding while the workers run; a worker out of memory fails the call once they are
     * joined (core/oom.h). */
    en_oom_section section;
    eum_threads threads = {tid, started, count};
    en_oom_section_begin(&section, eum_join, &threads);
    for (int k = 1; k < count; k++) {
        jobs[k] = (eum_job){fn, (char *)args + (size_t)k * size, &section};
        started[k] = pthread_create(&tid[k], NULL, job_main, &jobs[k]) == 0;
        if (!started[k]) job_main(&jobs[k]); /* no thread: same work, same result */
    }
    job_main(&(eum_job){fn, args, &section});
    en_oom_section_end(&section); /* joins the threads */
}

int eum_thread_count(int requested)
{
    long k = requested > 0 ? requested : sysconf(_SC_NPROCESSORS_ONLN);
    if (k < 1) k = 1;
    if (k > EUM_MAX_THREADS) k = EUM_MAX_THREADS;
    return (int)k;
}

/* Pass 2 screened (see pass2_body) on `threads` threads; merges the threads' best offers (a
 * maximum under a total order, so the split does not matter) and their offer counts. */
static eum_status pass2_screened(const masad_positions *mp, size_t n, const double *x,
                                 const double *s, const double *r, double Q, double T, double dx,
                                 double mu, int threads, eum_kernel kernel, long *best,
                                 double *best_eu, size_t *offers)
{
    const size_t m = mp->m, n16 = (n + WF - 1) / WF * WF, m16 = (m + WF - 1) / WF * WF;
    if ((size_t)threads > m) threads = (int)m;
    pass2_shared sh = {.mp = mp, .n = n, .n16 = n16, .m16 = m16, .x = x, .s = s, .r = r, .Q = Q,
                       .T = T, .dx = dx, .mu = mu};
    /* δ: ~60 times the single-precision error of the parts (log, expm1, P, the products and
     * sums; all-pairs checks found at most 5e-7 relative); η: over ten times the exact path's
     * own rounding (glibc pow < 1 ulp, then about ten roundings of terms ≤ 1 in size with
     * Q = 1: < 2e-15; the terms scale with 1 + |Q| + |1 − Q|·(|T| + |1 − T|)) */
    sh.delta = 3e-5f;
    sh.eta = (float)(2e-14 * (1 + fabs(Q) + fabs(1 - Q) * (fabs(T) + fabs(1 - T))));
    atomic_init(&sh.next, 0);
    double *usq = en_xmalloc(n * sizeof *usq);
    for (size_t k = 0; k < n; k++) usq[k] = eum_status_quo_utility(r[k]);
    sh.usq = usq;
    float *s_sorted = en_xcalloc(n16, sizeof *s_sorted);
    for (size_t t = 0; t < n; t++) s_sorted[t] = (float)s[mp->order[t]];
    size_t *start = en_xmalloc(m * sizeof *start);
    for (size_t q = 0, t = 0; q < m; t += mp->count[q], q++) start[q] = t;
    unsigned *pos_of = en_xmalloc(n * sizeof *pos_of);
    for (size_t t = 0; t < n; t++) pos_of[t] = (unsigned)mp->index[mp->order[t]];
    sh.pos_of = pos_of;
    double *xr = en_xmalloc((n16 + EUM_PAD) * sizeof *xr);
    for (size_t t = 0; t < n16 + EUM_PAD; t++) xr[t] = mp->u[pos_of[t < n ? t : n - 1]];
    sh.xr = xr;
    /* senders visited in a scattered order, so that few pairs set a new running maximum */
    size_t *perm = en_xmalloc(m * sizeof *perm);
    size_t stride = (size_t)(0.6180339887 * (double)m) | 1;
    for (;;) {
        size_t a = m, b = stride;
        while (b) {
            size_t t = a % b;
            a = b;
            b = t;
        }
        if (a == 1) break;
        stride++;
    }
    for (size_t k = 0; k < m; k++) perm[k] = (size_t)(((unsigned long long)k * stride) % m);
    sh.s_sorted = s_sorted;
    sh.start = start;
    sh.perm = perm;
    pass2_local *lo = en_xcalloc((size_t)threads, sizeof *lo);
    for (int k = 0; k < threads; k++) {
        pass2_local *l = &lo[k];
        l->sh = &sh;
        l->M = en_xcalloc(n16, sizeof *l->M);
        l->cnt = en_xcalloc(n16, sizeof *l->cnt);
        l->best_eu = en_xcalloc(2 * n, sizeof *l->best_eu);
        l->best_dist = l->best_eu + n;
        l->best = en_xmalloc(n * sizeof *l->best);
        for (size_t j = 0; j < n; j++) l->best[j] = -1;
        l->P = en_xcalloc(3 * (m + EUM_PAD), sizeof *l->P);
        l->pwm = l->P + m + EUM_PAD;
        l->pwxm = l->pwm + m + EUM_PAD;
        /* the P loops store up to 8 past m; by rank, the tables have n16 columns */
        const size_t stride = (m < n ? n16 : m16) + EUM_PAD;
        l->Lm = en_xcalloc(9 * stride, sizeof *l->Lm);
        l->Lp = l->Lm + stride;
        l->LBm = l->Lp + stride;
        l->LBp = l->LBm + stride;
        l->D = l->LBp + stride;
        l->E = l->D + stride;
        l->G = l->E + stride;
        l->H = l->G + stride;
        l->Pf = l->H + stride;
        if (m < n) l->Pc = en_xcalloc(n16, sizeof *l->Pc);
    }
    run_parallel(kernel, lo, sizeof *lo, threads);
    eum_status status = EUM_ROUND_OK;
    for (int k = 0; k < threads; k++)
        if (!lo[k].ok) status = EUM_ROUND_NO_INFORMATION;
    for (size_t t = 0; t < n; t++) {
        size_t j = mp->order[t];
        double bdist = 0;
        size_t total = 0;
        for (int k = 0; k < threads; k++) {
            const pass2_local *l = &lo[k];
            total += (size_t)l->cnt[t];
            if (l->best[j] >= 0 &&
                better_offer(l->best_eu[j], l->best_dist[j], l->best[j], best_eu[j], bdist, best[j])) {
                best[j] = l->best[j];
                best_eu[j] = l->best_eu[j];
                bdist = l->best_dist[j];
            }
        }
        offers[j] = total;
    }
    for (int k = 0; k < threads; k++) {
        en_free(lo[k].M);
        en_free(lo[k].cnt);
        en_free(lo[k].best_eu);
        en_free(lo[k].best);
        en_free(lo[k].P);
        en_free(lo[k].Lm);
        en_free(lo[k].Pc);
        en_free(lo[k].cand);
    }
    en_free(lo);
    en_free(s_sorted);
    en_free(usq);
    en_free(start);
    en_free(pos_of);
    en_free(xr);
    en_free(perm);
    return status;
}

eum_status eum_masad_round_fast(const eum_config *cfg, size_t n, const double *c,
                                const double *s, const double *x, double *x_out,
                                eum_move *moves, eum_trace *trace)
{
    const double Q = cfg->Q, T = cfg->T, dx = cfg->xmax - cfg->xmin;
    double *w = en_xmalloc(n * sizeof *w);
    for (size_t k = 0; k < n; k++) w[k] = c[k] * s[k];
    masad_positions mp;
    int informative = masad_build_positions(&mp, n, w, x);
    const size_t m = mp.m;
    double *r = en_xmalloc(n * sizeof *r);
    double *S = en_xcalloc(n, sizeof *S);
    /* per alter position, padded to an even length for the two-lane loops */
    const size_t m2 = (m + 7) & ~(size_t)7;
    double *P = en_xcalloc(m2, sizeof *P);
    double *A = en_xcalloc(m2, sizeof *A); /* P·Us + (1 − P)·Uf */
    double *Us = en_xcalloc(m2, sizeof *Us);
    double *tail = en_xcalloc(m2, sizeof *tail);
    double *Uf = en_xcalloc(4 * m2, sizeof *Uf), *Ub = Uf + m2, *Uw = Uf + 2 * m2;
    double *Lm = en_xcalloc(4 * m2, sizeof *Lm); /* log(1/2 ∓ a/2), log(1/2 ∓ bw/4) */
    double *Lp = Lm + m2, *LBm = Lm + 2 * m2, *LBp = Lm + 3 * m2;
    const size_t mp2 = m + EUM_PAD;
    double *X = en_xcalloc(mp2, sizeof *X); /* pass 1: Σ_p count_p·P_p(q)·|u_p − u_q| */
    eum_kernel kernel1, kernel2;
    masad_pick_kernels(&kernel1, &kernel2);
    int threads = eum_thread_count(cfg->threads);
    /* by default, small issues stay on one thread (starting threads would cost more) */
    if (cfg->threads <= 0 && (double)n * (double)m < 2e5) threads = 1;
    double *best_eu = en_xmalloc(n * sizeof *best_eu);
    double *best_dist = en_xmalloc(n * sizeof *best_dist);
    long *best = en_xmalloc(n * sizeof *best);
    size_t *offers = en_xcalloc(n, sizeof *offers);
    eum_status status = EUM_ROUND_OK;
    if (!informative) {
        status = EUM_ROUND_NO_INFORMATION;
        goto done;
    }

    /* Pass 1 (r = 1, so pow(v, 1) = v and Usq = 0): mu = weighted median = argmin F. */
    size_t qmed = 0;
    for (size_t q = 1; q < m; q++)
        if (mp.F[q] < mp.F[qmed]) qmed = q;
    double mu = mp.u[qmed];
    /* X over sender positions p (in p order) for every target position q: the threads take
     * slices of q, so each sum is formed the same way for any thread count. */
    {
        pass1_args *a1 = en_xcalloc((size_t)threads, sizeof *a1);
        for (int k = 0; k < threads; k++) {
            size_t q0 = (m / WD * (size_t)k / (size_t)threads) * WD;
            size_t q1 = k + 1 == threads ? m : (m / WD * (size_t)(k + 1) / (size_t)threads) * WD;
            a1[k] = (pass1_args){.mp = &mp, .X = X, .q0 = q0, .q1 = q1, .ok = 1};
            if (q0 < q1) {
                a1[k].P = en_xcalloc(3 * (m + EUM_PAD), sizeof(double));
                a1[k].pwm = a1[k].P + m + EUM_PAD;
                a1[k].pwxm = a1[k].pwm + m + EUM_PAD;
            }
        }
        int used = 0;
        for (int k = 0; k < threads; k++) /* skip empty slices (few positions) */
            if (a1[k].q0 < a1[k].q1) {
                pass1_args keep = a1[k];
                a1[k] = a1[used];
                a1[used++] = keep;
            }
        run_parallel(kernel1, a1, sizeof *a1, used);
        int ok = 1;
        for (int k = 0; k < threads; k++) {
            ok &= a1[k].ok;
            en_free(a1[k].P);
        }
        en_free(a1);
        if (!ok) {
            status = EUM_ROUND_NO_INFORMATION;
            goto done;
        }
    }
    /* S_k = Σ_{j≠k} EU_j(k), challengers j at position p against k at q. With r = 1 and
     * a = |u_p − u_q|/dx: Us = 2a, Uf = −2a, Usq = 0, Ub = bw, Uw = −bw with
     * bw = (|u_p − mu| + |u_p − u_q|)/dx, so EU_j(k) = s_k·2a·(2P − 1) + (1 − s_k)·2a +
     * (1 − Q)(2T − 1)·bw. Over all actors j (k's own term is 0 but for the bw part):
     *   ΣUs = 2G(q)/dx,  ΣA = 4X(q)/dx − ΣUs,  Σtail = −(1 − Q)(2T − 1)(Cmu + G(q))/dx,
     * G(q) = Σ_j |x_j − u_q| and Cmu = Σ_j |x_j − mu| from prefix sums over positions. */
    {
        double *PC = en_xmalloc(2 * (m + 1) * sizeof *PC), *PCU = PC + m + 1;
        PC[0] = PCU[0] = 0;
        for (size_t q = 0; q < m; q++) {
            PC[q + 1] = PC[q] + (double)mp.count[q];
            PCU[q + 1] = PCU[q] + (double)mp.count[q] * mp.u[q];
        }
        double Cmu = 0;
        for (size_t q = 0; q < m; q++) Cmu += (double)mp.count[q] * fabs(mp.u[q] - mu);
        const double tq = (1 - Q) * (2 * T - 1);
        for (size_t k = 0; k < n; k++) {
            size_t q = mp.index[k];
            double y = mp.u[q];
            double G = (y * PC[q] - PCU[q]) + ((PCU[m] - PCU[q + 1]) - y * (PC[m] - PC[q + 1]));
            double sumU = 2 * (G / dx);
            double sumA = 4 * (X[q] / dx) - sumU;
            /* k's own tail, −(1 − Q)(2T − 1)·|x_k − mu|/dx, is left out */
            double sumT = Q == 1 ? 0 : -tq * ((Cmu - fabs(y - mu)) + G) / dx;
            S[k] = (s[k] * sumA + (1 - s[k]) * sumU) - sumT;
        }
        en_free(PC);
    }
    if (!eum_risk_exponents(n, S, NULL, r)) {
        status = EUM_ROUND_EQUAL_DANGER;
        goto done;
    }
    if (trace && trace->r) memcpy(trace->r, r, n * sizeof *r);

    /* Pass 2: new r, mu = weighted mean. Receivers are scanned in position order so the
     * per-position tables are read sequentially. */
    double top = 0, bottom = 0;
    for (size_t k = 0; k < n; k++) {
        top += w[k] * x[k];
        bottom += w[k];
    }
    mu = top / bottom;
    for (size_t k = 0; k < n; k++) best[k] = -1;
    if (!(trace && trace->eu_self)) {
        status = pass2_screened(&mp, n, x, s, r, Q, T, dx, mu, threads, kernel2, best, best_eu,
                                offers);
        if (status != EUM_ROUND_OK) goto done;
    } else {
        /* the caller wants every EU: all pairs exactly, one thread (small issues only) */
        const size_t *ord = mp.order;
        for (size_t t0 = 0; t0 < n;) {
            size_t p = mp.index[ord[t0]];
            /* cannot happen after pass 1; kept for safety */
            if (!masad_probability_row(&mp, p, P)) {
                status = EUM_ROUND_NO_INFORMATION;
                goto done;
            }
            for (size_t q = 0; q < m; q++) {
                double a = fabs((mp.u[p] - mp.u[q]) / dx);
                Lm[q] = 0.5 - 0.5 * a;
                Lp[q] = 0.5 + 0.5 * a;
                if (Q != 1) {
                    double bw = (fabs(mp.u[p] - mu) + fabs(mp.u[p] - mp.u[q])) / dx;
                    LBm[q] = 0.5 - 0.25 * bw;
                    LBp[q] = 0.5 + 0.25 * bw;
                }
            }
            log_bulk(Lm, Lm, m2);
            log_bulk(Lp, Lp, m2);
            if (Q != 1) {
                log_bulk(LBm, LBm, m2);
                log_bulk(LBp, LBp, m2);
            }
            for (size_t t = t0; t < t0 + mp.count[p]; t++) {
                size_t i = ord[t];
                const double ri = r[i];
                const double usq = eum_status_quo_utility(ri);
                utility_bulk(ri, Lm, Us, m2);
                utility_bulk(ri, Lp, Uf, m2);
                if (Q != 1) {
                    utility_bulk(ri, LBm, Ub, m2);
                    utility_bulk(ri, LBp, Uw, m2);
                }
                for (size_t q = 0; q < m; q++) {
                    A[q] = masad_contest(P[q], Us[q], Uf[q]);
                    tail[q] = Q == 1 ? Q * usq /* (1 − Q)·(…) is exactly 0 */
                                     : masad_status_quo(usq, Ub[q], Uw[q], Q, T);
                }
                /* the actor's own position: a = 0, so Us = Uf = Usq exactly as in the reference */
                A[p] = masad_contest(P[p], usq, usq);
                Us[p] = usq;
                if (Q != 1) {
                    double U[5];
                    masad_utilities(mp.u[p], mp.u[p], mu, dx, ri, usq, 1, U);
                    tail[p] = masad_status_quo(usq, U[MASAD_UB], U[MASAD_UW], Q, T);
                }
                for (size_t tj = 0; tj < n; tj++) {
                    size_t j = ord[tj];
                    if (j == i) continue;
                    size_t q = mp.index[j];
                    double eu = masad_combine(s[j], A[q], Us[q], tail[q]);
                    if (trace && trace->eu_self) trace->eu_self[i * n + j] = eu;
                    if (!(eu > 0)) continue;
                    offers[j]++;
                    double dist = fabs(mp.u[q] - mp.u[p]);
                    if (better_offer(eu, dist, (long)i, best_eu[j], best_dist[j], best[j])) {
                        best[j] = (long)i;
                        best_eu[j] = eu;
                        best_dist[j] = dist;
                    }
                }
            }
            t0 += mp.count[p];
        }
    }
    if (trace && trace->eu_self) {
        for (size_t i = 0; i < n; i++) trace->eu_self[i * n + i] = NAN;
        if (trace->eu_other)
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++) trace->eu_other[i * n + j] = trace->eu_self[j * n + i];
    }

    /* Resolution: receiver i against its best sender j; Ui = EU_i(j) evaluated once. */
    for (size_t i = 0; i < n; i++) {
        if (best[i] < 0) continue;
        size_t j = (size_t)best[i];
        size_t qi = mp.index[i], qj = mp.index[j];
        double Pij = qi == qj ? 0.0 : masad_probability_one(&mp, qi, qj);
        double U[5];
        masad_utilities(x[i], x[j], mu, dx, r[i], eum_status_quo_utility(r[i]), 1, U);
        double Ui = masad_eu(Pij, U, s[j], Q, T);
        double Uj = best_eu[i];
        eum_move *mv = &moves[i];
        mv->with = (long)j;
        mv->eu_self = Ui;
        mv->eu_other = Uj;
        mv->offer_x = x[j];
        mv->n_offers = offers[i];
        eum_masad_resolve(mv, x[i], x[j], Ui, Uj);
        x_out[i] = mv->new_position;
    }
done:
    masad_free_positions(&mp);
    en_free(w);
    en_free(r);
    en_free(S);
    en_free(P);
    en_free(A);
    en_free(Us);
    en_free(tail);
    en_free(Lm);
    en_free(Uf);
    en_free(X);
    en_free(best_eu);
    en_free(best_dist);
    en_free(best);
    en_free(offers);
    return status;
}
