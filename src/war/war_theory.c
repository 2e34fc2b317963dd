/*
 * war_theory.c — closed forms of the bargaining theory of war used by WB-1 and by its tests
 * (stated in docs/models/war.md, "Theory: the closed forms"):
 *   Fearon, "Rationalist Explanations for War", International Organization 49(3), 1995;
 *   Powell, "War as a Commitment Problem", International Organization 60(1), 2006;
 *   Smith & Stam, "Bargaining and the Nature of War", Journal of Conflict Resolution 48(6), 2004.
 * Each is O(1).
 */
#include <math.h>

#include "war/war.h"

void en_war_fearon_range(double p, double cost_a, double cost_b, double *low, double *high)
{
    /* A accepts x iff x >= p − c_A; B accepts iff x <= p + c_B. */
    *low = p - cost_a;
    *high = p + cost_b;
}

int en_war_fearon_deal_exists(double p_a, double p_b, double cost_a, double cost_b)
{
    /* A demands at least p_A − c_A, B concedes at most p_B + c_B. */
    return p_a - cost_a <= p_b + cost_b;
}

double en_war_screening_offer(double p, double cost_b, double cost_low, double cost_high,
                              double *p_accept)
{
    /* B maximises Pr(accept | x)(1 − x) + (1 − Pr(accept | x))(1 − p − c_B) with
     * Pr(accept | x) = (c_hi − p + x)/(c_hi − c_lo): first-order condition
     * x* = p + (c_B − c_hi)/2, clipped to the offers that some but not all types accept. */
    double x = p + (cost_b - cost_high) / 2;
    double lo = p - cost_high, hi = p - cost_low;
    if (x < lo) x = lo;
    if (x > hi) x = hi;
    if (p_accept) {
        double width = cost_high - cost_low;
        double a = width > 0 ? (cost_high - p + x) / width : 1;
        *p_accept = a < 0 ? 0 : a > 1 ? 1 : a;
    }
    return x;
}

double en_war_powell_margin(double delta, double p0, double p1, double cost_a, double cost_b)
{
    return delta * p1 - p0 - (1 - delta) * (cost_b + delta * cost_a);
}

double en_war_gamblers_ruin(double q, double k, double n)
{
    if (k <= 0) return 0;
    if (k >= n) return 1;
    if (q <= 0) return 0;
    if (q >= 1) return 1;
    if (fabs(q - 0.5) < 1e-12) return k / n;
    double r = (1 - q) / q;
    /* (1 − r^k)/(1 − r^N); for r > 1 rewrite with r^-N to avoid overflow at large N. */
    if (r > 1) {
        double inv = 1 / r;
        return (pow(inv, n - k) - pow(inv, n)) / (1 - pow(inv, n));
    }
    return (1 - pow(r, k)) / (1 - pow(r, n));
}

double en_war_ruin_duration(double q, double k, double n)
{
    if (k <= 0 || k >= n) return 0;
    if (q <= 0) return k;     /* A loses every battle */
    if (q >= 1) return n - k; /* A wins every battle */
    double d = 1 - 2 * q;
    /* near q = ½ the closed form cancels catastrophically; k(N − k) is its limit, and the
     * error of using it within 1e-6 of ½ is below 1e-5 of a battle for N up to 1000 */
    if (fabs(d) < 1e-6) return k * (n - k);
    double value = k / d - n / d * en_war_gamblers_ruin(q, k, n);
    return value > 0 ? value : 0;
}

double en_war_screen(double total, double low, double high, double *p_accept)
{
    /* max over y of (total − y)(y − low)/(high − low): y* = (total + low)/2, in [low, high] */
    if (!(high > low)) {
        if (p_accept) *p_accept = 1;
        return low;
    }
    double y = 0.5 * (total + low);
    if (y < low) y = low;
    if (y > high) y = high;
    if (p_accept) *p_accept = (y - low) / (high - low);
    return y;
}
