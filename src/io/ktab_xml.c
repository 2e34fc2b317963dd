#include "io/ktab.h"
#include "core/error.h"
int en_ktab_xml_detect(const char *data, size_t size) { (void)data; (void)size; return 0; }
en_status en_ktab_xml_load(const char *data, size_t size, const char *name, en_scenario **out, en_error *err)
{ (void)data; (void)size; *out = NULL; return en_error_add(err, EN_ERROR_INPUT, name, 0, 0, "todo"); }
