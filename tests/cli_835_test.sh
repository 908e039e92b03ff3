#!/bin/sh
# x12 835 (and x12 277) as users script them: levels, formats, exact header columns, stdin,
# gzip, a bad file amid good ones, exit codes.
# Usage: cli_835_test.sh PATH/TO/x12 SOURCE_DIR
set -u
X12=$1
SRC=$2
. "$SRC/tests/cli_lib.sh"
F=$SRC/fixtures/reconcile

expect_rc 0 "$X12" 835 --help; has "$T/out" "usage: x12 835"
expect_rc 2 "$X12" 835 --level nope "$F/era-1.835"; has "$T/err" "--level must be claim, line, adjustment or plb"
expect_rc 2 "$X12" 835 --format xml "$F/era-1.835"; has "$T/err" "--format must be csv, json or x12"
expect_rc 2 "$X12" 835 --bogus; has "$T/err" "unknown option '--bogus'"

# claim level: the contract columns first, in this order, then one row per CLP
expect_rc 0 "$X12" 835 "$F/era-1.835" "$F/era-2.835"
head -1 "$T/out" | tr -d '\r' | cut -d, -f1-9 >"$T/h"
has "$T/h" "file,payer_id,trace_number,claim_id,status_code,billed,paid,patient_responsibility,payer_claim_number"
lines "$T/out" 14
has "$T/out" "$F/era-1.835,1512345678,T1,RC-PART-1,1,200.00,120.00,30.00,A1,"
has "$T/out" "$F/era-2.835,1512345678,T2,RC-REV-1,22,-125.00,-100.00,0.00,V1,"
# line, adjustment and plb levels
expect_rc 0 "$X12" 835 --level line "$F/era-1.835"; lines "$T/out" 10
has "$T/out" ",RC-NOREF-1,2,HC,81002,,,10.00,8.00,8.00,1,,20260915,,,2.00,"
expect_rc 0 "$X12" 835 --level adjustment "$F/era-1.835"; lines "$T/out" 11
has "$T/out" ",RC-DENY-1,line,1,99213,CO,50,125.00,,D1"
expect_rc 0 "$X12" 835 --level plb "$F/era-1.835"; lines "$T/out" 3
has "$T/out" ",T1,,1234567893,20261231,WO,OFF123,10.00"
# JSON: the same fields, amounts as strings
expect_rc 0 "$X12" 835 --format json "$F/era-2.835"; lines "$T/out" 6
has "$T/out" '"claim_id":"RC-UNKNOWN-1","status_code":"1","billed":"50.00","paid":"40.00","patient_responsibility":"0.00","payer_claim_number":"U1"'
# stdin, gzip, -o
expect_rc 0 sh -c "'$X12' 835 < '$F/era-2.835'"; has "$T/out" "<stdin>,1512345678,T2,RC-SPLIT-1"
gzip -c "$F/era-1.835" >"$T/era.835.gz"
expect_rc 0 "$X12" 835 -o "$T/rows.csv" "$T/era.835.gz"; lines "$T/rows.csv" 8
# a bad file amid good ones: reported, the others still converted
printf 'garbage\n' >"$T/junk.835"
expect_rc 1 "$X12" 835 "$F/era-1.835" "$T/junk.835" "$F/era-2.835"; lines "$T/out" 14
has "$T/err" "junk.835"
expect_rc 2 "$X12" 835 "$F/era-1.835" "$T/missing.835" "$F/era-2.835"; lines "$T/out" 14
has "$T/err" "missing.835"
# -o naming an input: refused before the input is truncated
cp "$F/era-1.835" "$T/self.835"
expect_rc 2 "$X12" 835 "$T/self.835" -o "$T/self.835"; has "$T/err" "is the input"
cmp -s "$T/self.835" "$F/era-1.835" && ok || bad "x12 835 -o INPUT changed the input"
# a paid amount that is a fraction of a cent: never a row with 0.00 in its place
sed 's/^CLP\*RC-PART-1\*1\*200\*120\*/CLP*RC-PART-1*1*200*120.005*/' "$F/era-1.835" >"$T/frac.835"
expect_rc 1 "$X12" 835 "$T/frac.835"; lines "$T/out" 7
has "$T/err" "segment 27 (CLP) element 4.0, byte "
has "$T/err" "(an amount with a fraction of a cent)"
has "$T/err" "(RC-PART-1 not read: an amount of it cannot be read)"
grep -q "RC-PART-1" "$T/out" && bad "a claim payment with a fraction of a cent was written" || ok
# --utf8: CSV text as UTF-8, a Latin-1 byte read as ISO-8859-1, UTF-8 kept as it is (not
# encoded twice), quoting as before; without it the bytes stay as the 835 has them
sed 's/NM1\*QC\*1\*DOE\*JOHN/NM1*QC*1*DO\xc9*JOHN/; s/N1\*PR\*BLUE PRAIRIE HEALTH/N1*PR*BL\xc3\x9cE PRAIRIE, HEALTH/' \
  "$F/era-1.835" >"$T/latin.835"
