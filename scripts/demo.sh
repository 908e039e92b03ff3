#!/bin/sh
# The main job on the shipped fixtures (make demo).  For now: what is in each
# sample file (x12 info), one file segment by segment (x12 cat), and how the
# reader reports a broken file.  Later issues turn this into the nightly batch.
set -u
X12=${1:-build/x12}
cd "$(dirname "$0")/.."
echo "== x12 info: every transaction type in fixtures/corpus"
for f in fixtures/corpus/stupidedi__837-institutional-claim.edi \
         fixtures/corpus/stupidedi__orthodontic-treatment-plan.edi \
         fixtures/corpus/lfh-x12__demo.837 \
         fixtures/corpus/stupidedi__multiple-claims-single-check.edi \
         fixtures/corpus/imsweb-x12-parser__x12_999_rejected.txt \
         fixtures/corpus/imsweb-x12-parser__x12_277CA_accepted.txt \
         fixtures/corpus/inteligenz-x12parser__TechnicalAcknowledgment_SampleFromJeffN825.txt; do
  "$X12" info "$f"
done
echo
echo "== x12 info --json on a gzipped file"
"$X12" info --json fixtures/x12/y_gzip.x12.gz
echo
echo "== x12 cat: an 835, one segment per line"
"$X12" cat fixtures/corpus/stupidedi__multiple-claims-single-check.edi
echo
echo "== a broken file: errors name the file, segment, element and byte (exit status 1)"
"$X12" info fixtures/corpus/badx12__error_validation.edi
echo "exit status: $?"
exit 0
