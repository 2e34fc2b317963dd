#!/usr/bin/env bash
# test_evidence_cli.sh — `entente evidence` end to end: located errors and exit 2 for binary,
# non-UTF-8, empty and missing articles (and no half-written -o file); every span of the JSON
# output is the article's bytes at its offsets; the scorer on a hand-labelled article with
# hand-computed figures; YAML quotes verbatim; `validate` catches a quote not in its source.
# Usage: bash test_evidence_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
bin=$1
root=$2
source "$root/tests/lib/cli.bash"
scenario="$root/scenarios/ukraine-2023.yaml"

# ---- bad input ----
printf 'abc\0def' >"$tmp/binary.txt"
expect 2 "$bin" evidence "$tmp/binary.txt"
grep -q "binary.txt:1:4: error: NUL byte" "$tmp/err" || fail "binary: $(cat "$tmp/err")"
printf 'Zelensky said\nso \xe9t\xe9.\n' >"$tmp/latin1.txt"
expect 2 "$bin" evidence "$tmp/latin1.txt"
grep -q "latin1.txt:2:4: error: invalid UTF-8 byte 0xE9" "$tmp/err" || fail "latin1: $(cat "$tmp/err")"
: >"$tmp/empty.txt"
expect 2 "$bin" evidence "$tmp/empty.txt"
grep -q "empty.txt:1:1: error: the article is empty" "$tmp/err" || fail "empty: $(cat "$tmp/err")"
expect 2 "$bin" evidence "$tmp/missing.txt"
grep -q "cannot open" "$tmp/err" || fail "missing: $(cat "$tmp/err")"
expect 2 "$bin" evidence "$root/scenarios/sources/001_8369ad6182a862d3.txt" "$tmp/binary.txt" -o "$tmp/out.json"
[ -e "$tmp/out.json" ] && fail "-o written although an article was bad"
expect 2 "$bin" evidence --format xml "$root/scenarios/sources/001_8369ad6182a862d3.txt"
expect 2 "$bin" evidence
expect 0 "$bin" evidence --help

# ---- spans are the article's bytes ----
expect 0 "$bin" evidence --scenario "$scenario" "$root"/scenarios/sources/00*.txt -o "$tmp/all.json"
python3 - "$tmp/all.json" "$root/scenarios/sources" <<'EOF' || fail "spans are not the article's bytes"
import json, sys, os
arts = json.load(open(sys.argv[1]))
assert len(arts) == 5
n = 0
for a in arts:
    raw = open(os.path.join(sys.argv[2], a["file"]), "rb").read()
    for s in a["statements"]:
        def check(text, start, end):
            assert raw[start:end].decode("utf-8") == text, (a["file"], s["id"], text)
        check(s["sentence"], s["sentence_start"], s["sentence_end"])
        check(s["text"], s["text_start"], s["text_end"])
        if s["mention"] is not None: check(s["mention"], s["mention_start"], s["mention_end"])
        if s["cue"] is not None: check(s["cue"], s["cue_start"], s["cue_end"])
        for q in s["quote_parts"]: check(q["text"], q["start"], q["end"])
        for q in s["issues"]: check(q["position"], q["start"], q["end"])
        assert s["rules"], s["id"]
        assert s["kind"] in ("direct_quote", "indirect", "report", "decision")
        assert s["stance_on_talks"] in ("open", "conditional", "closed", "pushes_for", "blocks", "n/a")
        n += 1
assert n > 60, n
EOF
expect 0 "$bin" evidence --format jsonl --scenario "$scenario" "$root"/scenarios/sources/00*.txt
[ "$(wc -l <"$tmp/out")" -eq "$(python3 -c "import json,sys; print(sum(len(a['statements']) for a in json.load(open(sys.argv[1]))))" "$tmp/all.json")" ] ||
  fail "jsonl has one line per statement"

