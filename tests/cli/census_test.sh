#!/bin/sh
# The garbage census's figures (sim/census.c) on traces whose waits can be
# counted by hand; each trace's comment or the comment above it says how.
# The values also agree with the census before it stopped walking the heap
# (a mark and two walks of the refchain per census).
# usage: census_test.sh GCSIM TESTDIR
set -u
gcsim=$1 dir=$2
. "$(dirname "$0")/lib.sh"

census() { # name, trace, expected "garbage" object of compare --format json
	check "$1" 0 "$gcsim" compare --python 3.12 --format json "$2"
	contains "$1-figures" out "\"garbage\":{$3}"
}

census resurrect "$dir/garbage-resurrect.trace" \
	'"census":"exact","censuses":19,"max_interval":1,"collected":3,"mean_wait":2.0,"max_wait":2,"peak_waiting":3,"waiting_steps":9'

# A cycle dropped at step 6 (a census every step: 3 objects live at most),
# 150 lists made and dropped, the cycle named again at step 307 and dropped
# at 308, 100 more lists, collected at 509: each waited 509 - 308 = 201
# steps; 2 wait at the censuses of steps 6..306 and 308..508, 1004 in all.
# Long enough for the census to fold its table of steps several times.
cycle_trace() { # roots before the cycle, file
	i=0
	while [ $i -lt "$1" ]; do i=$((i + 1)); echo "alloc k$i list"; done
	printf 'alloc a list\nalloc b list\nref a b\nref b a\ndel a\ndel b\n'
	i=0
	while [ $i -lt 150 ]; do i=$((i + 1)); printf 'alloc x list\ndel x\n'; done
	printf 'ref b\ndel b\n'
	i=0
	while [ $i -lt 100 ]; do i=$((i + 1)); printf 'alloc x list\ndel x\n'; done
	echo collect
}
cycle_trace 0 >"$tmp/cycle.trace"
census cycle "$tmp/cycle.trace" \
	'"census":"exact","censuses":509,"max_interval":1,"collected":2,"mean_wait":201.0,"max_wait":201,"peak_waiting":2,"waiting_steps":1004'

# The same after 40 lists that stay: from step 32, 32 or more objects live,
# so a census every 2 steps (live/16), at the odd steps 33..549 (31 before:
# 290).  The cycle, dropped at step 46, is first seen at 47; named again at
# 347 (a census), dropped at 348, seen at 349, collected at 549: 200 steps.
# Waiting: 2 objects x 2 steps at the 150 censuses 47..345 and the 100
# censuses 349..547: 1000.
cycle_trace 40 >"$tmp/roots.trace"
census sampled "$tmp/roots.trace" \
	'"census":"sampled","censuses":290,"max_interval":2,"collected":2,"mean_wait":200.0,"max_wait":200,"peak_waiting":2,"waiting_steps":1000'

finish
