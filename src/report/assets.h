/*
 * assets.h — the chart libraries the HTML report inlines (Vega, Vega-Lite, vega-embed), as
 * compiled into libentente from web/node_modules by scripts/embed-web.sh (see web/web.cmake).
 * Each array is NUL-terminated; the size excludes the terminator.
 */
#ifndef ENTENTE_REPORT_ASSETS_H
#define ENTENTE_REPORT_ASSETS_H

#include <stddef.h>

extern const unsigned char en_asset_vega[], en_asset_vega_lite[], en_asset_vega_embed[];
extern const size_t en_asset_vega_size, en_asset_vega_lite_size, en_asset_vega_embed_size;
/* Vega's expression interpreter as a classic script (scripts/embed-web.sh), so the charts need
 * no eval; it sets window.ententeExpressionInterpreter. */
extern const unsigned char en_asset_vega_interpreter[];
extern const char en_asset_vega_interpreter_version[];
/* The report's own script and style sheet (web/report.js, web/report.css). */
extern const unsigned char en_asset_report_js[], en_asset_report_css[];
/* The charts the report and the workbench share (web/charts.js), and the workbench's own page
 * code (web/serve.js, web/serve.css; `entente serve`). */
extern const unsigned char en_asset_charts_js[], en_asset_serve_js[], en_asset_serve_css[];
/* The smp section's script (web/smp.js), loaded before report.js, which builds it. */
extern const unsigned char en_asset_smp_js[];
extern const char en_asset_vega_version[], en_asset_vega_lite_version[], en_asset_vega_embed_version[];

#endif
