/*
 * default_forecaster.c — which registered model answers "what deal comes out" when the user names
 * none (`entente forecast`, the report's answer). One place, so the choice made from the backtest
 * on outcome data (docs/validation.md) is changed here and nowhere else.
 */
#include "entente.h"

const char *en_default_forecaster(void)
{
    /* The salience-weighted compromise: the baseline the literature has not reliably beaten. */
    return "compromise";
}
