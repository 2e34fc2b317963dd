/*
 * entente/assets.h — the web assets compiled into libentente (the chart libraries from npm and
 * entente's own page scripts and style sheets), for a program that serves the report's pages
 * itself, such as `entente serve`. Included by entente.h.
 */
/* entente.h first: it includes this header at its end, after its own declarations. */
#include "entente.h"
#ifndef ENTENTE_PUBLIC_ASSETS_H
#define ENTENTE_PUBLIC_ASSETS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* The asset called `name` ("vega.js", "vega-lite.js", "vega-embed.js", "vega-interpreter.js",
 * "report.js", "charts.js", "smp.js", "serve.js", "report.css", "serve.css") as NUL-terminated
 * text owned by the library, its length in *size when `size` is not NULL; NULL for an unknown
 * name. Time complexity: O(number of assets + length of name). */
const char *en_web_asset(const char *name, size_t *size);

/* The version of the npm package `package` ("vega", "vega-lite", "vega-embed",
 * "vega-interpreter") the assets were built from; NULL for an unknown package.
 * Time complexity: O(1). */
const char *en_web_asset_version(const char *package);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif /* ENTENTE_PUBLIC_ASSETS_H */
