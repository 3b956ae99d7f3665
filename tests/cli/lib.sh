# Shared by the CLI test scripts (sourced): a scratch directory $tmp,
# removed at exit, and checks that count into $pass and $fail.  A script
# ends with `finish`, which prints the tally CTest reads and fails if any
# check did.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

check() { # name, expected status, command...: output in $tmp/out, $tmp/err
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok
	else
		bad "$name: exit $got, want $want"
		head -c 2000 "$tmp/out" "$tmp/err"
	fi
}

contains() { # name, file in $tmp, text
	if grep -qF -- "$3" "$tmp/$2"; then
		ok
	else
		bad "$1: '$3' not in $2:"
		head -c 2000 "$tmp/$2"
	fi
}

lacks() { # name, file in $tmp, text
	if grep -qF -- "$3" "$tmp/$2"; then
		bad "$1: '$3' in $2"
	else
		ok
	fi
}

same() { # name, file, file
	if [ -f "$2" ] && [ -f "$3" ] && cmp -s "$2" "$3"; then ok; else bad "$1: $2 and $3 differ"; fi
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
