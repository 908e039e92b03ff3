#!/bin/sh
# The nightly batch on the shipped demo inbox (make demo): every file in
# fixtures/demo-inbox/ is validated, converted (837 -> claims JSON, 835 -> CSV
# and NDJSON rows, 277CA -> status rows), ingested into the ledger and acknowledged (999/TA1); a
# cut-off upload and a non-X12 file are quarantined; the ledger is matched and
# the run summary printed.  A second run shows that nothing is done twice.
set -u
X12=${1:-build/x12}
cd "$(dirname "$0")/.."
OUT=${DEMO_OUT:-build/demo-out}
rm -rf "$OUT"
echo "== x12 batch --in fixtures/demo-inbox --out $OUT --ack"
"$X12" batch --in fixtures/demo-inbox --out "$OUT" --ack
echo "(exit status $?: files were quarantined, so the batch reports a failure)"
echo
echo "== what it wrote"
(cd "$OUT" && find . -path ./.x12-batch -prune -o -type f -print | sort)
echo
echo "== one quarantine report"
cat "$OUT/quarantine/claims-2026-11-26-upload-cut.837.error.txt"
echo
echo "== what the payer's 277CA rejected (x12 277 --rejected --level claim)"
"$X12" 277 --rejected --level claim fixtures/demo-inbox/ack-2026-11-26.277 | cut -d, -f2-13
echo
echo "== the first claims in the ledger (x12 reconcile --db $OUT/x12-ledger.sqlite --format csv)"
"$X12" reconcile --db "$OUT/x12-ledger.sqlite" --format csv 2>/dev/null | head -5 | cut -c1-110
echo
echo "== the same batch again: every file is skipped"
"$X12" batch --in fixtures/demo-inbox --out "$OUT" --ack | head -2
exit 0
