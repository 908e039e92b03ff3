#!/bin/sh
# x12 reconcile as users script it: the fixtures of fixtures/reconcile/ (whose
# README gives every expected status and amount), a persistent ledger run
# twice, duplicates, bad input amid good, formats, exit codes; then a
# generated 837P/835 pair of 3000 claims checked by tests/reconcile_pair.py.
# Usage: cli_reconcile_test.sh PATH/TO/x12 SOURCE_DIR
set -u
X12=$1
SRC=$2
. "$SRC/tests/cli_lib.sh"
F=$SRC/fixtures/reconcile
# row CSV CLAIM_ID NTH -> the NTH (1-based) row of that claim, fields space-separated
row() { awk -F, -v id="$2" -v nth="$3" '$1 == id { if (++n == nth) { $1 = $1; print; exit } }' "$1"; }
# expect_row CSV ID NTH STATUS PAID
expect_row() {
  r=$(row "$1" "$2" "$3")
  st=$(echo "$r" | cut -d' ' -f2)
  paid=$(echo "$r" | cut -d' ' -f5)
  if [ "$st" = "$4" ] && [ "$paid" = "$5" ]; then ok; else bad "$2 #$3: status '$st' paid '$paid', wanted $4 $5"; fi
}

CLAIMS="$F/claims-1.837 $F/claims-2.837"
REMITS="$F/era-1.835 $F/era-2.835 $F/era-1-resent.835"

# --- help and usage -----------------------------------------------------------
expect_rc 0 "$X12" reconcile --help; has "$T/out" "usage: x12 reconcile"; has "$T/out" "--as-of"
expect_rc 2 "$X12" reconcile --db :memory: --format xml; has "$T/err" "--format must be text, csv or json"
expect_rc 2 "$X12" reconcile --db :memory: --bogus; has "$T/err" "unknown option '--bogus'"
expect_rc 2 "$X12" reconcile --db :memory: --claims; has "$T/err" "--claims needs at least one file"
expect_rc 2 "$X12" reconcile --db :memory: --as-of 2026-02-30; has "$T/err" "not a CCYY-MM-DD date"
expect_rc 2 "$X12" reconcile --db "$T/no/such/dir/l.sqlite"; has "$T/err" "ledger database failed"
# -o naming an input or the ledger: refused, nothing overwritten
cp "$F/era-1.835" "$T/self.835"
expect_rc 2 "$X12" reconcile --db :memory: --remits "$T/self.835" -o "$T/self.835"; has "$T/err" "is the input"
cmp -s "$T/self.835" "$F/era-1.835" && ok || bad "x12 reconcile -o INPUT changed the input"
# a claim id with an ISO-8859-1 byte: its JSON row keeps it (read as ISO-8859-1), not
# a row without claim_id
python3 -c 'import sys, re
s = open(sys.argv[1], "rb").read()
m = re.search(rb"CLM\*([A-Z0-9-]+)\*", s)
sys.stdout.buffer.write(s.replace(m.group(0), b"CLM*" + m.group(1) + b"\xe9*", 1))' "$F/claims-1.837" >"$T/lat.837"
expect_rc 0 "$X12" reconcile --db :memory: --claims "$T/lat.837" --format json
[ "$(grep -c '"claim_id":' "$T/out")" = "$(grep -c . "$T/out")" ] && ok || bad "a JSON row lost its claim_id"
grep -q '\\u00e9"' "$T/out" || grep -q 'é"' "$T/out" && ok || bad "the ISO-8859-1 claim id is not in the JSON: $(head -2 "$T/out")"
# the two kinds of file swapped: said, exit 1, nothing posted
expect_rc 1 "$X12" reconcile --db "$T/swapped.sqlite" --claims "$F/era-1.835" --remits "$F/claims-1.837" --format csv
has "$T/err" "era-1.835: segment 3 (ST) element 1.0, byte "
has "$T/err" "(ST01 is '835', not 837: the set is skipped)"
has "$T/err" "(ST01 is '837', not 835: the set is skipped)"
[ "$(wc -l <"$T/out" | tr -d ' ')" = 1 ] && ok || bad "swapped files posted rows: $(head -3 "$T/out")"

# the same claims sent again in a later interchange: the earlier copies say so
sed 's/\*000000011\*0\*P\*/*000000012*0*P*/; s/IEA\*1\*000000011/IEA*1*000000012/; s/BHT\*0019\*00\*0001\*20261001/BHT*0019*00*0001*20261015/' \
  "$F/claims-1.837" >"$T/resent.837"
