#!/bin/sh
# Scale-out as docs/scale-out.md describes it: a generated 835 and 837P are
# split into one file per transaction set, GNU parallel runs `x12 835` and
# `x12 837 --to-json` on the shards (stdin to stdout, as any engine's pipe
# stage would), and the merged outputs must equal one single-process run.
# Usage: scaleout_test.sh PATH/TO/x12 SOURCE_DIR
set -u
X12=$1
SRC=$2
GEN=$SRC/../shared/tools/gen_x12.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
if ! command -v parallel >/dev/null 2>&1; then
  echo "scaleout_test: GNU parallel is missing (scripts/install-deps.sh installs it)"; exit 1
fi
if [ ! -f "$GEN" ]; then
  echo "skip: $GEN not found"; exit 0
fi
# many transaction sets: 40 claims per set
python3 "$GEN" 835 --claims 3000 --seed 21 --claims-per-st 40 >"$T/remit.835"
python3 "$GEN" 837p --claims 3000 --seed 21 --claims-per-st 40 >"$T/claims.837"
for f in remit.835 claims.837; do
  mkdir -p "$T/shards-$f"
  "$X12" split "$T/$f" --by transaction -o "$T/shards-$f" 2>/dev/null || bad "split $f"
done
n835=$(ls "$T/shards-remit.835" | wc -l)
[ "$n835" -gt 10 ] || bad "only $n835 shards of the 835"
# every shard is a valid file of its own
for f in "$T"/shards-*/*; do
  "$X12" validate "$f" >/dev/null 2>&1 || bad "shard $f does not validate"
done
# 835 rows at every level: sharded with parallel -k (keeps input order), merged
for level in claim line adjustment plb; do
  "$X12" 835 --level "$level" <"$T/remit.835" >"$T/single.$level"
  ls "$T/shards-remit.835"/* | parallel -k -j2 "'$X12' 835 --level $level < {}" >"$T/sharded.$level.raw"
  # one header: each shard's output starts with it
  head -1 "$T/single.$level" >"$T/sharded.$level"
  grep -vxF "$(head -1 "$T/single.$level")" "$T/sharded.$level.raw" >>"$T/sharded.$level"
  if cmp -s "$T/single.$level" "$T/sharded.$level"; then :; else
    bad "835 --level $level: sharded output differs"; diff "$T/single.$level" "$T/sharded.$level" | head -5
  fi
done
rows=$(($(wc -l <"$T/single.claim") - 1))
[ "$rows" -gt 2900 ] || bad "only $rows claim rows"
# 837 -> claims JSON
"$X12" 837 --to-json - <"$T/claims.837" >"$T/single.json"
ls "$T/shards-claims.837"/* | parallel -k -j2 "'$X12' 837 --to-json - < {}" >"$T/sharded.json"
cmp -s "$T/single.json" "$T/sharded.json" || bad "837 --to-json: sharded output differs"
[ "$(wc -l <"$T/single.json")" -eq 3000 ] || bad "expected 3000 claims in JSON"
echo "scaleout_test: $n835 835 shards, $rows claim rows, $fail failures"
[ "$fail" -eq 0 ]
