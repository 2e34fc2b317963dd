/*
 * fuzz_ktab_csv.c — libFuzzer target for the KTAB SMP CSV reader, followed by a short smp run
 * on what it accepts (fuzz_ktab.h).
 */
#include <stdint.h>

#include "fuzz_ktab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ktab_input(data, size, EN_FORMAT_KTAB_CSV, "fuzz.csv");
}
