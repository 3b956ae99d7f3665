#!/bin/sh
# What gcsim reads and writes: files written whole or not at all, values
# that survive every conversion, inputs that can be read only once, write
# errors, check's exit status, and --help that lists what is accepted.
# usage: io_test.sh GCSIM TESTDIR
set -u
gcsim=$1 dir=$2
case $gcsim in /*) ;; *) gcsim=$PWD/$gcsim ;; esac
. "$(dirname "$0")/lib.sh"

# Files in a directory, to see that nothing (no temporary file) is left.
nfiles() { find "$1" -mindepth 1 | wc -l; }

# A trace whose values matter to the replay: "a\0b" is not the cached "a",
# and a set tells the values apart by content; numbers that need every
# digit (JSON writers that print 15 significant digits lose them).
cat >"$tmp/values.trace" <<'EOF'
alloc s set
alloc x str "a\x00b"
alloc y str "a"
alloc z str "\x00"
alloc e str "é€😀\x01\x7f\t\n\"\\"
alloc b bytes "\x00\xff\x80z\x00"
alloc c bytes "\x00"
alloc d bytes "a\x00"
alloc i int 9007199254740991
alloc j int -3000000000
alloc k int -123456789012345678901234567890
alloc f float 9007199254740992.0
alloc g float 0.30000000000000004
alloc h float 1e300
ref s x
ref s y
ref s z
ref s e
ref s b
ref s c
ref s d
expect refcnt x 2
expect refcnt d 2
del x
del y
collect
EOF

# ---- 1. files are written whole or not at all ----

w="$tmp/w"
mkdir "$w"
cp "$tmp/values.trace" "$w/f.trace"
"$gcsim" convert "$w/f.trace" - >"$tmp/normal.trace" 2>/dev/null
check convert-in-place 0 "$gcsim" convert "$w/f.trace" "$w/f.trace"
same convert-in-place-normalised "$w/f.trace" "$tmp/normal.trace"
"$gcsim" convert "$tmp/values.trace" "$w/f.json"
cp "$w/f.json" "$tmp/f.json.before"
check convert-in-place-json 0 "$gcsim" convert "$w/f.json" "$w/f.json"
same convert-in-place-json-same "$w/f.json" "$tmp/f.json.before"
[ "$(nfiles "$w")" -eq 2 ] && ok || bad "in-place: files left in $w: $(ls -A "$w")"

# An invalid IN leaves no OUT, and an existing OUT as it was.
check convert-invalid 3 "$gcsim" convert "$dir/bad-event.trace" "$w/new.json"
[ -e "$w/new.json" ] && bad "convert-invalid: OUT left behind" || ok
check convert-invalid-existing 3 "$gcsim" convert "$dir/bad-event.trace" "$w/f.json"
same convert-invalid-existing-untouched "$w/f.json" "$tmp/f.json.before"
cp "$dir/bad-event.trace" "$w/bad.trace"
check convert-invalid-in-place 3 "$gcsim" convert "$w/bad.trace" "$w/bad.trace"
same convert-invalid-in-place-untouched "$w/bad.trace" "$dir/bad-event.trace"
rm "$w/bad.trace"
[ "$(nfiles "$w")" -eq 2 ] && ok || bad "invalid: files left in $w: $(ls -A "$w")"

# A write error (the file size limit, with SIGXFSZ ignored so that write
# fails with EFBIG) leaves no OUT, or the old one.
fsize() { (ulimit -f 8 && trap '' XFSZ && exec "$@"); }
check gen-write-error 4 fsize "$gcsim" gen --events 100000 -o "$w/g.trace"
[ -e "$w/g.trace" ] && bad "gen-write-error: OUT left behind" || ok
"$gcsim" gen --events 10 -o "$w/g.trace"
cp "$w/g.trace" "$tmp/g.before"
check gen-write-error-existing 4 fsize "$gcsim" gen --events 100000 -o "$w/g.trace"
same gen-write-error-untouched "$w/g.trace" "$tmp/g.before"
"$gcsim" gen --events 100000 -o "$tmp/big.trace"
check convert-write-error 4 fsize "$gcsim" convert "$tmp/big.trace" "$w/big.jsonl"
[ -e "$w/big.jsonl" ] && bad "convert-write-error: OUT left behind" || ok
[ "$(nfiles "$w")" -eq 3 ] && ok || bad "write error: files left in $w: $(ls -A "$w")"

# Modes: a new file as the umask makes it; an existing file keeps its own.
(umask 027 && "$gcsim" gen --events 10 -o "$w/mode.trace" && touch "$w/mode.ref")
[ "$(stat -c %a "$w/mode.trace")" = "$(stat -c %a "$w/mode.ref")" ] && ok ||
	bad "mode: $(stat -c %a "$w/mode.trace"), want $(stat -c %a "$w/mode.ref")"
chmod 604 "$w/g.trace"
check convert-keeps-mode 0 "$gcsim" convert "$w/g.trace" "$w/g.trace"
[ "$(stat -c %a "$w/g.trace")" = 604 ] && ok || bad "keeps-mode: $(stat -c %a "$w/g.trace")"
# A target that is not a regular file is written, not replaced.
check gen-dev-null 0 "$gcsim" gen --events 10 -o /dev/null
[ -c /dev/null ] && ok || bad "gen-dev-null: /dev/null replaced"
check convert-dev-stdout 0 sh -c "\"$gcsim\" convert \"$w/g.trace\" /dev/stdout | cat"
contains convert-dev-stdout-text out "alloc "

# ---- 2. values survive every conversion; one rule for the format ----

"$gcsim" convert "$tmp/values.trace" "$tmp/v.json"
contains json-nul v.json '"value":"a\u0000b"'
"$gcsim" convert "$tmp/v.json" "$tmp/v.jsonl"
"$gcsim" convert "$tmp/v.jsonl" "$tmp/v.trace"
same round-trip-text "$tmp/v.trace" "$tmp/normal.trace"
"$gcsim" convert "$tmp/values.trace" "$tmp/V.JSON"
contains upper-case-ext V.JSON '{"op":"alloc","id":"s","type":"set"}'
"$gcsim" convert "$tmp/values.trace" "$tmp/V.JsonL"
if [ "$(head -c 1 "$tmp/V.JsonL")" = "{" ]; then ok; else bad "upper-case-jsonl: $(head -n 1 "$tmp/V.JsonL")"; fi
"$gcsim" run --format jsonl "$tmp/values.trace" | sed 's/"line":[0-9]*,//' >"$tmp/r0"
for f in v.json v.jsonl v.trace V.JSON V.JsonL; do
	check "replay-$f" 0 "$gcsim" run --format jsonl "$tmp/$f"
	sed 's/"line":[0-9]*,//' "$tmp/out" >"$tmp/r1"
	same "same-replay-$f" "$tmp/r0" "$tmp/r1"
done

# ---- 12. run's text output is UTF-8: bytes escaped, no character cut ----

long=$(printf 'é€%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
printf 'alloc b bytes "\\x80\\xff\\xc3\\xa9"\nalloc s str "%s"\nalloc t str "x%s"\n' "$long" "$long" >"$tmp/utf8.trace"
check run-utf8 0 "$gcsim" run "$tmp/utf8.trace"
if python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' <"$tmp/out"; then ok; else bad "run output is not UTF-8"; fi
contains run-bytes-escaped out '"\x80\xff\xc3\xa9"'

# ---- 3. compare reads a stream once ----

# Its copy of a stream goes to TMPDIR and is gone at the end.
TMPDIR="$tmp/spool"
export TMPDIR
mkdir "$TMPDIR"

t="$dir/garbage-wait.trace"
settings="--python 3.11 --python 3.12 --python 3.13 --threshold 700,10,10 --threshold 2,1,1"
# shellcheck disable=SC2086
"$gcsim" compare $settings --format csv "$t" >"$tmp/c0"
# shellcheck disable=SC2086
check compare-stdin 0 sh -c "\"$gcsim\" compare $settings --format csv - < \"$t\""
same compare-stdin-same "$tmp/out" "$tmp/c0"
# shellcheck disable=SC2086
check compare-pipe 0 sh -c "cat \"$t\" | \"$gcsim\" compare $settings --format csv -"
same compare-pipe-same "$tmp/out" "$tmp/c0"
# shellcheck disable=SC2086
check compare-dev-stdin 0 sh -c "cat \"$t\" | \"$gcsim\" compare $settings --format csv /dev/stdin"
same compare-dev-stdin-same "$tmp/out" "$tmp/c0"
mkfifo "$tmp/fifo"
timeout 20 sh -c "cat \"$t\" >\"$tmp/fifo\"" &
# shellcheck disable=SC2086
check compare-fifo 0 timeout 20 "$gcsim" compare $settings --format csv "$tmp/fifo"
same compare-fifo-same "$tmp/out" "$tmp/c0"
wait
"$gcsim" convert "$t" "$tmp/gw.jsonl"
# shellcheck disable=SC2086
check compare-stdin-jsonl 0 sh -c "\"$gcsim\" compare $settings --format csv - < \"$tmp/gw.jsonl\""
same compare-stdin-jsonl-same "$tmp/out" "$tmp/c0"
check compare-stdin-invalid 3 sh -c "cat \"$dir/bad-event.trace\" | \"$gcsim\" compare -"
contains compare-stdin-invalid-msg err "gcsim: error: <stdin>:2:1: unknown event 'frob'"
[ "$(nfiles "$TMPDIR")" -eq 0 ] && ok || bad "compare left a copy behind: $(ls -A "$TMPDIR")"

# ---- 4. a write error is exit 4, whatever the command ----

full() { "$@" >/dev/full; }
check full-run 4 full "$gcsim" run "$t"
check full-check 4 full "$gcsim" check "$t"
check full-compare 4 full "$gcsim" compare "$t"
check full-gen 4 full "$gcsim" gen --events 10
check full-convert 4 full "$gcsim" convert "$t" -
check full-help 4 full "$gcsim" --help
check full-version 4 full "$gcsim" --version
contains full-msg err "gcsim: error: standard output: write failed"
for c in run check compare gen convert; do
	check "full-$c-help" 4 full "$gcsim" "$c" --help
done

# ---- 5. check: a precedence for mixed results; files that check nothing ----

check check-bad-missing 4 "$gcsim" check "$dir/bad-event.trace" "$tmp/no-such.trace"
check check-missing-bad 4 "$gcsim" check "$tmp/no-such.trace" "$dir/bad-event.trace"
check check-fail-bad 3 "$gcsim" check "$dir/wrong-expect.trace" "$dir/bad-event.trace"
check check-bad-fail 3 "$gcsim" check "$dir/bad-event.trace" "$dir/wrong-expect.trace"
check check-help-precedence 0 "$gcsim" check --help
contains check-help-precedence-text out "the most severe"
printf 'alloc a list\ndel a\n' >"$tmp/empty.trace"
check check-empty 0 "$gcsim" check --quiet "$tmp/empty.trace"
contains check-empty-visible out "PASS  $tmp/empty.trace (0 expectations"
contains check-empty-total out "1 passed, 0 failed"
check check-strict 1 "$gcsim" check --strict "$tmp/empty.trace" "$dir/garbage-wait.trace" "$dir/../../traces/two-list-cycle.trace"
contains check-strict-fail out "FAIL  $tmp/empty.trace (no expectations; --strict)"
contains check-strict-total out "1 passed, 2 failed"
check check-strict-pass 0 "$gcsim" check --strict "$dir/../../traces/two-list-cycle.trace"
# Under --stress expect lines are read but not checked: not "empty".
check check-strict-stress 0 "$gcsim" check --strict --stress "$dir/../../traces/two-list-cycle.trace"

# ---- 11. --help tells the truth ----

for c in run check compare gen convert; do
	check "$c-h" 0 "$gcsim" "$c" -h
	contains "$c-h-usage" out "usage: gcsim $c"
done
check run-help 0 "$gcsim" run --help
for p in 3.11 3.12 3.13; do contains "run-help-$p" out "$p"; done
lacks run-help-spec out "SPEC"
check compare-threshold-one 0 "$gcsim" compare --threshold 5 --format csv "$t"
contains compare-threshold-one-row out "3.12,5,10,10,"
check compare-threshold-two 0 "$gcsim" compare --threshold 5,3 --format csv "$t"
contains compare-threshold-two-row out "3.12,5,3,10,"
check compare-check 0 "$gcsim" compare --check "$t"
check compare-stress 0 "$gcsim" compare --stress "$t"

# Every option a --help lists is accepted, and every option a command
# accepts is listed.  Candidates: what any command lists, and more.
for c in run check compare gen convert; do
	"$gcsim" "$c" --help >"$tmp/help-$c"
done
cat "$tmp"/help-* | grep -o -- '--[a-z][a-z-]*' | sort -u >"$tmp/names"
for n in quiet check stress progress no-progress input-format jobs to format \
	output strict help version verbose python threshold model events seed; do
	echo "--$n"
done >>"$tmp/names"
for l in q j o h t v c s p m n; do echo "-$l"; done >>"$tmp/names"
sort -u "$tmp/names" -o "$tmp/names"
mkdir "$tmp/cwd"
for c in run check compare gen convert; do
	# listed: the options column of the help, '  -q, --quiet    ...'
	grep -E '^ +-' "$tmp/help-$c" | sed 's/^ *//; s/  .*//' |
		grep -oE -- '--?[a-z][a-z-]*' | sort -u >"$tmp/listed"
	while read -r n; do
		# NAME then --help: an option without an argument lets --help
		# run, one with an argument takes "--help" as its value (any
		# file it writes lands in cwd/), an unknown one is an error
		# that says so.
		(cd "$tmp/cwd" && "$gcsim" "$c" "$n" --help >/dev/null 2>"$tmp/e1")
		if grep -q "unknown or incomplete option" "$tmp/e1"; then accepted=0; else accepted=1; fi
		if grep -qxF -- "$n" "$tmp/listed"; then listed=1; else listed=0; fi
		if [ $accepted -eq $listed ]; then
			ok
		else
			bad "help-$c$n: accepted $accepted, listed $listed"
			cat "$tmp/e1"
		fi
	done <"$tmp/names"
done

finish
