#!/bin/sh
# The man page and the bash completion the build wrote: current, rendered
# without a warning, and listing exactly what each command's --help does.
# usage: doc_test.sh GCSIM BUILDDIR
set -u
gcsim=$1 build=$2
. "$(dirname "$0")/lib.sh"

man=$build/gcsim.1 comp=$build/gcsim.bash-completion
check "--man" 0 "$gcsim" --man "$tmp/gcsim.1"
same "the built man page is gcsim --man's" "$man" "$tmp/gcsim.1"
check "--completion bash" 0 "$gcsim" --completion bash
same "the built completion is gcsim --completion bash's" "$comp" "$tmp/out"
check "--completion zsh" 2 "$gcsim" --completion zsh

commands=$("$gcsim" --help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
[ -n "$commands" ] && ok || bad "no commands in gcsim --help"

# Rendered as man would, with every warning on: none.
if command -v groff >/dev/null 2>&1; then
	groff -man -ww -Tascii -P-cbou "$man" >"$tmp/man.txt" 2>"$tmp/warn"
	if [ $? -eq 0 ] && [ ! -s "$tmp/warn" ]; then ok; else bad "groff warns:"; cat "$tmp/warn"; fi
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS "TRACE LANGUAGE" "EXIT STATUS"; do
		contains "section $s" man.txt "$s"
	done
	for st in 0 1 2 3 4 5; do
		grep -q "^       $st  " "$tmp/man.txt" && ok || bad "exit status $st not in the man page"
	done
	# Every option of every command's --help, in that command's section.
	for c in $commands; do
		sed -n "/^   gcsim $c\$/,/^   [^ ]/p" "$tmp/man.txt" >"$tmp/sect"
		[ -s "$tmp/sect" ] && ok || bad "no section for $c"
		"$gcsim" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$tmp/opts"
		[ -s "$tmp/opts" ] && ok || bad "$c --help lists no options"
		while read -r o; do
			grep -q -- "^       \(-., \)\?$o\( \|\$\)" "$tmp/sect" && ok ||
				bad "man page: $c $o not in its section"
		done <"$tmp/opts"
	done
else
	echo "groff not found: man page rendering not checked"
fi

# The completion, sourced in bash and driven as readline drives it.
if command -v bash >/dev/null 2>&1; then
	cat >"$tmp/complete.bash" <<'EOF'
. "$1"
complete -p gcsim | grep -q -- '-F _gcsim' || echo "not registered"
words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _gcsim; printf '%s\n' "${COMPREPLY[@]}" | sort; }
EOF
	run_bash() { bash -c ". $tmp/complete.bash $comp; $1" >"$tmp/got" 2>&1; }
	run_bash "words gcsim ''"
	for c in $commands --help --version; do
		grep -qx -- "$c" "$tmp/got" && ok || bad "completion: no command $c"
	done
	lacks "completion registered" got "not registered"
	run_bash "words gcsim c"
	printf 'check\ncompare\nconvert\n' | cmp -s - "$tmp/got" && ok ||
		bad "completion of 'c': $(cat "$tmp/got")"
	for c in $commands; do
		"$gcsim" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$tmp/want"
		run_bash "words gcsim $c --"
		cmp -s "$tmp/want" "$tmp/got" && ok || { bad "completion: $c's options differ"; diff "$tmp/want" "$tmp/got"; }
	done
	run_bash "words gcsim run --format ''"
	printf 'chrome\njsonl\ntext\n' | cmp -s - "$tmp/got" && ok ||
		bad "completion of run --format: $(cat "$tmp/got")"
	run_bash "words gcsim compare --python 3."
	# --help lists the profiles one a line under "profiles for --python".
	"$gcsim" run --help | sed -n '/^profiles for --python/,/^$/s/^  \([0-9][0-9.]*\) .*/\1/p' |
		sort >"$tmp/want"
	[ -s "$tmp/want" ] && ok || bad "no profiles in run --help"
	cmp -s "$tmp/want" "$tmp/got" && ok || bad "completion of --python: $(cat "$tmp/got")"
else
	echo "bash not found: completion not checked"
fi
finish
