#!/usr/bin/env bash
# test_report_injection.sh ENTENTE REPO — a scenario written to attack whoever opens its report:
# script and markup in the title, description, names, labels, notes, quotes, source metadata
# and a source file's text, a javascript: link. Its report (from the file, and from a run
# store via `report --db --run N`) is opened in headless Chromium; the page must run none of
# it: the title stays the scenario's text, no element carries an event handler attribute, no
# injected element exists, the only scripts are the page's own six, the only links point into
# the page or to http(s), the policy blocked nothing (nothing was even tried), and every
# hostile string shows up as plain text.
#
# Chromium is required as in test_report_browser.sh (skip, exit 77, only outside CI).
set -euo pipefail
entente=$1
repo=$2

# browser, tmp, fail, render PAGE DOM_OUT
source "$repo/tests/lib/browser.bash"

mkdir -p "$tmp/case/sources"
# A source text that tries to end the data block and run a script, and to open a comment.
# It also holds the hostile quote the scenario cites, so the scenario passes validate's citation check.
printf 'Reported: </script><script>document.title="PWNED-SOURCE"</script> <!-- <script>x()</script>\nSaid: </script><script>alert(4)</script>\n' \
  >"$tmp/case/sources/evil.txt"
cat >"$tmp/case/evil.yaml" <<'YAML'
entente: 1
title: '</script><script>document.title=''PWNED''</script><img src=x onerror="document.title=''PWNED-IMG''">'
description: "</SCRIPT ><script>document.body.setAttribute('data-pwned','1')</script> <!-- \u2028 \u2029 & &amp; <b onmouseover=alert(1)>bold</b>"
sources:
  - id: s1
    file: sources/evil.txt
    title: '<img src=x onerror=alert(1)>'
    outlet: '<iframe src="javascript:alert(1)"></iframe>'
    author: '<svg onload=alert(1)>'
    url: 'javascript:document.title=''PWNED-LINK'''
  - id: s2
    file: sources/evil.txt
    title: second
    url: ' JaVaScRiPt:alert(1)'
issues:
  - id: land
    name: '<b onmouseover="document.title=''PWNED-B''">land</b>'
    description: '"><img src=x onerror=alert(1)>'
    scale: [0, 100]
    labels: {0: '<a href="javascript:alert(1)">zero</a>', 100: '</script><script>alert(1)</script>'}
actors:
  - id: A
    name: '<img src=x onerror=alert(2)>'
    note: '" onmouseover="alert(3)'
    capability: 2
    positions:
      land: {position: 20, salience: 0.7, cite: [s1], quote: '</script><script>alert(4)</script>', note: '<style>*{display:none}</style>'}
  - id: B
    name: '<script>alert(5)</script>'
    capability: 1
    positions:
      land: {position: 80, salience: 0.5, cite: s2}
YAML
"$entente" validate "$tmp/case/evil.yaml" >/dev/null || fail "the injection scenario does not validate"

# check NAME PAGE DOM
check() {
  local name=$1 page=$2 dom=$3
  # The page as written: data block escaped, a hash-only script policy.
  local data
  data=$(sed -n 's/.*<script id="entente-data" type="application\/json">\(.*\)/\1/p' "$page" | head -c 2000000)
  grep -qi '</script' <<<"${data%%</script>*}" && fail "$name: the data block holds '</script'"
  grep -q "script-src 'sha256-" "$page" || fail "$name: no hash-based script policy"
  grep -q "unsafe-inline' 'unsafe-eval\|script-src[^;]*unsafe" "$page" && fail "$name: the policy allows inline scripts or eval"
  # The page ran: ready, nothing recorded (a policy violation is recorded as an error).
  grep -q '<body[^>]*data-status="ready"' "$dom" || fail "$name: page not ready: $(grep -o '<ul id="entente-errors">.*</ul>' "$dom" | head -c 600)"
  grep -qE '<body[^>]*data-pwned' "$dom" && fail "$name: an injected script ran (data-pwned)"
  grep -q '<title>[^<]*PWNED' "$dom" && ! grep -q '<title>entente — &lt;/script&gt;' "$dom" &&
    fail "$name: an injected script changed the title: $(grep -o '<title>[^<]*</title>' "$dom")"
  # The elements of the serialised DOM: script bodies emptied (the inlined libraries hold
  # markup in strings), attribute values blanked (they hold no raw '"'); what is left between
  # '<' and '>' is markup, since text nodes escape '<'. perl is part of every Debian system.
  local tags
  tags=$(perl -0777 -ne 's/<script\b([^>]*)>.*?<\/script>/<script$1><\/script>/gs; s/="[^"]*"/=""/g;
                         print "$1\n" while /(<[a-zA-Z][^<>]*>)/g' "$dom")
  local handlers
  handlers=$(grep -iE '[[:space:]]on[a-z]+=' <<<"$tags" | head -5 || true)
  [ -z "$handlers" ] || fail "$name: elements with event handlers: $handlers"
  for bad in img iframe object embed frame base; do
    grep -qiE "^<${bad}[[:space:]>]" <<<"$tags" && fail "$name: an injected <$bad> element exists"
  done
  local scripts styles
  scripts=$(grep -ciE '^<script[[:space:]>]' <<<"$tags" || true)
  [ "$scripts" -eq 8 ] || fail "$name: $scripts script elements (expected the data block and the page's 7 scripts: Vega, Vega-Lite, vega-embed, vega-interpreter, charts.js, smp.js, report.js)"
  styles=$(grep -ciE '^<style>' <<<"$tags" || true)
  [ "$styles" -eq 1 ] || fail "$name: $styles plain <style> elements (expected the page's one)"
  # Links: inside the page (#...) or http(s) only.
  local links
  links=$(grep -oE '<a[^<>]* href="[^"]*"' "$dom" | sed 's/.* href="\([^"]*\)"/\1/' | grep -vE '^(#|https?://)' || true)
  [ -z "$links" ] || fail "$name: links that are neither #fragment nor http(s): $links"
  # The hostile strings are shown, as text (the serialiser escapes '<' in text).
  grep -q '&lt;/script&gt;&lt;script&gt;document.title=' "$dom" || fail "$name: the title text is not shown as text"
  grep -q '&lt;img src=x onerror=alert(2)&gt;' "$dom" || fail "$name: the actor name is not shown as text"
  grep -q 'PWNED-SOURCE' "$dom" || fail "$name: the source text is not shown"
  grep -q 'javascript:document.title' "$dom" || fail "$name: the refused link is not shown as text"
  echo "$name: no script ran, no handler, $scripts scripts, links safe"
}

# 1. From the scenario file.
"$entente" report "$tmp/case/evil.yaml" --mc-draws 20 -o "$tmp/file.html" 2>/dev/null || fail "report failed"
render "$tmp/file.html" "$tmp/file.dom"
check "report FILE" "$tmp/file.html" "$tmp/file.dom"

# 2. From a run store: the stored scenario and source texts.
"$entente" run "$tmp/case/evil.yaml" --db "$tmp/runs.db" >/dev/null 2>&1 || fail "run --db failed"
"$entente" report --db "$tmp/runs.db" --run 1 -o "$tmp/db.html" 2>/dev/null || fail "report --db failed"
render "$tmp/db.html" "$tmp/db.dom"
check "report --db --run 1" "$tmp/db.html" "$tmp/db.dom"

if [ "$failures" -gt 0 ]; then echo "$failures failed"; exit 1; fi
echo "report injection checks passed"
