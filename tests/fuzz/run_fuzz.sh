#!/bin/sh
# Builds the libFuzzer targets with clang in their own build tree and runs each
# for a bounded time over the seed corpus (tests/fuzz/corpus). Exit 77 (skip)
# when clang cannot build a fuzzer. Longer runs: FUZZ_SECONDS=600 (see README.md).
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=${FUZZ_BUILD_DIR:-$src/../../build/fuzz}
secs=${FUZZ_SECONDS:-15}
if ! command -v clang++ >/dev/null 2>&1; then
  echo "clang++ not found; install clang and libclang-rt-dev (scripts/install-deps)" >&2; exit 77
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' > "$probe/p.cpp"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>/dev/null; then
  echo "clang++ -fsanitize=fuzzer does not link; install the clang runtime (libclang-rt-dev)" >&2; exit 77
fi
CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work} cmake -S "$src" -B "$out" -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$out" -j2 >/dev/null
mkdir -p "$probe/corpus"
# New inputs go to a scratch corpus; crashes are written as crash-* in $out.
"$out/decoders_fuzz" -max_total_time="$secs" -rss_limit_mb=1024 -print_final_stats=1 \
  -artifact_prefix="$out/" "$probe/corpus" "$src/corpus" >"$probe/log" 2>&1 || rc=$?
tail -5 "$probe/log"
if [ "${rc:-0}" -ne 0 ]; then
  grep -A30 'ERROR\|runtime error' "$probe/log" | head -40 >&2
  echo "fuzz.decoders: a decoder crashed; the input is in $out/crash-* (keep it in tests/fuzz/corpus/)" >&2
  exit 1
fi
