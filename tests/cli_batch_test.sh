#!/bin/sh
# x12 batch: a folder with good, bad, gzipped and duplicate files; exact
# summary counts (worked out here from the files with grep/awk, not by the
# code under test); a re-run changes nothing; kill -9 at several points then
# a re-run gives the outputs and ledger of one clean run; a read-only output
# folder; --jobs 2 gives the outputs of --jobs 1.
# Usage: cli_batch_test.sh PATH/TO/x12 SOURCE_DIR [BATCH_FAULTS.so]
set -u
X12=$1
SRC=$2
. "$SRC/tests/cli_lib.sh"
BATCH_FAULTS=${3:-}
GEN=$SRC/../shared/tools/gen_x12.py
[ -f "$GEN" ] || GEN=/work/shared/tools/gen_x12.py
# jget FILE KEY.PATH: a value of summary.json (python3 is a build dependency)
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[k]
print(d)' "$1" "$2"; }
# the outputs that must not depend on how the run went
outputs() { (cd "$1" && find . -path ./.x12-batch -prune -o -type f ! -name 'summary.*' ! -name '*.sqlite*' -print | sort | xargs sha256sum); }
ledger() { "$X12" reconcile --db "$1" --format csv --as-of 2026-01-01 2>/dev/null; }

# --- a small inbox ------------------------------------------------------------
IN=$T/in
mkdir -p "$IN/sub"
python3 "$GEN" pair --claims 40 --seed 3 --out "$IN" >/dev/null
python3 "$GEN" 837p --claims 20 --seed 5 | gzip >"$IN/sub/more-claims.gz"
cp "$IN/835.x12" "$IN/sub/copy-of-835.dat"          # duplicate content, other name
head -c 3000 "$IN/837p.x12" >"$IN/truncated.x12"     # broken: ends inside a segment
printf 'not an edi file\n' >"$IN/readme.txt"          # not X12
printf '\037\213\010\000garbage' >"$IN/broken.gz"    # gzip error
printf '\357\273\277\r\n' >"$IN/bom.x12"                 # X12 after a BOM and a line break
python3 "$GEN" 837p --claims 5 --seed 7 >>"$IN/bom.x12"
cp "$IN/readme.txt" "$IN/.hidden"                     # hidden: not an input

# expected figures, from the files themselves
zcat -f "$IN/sub/more-claims.gz" >"$T/more.x12"
claims=$(cat "$IN/837p.x12" "$T/more.x12" "$IN/bom.x12" | grep -c '^CLM\*')
pays=$(grep -c '^CLP\*' "$IN/835.x12")
billed=$(cat "$IN/837p.x12" "$T/more.x12" "$IN/bom.x12" | awk -F'*' '/^CLM\*/ {split($3, a, "."); c += a[1] * 100 + (a[2] == "" ? 0 : substr(a[2] "0", 1, 2))} END {printf "%d.%02d", c / 100, c % 100}')
paid=$(awk -F'*' '/^CLP\*/ {v = $5; s = 1; if (v ~ /^-/) {s = -1; v = substr(v, 2)} split(v, a, "."); c += s * (a[1] * 100 + (a[2] == "" ? 0 : substr(a[2] "0", 1, 2)))} END {printf "%d.%02d", c / 100, c % 100}' "$IN/835.x12")
sets835=$(grep -c '^ST\*835' "$IN/835.x12")

OUT=$T/out1
expect_rc 1 "$X12" batch --in "$IN" --out "$OUT" --ack
S=$OUT/summary.json
eq "$(jget "$S" files.found)" 8 "files found"
eq "$(jget "$S" files.done)" 4 "files done"
eq "$(jget "$S" files.duplicates)" 1 "duplicates"
eq "$(jget "$S" files.quarantined)" 3 "quarantined"
eq "$(jget "$S" files.failed)" 0 "failed"
eq "$(jget "$S" files.skipped)" 0 "skipped"
eq "$(jget "$S" claims.submitted)" "$claims" "claims"
eq "$(jget "$S" claims.paid)" "$pays" "claim payments"
eq "$(jget "$S" amounts.billed)" "$billed" "billed"
eq "$(jget "$S" amounts.paid)" "$paid" "paid"
eq "$(jget "$S" transaction_sets.835)" "$sets835" "835 sets"
eq "$(jget "$S" transaction_sets.837)" 3 "837 sets"
eq "$(jget "$S" findings.errors)" 0 "error findings of the files kept"
eq "$(jget "$S" reconciliation.claims)" "$claims" "ledger claims"
eq "$(jget "$S" reconciliation.ties_out)" True "ledger ties out"
# the summary text is on stdout and in summary.txt
cmp -s "$T/out" "$OUT/summary.txt" && ok || bad "stdout differs from summary.txt"
has "$T/out" "duplicate: sub/copy-of-835.dat: same content as 835.x12"
has "$T/out" "quarantined: truncated.x12: segment 104 (HL), byte 2990: input ends inside a segment"
has "$T/out" "quarantined: readme.txt: not X12"
has "$T/out" "quarantined: broken.gz:"
# outputs, quarantine copies with their reports, acknowledgements
for f in findings/837p.x12.ndjson claims/837p.x12.claims.ndjson claims/sub/more-claims.gz.claims.ndjson \
         remits/835.x12.claim.csv remits/835.x12.line.csv remits/835.x12.adjustment.csv remits/835.x12.plb.csv \
         remits/835.x12.claim.ndjson acks/837p.x12.ack.x12 acks/835.x12.ack.x12 acks/truncated.x12.ack.x12; do
  [ -f "$OUT/$f" ] && ok || bad "missing output $f"