expect_rc 0 "$X12" 835 --utf8 "$T/latin.835"
iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1 && ok || bad "835 --utf8 wrote bytes that are not UTF-8"
[ "$(grep -c "$(printf ',DO\303\211,JOHN,')" "$T/out")" -ge 1 ] && ok || bad "835 --utf8: 0xC9 is not U+00C9"
has "$T/out" "$(printf ',"BL\303\234E PRAIRIE, HEALTH",')"
expect_rc 0 "$X12" 835 "$T/latin.835"
[ "$(grep -c "$(printf ',DO\311,JOHN,')" "$T/out")" -ge 1 ] && ok || bad "835 without --utf8 changed the bytes"
expect_rc 0 "$X12" 835 --utf8 --format json "$T/latin.835"
has "$T/out" '"patient_last_name":"DO\u00c9"'
# an 837 given by mistake: each of its sets named at its ST, exit 1, no rows
expect_rc 1 "$X12" 835 "$F/claims-1.837"; lines "$T/out" 1
has "$T/err" "claims-1.837: segment 3 (ST) element 1.0, byte "
has "$T/err" "transaction set of another type: not read (ST01 is '837', not 835: the set is skipped)"
[ "$(grep -c "not 835" "$T/err")" = "$(grep -o 'ST\*837\*' "$F/claims-1.837" | wc -l | tr -d ' ')" ] && ok || bad "one message per 837 set"
# an 835 of a guide x12kit has no spec for (a 4010 835): named at its ST, no
# rows (never the header alone with half-empty claims), exit 1; the 5010 base
# guide id without addenda reads as 005010X221A1
sed 's/\*005010X221A1~/*004010X091A1~/' "$F/era-1.835" >"$T/v4010.835"
expect_rc 1 "$X12" 835 "$T/v4010.835"; lines "$T/out" 1
has "$T/err" "v4010.835: segment 3 (ST), byte "
has "$T/err" "no spec for the transaction set's guide: not read (GS08 is '004010X091A1'; x12kit reads 005010X221A1)"
sed 's/\*005010X221A1~/*005010X221~/' "$F/era-1.835" >"$T/base.835"
expect_rc 0 "$X12" 835 "$T/base.835"; lines "$T/out" 8
# ... and says so, once, at its ST (a warning: exit 0)
has "$T/err" "base.835: segment 3 (ST), byte "
has "$T/err" "('005010X221' (from GS08) checked as 005010X221A1)"
[ "$(wc -l <"$T/err")" = 1 ] && ok || bad "more than the one warning: $(cat "$T/err")"
"$X12" 835 "$F/era-1.835" 2>/dev/null | sed 's|^[^,]*era-1.835,|F,|' >"$T/a1.csv"
sed 's|^[^,]*base.835,|F,|' "$T/out" | cmp -s - "$T/a1.csv" && ok || bad "005010X221 rows differ from 005010X221A1's"
# unbalanced: rows still written, the finding on stderr, exit 1
sed 's/^BPR\*I\*130\*/BPR*I*131*/' "$F/era-2.835" >"$T/unbalanced.835"
expect_rc 1 "$X12" 835 "$T/unbalanced.835"; lines "$T/out" 7
has "$T/err" "unbalanced.835: segment 4 (BPR)"

