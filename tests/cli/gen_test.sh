#!/bin/sh
# gcsim gen: every model writes valid, reproducible traces of about the
# size asked for, cycles reach the collector only when asked for, and bad
# options are usage errors.
# usage: gen_test.sh GCSIM
set -u
gcsim=$1
. "$(dirname "$0")/lib.sh"
models="handler cache tree batch"

events() { grep -vc '^#' "$1"; }

# "N freed by the collector" from a text summary.
collector_freed() { sed -n 's/.* \([0-9][0-9]*\) freed by the collector.*/\1/p' "$1"; }

# Valid under both profiles and every invariant: gcsim run --check.
for m in $models; do
	for py in 3.11 3.12; do
		for seed in 1 2 3; do
			t="$tmp/$m-$py-$seed.trace"
			check "gen-$m-$py-$seed" 0 "$gcsim" gen --model "$m" --events 4000 \
				--seed "$seed" --python "$py" -o "$t"
			check "valid-$m-$py-$seed" 0 "$gcsim" run --check --quiet "$t"
		done
	done
	# Under --stress every unreachable cycle dies at once, so a trace that
	# named cyclic garbage would fail here with a dead ID.
	check "gen-stress-$m" 0 "$gcsim" gen --model "$m" --events 3000 --seed 9 \
		--cycle-rate 0.5 --lifetime 3 --size 12 -o "$tmp/$m-stress.trace"
	check "stress-$m" 0 "$gcsim" run --stress --check --quiet "$tmp/$m-stress.trace"
	# Extremes of the knobs stay valid.
	check "gen-tiny-$m" 0 "$gcsim" gen --model "$m" --events 1500 --seed 4 \
		--cycle-rate 1 --lifetime 1 --size 1 -o "$tmp/$m-tiny.trace"
	check "tiny-$m" 0 "$gcsim" run --stress --check --quiet "$tmp/$m-tiny.trace"
done