done
[ ! -e "$OUT/claims/truncated.x12.claims.ndjson" ] && ok || bad "a quarantined file was converted"
[ ! -e "$OUT/status" ] && ok || bad "status rows written for an inbox without a 277CA"
[ ! -e "$OUT/remits/sub/copy-of-835.dat.claim.csv" ] && ok || bad "a duplicate was converted"
cmp -s "$OUT/quarantine/truncated.x12" "$IN/truncated.x12" && ok || bad "quarantine copy differs"
[ -f "$IN/truncated.x12" ] && ok || bad "the input was moved"
R=$OUT/quarantine/truncated.x12.error.txt
has "$R" "segment: 104"; has "$R" "segment_id: HL"; has "$R" "byte: 2990"; has "$R" "code: X12_ERR_UNTERMINATED"
has "$R" "element: 0"; has "$R" "file: truncated.x12"
has "$OUT/quarantine/broken.gz.error.txt" "X12_ERR_GZIP"
has "$OUT/quarantine/readme.txt.error.txt" "X12_ERR_NOT_X12"
# rows and claims: one per CLP / CLM
eq "$(($(wc -l <"$OUT/remits/835.x12.claim.csv") - 1))" "$pays" "claim rows"
eq "$(wc -l <"$OUT/claims/837p.x12.claims.ndjson" | tr -d ' ')" 40 "claims JSON lines"
# every 999 written validates, and the truncated file's 999 rejects its set
for a in "$OUT"/acks/*.ack.x12; do "$X12" validate "$a" >/dev/null 2>&1 && ok || bad "$a does not validate"; done
has "$OUT/acks/truncated.x12.ack.x12" "IK5*R"
has "$OUT/acks/837p.x12.ack.x12" "IK5*A"

# --- a re-run: everything skipped, no output byte and no ledger row changes -----
outputs "$OUT" >"$T/o1"; ledger "$OUT/x12-ledger.sqlite" >"$T/l1"
expect_rc 0 "$X12" batch --in "$IN" --out "$OUT" --ack --quiet
[ -s "$T/out" ] && bad "--quiet printed: $(head -3 "$T/out")" || ok
[ -s "$T/err" ] && bad "stderr is not a terminal, yet: $(head -3 "$T/err")" || ok
eq "$(jget "$S" files.skipped)" 7 "skipped on re-run"
eq "$(jget "$S" files.duplicates)" 1 "duplicates on re-run"
eq "$(jget "$S" files.done)" 0 "done on re-run"
eq "$(jget "$S" claims.submitted)" "$claims" "claims on re-run (totals include files done earlier)"
outputs "$OUT" >"$T/o2"; ledger "$OUT/x12-ledger.sqlite" >"$T/l2"
cmp -s "$T/o1" "$T/o2" && ok || bad "a re-run changed outputs"
cmp -s "$T/l1" "$T/l2" && ok || bad "a re-run changed the ledger"
[ "$(wc -l <"$T/l1")" -gt 40 ] && ok || bad "ledger report too short"

# --- a file re-sent under another name on a later night (the first one moved
# away): a duplicate of the earlier name, not converted or posted again ------
mkdir -p "$T/rs/in"
cp "$IN/835.x12" "$IN/837p.x12" "$T/rs/in/"
expect_rc 0 "$X12" batch --in "$T/rs/in" --out "$T/rs/out" --quiet
ledger "$T/rs/out/x12-ledger.sqlite" >"$T/rs1"
mv "$T/rs/in/835.x12" "$T/rs/835-archived.x12"
mkdir -p "$T/rs/in/resent"
cp "$T/rs/835-archived.x12" "$T/rs/in/resent/835-again.x12"
expect_rc 0 "$X12" batch --in "$T/rs/in" --out "$T/rs/out"
has "$T/out" "duplicate: resent/835-again.x12: same content as 835.x12"
eq "$(jget "$T/rs/out/summary.json" files.duplicates)" 1 "re-sent file: duplicates"
eq "$(jget "$T/rs/out/summary.json" files.done)" 0 "re-sent file: done"
[ ! -e "$T/rs/out/remits/resent/835-again.x12.claim.csv" ] && ok || bad "a re-sent file was converted"
ledger "$T/rs/out/x12-ledger.sqlite" >"$T/rs2"
cmp -s "$T/rs1" "$T/rs2" && ok || bad "a re-sent file changed the ledger"

# claims sent again in a later interchange (another file, not a duplicate):
# the summary counts the earlier copies, as x12 reconcile --summary does
mkdir -p "$T/sa/in"
cp "$SRC/fixtures/reconcile/claims-1.837" "$T/sa/in/"
sed 's/\*000000011\*0\*P\*/*000000012*0*P*/; s/IEA\*1\*000000011/IEA*1*000000012/; s/BHT\*0019\*00\*0001\*20261001/BHT*0019*00*0001*20261015/' \
  "$SRC/fixtures/reconcile/claims-1.837" >"$T/sa/in/resent.837"
nsa=$(tr '~' '\n' <"$SRC/fixtures/reconcile/claims-1.837" | grep -c '^CLM\*')
expect_rc 0 "$X12" batch --in "$T/sa/in" --out "$T/sa/out"
eq "$(jget "$T/sa/out/summary.json" reconciliation.sent_again)" "$nsa" "claims sent again: summary.json"
has "$T/out" "; $nsa sent again (the later copy answered)"
has "$T/sa/out/summary.txt" "; $nsa sent again (the later copy answered)"
"$X12" reconcile --db "$T/sa/out/x12-ledger.sqlite" --summary "$T/sa/rec.json" >/dev/null 2>&1
has "$T/sa/rec.json" "\"sent_again\": $nsa"

# --- a file that holds 837s and 835s: both conversions, and the ledger of the
# two files apart; with --jobs 2 the same outputs ---------------------------------
mkdir -p "$T/mx/in" "$T/mx/sep"
cat "$IN/837p.x12" "$IN/835.x12" >"$T/mx/in/mixed.x12"
cp "$IN/837p.x12" "$IN/835.x12" "$T/mx/sep/"
expect_rc 0 "$X12" batch --in "$T/mx/in" --out "$T/mx/o1" --quiet
expect_rc 0 "$X12" batch --in "$T/mx/in" --out "$T/mx/o2" --quiet --jobs 2
expect_rc 0 "$X12" batch --in "$T/mx/sep" --out "$T/mx/os" --quiet
eq "$(wc -l <"$T/mx/o1/claims/mixed.x12.claims.ndjson" | tr -d ' ')" 40 "mixed file: claims JSON lines"
eq "$(($(wc -l <"$T/mx/o1/remits/mixed.x12.claim.csv") - 1))" "$pays" "mixed file: claim rows"
eq "$(jget "$T/mx/o1/summary.json" claims.paid)" "$pays" "mixed file: claim payments"
for lv in claim line adjustment plb; do
  sed 's/^"\{0,1\}835\.x12"\{0,1\},/F,/' "$T/mx/os/remits/835.x12.$lv.csv" >"$T/mx/sep.$lv"
  sed 's/^"\{0,1\}mixed\.x12"\{0,1\},/F,/' "$T/mx/o1/remits/mixed.x12.$lv.csv" >"$T/mx/mix.$lv"
  cmp -s "$T/mx/sep.$lv" "$T/mx/mix.$lv" && ok || bad "mixed file: $lv rows differ from the 835's own"
done
cmp -s "$T/mx/o1/claims/mixed.x12.claims.ndjson" "$T/mx/os/claims/837p.x12.claims.ndjson" && ok ||
  bad "mixed file: claims JSON differs from the 837's own"
ledger "$T/mx/o1/x12-ledger.sqlite" >"$T/mx/l1"
ledger "$T/mx/o2/x12-ledger.sqlite" >"$T/mx/l2"
ledger "$T/mx/os/x12-ledger.sqlite" >"$T/mx/ls"
cmp -s "$T/mx/l1" "$T/mx/ls" && ok || bad "mixed file: ledger differs from the two files apart"
cmp -s "$T/mx/l2" "$T/mx/ls" && ok || bad "mixed file, --jobs 2: ledger differs"
[ "$(outputs "$T/mx/o1")" = "$(outputs "$T/mx/o2")" ] && ok || bad "mixed file: --jobs 2 outputs differ"

# --- 277CA claim acknowledgements: status rows as x12 277 writes them, claims
# acknowledged and rejected counted; a file with an 837 and a 277CA gets both;
# --jobs 2 the same ---------------------------------------------------------------
mkdir -p "$T/sc/in"
cp "$SRC/fixtures/demo-inbox/ack-2026-11-26.277" "$T/sc/in/"
cat "$IN/837p.x12" "$SRC/fixtures/demo-inbox/ack-2026-11-26.277" >"$T/sc/in/both.x12"
expect_rc 0 "$X12" batch --in "$T/sc/in" --out "$T/sc/o1" --quiet
expect_rc 0 "$X12" batch --in "$T/sc/in" --out "$T/sc/o2" --quiet --jobs 2
eq "$(jget "$T/sc/o1/summary.json" transaction_sets.277)" 2 "277CA: sets"
eq "$(jget "$T/sc/o1/summary.json" claims.acknowledged)" 40 "277CA: claims acknowledged"
eq "$(jget "$T/sc/o1/summary.json" claims.rejected)" 2 "277CA: claims rejected"
eq "$(jget "$T/sc/o1/summary.json" claims.submitted)" 40 "277CA beside an 837: its claims"
"$X12" 277 "$SRC/fixtures/demo-inbox/ack-2026-11-26.277" | sed 's|^[^,]*,||' >"$T/sc/want"
sed 's|^[^,]*,||' "$T/sc/o1/status/ack-2026-11-26.277.277.csv" | cmp -s - "$T/sc/want" && ok ||
  bad "277CA: the batch's status rows differ from x12 277's"