# text that is not UTF-8: JSON rows read it as ISO-8859-1 (0xE9 is \u00e9) and
# keep UTF-8 as its characters (a surrogate pair past U+FFFF); a warning names
# the place; CSV keeps the bytes as they are
sed 's/^NM1\*QC\*1\*SMITH\*ANN/NM1*QC*1*SMITH\xe9*ANN\xc3\xa9\xf0\x9f\x98\x80/' "$SRC/fixtures/remit/y_elements.835" >"$T/lat.835"
expect_rc 0 "$X12" 835 --format json "$T/lat.835"
has "$T/out" '"patient_last_name":"SMITH\u00e9"'
has "$T/out" '"patient_first_name":"ANN\u00e9\ud83d\ude00"'
has "$T/err" "lat.835: segment 15 (NM1) element 3.0, byte 460: text is not UTF-8 (byte 0xE9: read as ISO-8859-1)"
[ "$(wc -l <"$T/err")" = 1 ] && ok || bad "835: one warning wanted: $(cat "$T/err")"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="ascii")]' "$T/out" && ok || bad "835 JSON rows are not ASCII JSON"
expect_rc 0 "$X12" 835 "$T/lat.835"
LC_ALL=C grep -q "$(printf 'SMITH\351')" "$T/out" && ok || bad "835 CSV should keep the bytes"
# in a composite the warning names the component: SVC01-3, the first modifier
sed 's/^SVC\*HC:99214:25\*/SVC*HC:99214:2\xe9*/' "$SRC/fixtures/remit/y_elements.835" >"$T/mod.835"
expect_rc 0 "$X12" 835 --level line "$T/mod.835"
has "$T/err" "mod.835: segment 24 (SVC) element 1.3, byte 647: text is not UTF-8 (byte 0xE9: read as ISO-8859-1)"

# a claim's second statement-from date (DTM*232 in the place of the 233: the
# definition takes two DTMs, 232 or 233): the rows keep the first, and the
# second is said (a warning, exit 0)
sed 's/^DTM\*233\*20261005~/DTM*232*20261003~/' "$SRC/fixtures/remit/y_elements.835" >"$T/two232.835"
expect_rc 0 "$X12" 835 "$T/two232.835"
grep '^[^,]*,[^,]*,[^,]*,EL-1,' "$T/out" | grep -q ',20261001,,' && ok ||
  bad "the first DTM*232 should stay in the row"
has "$T/err" "two232.835: segment 20 (DTM), byte 589: not carried"
has "$T/err" "a second of its kind: the model holds the first"

# docs/835-columns.md lists every column of every level, in the order written
for lv in claim line adjustment plb; do
  h=$("$X12" 835 --level "$lv" "$SRC/fixtures/remit/y_elements.835" | head -1 | tr -d '\r')
  d=$(python3 "$SRC/tests/doc_columns.py" "$SRC/docs/835-columns.md" "$h" "Every level starts with" "## \`--level $lv\`")
  [ -n "$h" ] && [ "$h" = "$d" ] && ok || bad "docs/835-columns.md, level $lv: documents '$d', the header is '$h'"
done

