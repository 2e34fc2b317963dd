# web.cmake — builds the C source that carries the HTML report's chart libraries (Vega, Vega-Lite,
# vega-embed) inside libentente, so `entente report` works offline and needs no Node at run time.
# The libraries come from the npm registry at the versions pinned in web/package-lock.json
# (`npm ci`, run by scripts/embed-web.sh only when web/node_modules is missing or stale); nothing
# is vendored in the repository. Included from the top-level CMakeLists.txt.
set(ENTENTE_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
set(ENTENTE_WEB_SOURCE ${CMAKE_BINARY_DIR}/generated/web_assets.c)

if(NOT EXISTS ${ENTENTE_WEB_DIR}/node_modules/vega/build/vega.min.js)
  find_program(ENTENTE_NPM npm)
  if(NOT ENTENTE_NPM)
    message(FATAL_ERROR
      "entente: npm not found. The HTML report embeds Vega, Vega-Lite and vega-embed, fetched "
      "from the npm registry at build time (web/package-lock.json). Install Node.js and npm "
      "(`bash scripts/install-deps.sh` does, or `apt-get install nodejs npm`) and configure again.")
  endif()
endif()
find_program(ENTENTE_XXD xxd)
if(NOT ENTENTE_XXD)
  message(FATAL_ERROR "entente: xxd not found (Debian package xxd; `bash scripts/install-deps.sh`).")
endif()

add_custom_command(
  OUTPUT ${ENTENTE_WEB_SOURCE}
  COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/embed-web.sh ${ENTENTE_WEB_DIR} ${ENTENTE_WEB_SOURCE}
  DEPENDS ${ENTENTE_WEB_DIR}/package.json ${ENTENTE_WEB_DIR}/package-lock.json
          ${ENTENTE_WEB_DIR}/report.js ${ENTENTE_WEB_DIR}/report.css
          ${ENTENTE_WEB_DIR}/charts.js ${ENTENTE_WEB_DIR}/serve.js ${ENTENTE_WEB_DIR}/serve.css ${ENTENTE_WEB_DIR}/smp.js
          ${PROJECT_SOURCE_DIR}/scripts/embed-web.sh
  COMMENT "Embedding the report's chart libraries (web/node_modules) into libentente"
  VERBATIM)
target_sources(entente_lib PRIVATE ${ENTENTE_WEB_SOURCE})