n1=$(tr '~' '\n' <"$F/claims-1.837" | grep -c '^CLM\*')
expect_rc 0 "$X12" reconcile --db :memory: --claims "$F/claims-1.837" "$T/resent.837" --format csv --as-of 2026-11-30 \
  --summary "$T/sent.json"
has "$T/err" "$n1 claims were sent again later (the same claim id, payer, amount and lines)"
[ "$(tr -d '\r' <"$T/out" | grep -c ',2026-10-15,CH$')" = "$n1" ] && ok || bad "sent_again: $(tr -d '\r' <"$T/out" | grep -c ',2026-10-15,CH$') rows, wanted $n1"
has "$T/sent.json" "\"sent_again\": $n1"
expect_rc 0 "$X12" reconcile --db :memory: --claims "$F/claims-1.837" --format csv --as-of 2026-11-30
grep -q "sent again" "$T/err" && bad "claims sent once said to be sent again" || ok

# --- the fixtures, one shot ------------------------------------------------------
expect_rc 0 "$X12" reconcile --db :memory: --claims $CLAIMS --remits $REMITS --format csv --as-of 2026-11-30
cp "$T/out" "$T/one.csv"
cp "$T/err" "$T/one.err"
head -1 "$T/one.csv" | tr -d '\r' >"$T/head"
case "$(cat "$T/head")" in
  claim_id,status,billed,allowed,paid,patient_responsibility,age_days,*) ok ;;
  *) bad "csv header: $(cat "$T/head")" ;;
esac
[ "$(($(wc -l <"$T/one.csv") - 1))" -eq 10 ] && ok || bad "expected 10 rows: $(cat "$T/one.csv")"
tr -d '\r' <"$T/one.csv" >"$T/one"
expect_row "$T/one" RC-PAID-1 1 paid 112.00
expect_row "$T/one" RC-PART-1 1 partial 120.00
expect_row "$T/one" RC-DENY-1 1 denied 0.00
expect_row "$T/one" RC-REV-1 1 paid 90.00
expect_row "$T/one" RC-SPLIT-1 1 paid 150.00
expect_row "$T/one" RC-NOREF-1 1 paid 108.00
expect_row "$T/one" RC-REPL-1 1 reversed 0.00
expect_row "$T/one" RC-REPL-1 2 paid 150.00
expect_row "$T/one" RC-PEND-1 1 pending 0.00
expect_row "$T/one" RC-UNKNOWN-1 1 unmatched_remit 40.00
# age of the pending claim: 2026-10-01 to 2026-11-30
[ "$(row "$T/one" RC-PEND-1 1 | cut -d' ' -f7)" = "60" ] && ok || bad "pending age: $(row "$T/one" RC-PEND-1 1)"
# partial: allowed 150.00, patient responsibility 30.00
r=$(row "$T/one" RC-PART-1 1)
[ "$(echo "$r" | cut -d' ' -f4)" = "150.00" ] && [ "$(echo "$r" | cut -d' ' -f6)" = "30.00" ] && ok || bad "partial: $r"
# both lines of the claim without REF*6R were matched by procedure, charge and date
r=$(row "$T/one" RC-NOREF-1 1)
[ "$(echo "$r" | cut -d' ' -f23)" = "2" ] && ok || bad "lines matched without REF*6R: $r"
# the resent 835 was recognised, and the totals tie out
has "$T/one.err" "era-1-resent.835: 0 claim payments in 0 payments; 1 already in the ledger (skipped)"
has "$T/one.err" "ties out"
has "$T/one.err" "x12 reconcile: 1 claim payment matches no claim in the ledger (status unmatched_remit)"

# --- JSON and text carry the same -------------------------------------------------
expect_rc 0 "$X12" reconcile --db :memory: --claims $CLAIMS --remits $REMITS --format json --as-of 2026-11-30 --quiet
[ "$(wc -l <"$T/out")" -eq 10 ] && ok || bad "json rows"
has "$T/out" '{"claim_id":"RC-PEND-1","status":"pending","billed":"90.00","allowed":"0.00","paid":"0.00","patient_responsibility":"0.00","age_days":60,'
has "$T/out" '"claim_id":"RC-UNKNOWN-1","status":"unmatched_remit"'
expect_rc 0 "$X12" reconcile --db :memory: --claims $CLAIMS --remits $REMITS --as-of 2026-11-30 --summary "$T/sum.json"
has "$T/out" "RC-SPLIT-1"
has "$T/out" "paid 770.00 less PLB 7.50 = 762.50; BPR02 total 762.50: ties out"
has "$T/out" "31-60 days: 1 (90.00)"
has "$T/sum.json" '"ties_out": true'
has "$T/sum.json" '"unmatched": 1'