has "$T/sc/o1/status/both.x12.277.ndjson" '"level":"claim","status":"rejected","claim_id":"XWMU0000004"'
has "$T/sc/o1/summary.txt" "acknowledged by 277CA (2 rejected)"
[ -f "$T/sc/o1/claims/both.x12.claims.ndjson" ] && ok || bad "277CA beside an 837: no claims JSON"
[ ! -e "$T/sc/o1/claims/ack-2026-11-26.277.claims.ndjson" ] && ok || bad "277CA alone: claims JSON written"
[ "$(outputs "$T/sc/o1")" = "$(outputs "$T/sc/o2")" ] && ok || bad "277CA: --jobs 2 outputs differ"
# the ledger has the acknowledgements (once, though two files carry the same set)
eq "$(jget "$T/sc/o1/summary.json" reconciliation.acknowledged)" 0 "277CA: none of these claims acknowledged"
cp "$SRC/fixtures/demo-inbox/claims-2026-11-25.837.gz" "$T/sc/in/"
expect_rc 0 "$X12" batch --in "$T/sc/in" --out "$T/sc/o1" --quiet
eq "$(jget "$T/sc/o1/summary.json" reconciliation.acknowledged)" 20 "277CA: claims acknowledged in the ledger"
eq "$(jget "$T/sc/o1/summary.json" reconciliation.rejected_by_payer)" 1 "277CA: rejected in the ledger"
ledger "$T/sc/o1/x12-ledger.sqlite" | grep '^XWMU0000004,' | grep -q ',rejected,A7:562:82,20261126' && ok ||
  bad "277CA: the ledger's report lacks the rejection"

# --- a second of a kind the 835 model holds one of (a claim's second DTM*232,
# which the validator does not see): a warning in the file's findings, the
# first kept in the rows -----------------------------------------------------
mkdir -p "$T/dup/in"
sed 's/^DTM\*233\*20261005~/DTM*232*20261003~/' "$SRC/fixtures/remit/y_elements.835" >"$T/dup/in/two232.835"
expect_rc 0 "$X12" batch --in "$T/dup/in" --out "$T/dup/out" --quiet
grep -q '"severity":"warning".*"code":"X12_ERR_CLAIM_NOT_CARRIED".*a second of its kind' \
  "$T/dup/out/findings/two232.835.ndjson" && ok || bad "batch: the second DTM*232 is not in the findings"
grep -q ',EL-1,.*,20261001,,' "$T/dup/out/remits/two232.835.claim.csv" && ok ||
  bad "batch: the claim row should keep the first DTM*232"

# --- received 999s and TA1s: their records as x12 ack-report --json gives them,
# and what they accepted and rejected in the summary -------------------------------
mkdir -p "$T/ai/in"
C=$SRC/fixtures/corpus
cp "$C/imsweb-x12-parser__x12_999_rejected.txt" "$T/ai/in/"
"$X12" ack --999 --ta1 -o "$T/ai/in/accepted.999" "$SRC/fixtures/demo-inbox/claims-2026-11-24.837"
# a 997 is read as a 999 is (its AK5 rejects a set)
printf '%s' 'ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*00501*000000001*0*P*:~GS*FA*PAYER01*SUBMIT01*20260101*1200*1*X*005010X230~ST*997*0001~AK1*HC*17456*005010~AK2*837*0002~AK3*CLM*22**8~AK4*1*1028*1~AK5*R*5~AK9*R*1*1*0~SE*8*0001~GE*1*1~IEA*1*000000001~' >"$T/ai/in/r.997"
expect_rc 0 "$X12" batch --in "$T/ai/in" --out "$T/ai/out" --quiet
for f in imsweb-x12-parser__x12_999_rejected.txt accepted.999 r.997; do
  "$X12" ack-report --json "$T/ai/in/$f" | sed 's|"file":"[^"]*"|"file":"F"|' >"$T/ai/want"
  sed 's|"file":"[^"]*"|"file":"F"|' "$T/ai/out/status/$f.999.ndjson" | cmp -s - "$T/ai/want" && ok ||
    bad "received acks: $f differs from x12 ack-report --json"
done
eq "$(jget "$T/ai/out/summary.json" received_acknowledgements.sets_rejected)" 2 "received acks: sets rejected"
eq "$(jget "$T/ai/out/summary.json" received_acknowledgements.sets_accepted)" 1 "received acks: sets accepted"
has "$T/ai/out/summary.txt" "received 999/TA1: sets accepted 1, with errors 0, rejected 2; interchanges rejected 0"
[ ! -e "$T/sc/o1/status/both.x12.999.ndjson" ] && ok || bad "a 999 output for a file without one"

# --- an input named near the 255-byte limit: done, its outputs named with a cut
# name and a hash (the same for all of them), not failed night after night
mkdir -p "$T/ln/in"
long=$(printf 'r%.0s' $(seq 1 246))
cp "$IN/835.x12" "$T/ln/in/$long.835"
expect_rc 0 "$X12" batch --in "$T/ln/in" --out "$T/ln/out" --quiet
eq "$(jget "$T/ln/out/summary.json" files.done)" 1 "a long name: done"
eq "$(ls "$T/ln/out/remits" | grep -c '^r\{206\}~[0-9a-f]\{16\}\.')" 8 "a long name: 8 outputs with the cut name"
eq "$(ls "$T/ln/out/remits" | sed 's/\..*//' | sort -u | wc -l | tr -d ' ')" 1 "a long name: one stem"

# --- --out the same folder as --in: refused (the outputs would be the next
# run's inputs); a folder inside the inbox is fine (the walk leaves it out)
mkdir -p "$T/same/in"; cp "$IN/835.x12" "$T/same/in/"
expect_rc 2 "$X12" batch --in "$T/same/in" --out "$T/same/in/."
has "$T/err" "is the --in folder: the next run would read the outputs as inputs"
[ "$(ls "$T/same/in")" = "835.x12" ] && ok || bad "refused batch wrote into the inbox: $(ls "$T/same/in")"
expect_rc 0 "$X12" batch --in "$T/same/in" --out "$T/same/in/out" --quiet
expect_rc 0 "$X12" batch --in "$T/same/in" --out "$T/same/in/out" --quiet
eq "$(jget "$T/same/in/out/summary.json" files.found)" 1 "an output folder inside the inbox is not read"

# --- --db inside the inbox: the ledger and its -wal/-shm are the batch's own
# files, never read as inputs (they were quarantined, a copy of the ledger a night)
for j in 1 2; do
  mkdir -p "$T/dbin/in$j"; cp "$IN/835.x12" "$T/dbin/in$j/"
  expect_rc 0 "$X12" batch --in "$T/dbin/in$j" --out "$T/dbin/out$j" --db "$T/dbin/in$j/ledger.sqlite" --quiet --jobs "$j"
  expect_rc 0 "$X12" batch --in "$T/dbin/in$j" --out "$T/dbin/out$j" --db "$T/dbin/in$j/ledger.sqlite" --quiet --jobs "$j"
  eq "$(jget "$T/dbin/out$j/summary.json" files.quarantined)" 0 "--db in the inbox, --jobs $j: nothing quarantined"
done

# --- a file named in ISO-8859-1 (not UTF-8): done once, skipped on the next run
# (its done-marker and summary entries lost the name before: done every night)
mkdir -p "$T/latin1/in"
cp "$IN/835.x12" "$T/latin1/in/$(printf 'pay\351.835')"
expect_rc 0 "$X12" batch --in "$T/latin1/in" --out "$T/latin1/out" --quiet
expect_rc 0 "$X12" batch --in "$T/latin1/in" --out "$T/latin1/out" --quiet
eq "$(jget "$T/latin1/out/summary.json" files.skipped)" 1 "ISO-8859-1 name: skipped on re-run"
eq "$(jget "$T/latin1/out/summary.json" files.done)" 0 "ISO-8859-1 name: not done again"
eq "$(python3 -c 'import json,sys; print(ascii(json.load(open(sys.argv[1]))["file"]))' "$(ls "$T/latin1/out/.x12-batch/done/"*.json)")" "'pay\\xe9.835'" "ISO-8859-1 name in the done-marker"

