#!/bin/sh
# Runs every libFuzzer target for SECONDS, seeded from fixtures/ and the kept
# regressions.  A crash leaves its input in fuzz/findings/ and fails the run.
# Usage: fuzz/run.sh BUILD_DIR SECONDS
set -eu
BUILD=$1
SECS=$2
cd "$(dirname "$0")/.."
mkdir -p fuzz/findings
for t in "$BUILD"/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  seeds=$(mktemp -d)
  find fixtures -type f ! -name '*.md' ! -name '*.expect' ! -name '*.py' -exec cp {} "$seeds"/ \;
  cp fuzz/regressions/* "$seeds"/ 2>/dev/null || true
  echo "fuzz: $name for ${SECS}s"
  if ! "$t" -max_total_time="$SECS" -max_len=8192 -timeout=10 -rss_limit_mb=1024 \
        -artifact_prefix=fuzz/findings/"$name"- -print_final_stats=1 "$seeds" 2>"$seeds.log"; then
    tail -40 "$seeds.log"
    rm -rf "$seeds" "$seeds.log"
    echo "fuzz: $name found a problem (input kept in fuzz/findings/)"
    exit 1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$seeds.log" | sed "s/^/fuzz: $name /"
  rm -rf "$seeds" "$seeds.log"
done
