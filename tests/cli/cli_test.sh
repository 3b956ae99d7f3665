#!/bin/sh
# Command-line behaviour of gcsim as a user meets it: exit codes, the exact
# wording of failures and errors, format conversions and standard input.
# usage: cli_test.sh GCSIM TESTDIR TRACESDIR
set -u
gcsim=$1 dir=$2 traces=$3
. "$(dirname "$0")/lib.sh"

check wrong-expect 1 "$gcsim" check "$dir/wrong-expect.trace"
contains wrong-refcnt out "$dir/wrong-expect.trace:5: expected refcnt 3 for 'b', found 2"
if grep -q "wrong-expect.trace:6:" "$tmp/out"; then # a true expectation is not listed
	bad true-expect-listed
else
	ok
fi
contains wrong-freed out "$dir/wrong-expect.trace:7: expected 'a' freed, found it alive (refcnt 1)"
contains fail-line out "FAIL  $dir/wrong-expect.trace (2 of 3 expectations failed, python 3.12)"
contains total out "0 passed, 1 failed"

check run-wrong-expect 1 "$gcsim" run --quiet "$dir/wrong-expect.trace"
contains run-expect-stderr err "gcsim: expect failed: line 5: expected refcnt 3 for 'b', found 2"

check bad-event 3 "$gcsim" run "$dir/bad-event.trace"
contains bad-event-msg err "gcsim: error: $dir/bad-event.trace:2:1: unknown event 'frob'"
check dead-id 3 "$gcsim" run "$dir/dead-id.trace"
contains dead-id-msg err "$dir/dead-id.trace:3:5: id 'a' is dead: its object was freed at step 2 (line 2)"
check check-invalid 3 "$gcsim" check "$dir/bad-event.trace"
contains check-invalid-line out "ERROR $dir/bad-event.trace:2:1: unknown event 'frob'"

check missing-file 4 "$gcsim" run "$tmp/no-such.trace"
check no-command 2 "$gcsim"
check bad-command 2 "$gcsim" frob
check bad-option 2 "$gcsim" run --frob "$dir/dead-id.trace"
check bad-python 2 "$gcsim" run --python 2.7 "$dir/dead-id.trace"
contains bad-python-msg err "unknown python version '2.7'"
check bad-threshold 2 "$gcsim" run --threshold 1,x "$dir/dead-id.trace"
check help 0 "$gcsim" --help
contains help-lists-run out "run "
check run-help 0 "$gcsim" run --help
check check-help 0 "$gcsim" check --help
check convert-help 0 "$gcsim" convert --help
check version 0 "$gcsim" --version
contains version-text out "gcsim "

# compare: settings side by side; the garbage census is exact on a small heap.
check compare-csv 0 "$gcsim" compare --python 3.12 --format csv "$dir/garbage-wait.trace"
# 4 lists of 56 bytes and 2 references of 9 (3.12 sizes): 242 bytes at the peak
contains compare-row out "3.12,700,10,10,9,0,0,1,4,4,2,0,4,4,242,exact,2,3.0,3,2,6"
# compare sets what gcsim record logged of the real collector (its last
# `# real-gc` comment, or FILE.real-gc beside a .jsonl) beside the settings
printf '#: threshold 3\nalloc a list\nref a a\ndel a\nalloc b list\nalloc c list\nalloc d list\n# real-gc after-event 6 collections 1 0 0 collected 1 0 0\n# real-gc after-event 6 collections 2 0 0 collected 5 0 0\n' > "$tmp/rec.trace"
check compare-recorded 0 "$gcsim" compare --python 3.12 --format json "$tmp/rec.trace"
contains compare-recorded-json out '"collected":[1,0,0]'
contains compare-recorded-last out '"recorded":{"after_event":6,"collections":[2,0,0],"collected":[5,0,0]}'
check compare-recorded-text 0 "$gcsim" compare --python 3.12 "$tmp/rec.trace"
contains compare-recorded-col out "recorded: what the real interpreter's collector did"
check compare-recorded-csv 0 "$gcsim" compare --python 3.12 --format csv "$tmp/rec.trace"
contains compare-recorded-row out "recorded,,,,,2,0,0,,,,,,,,,,,,,,5,0,0"
"$gcsim" convert "$tmp/rec.trace" "$tmp/rec.jsonl"
grep real-gc "$tmp/rec.trace" > "$tmp/rec.jsonl.real-gc"
check compare-recorded-side 0 "$gcsim" compare --python 3.12 --format json "$tmp/rec.jsonl"
contains compare-recorded-side-json out '"recorded":{"after_event":6,"collections":[2,0,0],"collected":[5,0,0]}'
check compare-unrecorded 0 "$gcsim" compare --python 3.12 --format json "$dir/garbage-wait.trace"
if grep -q recorded "$tmp/out"; then bad compare-unrecorded-none; else ok; fi
check compare-json 0 "$gcsim" compare --python 3.11 --python 3.12 --threshold 700,10,10 --threshold 5,10,10 --format json "$dir/garbage-wait.trace"
contains compare-json-runs out '"python":"3.11","threshold":[5,10,10]'
contains compare-json-runs2 out '"python":"3.12","threshold":[700,10,10]'
check compare-text 0 "$gcsim" compare "$dir/garbage-wait.trace"
contains compare-text-row out "collections gen0/gen1/gen2"
# (standard input and --threshold with fewer values: io_test.sh)
check compare-bad-threshold 2 "$gcsim" compare --threshold 5,x "$dir/garbage-wait.trace"

