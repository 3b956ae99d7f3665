#!/bin/sh
# Fuzz the trace reader and the replay for SECONDS with libFuzzer, ASan and
# UBSan.  BUILD is a build directory configured with clang and
# -DGCSIM_FUZZ=ON, with the targets fuzz_replay and gcsim built.  The seeds
# are the repository's traces, the same traces as .json and .jsonl, and the
# saved regressions; new inputs go to BUILD/fuzz-corpus, crashes to
# BUILD/fuzz-artifacts.  Exits non-zero when the fuzzer finds a crash.
# usage: run.sh BUILD SECONDS [LIBFUZZER-OPTIONS...]
set -eu
build=$(cd "$1" && pwd) secs=$2
shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
seeds=$build/fuzz-seeds
mkdir -p "$build/fuzz-corpus" "$build/fuzz-artifacts" "$seeds"
for f in "$src"/traces/*.trace "$src"/tests/conformance/traces/*.trace; do
	b=$(basename "$f" .trace)
	"$build/gcsim" convert "$f" "$seeds/$b.json"
	"$build/gcsim" convert "$f" "$seeds/$b.jsonl"
done
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
exec "$build/tests/fuzz_replay" -max_total_time="$secs" -timeout=30 \
	-max_len=8192 -dict="$src/tests/fuzz/trace.dict" \
	-artifact_prefix="$build/fuzz-artifacts/" \
	-print_final_stats=1 "$@" \
	"$build/fuzz-corpus" "$seeds" "$src/traces" \
	"$src/tests/conformance/traces" "$src/tests/fuzz/regressions"
