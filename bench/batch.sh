#!/bin/sh
# x12 batch throughput on ~1 GB of generated files (PAIRS matching 837P/835
# pairs of 25 000 claims, default 40, in bench/data/batch/, made once: about
# 5 s a pair), with --jobs 1 and --jobs 2 in the same run, and the bare
# reader (x12 cat) and the validator (x12 validate) over the same files as
# baselines.  Each batch starts from an empty output folder; outputs of the
# two runs are compared.
# Usage: [PAIRS=N] bench/batch.sh BUILD_DIR
set -eu
BUILD=${1:-build-bench}
cd "$(dirname "$0")/.."
GEN=../shared/tools/gen_x12.py
D=bench/data/batch
X12=$BUILD/x12
mkdir -p "$D"
PAIRS=${PAIRS:-40}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/in"
for s in $(seq 1 "$PAIRS"); do
  [ -s "$D/p$s/835.x12" ] || python3 "$GEN" pair --claims 25000 --seed "$s" --out "$D/p$s" >/dev/null
  ln -s "$PWD/$D/p$s" "$T/in/p$s"
done
bytes=$(cat "$T"/in/p*/* | wc -c)
files=$(ls "$T"/in/p*/* | wc -l)
now() { date +%s.%N; }
rate() { awk -v b="$bytes" -v f="$files" -v s="$1" -v e="$2" -v n="$3" \
  'BEGIN {t = e - s; printf "%-22s %6.2f s  %7.1f MB/s  %6.2f files/s\n", n, t, b / 1e6 / t, f / t}'; }
echo "input: $files files, $bytes bytes"
s=$(now); "$X12" cat "$T"/in/p*/* >/dev/null; rate "$s" "$(now)" "reader (x12 cat)"
s=$(now); "$X12" validate "$T"/in/p*/* >/dev/null; rate "$s" "$(now)" "x12 validate"
# Each batch writes ~5.5 GB: the outputs of one are checksummed and removed,
# and the disk synced, before the next starts, so that neither pays for
# writing back the other's pages.
digest() { (cd "$1" && find . -type f ! -name 'summary.*' ! -name '*.sqlite*' ! -path './.x12-batch/*' |
  sort | xargs sha256sum) > "$T/digest$2"; }
for j in 1 2; do
  sync
  s=$(now); "$X12" batch --in "$T/in" --out "$T/o$j" --quiet --jobs "$j" || true; rate "$s" "$(now)" "x12 batch --jobs $j"
  [ "$j" = 1 ] && echo "outputs: $(du -sb --exclude=.x12-batch --exclude='*.sqlite*' "$T/o$j" | cut -f1) bytes"
  digest "$T/o$j" "$j"
  rm -rf "$T/o$j"
done
cmp -s "$T/digest1" "$T/digest2" && echo "outputs of --jobs 1 and 2 equal ($(wc -l < "$T/digest1") files)"
# --gzip: what compressing the outputs costs, and what it saves on disk
sync
s=$(now); "$X12" batch --in "$T/in" --out "$T/oz" --quiet --jobs 1 --gzip || true; rate "$s" "$(now)" "x12 batch --jobs 1 --gzip"
echo "outputs with --gzip: $(du -sb --exclude=.x12-batch --exclude='*.sqlite*' "$T/oz" | cut -f1) bytes"
rm -rf "$T/oz"
