/*
 * eum_common.c — what both EUM variants share: the round dispatcher (straight or fast path,
 * scholz or masad), the risk-exponent formula, names of move types and stop reasons.
 * The model equations are in docs/models/eum.md.
 */
#include "models/eum.h"

#include <math.h>

const char *eum_move_type_name(eum_move_type type)
{
    switch (type) {
    case EUM_MOVE_CONFRONTATION: return "confrontation";
    case EUM_MOVE_COMPROMISE: return "compromise";
    case EUM_MOVE_CAPITULATION: return "capitulation";
    default: return "none";
    }
}

const char *eum_status_name(eum_status status)
{
    switch (status) {
    case EUM_ROUND_CONSENSUS: return "consensus";
    case EUM_ROUND_EQUAL_DANGER: return "equal_danger";
    case EUM_ROUND_NO_INFORMATION: return "no_information";
    case EUM_ROUND_BAD_INPUT: return "bad_input";
    default: return "ok";
    }
}

void eum_masad_resolve(eum_move *mv, double xi, double xj, double Ui, double Uj)
{
    mv->type = EUM_MOVE_NONE;
    mv->new_position = xi;
    if (Ui > 0 && Ui < Uj) {
        mv->type = EUM_MOVE_CONFRONTATION;
        mv->new_position = xj;
    } else if (Ui < 0 && fabs(Ui) < Uj) {
        mv->type = EUM_MOVE_COMPROMISE;
        mv->new_position = xi + (xj - xi) * fabs(Ui / Uj);
    } else if (Ui < 0 && fabs(Ui) > Uj) {
        mv->type = EUM_MOVE_CAPITULATION;
        mv->new_position = xj;
    }
}

int eum_all_equal(size_t n, const double *x)
{
    for (size_t k = 1; k < n; k++)
        if (x[k] != x[0]) return 0;
    return 1;
}

/* Scholz et al. (2011) eq. for the risk acceptance R_i ∈ [−1, 1] and the exponent
 * r_i ∈ [1/2, 2]. Both references evaluate ((2·d − max) − min)/(max − min), then
 * (1 − R/3)/(1 + R/3); all r are computed before any is used. O(n). */
int eum_risk_exponents(size_t n, const double *danger, double *R, double *r)
{
    double dmax = danger[0], dmin = danger[0];
    for (size_t k = 1; k < n; k++) {
        if (danger[k] > dmax) dmax = danger[k];
        if (danger[k] < dmin) dmin = danger[k];
    }
    /* NaN-safe: anything but a strictly positive spread is the references' ZeroDivisionError */
    if (!(dmax - dmin > 0) && !(dmax - dmin < 0)) return 0;
    for (size_t k = 0; k < n; k++) {
        double Rk = ((2 * danger[k] - dmax) - dmin) / (dmax - dmin);
        if (R) R[k] = Rk;
        r[k] = (1 - Rk / 3.0) / (1 + Rk / 3.0);
    }
    return 1;
}

eum_status eum_round(const eum_config *cfg, size_t n, const double *c, const double *s,
                     const double *x, double *x_out, eum_move *moves, eum_trace *trace)
{
    for (size_t k = 0; k < n; k++) {
        x_out[k] = x[k];
        moves[k] = (eum_move){.with = -1, .type = EUM_MOVE_NONE, .new_position = x[k]};
    }
    /* Everyone at one position: the references divide by zero in the next risk phase. */
    if (n < 2 || eum_all_equal(n, x)) return EUM_ROUND_CONSENSUS;
    if (cfg->variant == EUM_SCHOLZ) {
        if (!(cfg->range > 0)) return EUM_ROUND_CONSENSUS;
        if (cfg->path && cfg->path->variant == EUM_SCHOLZ) return cfg->path->round(cfg, n, c, s, x, x_out, moves, trace);
        return eum_scholz_round_straight(cfg, n, c, s, x, x_out, moves, trace);
    }
    if (!(cfg->xmax > cfg->xmin)) return EUM_ROUND_BAD_INPUT;
    for (size_t k = 0; k < n; k++)
        if (!(x[k] >= cfg->xmin && x[k] <= cfg->xmax)) return EUM_ROUND_BAD_INPUT;
    if (cfg->path && cfg->path->variant == EUM_MASAD) return cfg->path->round(cfg, n, c, s, x, x_out, moves, trace);
    return eum_masad_round_straight(cfg, n, c, s, x, x_out, moves, trace);
}