# --- a file saved as UTF-16 by an editor: quarantined, and the reason says so
mkdir -p "$T/u16/in"
python3 -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1], "rb").read().decode("ascii").encode("utf-16"))' \
  "$IN/835.x12" >"$T/u16/in/remit-utf16.835"
expect_rc 1 "$X12" batch --in "$T/u16/in" --out "$T/u16/out"
has "$T/out" "quarantined: remit-utf16.835: not X12: no ISA at the start (it looks like UTF-16 text: convert it to ASCII or UTF-8 first)"
eq "$(jget "$T/u16/out/summary.json" files.quarantined)" 1 "UTF-16 file quarantined"
has "$T/u16/out/quarantine/remit-utf16.835.error.txt" "it looks like UTF-16 text"

# --- a claim whose charge is a fraction of a cent: its findings say so, it is
# neither converted nor posted with a made-up amount; the others are
mkdir -p "$T/fc/in"
awk 'BEGIN {done = 0} !done && /^CLM\*/ {n = split($0, f, "*"); f[3] = f[3] (index(f[3], ".") ? "5" : ".005"); s = f[1]; for (i = 2; i <= n; i++) s = s "*" f[i]; $0 = s; done = 1} {print}' \
  "$IN/837p.x12" >"$T/fc/in/frac.837"
expect_rc 1 "$X12" batch --in "$T/fc/in" --out "$T/fc/out" --quiet
eq "$(jget "$T/fc/out/summary.json" claims.submitted)" 39 "fraction of a cent: claims"
eq "$(wc -l <"$T/fc/out/claims/frac.837.claims.ndjson" | tr -d ' ')" 39 "fraction of a cent: claims JSON"
has "$T/fc/out/findings/frac.837.ndjson" '"code":"X12_ERR_CLAIM_VALUE"'
has "$T/fc/out/findings/frac.837.ndjson" '"code":"X12_ERR_CLAIM_REJECTED"'
eq "$(ledger "$T/fc/out/x12-ledger.sqlite" | grep -c '^[A-Z0-9]')" 39 "fraction of a cent: ledger claims"

# --- --spec: a companion guide's findings, the same as x12 validate --spec gives
OV=$SRC/fixtures/overlays/example-companion.xml
mkdir -p "$T/in837"; cp "$IN/837p.x12" "$T/in837/"
"$X12" validate --json --spec "$OV" "$T/in837/837p.x12" >"$T/vj"
expect_rc 1 "$X12" batch --in "$T/in837" --out "$T/ov" --spec "$OV" --quiet
eq "$(jget "$T/ov/summary.json" findings.errors)" "$(grep -c '"severity":"error"' "$T/vj")" "overlay errors"
eq "$(wc -l <"$T/ov/findings/837p.x12.ndjson" | tr -d ' ')" "$(wc -l <"$T/vj" | tr -d ' ')" "overlay findings"
eq "$(jget "$T/ov/summary.json" files.with_errors)" 1 "with_errors"
[ "$(jget "$T/ov/summary.json" findings.by_snip.7.errors)" -gt 0 ] && ok || bad "no SNIP 7 errors"
expect_rc 2 "$X12" batch --in "$T/in837" --out "$T/ov2" --spec "$T/nonexistent.xml"; has "$T/err" "nonexistent.xml"
expect_rc 2 "$X12" batch --in "$T/in837" --out "$T/ov2" --spec "$T/in837"; has "$T/err" "x12 batch: $T/in837: Is a directory"
[ -e "$T/ov2" ] && bad "an output folder made for a usage error" || ok
expect_rc 2 "$X12" batch --in "$T/in837" --out "$T/ov2" --db "$T/no/such/dir/l.sqlite"; has "$T/err" "cannot open the ledger"

# --- the progress bar: on a terminal only (script(1) gives one), never with --quiet
if command -v script >/dev/null 2>&1; then
  script -qc "\"$X12\" batch --in \"$IN\" --out \"$T/pty1\"" /dev/null >"$T/pty" 2>&1
  has "$T/pty" "7/7 files"  # 8 found, 1 duplicate: 7 to process
  script -qc "\"$X12\" batch --in \"$IN\" --out \"$T/pty2\" --quiet" /dev/null >"$T/pty" 2>&1
  grep -q "files" "$T/pty" && bad "progress or summary shown with --quiet" || ok
fi

# --- usage and I/O errors --------------------------------------------------------
expect_rc 2 "$X12" batch --in "$IN"; has "$T/err" "--in DIR and --out DIR are required"
expect_rc 2 "$X12" batch --in "$T/nope" --out "$T/x"; has "$T/err" "not a folder"
expect_rc 2 "$X12" batch --in "$IN" --out "$T/x" --jobs 0; has "$T/err" "--jobs"
expect_rc 2 "$X12" batch --in "$IN" --out "$T/x" --bogus
expect_rc 0 "$X12" batch --help; has "$T/out" "usage: x12 batch"
: >"$T/afile"
expect_rc 2 "$X12" batch --in "$IN" --out "$T/afile/sub"; has "$T/err" "cannot create the output folder"
if [ "$(id -u)" = 0 ]; then RO=/sys/kernel; else RO=$T/ro; mkdir "$RO"; chmod 555 "$RO"; fi
expect_rc 2 "$X12" batch --in "$IN" --out "$RO"; has "$T/err" "is not writable"
[ "$RO" = "$T/ro" ] && chmod 755 "$RO"

# --- kill -9 at several points, then a re-run: same as one clean run --------------
BIG=$T/big
for s in 1 2 3; do python3 "$GEN" pair --claims 1500 --seed "$s" --out "$BIG/p$s" >/dev/null; done
gzip -c "$BIG/p1/837p.x12" >"$BIG/p1-837.gz"; rm "$BIG/p1/837p.x12"
export SOURCE_DATE_EPOCH=1790000000
"$X12" batch --in "$BIG" --out "$T/clean" --ack --quiet; eq "$?" 0 "clean run"
outputs "$T/clean" >"$T/oc"; ledger "$T/clean/x12-ledger.sqlite" >"$T/lc"
# kill_runs OUT JOBS DELAY...: a batch into OUT killed with -9 after each delay
kill_runs() {
  kout=$1; kjobs=$2; shift 2
  for d in "$@"; do
    setsid "$X12" batch --in "$BIG" --out "$kout" --ack --quiet --jobs "$kjobs" >/dev/null 2>&1 &
    pid=$!
    sleep "$d"
    kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
}
K=$T/killed
kill_runs "$K" 2 0.05 0.2 0.4 0.1 0.7
"$X12" batch --in "$BIG" --out "$K" --ack --quiet; eq "$?" 0 "run after kills"
outputs "$K" >"$T/ok"; ledger "$K/x12-ledger.sqlite" >"$T/lk"
sed "s|$T/killed|X|" "$T/ok" >"$T/ok2"; sed "s|$T/clean|X|" "$T/oc" >"$T/oc2"
cmp -s "$T/oc2" "$T/ok2" && ok || { bad "outputs after kill -9 differ from a clean run"; diff "$T/oc2" "$T/ok2" | head; }
cmp -s "$T/lc" "$T/lk" && ok || { bad "ledger after kill -9 differs from a clean run"; diff "$T/lc" "$T/lk" | head -5; }
eq "$(jget "$K/summary.json" claims.submitted)" "$(jget "$T/clean/summary.json" claims.submitted)" "claims after kills"
eq "$(jget "$K/summary.json" amounts.paid)" "$(jget "$T/clean/summary.json" amounts.paid)" "paid after kills"
[ -z "$(ls "$K/.x12-batch/tmp")" ] && ok || bad "temporary files left after the re-run"
# the same with one worker, which feeds the ledger during the read and holds
# its transaction open while it converts: a kill leaves nothing half-posted
K1=$T/killed1
kill_runs "$K1" 1 0.1 0.3 0.05 0.6
"$X12" batch --in "$BIG" --out "$K1" --ack --quiet --jobs 1; eq "$?" 0 "run after kills (one worker)"
outputs "$K1" | sed "s|$T/killed1|X|" >"$T/ok3"; ledger "$K1/x12-ledger.sqlite" >"$T/lk1"
cmp -s "$T/oc2" "$T/ok3" && ok || { bad "outputs after kill -9 (one worker) differ"; diff "$T/oc2" "$T/ok3" | head; }
cmp -s "$T/lc" "$T/lk1" && ok || { bad "ledger after kill -9 (one worker) differs"; diff "$T/lc" "$T/lk1" | head -5; }