# Reproducible: the same options give the same bytes, another seed others.
for m in $models; do
	"$gcsim" gen --model "$m" --events 3000 --seed 42 >"$tmp/a" 2>/dev/null
	"$gcsim" gen --model "$m" --events 3000 --seed 42 >"$tmp/b" 2>/dev/null
	"$gcsim" gen --model "$m" --events 3000 --seed 43 >"$tmp/c" 2>/dev/null
	if [ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b"; then ok; else bad "same-seed-$m: outputs differ"; fi
	# Past the header line, which names the seed.
	tail -n +2 "$tmp/a" >"$tmp/a2"
	tail -n +2 "$tmp/c" >"$tmp/c2"
	if cmp -s "$tmp/a2" "$tmp/c2"; then bad "other-seed-$m: same events"; else ok; fi
	# The header names every option: running it again gives the same trace.
	args=$(head -n 1 "$tmp/a" | sed 's/^# gcsim gen //')
	# shellcheck disable=SC2086
	"$gcsim" gen $args >"$tmp/d" 2>/dev/null
	if cmp -s "$tmp/a" "$tmp/d"; then ok; else bad "header-reproduces-$m: '$args'"; fi
done
"$gcsim" gen --model tree --events 2000 --seed 5 -o "$tmp/file.trace"
"$gcsim" gen --model tree --events 2000 --seed 5 >"$tmp/stdout.trace"
if cmp -s "$tmp/file.trace" "$tmp/stdout.trace"; then ok; else bad "output-file: -o and stdout differ"; fi

# --events is honoured to within a unit of work and the final dels.
for m in $models; do
	for n in 1000 20000; do
		"$gcsim" gen --model "$m" --events "$n" --seed 7 >"$tmp/n" 2>/dev/null
		got=$(events "$tmp/n")
		if [ "$got" -ge "$n" ] && [ "$got" -le $((n + n / 5)) ]; then
			ok
		else
			bad "events-$m-$n: $got events"
		fi
	done
done
check events-one 0 "$gcsim" gen --events 1 -o "$tmp/one.trace"
check events-one-valid 0 "$gcsim" run --check --quiet "$tmp/one.trace"

# Settings lines and the header.
check settings 0 "$gcsim" gen --model cache --events 100 --python 3.11 --threshold 50,5
contains header out "# gcsim gen --model cache --events 100 --seed 1 --cycle-rate 0.01 --lifetime 1000000 --size 4 --python 3.11 --threshold 50,5"
contains python-line out "#: python 3.11"
contains threshold-line out "#: threshold 50 5"
check settings-run 0 "$gcsim" run --format jsonl "$tmp/out"

# Cycles reach the collector only when the model makes them.
"$gcsim" gen --model handler --events 200000 --seed 1 --cycle-rate 0.2 >"$tmp/cyc.trace"
check cycles-run 0 "$gcsim" run --quiet "$tmp/cyc.trace"
freed=$(collector_freed "$tmp/out")
if [ -n "$freed" ] && [ "$freed" -gt 0 ]; then ok; else bad "cycles: collector freed '$freed'"; fi
"$gcsim" gen --model handler --events 200000 --seed 1 --cycle-rate 0 >"$tmp/acyc.trace"
check acyclic-run 0 "$gcsim" run --quiet "$tmp/acyc.trace"
contains acyclic out " 0 freed by the collector"
"$gcsim" gen --model batch --events 20000 --seed 1 --cycle-rate 0 --size 200 >"$tmp/acyc.trace"
check acyclic-batch-run 0 "$gcsim" run --quiet --threshold 10 "$tmp/acyc.trace"
contains acyclic-batch out " 0 freed by the collector"
"$gcsim" gen --model tree --events 20000 --seed 1 >"$tmp/tree.trace"
check tree-run 0 "$gcsim" run --quiet "$tmp/tree.trace"
freed=$(collector_freed "$tmp/out")
if [ -n "$freed" ] && [ "$freed" -gt 0 ]; then ok; else bad "tree: collector freed '$freed'"; fi

# Usage errors say what is wrong; --help tells the truth.
check bad-model 2 "$gcsim" gen --model frob
contains bad-model-msg err "gcsim: error: unknown model 'frob' (models: handler, cache, tree, batch, app)"
check bad-events 2 "$gcsim" gen --events 0
contains bad-events-msg err "--events takes an integer from 1 to"
check bad-events-word 2 "$gcsim" gen --events lots
check bad-seed 2 "$gcsim" gen --seed -1
contains bad-seed-msg err "--seed takes an integer from 0 to 2^64-1, got '-1'"
check bad-rate 2 "$gcsim" gen --cycle-rate 1.5
contains bad-rate-msg err "--cycle-rate takes a number from 0 to 1, got '1.5'"
check bad-rate-nan 2 "$gcsim" gen --cycle-rate nan
check bad-lifetime 2 "$gcsim" gen --lifetime 0
contains bad-lifetime-msg err "--lifetime takes an integer from 1 to"
check bad-size 2 "$gcsim" gen --size 2x
contains bad-size-msg err "--size takes an integer from 1 to"
check bad-python 2 "$gcsim" gen --python 2.7
contains bad-python-msg err "unknown python version '2.7'"
check bad-threshold 2 "$gcsim" gen --threshold 1,x
check bad-option 2 "$gcsim" gen --frob
contains bad-option-msg err "gen: unknown or incomplete option '--frob'"
check missing-arg 2 "$gcsim" gen --model
check extra-arg 2 "$gcsim" gen handler
contains extra-arg-msg err "gen takes no arguments, got 'handler'"
check unwritable 4 "$gcsim" gen --events 10 -o "$tmp/no/such/dir/x.trace"
contains unwritable-msg err "cannot write"
check help 0 "$gcsim" gen --help
contains help-usage out "usage: gcsim gen [options]"
for m in $models; do contains "help-$m" out "  $m "; done

finish
