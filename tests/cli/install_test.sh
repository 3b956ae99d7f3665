#!/bin/sh
# cmake --install: the binary lands in PREFIX/bin and runs from there.
# usage: install_test.sh CMAKE BUILDDIR
set -u
cmake=$1 build=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
"$cmake" --install "$build" --prefix "$prefix" >/dev/null || { echo "FAIL cmake --install"; exit 1; }
if [ -x "$prefix/bin/gcsim" ] && "$prefix/bin/gcsim" --version | grep -q '^gcsim '; then
	echo "1 passed, 0 failed"
else
	echo "FAIL install: no working $prefix/bin/gcsim"
	ls -R "$prefix"
	exit 1
fi