# --- one run at a time per output folder
# (a process holding the run's fcntl lock stands for a run in progress)
mkdir -p "$T/busy/.x12-batch"
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a"); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(8)' \
  "$T/busy/.x12-batch/lock" "$T/locked" &
bpid=$!
while [ ! -f "$T/locked" ]; do sleep 0.1; done
expect_rc 2 "$X12" batch --in "$IN" --out "$T/busy" --quiet; has "$T/err" "another x12 batch is writing to"
kill "$bpid"; wait "$bpid" 2>/dev/null
expect_rc 1 "$X12" batch --in "$IN" --out "$T/busy" --quiet

# --- --jobs 2 gives the outputs of --jobs 1 -----------------------------------------
"$X12" batch --in "$BIG" --out "$T/j2" --ack --quiet --jobs 2; eq "$?" 0 "jobs 2"
outputs "$T/j2" >"$T/oj"; ledger "$T/j2/x12-ledger.sqlite" >"$T/lj"
cmp -s "$T/oc" "$T/oj" && ok || bad "--jobs 2 outputs differ from --jobs 1"
cmp -s "$T/lc" "$T/lj" && ok || bad "--jobs 2 ledger differs from --jobs 1"

# --- --jobs 2 on the small inbox: workers spool, the parent writes the ledger;
# the truncated 837 is still quarantined, with nothing of it in the ledger ---
expect_rc 1 "$X12" batch --in "$IN" --out "$T/s1" --ack --quiet --jobs 1
expect_rc 1 "$X12" batch --in "$IN" --out "$T/s2" --ack --quiet --jobs 2
eq "$(jget "$T/s2/summary.json" files.quarantined)" 3 "quarantined with --jobs 2"
[ -z "$(ls "$T/s2/.x12-batch/tmp")" ] && ok || bad "temporary files left by --jobs 2: $(ls "$T/s2/.x12-batch/tmp")"
eq "$(jget "$T/s2/summary.json" files.done)" 4 "done with --jobs 2"
eq "$(jget "$T/s2/summary.json" reconciliation.claims)" "$claims" "ledger claims with --jobs 2"
eq "$(jget "$T/s2/summary.json" reconciliation.matched_now)" "$(jget "$T/s1/summary.json" reconciliation.matched_now)" \
  "payments matched with --jobs 2"
outputs "$T/s1" >"$T/os1"; outputs "$T/s2" >"$T/os2"
cmp -s "$T/os1" "$T/os2" && ok || bad "--jobs 2 outputs differ from --jobs 1 on the small inbox"
ledger "$T/s1/x12-ledger.sqlite" >"$T/ls1"; ledger "$T/s2/x12-ledger.sqlite" >"$T/ls2"
cmp -s "$T/ls1" "$T/ls2" && ok || bad "--jobs 2 ledger differs from --jobs 1 on the small inbox"

# --- --jobs 2 with a single file to do (it runs in the main process, which
# had handed the ledger to the workers): its claims still reach the ledger -------
ONE=$T/one
mkdir -p "$ONE"
cp "$BIG/p2/837p.x12" "$ONE/"
expect_rc 0 "$X12" batch --in "$ONE" --out "$T/single-out" --quiet --jobs 2
want=$(tr '~' '\n' <"$ONE/837p.x12" | grep -c '^CLM\*')
got=$("$X12" reconcile --db "$T/single-out/x12-ledger.sqlite" --format csv --as-of 2026-01-01 2>/dev/null | tail -n +2 | wc -l)
eq "$got" "$want" "claims in the ledger after --jobs 2 on one file"
# and a second file added later, done alone by a --jobs 2 re-run
cp "$BIG/p3/837p.x12" "$ONE/second.x12"
expect_rc 0 "$X12" batch --in "$ONE" --out "$T/single-out" --quiet --jobs 2
want=$(cat "$ONE/837p.x12" "$ONE/second.x12" | tr '~' '\n' | grep -c '^CLM\*')
got=$("$X12" reconcile --db "$T/single-out/x12-ledger.sqlite" --format csv --as-of 2026-01-01 2>/dev/null | tail -n +2 | wc -l)
eq "$got" "$want" "claims in the ledger after a --jobs 2 re-run with one new file"

# --- a file of both kinds (an 837 interchange, then an 835's): the kind its
# first set is not of is ingested by a second read, by the ledger's process ---
MIX=$T/mix
mkdir -p "$MIX"
python3 "$GEN" pair --claims 30 --seed 11 --out "$T/mixsrc" >/dev/null
cat "$T/mixsrc/837p.x12" "$T/mixsrc/835.x12" >"$MIX/both.x12"
python3 "$GEN" 837p --claims 10 --seed 12 >"$MIX/other.x12"
mclaims=$(cat "$T/mixsrc/837p.x12" "$MIX/other.x12" | grep -c '^CLM\*')
mpays=$(grep -c '^CLP\*' "$T/mixsrc/835.x12")
for j in 1 2; do
  expect_rc 0 "$X12" batch --in "$MIX" --out "$T/mix$j" --quiet --jobs "$j"
  eq "$(jget "$T/mix$j/summary.json" reconciliation.claims)" "$mclaims" "claims of a file of both kinds, --jobs $j"
  got=$("$X12" reconcile --db "$T/mix$j/x12-ledger.sqlite" --format csv --as-of 2026-01-01 2>/dev/null |
    awk -F, 'NR > 1 && $2 != "pending"' | wc -l)
  eq "$got" "$mpays" "paid claims of a file of both kinds, --jobs $j"
  [ -z "$(ls "$T/mix$j/.x12-batch/tmp")" ] && ok || bad "spools left behind (--jobs $j)"
done
ledger "$T/mix1/x12-ledger.sqlite" >"$T/lm1"; ledger "$T/mix2/x12-ledger.sqlite" >"$T/lm2"
cmp -s "$T/lm1" "$T/lm2" && ok || bad "--jobs 2 ledger of a file of both kinds differs from --jobs 1"

# --- a worker killed mid-run: the other goes on, the file it held fails (not
# done, retried), and a re-run gives the outputs and ledger of a clean run -----
W=$T/wkill
"$X12" batch --in "$BIG" --out "$W" --ack --quiet --jobs 2 >/dev/null 2>"$T/werr" &
wpid=$!
victim=""
for i in $(seq 1 500); do # a worker of the processing (they run at nice +10)
  victim=$(ps -o pid=,ni= --ppid "$wpid" 2>/dev/null | awk '$2 == 10 {print $1; exit}')
  [ -n "$victim" ] && break
  sleep 0.01
