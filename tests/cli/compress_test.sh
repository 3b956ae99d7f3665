#!/bin/sh
# Compressed traces: every command reads .gz and .zst input (by the name,
# and by the first bytes on standard input) as it reads the plain file;
# convert and gen write them; bad compressed data is an I/O error (exit 4)
# that names the file.  The inputs are made by gzip(1) and zstd(1) where
# they exist, so the reader is held to the real formats, not to gcsim's
# own writer.  A build without zlib or libzstd must say so instead.
# usage: compress_test.sh GCSIM TRACES HAVE_GZIP HAVE_ZSTD
set -u
gcsim=$1 traces=$2 have_gz=$3 have_zst=$4
case $gcsim in /*) ;; *) gcsim=$PWD/$gcsim ;; esac
. "$(dirname "$0")/lib.sh"

# A bundled scenario, and a generated trace long enough to cross the
# reader's buffers (650 kB of text; 170 kB as gzip, more than one 128 kB
# read of compressed input).
cp "$traces/two-list-cycle.trace" "$tmp/s.trace"
"$gcsim" gen --events 40000 --seed 7 -o "$tmp/g.trace"
"$gcsim" convert "$tmp/g.trace" "$tmp/g.jsonl"
"$gcsim" convert "$tmp/s.trace" "$tmp/s.json"

# compress KIND FILE: FILE.gz or FILE.zst beside FILE, by the real tool
# when there is one, else by gcsim convert.
compress() {
	case $1 in
	gz) tool=gzip ext=gz ;;
	zst) tool=zstd ext=zst ;;
	esac
	if command -v "$tool" >/dev/null 2>&1; then
		"$tool" -q -c "$2" >"$2.$ext"
	else
		"$gcsim" convert "$2" "$2.$ext"
	fi
}

# The run's output as JSON lines, which names no file.
jl() { "$gcsim" run --format jsonl "$@"; }

for kind in gz zst; do
	if [ "$kind" = gz ]; then have=$have_gz lib=gzip; else have=$have_zst lib=zstd; fi
	if [ "$have" != 1 ]; then
		# Built without the library: the file is refused, by name and
		# by its first bytes, and nothing is written.
		printf 'x' >"$tmp/s.trace.$kind"
		check "$kind-missing" 4 "$gcsim" run "$tmp/s.trace.$kind"
		contains "$kind-missing-says" err "$tmp/s.trace.$kind: gcsim was built without $lib support"
		if [ "$kind" = gz ]; then printf '\037\213\010' >"$tmp/magic"
		else printf '\050\265\057\375' >"$tmp/magic"; fi
		check "$kind-missing-stdin" 4 sh -c '"$1" run - <"$2"' sh "$gcsim" "$tmp/magic"
		contains "$kind-missing-stdin-says" err "<stdin>: gcsim was built without $lib support"
		check "$kind-missing-write" 4 "$gcsim" convert "$tmp/s.trace" "$tmp/o.trace.$kind"
		contains "$kind-missing-write-says" err "gcsim was built without $lib support"
		[ -e "$tmp/o.trace.$kind" ] && bad "$kind-missing-write: file written" || ok
		continue
	fi

	# ---- the same events, plain or compressed ----
	for f in s.trace g.trace g.jsonl s.json; do
		compress "$kind" "$tmp/$f"
		jl "$tmp/$f" >"$tmp/plain.out"
		check "$kind-run-$f" 0 jl "$tmp/$f.$kind"
		same "$kind-run-$f-same" "$tmp/out" "$tmp/plain.out"
		# standard input: found by its first bytes
		check "$kind-stdin-$f" 0 sh -c '"$1" run --format jsonl - <"$2"' sh "$gcsim" "$tmp/$f.$kind"
		same "$kind-stdin-$f-same" "$tmp/out" "$tmp/plain.out"
	done
	# a compressed file whose name does not say so is found by its bytes too
	cp "$tmp/s.trace.$kind" "$tmp/noext"
	check "$kind-unnamed" 0 jl "$tmp/noext"
	jl "$tmp/s.trace" >"$tmp/plain.out"
	same "$kind-unnamed-same" "$tmp/out" "$tmp/plain.out"

	# every command that reads a trace, with the file name the only change
	z=$tmp/s.trace.$kind p=$tmp/s.trace
	for cmd in "check" "compare" "report" "graph" "explain --at end" "convert"; do
		set -- $cmd
		c=$1
		shift
		extra=""
		[ "$c" = explain ] && extra=a
		[ "$c" = convert ] && extra=-
		"$gcsim" $c "$@" "$p" $extra >"$tmp/plain.out" 2>&1
		want=$?
		"$gcsim" $c "$@" "$z" $extra >"$tmp/z.raw" 2>&1
		got=$?
		sed "s|$z|$p|g" "$tmp/z.raw" >"$tmp/z.out"
		[ "$got" = "$want" ] && ok || bad "$kind-$c: exit $got, want $want"
		same "$kind-$c-same" "$tmp/z.out" "$tmp/plain.out"
	done
	# check and compare read standard input too
	check "$kind-compare-stdin" 0 sh -c '"$1" compare --python 3.12 --python 3.13 - <"$2"' sh "$gcsim" "$tmp/g.trace.$kind"
	"$gcsim" compare --python 3.12 --python 3.13 - <"$tmp/g.trace" >"$tmp/plain.out" 2>&1
	same "$kind-compare-stdin-same" "$tmp/out" "$tmp/plain.out"

	# ---- written compressed ----
	# convert to each format, compressed, and read back by gcsim and
	# (where it exists) by the real tool
	for f in o.trace o.jsonl o.json; do
		check "$kind-convert-$f" 0 "$gcsim" convert "$tmp/g.trace" "$tmp/$f.$kind"
		"$gcsim" convert "$tmp/g.trace" "$tmp/$f"
		check "$kind-convert-$f-read" 0 jl "$tmp/$f.$kind"
		jl "$tmp/$f" >"$tmp/plain.out"
		same "$kind-convert-$f-same" "$tmp/out" "$tmp/plain.out"
		tool=gzip
		[ "$kind" = zst ] && tool=zstd
		if command -v "$tool" >/dev/null 2>&1; then
			"$tool" -q -d -c "$tmp/$f.$kind" >"$tmp/dec"
			same "$kind-convert-$f-$tool" "$tmp/dec" "$tmp/$f"
		fi
	done
	# in place, compressed to compressed
	cp "$tmp/o.trace.$kind" "$tmp/in-place.trace.$kind"
	check "$kind-convert-in-place" 0 "$gcsim" convert "$tmp/in-place.trace.$kind" "$tmp/in-place.trace.$kind"
	check "$kind-convert-in-place-read" 0 jl "$tmp/in-place.trace.$kind"
	jl "$tmp/o.trace" >"$tmp/plain.out"
	same "$kind-convert-in-place-same" "$tmp/out" "$tmp/plain.out"
	# gen -o
	check "$kind-gen" 0 "$gcsim" gen --events 40000 --seed 7 -o "$tmp/gen.trace.$kind"
	"$gcsim" convert "$tmp/gen.trace.$kind" "$tmp/gen.trace"
	"$gcsim" convert "$tmp/g.trace" "$tmp/g.normal.trace"
	same "$kind-gen-same" "$tmp/gen.trace" "$tmp/g.normal.trace"

	# ---- bad compressed data: exit 4, the file named, no crash ----
	size=$(wc -c <"$tmp/g.trace.$kind")
	head -c $((size / 2)) "$tmp/g.trace.$kind" >"$tmp/cut.trace.$kind"
	check "$kind-truncated" 4 "$gcsim" run "$tmp/cut.trace.$kind"
	contains "$kind-truncated-names" err "$tmp/cut.trace.$kind: truncated $lib data"
	check "$kind-truncated-stdin" 4 sh -c '"$1" run - <"$2"' sh "$gcsim" "$tmp/cut.trace.$kind"
	contains "$kind-truncated-stdin-names" err "<stdin>: truncated $lib data"
	# the first bytes only (the magic number, a header cut short)
	head -c 6 "$tmp/g.trace.$kind" >"$tmp/head.trace.$kind"
	check "$kind-header-only" 4 "$gcsim" check "$tmp/head.trace.$kind"
	contains "$kind-header-only-names" out "ERROR $tmp/head.trace.$kind: truncated $lib data"
	# bytes flipped after the header
	python3 - "$tmp/g.trace.$kind" "$tmp/bad.trace.$kind" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
for i in range(20, 60):
    b[i] ^= 0x5A
open(sys.argv[2], "wb").write(b)
EOF
	check "$kind-corrupt" 4 "$gcsim" run "$tmp/bad.trace.$kind"
	contains "$kind-corrupt-names" err "$tmp/bad.trace.$kind: corrupt $lib data"
	check "$kind-corrupt-convert" 4 "$gcsim" convert "$tmp/bad.trace.$kind" "$tmp/never.trace.$kind"
	[ -e "$tmp/never.trace.$kind" ] && bad "$kind-corrupt-convert: OUT left behind" || ok
	# a name that promises what the bytes are not
	cp "$tmp/s.trace" "$tmp/plain.trace.$kind"
	check "$kind-not" 4 "$gcsim" run "$tmp/plain.trace.$kind"
	contains "$kind-not-says" err "$tmp/plain.trace.$kind: not $lib data"
	: >"$tmp/empty.trace.$kind"
	check "$kind-empty" 4 "$gcsim" run "$tmp/empty.trace.$kind"
	contains "$kind-empty-says" err "$tmp/empty.trace.$kind: not $lib data"
done

# Members or frames one after another are one input, as gzip -d reads them.
"$gcsim" convert "$tmp/g.trace" "$tmp/once.trace"
cat "$tmp/once.trace" "$tmp/once.trace" >"$tmp/twice.want.trace"
for kind in gz zst; do
	tool=gzip have=$have_gz
	[ "$kind" = zst ] && tool=zstd have=$have_zst
	if [ "$have" = 1 ] && command -v $tool >/dev/null 2>&1; then
		cat "$tmp/g.trace.$kind" "$tmp/g.trace.$kind" >"$tmp/twice.trace.$kind"
		check "$kind-concatenated" 0 "$gcsim" convert "$tmp/twice.trace.$kind" "$tmp/twice.trace"
		same "$kind-concatenated-same" "$tmp/twice.trace" "$tmp/twice.want.trace"
	fi
done

# gcsim record -o FILE.gz / FILE.zst: the recorder's plain trace, comments
# and all, compressed once the program has ended; nothing left beside it.
if "$gcsim" record --help | grep -q '^  none$'; then
	echo "no recorder: gcsim record not tested"
else
	mkdir "$tmp/rec"
	cat >"$tmp/rec/prog.py" <<'EOF'
import gc
for i in range(3000):
    a = []; b = [a]; a.append(b)
gc.collect()
EOF
	for kind in gz zst; do
		tool=gzip have=$have_gz
		[ "$kind" = zst ] && tool=zstd have=$have_zst
		[ "$have" = 1 ] || continue
		for f in r.trace r.jsonl; do
			out=$tmp/rec/$f.$kind
			check "$kind-record-$f" 0 "$gcsim" record -q -o "$out" -- "$tmp/rec/prog.py"
			check "$kind-record-$f-read" 0 "$gcsim" convert "$out" "$tmp/rec/back.$f"
			if command -v $tool >/dev/null 2>&1; then
				$tool -q -d -c "$out" >"$tmp/rec/plain"
				if [ $f = r.trace ]; then
					contains "$kind-record-$f-comments" rec/plain "# real-gc"
				else
					contains "$kind-record-$f-jsonl" rec/plain '{"op":"setting"'
				fi
			fi
		done
		[ -f "$tmp/rec/r.jsonl.$kind.real-gc" ] && ok || bad "$kind-record: no r.jsonl.$kind.real-gc"
	done
	if ls -A "$tmp/rec" | grep -q '^\.'; then
		bad "record: left behind: $(ls -A "$tmp/rec")"
	else
		ok
	fi
fi

finish
