#!/bin/sh
# Many small files, as a night's inbox often is: N matching 837P/835 pairs of
# 4 claims each (default 250 pairs, 500 files of 2-4 KB, made once in
# bench/data/small/).  Times, in the same run, the bare reader (x12 cat) as the
# baseline, x12 validate over all the files in one process, and x12 batch
# --jobs 1, and prints the per-file cost of each.  What this measures is the
# fixed cost of a file (loading guides, opening outputs, ledger transactions),
# which the ~1 GB run of bench/batch.sh hides.
# Usage: [SMALL=N] bench/small.sh BUILD_DIR
set -eu
BUILD=${1:-build-bench}
cd "$(dirname "$0")/.."
GEN=../shared/tools/gen_x12.py
D=bench/data/small
X12=$BUILD/x12
N=${SMALL:-250}
mkdir -p "$D"
i=1
while [ "$i" -le "$N" ]; do
  [ -s "$D/p$i/835.x12" ] || python3 "$GEN" pair --claims 4 --seed "$i" --out "$D/p$i" >/dev/null
  i=$((i + 1))
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/in"
i=1
while [ "$i" -le "$N" ]; do
  cp "$D/p$i/837p.x12" "$T/in/c$i.837"
  cp "$D/p$i/835.x12" "$T/in/r$i.835"
  i=$((i + 1))
done
files=$((2 * N))
bytes=$(cat "$T"/in/* | wc -c)
now() { date +%s.%N; }
rate() { awk -v f="$files" -v s="$1" -v e="$2" -v n="$3" \
  'BEGIN {t = e - s; printf "%-26s %6.2f s  %7.2f ms a file\n", n, t, 1000 * t / f}'; }
echo "input: $files files, $bytes bytes"
s=$(now); "$X12" cat "$T"/in/* >/dev/null; rate "$s" "$(now)" "reader (x12 cat)"
s=$(now); "$X12" validate "$T"/in/* >/dev/null || true; rate "$s" "$(now)" "x12 validate"
sync
s=$(now); "$X12" batch --in "$T/in" --out "$T/out" --quiet || true; rate "$s" "$(now)" "x12 batch --jobs 1"