done
[ -n "$victim" ] && kill -9 "$victim"
wait "$wpid"; wrc=$?
if [ "$wrc" = 1 ]; then
  has "$W/summary.txt" "the worker processing it stopped"
  [ -z "$(ls "$W/.x12-batch/tmp" | grep spool)" ] && ok || bad "the failed file's spool was left"
else
  eq "$wrc" 0 "a run that lost a worker"
fi
"$X12" batch --in "$BIG" --out "$W" --ack --quiet --jobs 2; eq "$?" 0 "re-run after a worker was killed"
outputs "$W" | sed "s|$W|X|" >"$T/ow"; ledger "$W/x12-ledger.sqlite" >"$T/lw"
cmp -s "$T/oc2" "$T/ow" && ok || { bad "outputs after a killed worker differ"; diff "$T/oc2" "$T/ow" | head; }
cmp -s "$T/lc" "$T/lw" && ok || bad "ledger after a killed worker differs"

# --- an inbox with symbolic links back to itself, a pipe and a dangling link:
# the walk ends (two links to "." made it exponential), every folder is read
# once, and what is not read is named on standard error
LIN=$T/links
mkdir -p "$LIN/sub"
cp "$SRC/fixtures/remit/y_elements.835" "$LIN/a.835"
cp "$SRC/fixtures/remit/y_elements.835" "$LIN/sub/b.835"
ln -s . "$LIN/self1"; ln -s . "$LIN/self2"; ln -s .. "$LIN/sub/up"; ln -s "$LIN/sub" "$LIN/sub-again"
ln -s "$T/nothing-here" "$LIN/dangling"
mkfifo "$LIN/pipe"
timeout 60 "$X12" batch --in "$LIN" --out "$T/lout" --quiet >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" = 124 ] && bad "batch over self-links did not end in 60 s" || ok
eq "$(jget "$T/lout/summary.json" files.found)" 2 "self-links: files found"
eq "$(jget "$T/lout/summary.json" files.duplicates)" 1 "self-links: duplicates"
has "$T/err" "x12 batch: skipped $LIN/pipe: not a file or a folder (a pipe, socket or device)"
has "$T/err" "x12 batch: skipped $LIN/dangling: a symbolic link to nothing"

# --- folders nested past 64 levels: the walk stops there and says so; the
# files above that depth are still done
DEEP=$T/deep
d=$DEEP
for i in $(seq 1 66); do d=$d/d; done
mkdir -p "$d"
cp "$SRC/fixtures/remit/y_elements.835" "$DEEP/top.835"
cp "$SRC/fixtures/remit/y_elements.835" "$d/bottom.835"
"$X12" batch --in "$DEEP" --out "$T/dout" --quiet >"$T/out" 2>"$T/err"; eq "$?" 0 "deep folders: exit status"
eq "$(jget "$T/dout/summary.json" files.found)" 1 "deep folders: files found"
d65=$DEEP; for i in $(seq 1 65); do d65=$d65/d; done
has "$T/err" "x12 batch: skipped $d65: more than 64 folders deep"

# --- a folder inside the inbox that cannot be read: named on stderr and in
# the summary, the rest of the inbox still done, exit status 1; a symbolic
# link loop is named too, without failing the run
# an 835 of a guide x12kit has no spec for (4010) beside a good one: its set
# is named (an error finding), none of its claim payments half-read into rows
# or the ledger; the good file is converted; exit 1
VIN=$T/v4010-inbox
mkdir -p "$VIN"
sed 's/\*005010X221A1~/*004010X091A1~/' "$SRC/fixtures/reconcile/era-1.835" >"$VIN/old.835"
cp "$SRC/fixtures/reconcile/era-2.835" "$VIN/new.835"
"$X12" batch --in "$VIN" --out "$T/v4010-out" --quiet >"$T/out" 2>"$T/err"
eq "$?" 1 "a 4010 835: exit status"
has "$T/v4010-out/findings/old.835.ndjson" '"code":"X12_ERR_GUIDE_NOT_READ"'
eq "$(wc -l <"$T/v4010-out/remits/old.835.claim.csv" | tr -d ' ')" 1 "a 4010 835: claim rows (the header only)"
eq "$(wc -l <"$T/v4010-out/remits/new.835.claim.csv" | tr -d ' ')" 7 "the 5010 835 beside it: claim rows"
eq "$(jget "$T/v4010-out/summary.json" claims.paid)" 6 "a 4010 835: claim payments read (the other file's alone)"

# --nearest-guide: an 837 of 005010X222A2 is validated and acknowledged as
# X222A1 (a warning names both); without it, envelope checks only and I6
NIN=$T/nearest-inbox
mkdir -p "$NIN"
sed 's/005010X222A1/005010X222A2/g' "$SRC/fixtures/validate/n_837p_npi_check_digit.x12" >"$NIN/a2.837"
"$X12" batch --in "$NIN" --out "$T/nearest-off" --ack --quiet >"$T/out" 2>"$T/err"
eq "$?" 0 "an X222A2 837 without --nearest-guide: exit status"
has "$T/nearest-off/findings/a2.837.ndjson" '"code":"X12_ERR_UNKNOWN_GUIDE"'
has "$T/nearest-off/acks/a2.837.ack.x12" "IK5*R*I6~"
"$X12" batch --in "$NIN" --out "$T/nearest-on" --ack --nearest-guide --quiet >"$T/out" 2>"$T/err"
eq "$?" 1 "an X222A2 837 with --nearest-guide: exit status (its NPI error)"
has "$T/nearest-on/findings/a2.837.ndjson" '"code":"X12_ERR_NEAREST_GUIDE"'
has "$T/nearest-on/findings/a2.837.ndjson" '"code":"X12_ERR_NPI"'
has "$T/nearest-on/acks/a2.837.ack.x12" "IK5*E*I5~"

