/*
 * version.c — the library's version as a number, for programs that check at run time which
 * libentente they loaded (en_version, the string, is in error.c).
 */
#include "entente.h"

int en_version_number(void)
{
    return ENTENTE_VERSION_NUMBER;
}
