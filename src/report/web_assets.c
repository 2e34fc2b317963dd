/*
 * web_assets.c — the compiled-in web assets by name (entente/assets.h), so a program serving
 * the report's pages (`entente serve`) needs no knowledge of how scripts/embed-web.sh names
 * the arrays.
 */
#include <string.h>

#include "entente.h"
#include "report/assets.h"

static const struct {
    const char *name;
    const unsigned char *data;
} assets[] = {
    {"vega.js", en_asset_vega},
    {"vega-lite.js", en_asset_vega_lite},
    {"vega-embed.js", en_asset_vega_embed},
    {"vega-interpreter.js", en_asset_vega_interpreter},
    {"report.js", en_asset_report_js},
    {"charts.js", en_asset_charts_js},
    {"smp.js", en_asset_smp_js},
    {"serve.js", en_asset_serve_js},
    {"report.css", en_asset_report_css},
    {"serve.css", en_asset_serve_css},
};

const char *en_web_asset(const char *name, size_t *size)
{
    if (!name) return NULL;
    for (size_t k = 0; k < sizeof assets / sizeof assets[0]; k++) {
        if (strcmp(assets[k].name, name) != 0) continue;
        const char *text = (const char *)assets[k].data;
        if (size) *size = strlen(text);
        return text;
    }
    return NULL;
}

const char *en_web_asset_version(const char *package)
{
    if (!package) return NULL;
    if (strcmp(package, "vega") == 0) return en_asset_vega_version;
    if (strcmp(package, "vega-lite") == 0) return en_asset_vega_lite_version;
    if (strcmp(package, "vega-embed") == 0) return en_asset_vega_embed_version;
    if (strcmp(package, "vega-interpreter") == 0) return en_asset_vega_interpreter_version;
    return NULL;
}