# a re-run with other options (--ack, --nearest-guide, an overlay) does again
# the files done without them: the acks are written, the ledger is unchanged
# (its ingest is idempotent); with the same options again, they are skipped
OIN=$T/opts-inbox
mkdir -p "$OIN"
cp "$SRC/fixtures/validate/n_837p_npi_check_digit.x12" "$OIN/a.837"
"$X12" batch --in "$OIN" --out "$T/opts" --quiet >"$T/out" 2>"$T/err"
eq "$?" 1 "options: first run (an NPI error)"
[ ! -e "$T/opts/acks" ] && ok || bad "options: acks written without --ack"
"$X12" reconcile --db "$T/opts/x12-ledger.sqlite" --format csv --as-of 2026-11-27 >"$T/ledger1.csv"
"$X12" batch --in "$OIN" --out "$T/opts" --ack --quiet >"$T/out" 2>"$T/err"
eq "$(jget "$T/opts/summary.json" files.done)" 1 "options: --ack added, the file is done again"
has "$T/opts/acks/a.837.ack.x12" "IK5*E*I5~"
"$X12" reconcile --db "$T/opts/x12-ledger.sqlite" --format csv --as-of 2026-11-27 >"$T/ledger2.csv"
cmp -s "$T/ledger1.csv" "$T/ledger2.csv" && ok || bad "options: the ledger changed on the re-run"
"$X12" batch --in "$OIN" --out "$T/opts" --ack --quiet >"$T/out" 2>"$T/err"
eq "$(jget "$T/opts/summary.json" files.skipped)" 1 "options: the same options, skipped"
"$X12" batch --in "$OIN" --out "$T/opts" --ack --spec "$SRC/fixtures/overlays/example-companion.xml" --quiet >"$T/out" 2>"$T/err"
eq "$(jget "$T/opts/summary.json" files.done)" 1 "options: an overlay added, done again"
"$X12" batch --in "$OIN" --out "$T/opts" --ack --spec "$SRC/fixtures/overlays/example-companion.xml" --quiet >"$T/out" 2>"$T/err"
eq "$(jget "$T/opts/summary.json" files.skipped)" 1 "options: the same overlay, skipped"
# a marker written before markers kept the options: taken as this run's
sed -i 's/,"options":"[^"]*"//' "$T"/opts/.x12-batch/done/*.json
"$X12" batch --in "$OIN" --out "$T/opts" --quiet >"$T/out" 2>"$T/err"
eq "$(jget "$T/opts/summary.json" files.skipped)" 1 "options: an older marker, skipped"

# --gzip: the claims, rows and findings gzip-compressed, each the bytes of the
# run without it; acks and quarantine plain; --jobs 2 the same.  A re-run
# with the other setting does the files again (its options differ) and
# leaves only its own names: back to plain gives the outputs of $OUT (acks
# aside: they carry the run's date and control numbers)
same_gz() {
  python3 - "$1" "$2" <<'PY'
import gzip, os, sys
plain, gz = sys.argv[1], sys.argv[2]
def files(root):
    out = set()
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if x != ".x12-batch"]
        for n in names:
            rel = os.path.relpath(os.path.join(d, n), root)
            if not rel.startswith("summary.") and ".sqlite" not in rel:
                out.add(rel)
    return out
want = set()
for rel in files(plain):
    data = open(os.path.join(plain, rel), "rb").read()
    top = rel.split("/")[0]
    if top in ("claims", "remits", "findings"):
        got = gzip.open(os.path.join(gz, rel + ".gz")).read()
        want.add(rel + ".gz")
    else:
        got = open(os.path.join(gz, rel), "rb").read()
        want.add(rel)
    if top == "acks":  # dated and numbered per run: plain X12 is enough
        assert got.startswith(b"ISA*"), rel
        continue
    assert got == data, rel
assert files(gz) == want, sorted(files(gz) ^ want)
PY
}
for j in 1 2; do
  "$X12" batch --in "$IN" --out "$T/gz$j" --ack --gzip --jobs "$j" --quiet >"$T/out" 2>"$T/err"
  eq "$?" 1 "--gzip --jobs $j: exit status (the broken files)"
  same_gz "$OUT" "$T/gz$j" && ok || bad "--gzip --jobs $j: outputs differ from the plain run's"
  [ -z "$(ls -A "$T/gz$j/.x12-batch/tmp" 2>/dev/null)" ] && ok || bad "--gzip: temporary outputs left"
done
"$X12" batch --in "$IN" --out "$T/gz1" --ack --quiet >"$T/out" 2>"$T/err"
eq "$(jget "$T/gz1/summary.json" files.done)" 4 "--gzip dropped: the files done again"
[ "$(outputs "$T/gz1" | grep -v ' ./acks/')" = "$(outputs "$OUT" | grep -v ' ./acks/')" ] && ok ||
  bad "--gzip dropped: outputs differ from a plain run's"
"$X12" batch --in "$IN" --out "$T/gz1" --ack --gzip --quiet >"$T/out" 2>"$T/err"
same_gz "$OUT" "$T/gz1" && ok || bad "--gzip again: the plain names left behind"
"$X12" batch --in "$IN" --out "$T/gz1" --ack --gzip --quiet >"$T/out" 2>"$T/err"
eq "$(jget "$T/gz1/summary.json" files.skipped)" 7 "--gzip again: the same options, skipped (4 done, 3 quarantined)"
[ "$(ledger "$T/gz1/x12-ledger.sqlite")" = "$(ledger "$OUT/x12-ledger.sqlite")" ] && ok ||
  bad "--gzip: the ledger differs from the plain run's"

# --utf8: the 835 CSV rows as x12 835 --utf8 writes them (a Latin-1 byte read as
# ISO-8859-1); without it, as the 835 has them; the NDJSON rows the same either
# way; a run with the option changed does the file again
UIN8=$T/u8in
mkdir -p "$UIN8"
sed 's/NM1\*QC\*1\*DOE\*JOHN/NM1*QC*1*DO\xc9*JOHN/' "$SRC/fixtures/reconcile/era-1.835" >"$UIN8/latin.835"
"$X12" batch --in "$UIN8" --out "$T/u8" --quiet >"$T/out" 2>"$T/err"
eq "$?" 1 "latin-1 835 without --utf8: exit status (0xC9 is no X12 character: error findings)"
"$X12" 835 --level claim "$UIN8/latin.835" 2>/dev/null | sed "s|^$UIN8/latin.835,|latin.835,|" >"$T/u8-want"
cmp -s "$T/u8/remits/latin.835.claim.csv" "$T/u8-want" && ok || bad "batch claim rows differ from x12 835's"
cp "$T/u8/remits/latin.835.claim.ndjson" "$T/u8-plain.ndjson"
"$X12" batch --in "$UIN8" --out "$T/u8" --utf8 --quiet >"$T/out" 2>"$T/err"
eq "$(jget "$T/u8/summary.json" files.done)" 1 "--utf8 added: the file done again"
for lv in claim line adjustment plb; do
  "$X12" 835 --utf8 --level $lv "$UIN8/latin.835" 2>/dev/null | sed "s|^$UIN8/latin.835,|latin.835,|" >"$T/u8-want"
  cmp -s "$T/u8/remits/latin.835.$lv.csv" "$T/u8-want" && ok || bad "batch --utf8 $lv rows differ from x12 835 --utf8's"
done
iconv -f UTF-8 -t UTF-8 "$T/u8/remits/latin.835.claim.csv" >/dev/null 2>&1 && ok || bad "batch --utf8 wrote CSV that is not UTF-8"
grep -q "$(printf ',DO\303\211,JOHN,')" "$T/u8/remits/latin.835.claim.csv" && ok || bad "batch --utf8: 0xC9 is not U+00C9"
cmp -s "$T/u8/remits/latin.835.claim.ndjson" "$T/u8-plain.ndjson" && ok || bad "batch --utf8 changed the NDJSON rows"
"$X12" batch --in "$UIN8" --out "$T/u8" --utf8 --quiet >"$T/out" 2>"$T/err"
eq "$(jget "$T/u8/summary.json" files.skipped)" 1 "--utf8 again: skipped"

if [ -n "$BATCH_FAULTS" ]; then
  UIN=$T/uin
  mkdir -p "$UIN/unreadable" "$UIN/ok"
  cp "$SRC/fixtures/remit/y_elements.835" "$UIN/ok/a.835"
  cp "$SRC/fixtures/remit/y_elements.835" "$UIN/unreadable/b.835"
  ln -s loop "$UIN/loop"
  LD_PRELOAD=$BATCH_FAULTS "$X12" batch --in "$UIN" --out "$T/uout" --quiet >"$T/out" 2>"$T/err"
  eq "$?" 1 "unreadable folder: exit status"
  has "$T/err" "x12 batch: skipped $UIN/unreadable: cannot read the folder: Permission denied"
  has "$T/err" "x12 batch: skipped $UIN/loop: a symbolic link loop"
  eq "$(jget "$T/uout/summary.json" files.done)" 1 "unreadable folder: files done"
  python3 - "$T/uout/summary.json" "$UIN" <<'PY' && ok || bad "not_read in summary.json"
import json, sys
d = json.load(open(sys.argv[1]))
got = sorted((u["path"], u["reason"], u.get("detail", ""), u["failed"]) for u in d["not_read"])
want = sorted([(sys.argv[2] + "/unreadable", "cannot read the folder", "Permission denied", True),
               (sys.argv[2] + "/loop", "a symbolic link loop", "", False)])
assert got == want, got
PY
  has "$T/uout/summary.txt" "not read: $UIN/unreadable: cannot read the folder: Permission denied"
  # the inbox itself unreadable: nothing to do, exit status 2
  LD_PRELOAD=$BATCH_FAULTS "$X12" batch --in "$UIN/unreadable" --out "$T/uout2" --quiet >"$T/out" 2>"$T/err"
  eq "$?" 2 "unreadable inbox: exit status"
  has "$T/err" "x12 batch: cannot read the folder $UIN/unreadable: Permission denied"
  # A fault while one file of an inbox is read (name: that file; why: the
  # reason the summary gives), with --jobs 1 and 2: that file fails with the
  # reason, leaves no output, temporary file or ledger row behind; the other
  # file is done; the next run, without the fault, does the first and leaves
  # the ledger of one clean run.  NAME holds SOURCE's bytes before each run
  # (y_elements.835 when not given).
  # Usage: fault_run INBOX NAME WHY OTHER [SOURCE]
  fault_run() {
    src=${5:-$SRC/fixtures/remit/y_elements.835}
    "$X12" batch --in "$1" --out "$T/$2.clean" --quiet >"$T/out" 2>"$T/err"
    ledger "$T/$2.clean/x12-ledger.sqlite" >"$T/$2.lclean"
    mkdir -p "$T/$2.other"
    cp "$1/$4" "$T/$2.other/"
    "$X12" batch --in "$T/$2.other" --out "$T/$2.otherout" --quiet >"$T/out" 2>"$T/err"
    ledger "$T/$2.otherout/x12-ledger.sqlite" >"$T/$2.lother"
    for j in 1 2; do
      o=$T/$2.out$j
      cp "$src" "$1/$2" # as it was before any fault
      LD_PRELOAD=$BATCH_FAULTS "$X12" batch --in "$1" --out "$o" --jobs "$j" --quiet >"$T/out" 2>"$T/err"
      eq "$?" 1 "$2, --jobs $j: exit status"
      eq "$(jget "$o/summary.json" files.failed)" 1 "$2, --jobs $j: failed"
      eq "$(jget "$o/summary.json" files.done)" 1 "$2, --jobs $j: the other done"
      has "$o/summary.txt" "failed: $2: $3"
      left=$(find "$o" -mindepth 1 -name "$2*" ! -path '*/.x12-batch/done/*' | head -3)
      [ -z "$left" ] && ok || bad "$2 left files behind (--jobs $j): $left"
      [ -z "$(ls -A "$o/.x12-batch/tmp" 2>/dev/null)" ] && ok || bad "$2: temporary outputs left (--jobs $j)"
      ledger "$o/x12-ledger.sqlite" >"$T/$2.f$j"
      [ -s "$T/$2.f$j" ] && cmp -s "$T/$2.f$j" "$T/$2.lother" && ok ||
        bad "$2, --jobs $j: the ledger holds more than the other file"
      cp "$src" "$1/$2"
      "$X12" batch --in "$1" --out "$o" --jobs "$j" --quiet >"$T/out" 2>"$T/err"
      eq "$?" 0 "$2, --jobs $j: the next run"
      [ -s "$o/remits/$2.claim.csv" ] && ok || bad "$2: the next run wrote no outputs (--jobs $j)"
      ledger "$o/x12-ledger.sqlite" >"$T/$2.l$j"
      [ -s "$T/$2.l$j" ] && cmp -s "$T/$2.l$j" "$T/$2.lclean" && ok ||
        { bad "$2, --jobs $j: the ledger after the next run differs from a clean run's"; diff "$T/$2.l$j" "$T/$2.lclean"; }
    done
  }
  # a file that changes after the folder was walked (the preloaded open()
  # appends to grows.835 when it is first opened), as an upload still going on
  GIN=$T/gin
  mkdir -p "$GIN"
  cp "$SRC/fixtures/remit/y_elements.835" "$GIN/grows.835"
  sed 's/^TRN\*1\*/TRN*1*9/' "$SRC/fixtures/remit/y_elements.835" >"$GIN/steady.835" # another payment
  fault_run "$GIN" grows.835 "the file changed while the batch read it" steady.835
  # a full disk while a file's outputs are written (the preloaded fwrite()
  # fails with ENOSPC while full-disk.835 is read)
  FIN=$T/full-disk-inbox
  mkdir -p "$FIN"
  cp "$SRC/fixtures/remit/y_elements.835" "$FIN/full-disk.835"
  sed 's/^TRN\*1\*/TRN*1*9/' "$SRC/fixtures/remit/y_elements.835" >"$FIN/fine.835"
  fault_run "$FIN" full-disk.835 "writing an output failed: No space left on device" fine.835
  # the same with --gzip: the compressed outputs fail as the plain ones do
  cp "$SRC/fixtures/remit/y_elements.835" "$FIN/full-disk.835"
  LD_PRELOAD=$BATCH_FAULTS "$X12" batch --in "$FIN" --out "$T/fdgz" --gzip --quiet >"$T/out" 2>"$T/err"
  eq "$?" 1 "full disk, --gzip: exit status"
  has "$T/fdgz/summary.txt" "failed: full-disk.835: writing an output failed: No space left on device"
  eq "$(jget "$T/fdgz/summary.json" files.done)" 1 "full disk, --gzip: the other done"
  [ -s "$T/fdgz/remits/fine.835.claim.csv.gz" ] && ok || bad "full disk, --gzip: no output of the other file"
  left=$(find "$T/fdgz" -mindepth 1 -name "full-disk*" ! -path '*/.x12-batch/done/*' | head -3)
  [ -z "$left" ] && ok || bad "full disk, --gzip: left files behind: $left"
  [ -z "$(ls -A "$T/fdgz/.x12-batch/tmp" 2>/dev/null)" ] && ok || bad "full disk, --gzip: temporary outputs left"
  # the disk fills while a large output is written: found when the batch
  # hands its first 8 MiB to the kernel (the preloaded fflush() fails with
  # ENOSPC for an output of 8 MiB or more while flush-fails.835 is read)
  if [ -f "$GEN" ]; then
    LIN=$T/flush-inbox
    mkdir -p "$LIN"
    python3 "$GEN" 835 --claims 9000 --seed 5 >"$T/big.835"
    cp "$T/big.835" "$LIN/flush-fails.835"
    cp "$SRC/fixtures/remit/y_elements.835" "$LIN/fine.835"
    fault_run "$LIN" flush-fails.835 "writing an output failed: No space left on device" fine.835 "$T/big.835"
    size=$(wc -c <"$T/flush-fails.835.out2/remits/flush-fails.835.line.ndjson")
    [ "$size" -gt 8388608 ] && ok || bad "the line rows of flush-fails.835 are $size bytes: too few to reach the 8 MiB flush"
  else
    echo "skip: the 8 MiB flush case needs ../shared/tools/gen_x12.py"
  fi
else
  echo "cli_batch_test: the unreadable-folder, changing-file and full-disk cases need the preloaded faults (not under ASan)"
fi

# a set whose ST01 only starts with 837 is no 837: validated, counted as
# other, no claims written (its first three characters were taken)
SIN=$T/st01-inbox
mkdir -p "$SIN"
sed 's/^ST\*837\*/ST*8370*/' "$SRC/fixtures/ack/y_accepted.x12" >"$SIN/a.x12"
expect_rc 0 "$X12" batch --in "$SIN" --out "$T/st01-out" --db :memory: --quiet
eq "$(jget "$T/st01-out/summary.json" transaction_sets.other)" 1 "ST01 8370: sets counted as other"
[ -e "$T/st01-out/claims/a.x12.claims.ndjson" ] && bad "ST01 8370: claims written" || ok

echo "cli_batch_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
