#!/bin/sh
# Generates the ~100 MB benchmark inputs once (bench/data/, ignored by git)
# and runs the benchmarks.  Usage: bench/run.sh BUILD_DIR [PGO_BUILD_DIR]
# With a second build (scripts/pgo-build.sh), the reader and 835 benchmarks
# run on it too, right after the first build's.
set -eu
BUILD=${1:-build-bench}
PGO=${2:-}
cd "$(dirname "$0")/.."
GEN=../shared/tools/gen_x12.py
mkdir -p bench/data
if [ ! -s bench/data/835.x12 ]; then
  python3 "$GEN" 835 --claims 235000 --seed 1 >bench/data/835.x12
fi
if [ ! -s bench/data/837p.x12 ]; then
  python3 "$GEN" 837p --claims 190000 --seed 1 >bench/data/837p.x12
fi
for b in "$BUILD" $PGO; do
  echo "== $b"
  "$b/bench/bench_reader" bench/data/835.x12 bench/data/837p.x12
  "$b/bench/bench_835" bench/data/835.x12
done
# The reader against the same baseline with glibc's memchr held to SSE2 (as
# on a CPU without AVX2; by default glibc takes its AVX-512 memchr here, about
# twice the 0.4-0.6 GB/s the issue expected).  Only the baseline changes: the
# reader picks its hot loop itself, and prints it at each instruction set.
last=$BUILD
[ -n "$PGO" ] && last=$PGO
echo "== $last, glibc's memchr held to SSE2 (GLIBC_TUNABLES)"
GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,-AVX512BW,-AVX512VL,-AVX2,-EVEX \
  "$last/bench/bench_reader" bench/data/835.x12 bench/data/837p.x12
# claims JSON: generates its own 100 000-claim NDJSON into bench/data/ once
"$BUILD/bench/bench_claims" bench/data 100000
sh bench/reconcile.sh "$BUILD"
sh bench/batch.sh "$BUILD"
sh bench/small.sh "$BUILD"