# x12 277: 277CA acknowledgements as rows
C=$SRC/fixtures/corpus
R=$C/imsweb-x12-parser__x12_277CA_rejected.txt
A=$C/imsweb-x12-parser__x12_277CA_accepted.txt
expect_rc 0 "$X12" 277 --help; has "$T/out" "usage: x12 277"
expect_rc 2 "$X12" 277 --level claim,nope "$R"; has "$T/err" "--level takes receiver, provider, claim and line, not 'claim,nope'"
expect_rc 2 "$X12" 277 --format xml "$R"; has "$T/err" "--format must be csv or json"
expect_rc 2 "$X12" 277 --level; has "$T/err" "--level needs a value"
# both corpus files lack the 2200C STC the guide requires: said, exit 1, rows still written
expect_rc 1 "$X12" 277 "$R" "$A"; lines "$T/out" 7
has "$T/err" "x12_277CA_rejected.txt: segment 19 (HL), byte 516: required segment is missing"
has "$T/out" "$R,claim,rejected,3920394930203,1107000000001120,A7,562,85,WQ,20110311,A7:562:85,,199.14,"
has "$T/out" "$A,claim,accepted,5781,1107000000014420,A2,20,,WQ,20110311,A2:20,,125.00,"
expect_rc 1 "$X12" 277 --rejected --level claim,line "$R" "$A"; lines "$T/out" 2
has "$T/out" ",claim,rejected,3920394930203,"
expect_rc 1 "$X12" 277 --format json --level receiver "$R"; lines "$T/out" 1
has "$T/out" '{"file":"'"$R"'","level":"receiver","status":"accepted","claim_id":"",'
has "$T/out" '"accepted_count":1,"rejected_count":null,"accepted_amount":"199.14","rejected_amount":"",'
# the ids' qualifiers (NM108), columns added at the end
has "$T/out" '"payer_id_qualifier":"FI","receiver_id_qualifier":"46","provider_id_qualifier":"","member_id_qualifier":""}'
# stdin, and gzip out
"$X12" 277 --level claim - <"$R" >"$T/stdin.csv" 2>/dev/null
has "$T/stdin.csv" "<stdin>,claim,rejected,3920394930203,"
expect_rc 1 "$X12" 277 --level claim -o "$T/acks.csv.gz" "$R"
gzip -dc "$T/acks.csv.gz" >"$T/acks.csv" && ok || bad "277 -o OUT.gz is not gzip"
# the same rows as from stdin, but for the file column
sed 's/^<stdin>,/'"$(printf '%s' "$R" | sed 's/[\/&]/\\&/g')"',/' "$T/stdin.csv" | cmp -s - "$T/acks.csv" && ok || bad "277 -o OUT.gz differs from the plain rows"
# a second payer name (2100A, repeat 1): the rows keep the first, and the
# second is said beside the loop-repeat error (exit 1 for that error)
sed -e 's/^NM1\*AY\*2\*PAYER GATEWAY\*\*\*\*\*46\*PGW00001~$/&\nNM1*AY*2*OTHER GATEWAY*****46*PGW00002~/' \
  -e 's/^SE\*143\*0001~$/SE*144*0001~/' "$SRC/fixtures/demo-inbox/ack-2026-11-26.277" >"$T/two-payers.277"
expect_rc 1 "$X12" 277 --level receiver "$T/two-payers.277"
has "$T/out" ",PAYER GATEWAY,PGW00001,"; lacks "$T/out" "OTHER GATEWAY"
has "$T/err" "two-payers.277: segment 7 (NM1), byte 283: not carried"
has "$T/err" "a second of its kind: the model holds the first"
# a file of another kind: said, exit 1, no rows
expect_rc 1 "$X12" 277 "$F/era-1.835"; lines "$T/out" 1
has "$T/err" "ST01 is '835', not 277: the set is skipped"
# unreadable input, for both commands: said once, with the file; exit 1 bad input, 2 I/O
printf '\037\213\010\000garbage' >"$T/broken.gz"
for cmd in 835 277; do
  expect_rc 1 "$X12" "$cmd" "$T/broken.gz"
  eq "$(grep -c 'broken.gz: byte 0: gzip data is corrupt' "$T/err")" 1 "x12 $cmd: a broken gzip said once"
  expect_rc 2 "$X12" "$cmd" "$T/missing.x12"
  eq "$(grep -c 'missing.x12: byte 0: input/output error' "$T/err")" 1 "x12 $cmd: a missing file said once"
