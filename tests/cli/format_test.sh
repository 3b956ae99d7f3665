#!/bin/sh
# --format is parsed once, against the table of reporters: each command's
# --help lists exactly the formats its parser takes, and a format that is
# not one of them is a usage error naming them.
# usage: format_test.sh GCSIM TRACE
set -u
gcsim=$1 trace=$2
. "$(dirname "$0")/lib.sh"

for c in run check compare; do
	help=$("$gcsim" $c --help | sed -n 's/^ *--format \([a-z|]*\).*/\1/p')
	[ -n "$help" ] && ok || bad "$c --help has no --format"
	check "$c --format nope" 2 "$gcsim" $c --format nope "$trace"
	# "run --format takes text, jsonl or chrome, got 'nope'"
	took=$(sed -n "s/^gcsim: error: $c --format takes \(.*\), got 'nope'\$/\1/p" "$tmp/err" |
		sed 's/, /|/g; s/ or /|/')
	[ "$took" = "$help" ] && ok || bad "$c: --help says '$help', the parser takes '$took'"
	old_ifs=$IFS IFS='|'
	for f in $help; do
		IFS=$old_ifs
		check "$c --format $f" 0 "$gcsim" $c --format "$f" "$trace"
		[ -s "$tmp/out" ] && ok || bad "$c --format $f wrote nothing"
	done
	IFS=$old_ifs
done
check "--changes without jsonl" 2 "$gcsim" run --format chrome --changes "$trace"
finish
