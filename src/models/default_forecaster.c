/*
 * default_forecaster.c — which registered model answers "what deal comes out" when the user names
 * none (`entente forecast`, the report's answer). One place, so the choice made from the backtest
 * on outcome data (docs/validation.md) is changed here and nowhere else.
 */
#include "entente.h"

const char *en_default_forecaster(void)
{
    /* The ensemble of the procedural compromise and the exchange model: lower cross-validated
     * error than the compromise on DEU III proposals it was not fit on (docs/validation.md),
     * independent of actor order, and defined on every scenario. */
    return "ensemble";
}