# --- a persistent ledger: files one run at a time, re-runs change nothing ------------
L="$T/ledger.sqlite"
expect_rc 0 "$X12" reconcile --db "$L" --claims "$F/claims-1.837" --format csv --as-of 2026-11-30
expect_rc 0 "$X12" reconcile --db "$L" --remits "$F/era-1.835" "$F/era-2.835" --format csv --as-of 2026-11-30
expect_rc 0 "$X12" reconcile --db "$L" --claims "$F/claims-2.837" --format csv --as-of 2026-11-30
tr -d '\r' <"$T/out" >"$T/staged"
same "$T/staged" "$T/one"
expect_rc 0 "$X12" reconcile --db "$L" --claims $CLAIMS --remits $REMITS --format csv --as-of 2026-11-30
has "$T/err" "claims-1.837: 0 claims in 0 transaction sets; 1 already in the ledger (skipped)"
tr -d '\r' <"$T/out" >"$T/again"
same "$T/again" "$T/one"
# the report alone, from the ledger
expect_rc 0 "$X12" reconcile --db "$L" --format csv --as-of 2026-11-30 -o "$T/report.csv"
tr -d '\r' <"$T/report.csv" >"$T/report"
same "$T/report" "$T/one"

# --- bad input amid good: reported, the rest still goes in ---------------------------
head -c $(($(wc -c <"$F/era-2.835") / 2)) "$F/era-2.835" >"$T/cut.835"
printf 'not x12 at all\n' >"$T/junk.835"
expect_rc 1 "$X12" reconcile --db :memory: --claims $CLAIMS --remits "$F/era-1.835" "$T/cut.835" "$T/junk.835" --format csv --as-of 2026-11-30
has "$T/err" "cut.835: not ingested: the file could not be read to its end (nothing kept)"
has "$T/err" "junk.835"
tr -d '\r' <"$T/out" >"$T/partial"
expect_row "$T/partial" RC-PAID-1 1 paid 112.00
expect_row "$T/partial" RC-REV-1 1 paid 100.00
# an 835 that does not balance is kept, with its finding, and the totals say so
sed 's/^BPR\*I\*130\*/BPR*I*131*/' "$F/era-2.835" >"$T/unbalanced.835"
expect_rc 1 "$X12" reconcile --db :memory: --claims $CLAIMS --remits "$F/era-1.835" "$T/unbalanced.835" --as-of 2026-11-30
has "$T/err" "unbalanced.835: segment 4 (BPR)"
has "$T/out" "DOES NOT TIE OUT"
# stdin
expect_rc 0 sh -c "'$X12' reconcile --db :memory: --claims - --as-of 2026-11-30 --format csv <'$F/claims-1.837'"
has "$T/out" "RC-PEND-1,pending"

# --- a generated pair of 3000 claims, checked independently --------------------------
if [ -f "$SRC/../shared/tools/gen_x12.py" ]; then
  if python3 "$SRC/tests/reconcile_pair.py" "$X12" "$SRC/../shared/tools/gen_x12.py" 3000 11 "$T/pair" >"$T/pair.log" 2>&1; then
    ok; sed 's/^/  /' "$T/pair.log"
  else
    bad "generated pair"; sed 's/^/  | /' "$T/pair.log" | head -40
  fi
else
  echo "skip: ../shared/tools/gen_x12.py not found"
fi

# --- 277CA acknowledgements: the latest per claim id, in the report's last
# columns and the totals; a set ingested again is skipped; a bad one is said
D=$SRC/fixtures/demo-inbox
expect_rc 0 "$X12" reconcile --db "$T/ack.sqlite" --claims "$D/claims-2026-11-25.837.gz" --acks "$D/ack-2026-11-26.277" \
  --format csv --as-of 2026-11-28 --summary "$T/ack.json"
