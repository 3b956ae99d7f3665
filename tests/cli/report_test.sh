#!/bin/sh
# gcsim report: a self-contained page whose data agree with run --format
# jsonl, sampled (and saying so) on long traces, every collection kept up
# to the cap (and the page saying how many more there were), and errors as
# every command gives them, with no page left behind.
# usage: report_test.sh GCSIM TRACES_DIR CLI_DIR
set -u
gcsim=$1 traces=$2 dir=$3
. "$(dirname "$0")/lib.sh"

# The page's data: collections per setting, as drawn, and the sampling.
facts() { # page -> "steps width collections marks dropped" per setting
	python3 - "$1" <<'PY'
import json, re, sys
page = open(sys.argv[1]).read()
d = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S).group(1))
for s in d["settings"]:
    print(d["steps"], d["width"], s["collections"], len(s["marks"]), s["marks_dropped"])
PY
}
jsonl_collections() { # run options... trace
	"$gcsim" run --format jsonl "$@" | python3 -c '
import json, sys
print(sum(len(json.loads(l)["collections"]) for l in sys.stdin if l.startswith("{\"step\"")))'
}

t=$traces/gen2-long-lived-brake.trace
check "report" 0 "$gcsim" report "$t" -o "$tmp/r.html"
[ -s "$tmp/out" ] && bad "report -o wrote to standard output" || ok
head -c 15 "$tmp/r.html" | grep -q '<!DOCTYPE html>' && ok || bad "not an HTML page"
# Self-contained: nothing fetched (the SVG namespace is a name, not a fetch).
grep -v 'xmlns="http://www.w3.org/2000/svg"' "$tmp/r.html" >"$tmp/page"
for word in 'src=' 'href=' 'url(' '@import' 'http://' 'https://' '<link' '<iframe'; do
	lacks "self-contained: $word" page "$word"
done
want=$(jsonl_collections "$t")
set -- $(facts "$tmp/r.html")
[ "$1 $2 $3 $4 $5" = "$1 1 $want $want 0" ] && ok ||
	bad "one setting: steps/width/collections/marks/dropped $*, want $want collections"
contains "every step drawn" r.html "every step drawn"
contains "summary table" r.html "collections gen0/gen1/gen2"
check "to stdout" 0 "$gcsim" report "$t"
cmp -s "$tmp/out" "$tmp/r.html" && ok || bad "report and report -o differ"
check "from stdin" 0 sh -c "\"$gcsim\" report - < \"$t\""
contains "stdin named" out "gcsim report: <code>&lt;stdin&gt;</code>"

# Several settings, a long trace: sampled, and said so.
"$gcsim" gen --model handler --events 20000 --seed 2 -o "$tmp/big.trace"
check "settings" 0 "$gcsim" report --python 3.11 --python 3.12 --threshold 50,5,5 \
	--threshold 200 "$tmp/big.trace" -o "$tmp/s.html"
facts "$tmp/s.html" >"$tmp/facts"
[ "$(wc -l <"$tmp/facts")" -eq 4 ] && ok || bad "4 settings, $(wc -l <"$tmp/facts") drawn"
n=0
for s in "--python 3.11 --threshold 50,5,5" "--python 3.11 --threshold 200" \
	"--python 3.12 --threshold 50,5,5" "--python 3.12 --threshold 200"; do
	n=$((n + 1))
	want=$(jsonl_collections $s "$tmp/big.trace")
	set -- $(sed -n "${n}p" "$tmp/facts")
	[ "$3 $4 $5" = "$want $want 0" ] && ok || bad "setting $s: $*, want $want collections"
	[ "$2" -gt 1 ] && [ $(( ($1 + $2 - 1) / $2 )) -le 2048 ] && ok || bad "not sampled to <= 2048 columns: $*"
done
contains "says it sampled" s.html "sampled: each of the"

# More collections than the cap: all counted, the first drawn, said so.
awk 'BEGIN { print "alloc a list"; for (i = 0; i < 50200; i++) print "collect " i % 3 }' >"$tmp/many.trace"
check "cap" 0 "$gcsim" report "$tmp/many.trace" -o "$tmp/c.html"
want=$(jsonl_collections "$tmp/many.trace")
set -- $(facts "$tmp/c.html")
[ "$want" -gt 50000 ] && [ "$3 $4 $5" = "$want 50000 $((want - 50000))" ] && ok ||
	bad "cap: $*, want $want collections, 50000 drawn"
contains "says what it left out" c.html "$((want - 50000)) collections past the first 50000 are not drawn"

# Errors: the usual statuses, and no page left behind.
check "no trace" 2 "$gcsim" report
check "two traces" 2 "$gcsim" report "$t" "$t"
check "bad python" 2 "$gcsim" report --python 2.7 "$t"
check "stdin, two settings" 2 sh -c "\"$gcsim\" report --python 3.11 --python 3.12 - < \"$t\""
check "missing trace" 4 "$gcsim" report "$tmp/nosuch.trace" -o "$tmp/x.html"
check "invalid trace" 3 "$gcsim" report "$dir/bad-event.trace" -o "$tmp/x.html"
contains "invalid trace: file:line:col" err "bad-event.trace:2:1: unknown event"
[ -e "$tmp/x.html" ] && bad "a failed report left a page" || ok
check "unwritable" 4 "$gcsim" report "$t" -o "$tmp/nosuch/x.html"
finish