# The same events as text, JSON and JSON lines give the same replay.
for f in "$traces"/*.trace; do
	b=$(basename "$f" .trace)
	"$gcsim" convert "$f" "$tmp/$b.json" || { bad "convert $b.json"; continue; }
	"$gcsim" convert "$f" "$tmp/$b.jsonl" || { bad "convert $b.jsonl"; continue; }
	"$gcsim" convert "$tmp/$b.json" "$tmp/$b.back.trace"
	"$gcsim" run --format jsonl "$f" >"$tmp/a" 2>/dev/null
	for g in "$tmp/$b.json" "$tmp/$b.jsonl" "$tmp/$b.back.trace"; do
		"$gcsim" run --format jsonl "$g" >"$tmp/b" 2>/dev/null
		# Converting drops comments, which moves lines: compare all but "line".
		sed 's/"line":[0-9]*,//' "$tmp/a" >"$tmp/a2"
		sed 's/"line":[0-9]*,//' "$tmp/b" >"$tmp/b2"
		same "same replay: $f vs $(basename "$g")" "$tmp/a2" "$tmp/b2"
	done
done

# JSON as RFC 8259 has it: what it forbids is an invalid trace, at its byte.
printf '{"op":"collect","gen":01}\n' >"$tmp/zero.jsonl"
check json-leading-zero 3 "$gcsim" run "$tmp/zero.jsonl"
contains json-leading-zero-msg err "gcsim: error: $tmp/zero.jsonl:1:24: event 0: invalid number '01' (leading zero)"
printf '[{"op":"del",\n\001"id":"a"}]' >"$tmp/ctl.json"
check json-control 3 "$gcsim" run "$tmp/ctl.json"
contains json-control-msg err "gcsim: error: $tmp/ctl.json:2:1: event 0: invalid control character 0x01"
printf '{"op":"del","id":"a\\u0000"}\n' >"$tmp/nul.jsonl"
check json-nul-id 3 "$gcsim" run "$tmp/nul.jsonl"
contains json-nul-id-msg err "invalid id 'a\\u0000'"

# A long path is named whole.
long=$tmp
for i in 1 2 3 4 5 6; do
	long=$long/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
done
mkdir -p "$long"
cp "$dir/bad-event.trace" "$long/"
check long-path 3 "$gcsim" run "$long/bad-event.trace"
contains long-path-run err "gcsim: error: $long/bad-event.trace:2:1: unknown event 'frob'"
check long-path-check 3 "$gcsim" check "$long/bad-event.trace"
contains long-path-check out "$long/bad-event.trace:2:1: unknown event 'frob'"

# Standard input.
check stdin 0 sh -c "\"$gcsim\" run --quiet - < \"$traces/two-list-cycle.trace\""
contains stdin-summary out "summary:"

finish
