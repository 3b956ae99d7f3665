#!/bin/sh
# cmake --install: the binary lands in PREFIX/bin and runs from there, the
# man page and bash's completion beside it, as the build wrote them.
# usage: install_test.sh CMAKE BUILDDIR
set -u
cmake=$1 build=$2
. "$(dirname "$0")/lib.sh"
prefix=$tmp/prefix
"$cmake" --install "$build" --prefix "$prefix" >/dev/null || { echo "FAIL cmake --install"; exit 1; }
if [ -x "$prefix/bin/gcsim" ] && "$prefix/bin/gcsim" --version | grep -q '^gcsim '; then
	ok
else
	bad "install: no working $prefix/bin/gcsim"
fi
same "installed man page" "$build/gcsim.1" "$prefix/share/man/man1/gcsim.1"
same "installed completion" "$build/gcsim.bash-completion" \
	"$prefix/share/bash-completion/completions/gcsim"
[ "$fail" -eq 0 ] || ls -R "$prefix"
finish
