/*
 * io_guard.c — the public io calls that are not loaders (writing a scenario as YAML, reading
 * the sources it cites, checking its quotes against them) under an out-of-memory guard
 * (core/oom.h): an allocation that fails unwinds the call, which releases what it had
 * allocated (and closes the files it had open) and returns EN_ERROR_NOMEM. The YAML writer
 * builds its text in a buffer and writes it at the end, so an unwind writes nothing.
 */
#include "core/oom.h"
#include "entente.h"
#include "io/citations.h"
#include "io/sources.h"
#include "io/yaml_write.h"

en_status en_scenario_write_yaml(const en_scenario *scenario, FILE *out, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (void)0, en_scenario_write_yaml_unguarded(scenario, out, err));
    return st;
}

en_status en_sources_read(const en_scenario *scenario, const char *folder, char ***texts, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, *texts = NULL, en_sources_read_unguarded(scenario, folder, texts, err));
    return st;
}

en_status en_scenario_check_citations(const en_scenario *scenario, char *const *sources, en_error *err)
{
    en_status st;
    EN_GUARDED(st, err, (void)0, en_scenario_check_citations_unguarded(scenario, sources, err));
    return st;
}