done

# --format x12: the 835 written back from the model; it validates, reads as the same rows,
# and says what it leaves out
expect_rc 0 "$X12" 835 --format x12 "$F/era-1.835"; cp "$T/out" "$T/rw.835"
has "$T/rw.835" "BPR*I*632.5*C*ACH*CCP*01*071000013*DA*123456*1512345678**01*071000039*DA*98765*20261025~"
expect_rc 0 "$X12" validate "$T/rw.835"; has "$T/out" "0 errors"
for lv in claim line adjustment plb; do
  "$X12" 835 --level $lv <"$F/era-1.835" >"$T/a.csv" 2>/dev/null
  "$X12" 835 --level $lv <"$T/rw.835" >"$T/b.csv" 2>/dev/null
  [ -s "$T/a.csv" ] && same "$T/a.csv" "$T/b.csv" "835 --format x12: the $lv rows differ"
done
expect_rc 0 "$X12" 835 --format x12 --amounts decimal2 "$F/era-1.835"; has "$T/out" "BPR*I*632.50*C*"
awk '/^LX\*1~/ { print; print "TS3*1234567893*11*20261231*2*1200~"; next }
     /^SE\*/ { split($0, f, "*"); print "SE*" f[2] + 1 "*" f[3]; next } { print }' "$F/era-2.835" >"$T/ts3.835"
expect_rc 0 "$X12" 835 --format x12 "$T/ts3.835"; has "$T/err" "(TS3)"; lacks "$T/out" "TS3*"
expect_rc 0 sh -c "'$X12' 835 --format x12 -o '$T/rw.835.gz' - < '$F/era-2.835'"
gzip -dc "$T/rw.835.gz" >"$T/rw2.835"; has "$T/rw2.835" "ST*835*0001~"
expect_rc 2 "$X12" 835 --format x12 --level line "$F/era-1.835"; has "$T/err" "--level and --utf8 are for rows"
expect_rc 2 "$X12" 835 --amounts decimal2 "$F/era-1.835"; has "$T/err" "--amounts is for --format x12"
expect_rc 2 "$X12" 835 --format x12 --amounts cents "$F/era-1.835"; has "$T/err" "--amounts must be x12 or decimal2"
# the input's delimiters are kept (here ISA11 '{' and a '^' in a name); a value the writer
# cannot take (a name holding the component separator ':', which the reader keeps whole in a
# simple element): that claim payment is said and left out, the others written, exit 1
sed 's/\*\^\*00501\*/*{*00501*/; 0,/^NM1\*QC\*1\*/s/^NM1\*QC\*1\*\([A-Z]*\)\*/NM1*QC*1*\1^X*/' "$F/era-2.835" >"$T/caret.835"
expect_rc 0 "$X12" 835 --format x12 "$T/caret.835"; has "$T/out" "*{*00501*"; has "$T/out" "NM1*QC*1*DOE^X*"
sed '0,/^NM1\*QC\*1\*/s/^NM1\*QC\*1\*\([A-Z]*\)\*/NM1*QC*1*\1:X*/' "$F/era-2.835" >"$T/colon.835"
expect_rc 1 "$X12" 835 --format x12 "$T/colon.835"; has "$T/err" "colon.835: not written: "
has "$T/err" ": patient.name"; has "$T/out" "CLP*"; has "$T/out" "SE*"
# a file cut inside a claim payment, then a whole one: the cut one is said and left out, its
# envelopes still end, and the next file is an interchange of its own
head -c 900 "$F/era-2.835" >"$T/cut.835"
expect_rc 1 "$X12" 835 --format x12 "$T/cut.835" "$F/era-1.835"; has "$T/err" "cut.835"
eq "$(grep -c '^IEA\*' "$T/out")" 2 "835 --format x12: the interchanges of a cut file and a whole one"
cp "$T/out" "$T/two.835"; expect_rc 1 "$X12" validate "$T/two.835"
lacks "$T/out" "IEA"; lacks "$T/out" "GE01"
# an interchange without GE, one without IEA: each still ends whole; ST*835*1 is padded
awk '!/^GE\*/' "$F/era-2.835" >"$T/noge.835"
awk '!/^IEA\*/' "$F/era-1.835" >"$T/noiea.835"
sed 's/^ST\*835\*0001~/ST*835*1~/; s/^SE\*\([0-9]*\)\*0001~/SE*\1*1~/' "$F/era-1-resent.835" >"$T/st1.835"
expect_rc 1 "$X12" 835 --format x12 "$T/noge.835" "$T/noiea.835" "$T/st1.835"
cp "$T/out" "$T/env.835"; has "$T/err" "ST02 '1' written as '0001'"
eq "$(grep -c '^GE\*1\*' "$T/env.835")" 3 "835 --format x12: a GE for each group"
eq "$(grep -c '^IEA\*1\*' "$T/env.835")" 3 "835 --format x12: an IEA for each interchange"
expect_rc 0 "$X12" validate "$T/env.835"
# a set that another ST cuts short before its first claim payment keeps its own ST02
{ sed -n '1,2p' "$F/era-2.835"; sed -n '/^ST\*/,/^LX\*/p' "$F/era-1.835" | sed '$d'
  sed -n '/^ST\*/,/^SE\*/p' "$F/era-2.835" | sed 's/^ST\*835\*0001~/ST*835*0002~/; s/^SE\*\([0-9]*\)\*0001~/SE*\1*0002~/'
  printf 'GE*2*1~\nIEA*1*000000102~\n'; } >"$T/cutst.835"