# ---- the scorer on a hand-labelled article ----
cat >"$tmp/art_1.txt" <<'EOF'
“We are ready for dialogue with Russia, but with another president of Russia,” Zelensky said last month.
The Washington Post first reported that the US is urging Ukraine to be open to talks.
The talks later stalled.
EOF
# Four statements by hand (an AUTHOR claim is left out); the extractor cannot find the fourth
# (no cue). By hand: detection 3 of 3 extracted right, 3 of 4 labelled found; stances: the two
# extracted both right, 2 of the 3 labelled.
cat >"$tmp/labels.json" <<'EOF'
[{"file": "art_1.txt", "statements": [
 {"id": "a-1", "actor": "UKR", "kind": "direct_quote", "cue": "said", "stance_on_talks": "conditional", "target": "RUS",
  "sentence": "“We are ready for dialogue with Russia, but with another president of Russia,” Zelensky said last month."},
 {"id": "a-2", "actor": "MEDIA", "kind": "report", "cue": "first reported", "stance_on_talks": "n/a", "target": null,
  "sentence": "The Washington Post first reported that the US is urging Ukraine to be open to talks."},
 {"id": "a-3", "actor": "USA", "kind": "indirect", "cue": "is urging", "stance_on_talks": "open", "target": "RUS-UKR",
  "sentence": "The Washington Post first reported that the US is urging Ukraine to be open to talks."},
 {"id": "a-4", "actor": "RUS", "kind": "indirect", "cue": null, "stance_on_talks": "closed", "target": "UKR",
  "sentence": "The talks later stalled."},
 {"id": "a-5", "actor": "AUTHOR", "kind": "indirect", "cue": null, "stance_on_talks": "n/a", "target": null,
  "sentence": "The talks later stalled."}]}]
EOF
expect 0 "$bin" evidence --scenario "$scenario" --score "$tmp/labels.json" "$tmp/art_1.txt"
grep -q "statement detection       precision 1.000  recall 0.750" "$tmp/out" || fail "detection: $(cat "$tmp/out")"
grep -q "speaker->actor            precision 1.000  recall 0.750" "$tmp/out" || fail "attribution: $(cat "$tmp/out")"
grep -q "stance on talks + target  precision 1.000  recall 0.667" "$tmp/out" || fail "stance: $(cat "$tmp/out")"
grep -q "missed     a-4" "$tmp/out" || fail "the miss is listed"
# a wrong actor in the labels costs attribution, not detection
sed 's/"actor": "USA"/"actor": "GBR"/' "$tmp/labels.json" >"$tmp/labels2.json"
expect 0 "$bin" evidence --scenario "$scenario" --score "$tmp/labels2.json" "$tmp/art_1.txt"
grep -q "statement detection       precision 1.000  recall 0.750" "$tmp/out" || fail "detection 2: $(cat "$tmp/out")"
grep -q "speaker->actor            precision 0.667  recall 0.500" "$tmp/out" || fail "attribution 2: $(cat "$tmp/out")"
expect 2 "$bin" evidence --score "$tmp/binary.txt" "$tmp/art_1.txt"

# ---- YAML citation fragments quote verbatim ----
expect 0 "$bin" evidence --format yaml --scenario "$scenario" "$root/scenarios/sources/003_ec0cab83f402ce08.txt"
grep -q "cite: \[s003\]" "$tmp/out" || fail "yaml cites the scenario's source id"
python3 - "$tmp/out" "$root/scenarios/sources/003_ec0cab83f402ce08.txt" <<'EOF' || fail "yaml quotes are verbatim"
import json, sys
text = open(sys.argv[2], encoding="utf-8").read()
quotes = [json.loads(l.split("quote: ", 1)[1]) for l in open(sys.argv[1], encoding="utf-8") if l.startswith("      quote: ")]
assert len(quotes) > 10
for q in quotes: assert q in text, q
EOF

# ---- validate checks citations ----
cp -r "$root/scenarios" "$tmp/sc"
expect 0 "$bin" validate "$tmp/sc/ukraine-2023.yaml"
python3 - "$tmp/sc/ukraine-2023.yaml" <<'EOF'
import sys
p = sys.argv[1]; s = open(p, encoding="utf-8").read()
# curly quotes and a doubled space are normalised away; a changed word is not
s = s.replace("Ukraine’s stance on peace talks", "Ukraine's stance  on peace talks", 1)
open(p, "w", encoding="utf-8").write(s)
EOF
expect 0 "$bin" validate "$tmp/sc/ukraine-2023.yaml"
sed -i 's/has issued a decree banning negotiations with Putin/has issued a decree banning all negotiations with Putin/' "$tmp/sc/ukraine-2023.yaml"
expect 2 "$bin" validate "$tmp/sc/ukraine-2023.yaml"
grep -q "ukraine-2023.yaml:[0-9]*:[0-9]*: error: UKR on '.*': the quote is not in the cited source (s004, s003)" "$tmp/err" || fail "tampered quote: $(cat "$tmp/err")"
rm "$tmp/sc/sources/004_d8a70d7fb850631b.txt"
expect 2 "$bin" validate "$tmp/sc/ukraine-2023.yaml"
grep -q "note: source 's004': file 'sources/004_d8a70d7fb850631b.txt' not found" "$tmp/err" || fail "missing source file: $(cat "$tmp/err")"

finish "evidence cli ok"
