#!/bin/sh
# valgrind memcheck over the x12 command on every fixture: no invalid access,
# no use of uninitialised memory, no leak.  Usage: valgrind_test.sh X12 SOURCE_DIR
set -u
X12=$1
SRC=$2
if ! command -v valgrind >/dev/null; then
  echo "valgrind not installed"
  exit 1
fi
FILES=$(find "$SRC/fixtures" -type f ! -name '*.md' ! -name '*.expect' ! -name '*.py' ! -name '*.xml' | sort)
fail=0
LOG=$(mktemp)
for cmd in "cat" "info --json" "to-json" "validate --json" \
           "validate --spec $SRC/fixtures/overlays/example-companion.xml" "ack-report --json" \
           "835 --level claim" "835 --level line --format json" "835 --level adjustment" "835 --level plb"; do
  # shellcheck disable=SC2086
  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect "$X12" $cmd $FILES >/dev/null 2>"$LOG"
  rc=$?
  if [ "$rc" = 99 ]; then
    echo "FAIL: valgrind found errors in: x12 $cmd"
    grep -v "^x12\|: segment\|: byte" "$LOG" | head -40
    fail=1
  else
    echo "ok: x12 $cmd over $(echo "$FILES" | wc -l) files (exit $rc)"
  fi
done
# one file at a time: x12 ack and x12 split on the acknowledgement fixtures
OUT=$(mktemp -d)
for f in "$SRC"/fixtures/ack/*.x12 "$SRC"/fixtures/x12/n_missing_se.x12; do
  for cmd in "ack --999 --ta1 -o $OUT/ack" "split --by transaction -o $OUT/split"; do
    # shellcheck disable=SC2086
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
      --errors-for-leak-kinds=definite,indirect "$X12" $cmd "$f" >/dev/null 2>"$LOG"
    if [ "$?" = 99 ]; then
      echo "FAIL: valgrind found errors in: x12 $cmd $f"
      head -40 "$LOG"
      fail=1
    fi
  done
done
echo "ok: x12 ack and x12 split over fixtures/ack"
# x12 837 --to-json on each 837 fixture, and x12 837 --from on each claims JSON
for f in "$SRC"/fixtures/reconcile/*.837 "$SRC"/fixtures/claims/*.json "$SRC"/fixtures/claims/*.ndjson; do
  case "$f" in *.837) cmd="837 --to-json" ;; *) cmd="837 --from" ;; esac
  # shellcheck disable=SC2086
  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect "$X12" $cmd "$f" >/dev/null 2>"$LOG"
  if [ "$?" = 99 ]; then
    echo "FAIL: valgrind found errors in: x12 $cmd $f"
    head -40 "$LOG"
    fail=1
  fi
done
echo "ok: x12 837 --to-json / --from over the claim fixtures"
# x12 reconcile: every 837 and 835 fixture into one ledger, and the report
R="$SRC/fixtures/reconcile"
valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect "$X12" reconcile --db :memory: --claims "$R"/*.837 \
  --remits "$R"/*.835 --format json --as-of 2026-11-30 >/dev/null 2>"$LOG"
if [ "$?" = 99 ]; then
  echo "FAIL: valgrind found errors in: x12 reconcile"
  head -40 "$LOG"
  fail=1
else
  echo "ok: x12 reconcile over fixtures/reconcile"
fi
rm -rf "$OUT"
rm -f "$LOG"
exit $fail