expect_rc 1 "$X12" 835 --format x12 "$T/cutst.835"
eq "$(grep -E '^(ST|TRN)\*' "$T/out" | cut -d'*' -f1-3 | tr -d '~' | tr '\n' ' ')" "ST*835*0001 TRN*1*T1 ST*835*0002 TRN*1*T2 " "835 --format x12: a cut set's ST02"
# no payment read: OUT is not written
expect_rc 1 "$X12" 835 --format x12 -o "$T/none.835" "$T/junk.835"
[ ! -e "$T/none.835" ] && ok || bad "835 --format x12 wrote OUT from no payment"

# x12 277 --utf8: ASCII rows are the same; a Latin-1 byte becomes UTF-8
"$X12" 277 --level claim "$R" >"$T/plain.csv" 2>/dev/null
expect_rc 1 "$X12" 277 --utf8 --level claim "$R"
cmp -s "$T/out" "$T/plain.csv" && ok || bad "277 --utf8 changed ASCII rows"
sed 's/NM1\*QC\*1\*\([A-Z]*\)\*/NM1*QC*1*\1\xc9*/' "$R" >"$T/latin.277"
expect_rc 1 "$X12" 277 --utf8 "$T/latin.277"
iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1 && ok || bad "277 --utf8 wrote bytes that are not UTF-8"
grep -q "$(printf '\303\211')" "$T/out" && ok || bad "277 --utf8: 0xC9 is not U+00C9"

# docs/277-columns.md lists every column in the order written
h=$("$X12" 277 "$R" 2>/dev/null | head -1 | tr -d '\r')
d=$(python3 "$SRC/tests/doc_columns.py" "$SRC/docs/277-columns.md" "$h" "Columns are only ever added at the end.")
[ -n "$h" ] && [ "$h" = "$d" ] && ok || bad "docs/277-columns.md documents '$d', the header is '$h'"

echo "cli_835_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