has "$T/err" "ack-2026-11-26.277: 20 claim acknowledgements in 1 transaction set"
has "$T/out" "XWMU0000004,pending,240.00,"
has "$T/out" ",rejected,A7:562:82,20261126"
eq "$(grep -c ',accepted,A2:20:PR,20261126' "$T/out")" 19 "accepted claims"
eq "$(python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(o["acknowledged"], o["rejected_by_payer"])' "$T/ack.json")" "20 1" "--summary acknowledged"
expect_rc 0 "$X12" reconcile --db "$T/ack.sqlite" --acks "$D/ack-2026-11-26.277" --as-of 2026-11-28
has "$T/err" "0 claim acknowledgements in 0 transaction sets; 1 already in the ledger (skipped)"
has "$T/out" "277CA: 20 claims acknowledged, 1 rejected by the payer"
has "$T/out" "  277CA rejected"
# a later acknowledgement of the claim wins
sed -e 's/GW20261126A/GW20261127A/g' -e 's/\*0001\*005010X214/*0002*005010X214/' -e 's/SE\*\([0-9]*\)\*0001/SE*\1*0002/' \
  -e 's/STC\*A7:562:82\*20261126\*U/STC*A2:20:PR*20261127*WQ/' "$D/ack-2026-11-26.277" >"$T/ack2.277"
expect_rc 0 "$X12" reconcile --db "$T/ack.sqlite" --acks "$T/ack2.277" --format csv --as-of 2026-11-28
has "$T/out" "XWMU0000004,pending,240.00,"
grep '^XWMU0000004,' "$T/out" | grep -q ',accepted,A2:20:PR,20261127' && ok || bad "the later acknowledgement does not win"
expect_rc 1 "$X12" reconcile --db "$T/ack.sqlite" --acks "$F/era-1.835" --as-of 2026-11-28
has "$T/err" "ST01 is '835', not 277: the set is skipped"
head -c 900 "$D/ack-2026-11-26.277" >"$T/cut.277"
expect_rc 1 "$X12" reconcile --db "$T/ack.sqlite" --acks "$T/cut.277" --as-of 2026-11-28
has "$T/err" "cut.277: not ingested: the file could not be read to its end (nothing kept)"

# docs/ledger.md lists every column of the report, in the order written
h=$("$X12" reconcile --db :memory: --claims "$F/claims-1.837" --remits "$F/era-1.835" --format csv 2>/dev/null | head -1 | tr -d '\r')
d=$(python3 "$SRC/tests/doc_columns.py" "$SRC/docs/ledger.md" "$h" "## The report")
[ -n "$h" ] && [ "$h" = "$d" ] && ok || bad "docs/ledger.md: documents '$d', the header is '$h'"

# --- encounters (BHT06 RP): pending, but not in the aging ------------------------
"$X12" 837 --from "$SRC/fixtures/claims/y_837p.ndjson" --transaction-type RP --date 20260901 \
  --time 1200 -o "$T/enc.837"
"$X12" 837 --from "$SRC/fixtures/claims/y_837p.ndjson" --date 20260901 --time 1200 \
  --control-number 2 -o "$T/pay.837"
expect_rc 0 "$X12" reconcile --db :memory: --claims "$T/enc.837" --format csv --as-of 2026-10-11 \
  --summary "$T/enc.json"
n=$(tr -d '\r' <"$T/out" | grep -c ',pending,.*,RP$')
[ "$n" = 3 ] && ok || bad "encounters: $n pending rows with transaction_type RP, wanted 3"
eq "$(python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(o["pending_encounters"], sum(b["claims"] for b in o["aging"]))' "$T/enc.json")" "3 0" "--summary pending_encounters"
expect_rc 0 "$X12" reconcile --db :memory: --claims "$T/enc.837" "$T/pay.837" --as-of 2026-10-11
has "$T/out" "encounters (BHT06 RP) pending, not aged: 3"
has "$T/out" "31-60 days: 3"

# a claim payment's second statement-from date (DTM*232): the ledger keeps the
# first, and the second is said on standard error (a warning: exit 0)
sed 's/^DTM\*233\*20261005~/DTM*232*20261003~/' "$SRC/fixtures/remit/y_elements.835" >"$T/two232.835"
expect_rc 0 "$X12" reconcile --db :memory: --remits "$T/two232.835" --format csv
has "$T/err" "two232.835: segment 20 (DTM), byte 589: not carried"
has "$T/err" "a second of its kind: the model holds the first"

echo "cli_reconcile_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
