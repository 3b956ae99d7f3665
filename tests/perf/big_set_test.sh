#!/bin/sh
# Issue 8 item 7: one set with 100,000 distinct members, then a duplicate
# (an equal float) and the removal of an equal member.  CTest's TIMEOUT
# is the assertion on time; the expect lines are the one on the result.
# Usage: big_set_test.sh GCSIM
set -e
gcsim=$1
awk 'BEGIN {
	print "alloc s set"
	for (i = 0; i < 100000; i++) {
		printf "alloc x%d int %d\nref s x%d\ndel x%d\n", i, 1000 + i, i, i
	}
	print "alloc f float 51234.0"
	print "ref s f"
	print "expect refcnt f 1"
	print "alloc g int 51234"
	print "unref s g"
	print "ref s f"
	print "expect refcnt f 2"
}' > "${TMPDIR:-/tmp}/gcsim-big-set.$$.trace"
trap 'rm -f "${TMPDIR:-/tmp}/gcsim-big-set.$$.trace"' EXIT
"$gcsim" check --quiet "${TMPDIR:-/tmp}/gcsim-big-set.$$.trace"
