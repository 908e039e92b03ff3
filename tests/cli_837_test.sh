#!/bin/sh
# x12 837: JSON claims -> 837 -> x12 validate (zero errors) -> --to-json (the
# same claims) for every example; every bad input's exact errors with its good
# claims still written; stdin; control numbers; options and usage errors.
# Usage: cli_837_test.sh PATH/TO/x12 SOURCE_DIR
set -u
X12=$1
SRC=$2
. "$SRC/tests/cli_lib.sh"
C=$SRC/fixtures/claims

# claims FILE: the number of CLM segments in an 837
claims() { tr '~' '\n' <"$1" | grep -c '^CLM\*'; }
# objects FILE: the number of claim objects in a JSON array or NDJSON file
objects() {
  python3 -c 'import json,sys
t=open(sys.argv[1]).read()
print(len(json.loads(t)) if t.lstrip().startswith("[") else sum(1 for l in t.splitlines() if l.strip()))' "$1"
}
# same_json A B: the same claims (an array or NDJSON each), compared as JSON values
same_json() {
  python3 -c 'import json,sys
def load(p):
    t=open(p).read()
    return json.loads(t) if t.lstrip().startswith("[") else [json.loads(l) for l in t.splitlines() if l.strip()]
sys.exit(0 if load(sys.argv[1])==load(sys.argv[2]) else 1)' "$1" "$2"
}

# --- help and usage ------------------------------------------------------
expect_rc 0 "$X12" --help; has "$T/out" "837"
expect_rc 0 "$X12" 837 --help; has "$T/out" "usage: x12 837 --from FILE|-"; has "$T/out" "--control-file"
expect_rc 2 "$X12" 837; has "$T/err" "give either --from FILE or --to-json FILE"
expect_rc 2 "$X12" 837 --from "$C/y_837p.ndjson" --type vision; has "$T/err" "--type: 'vision' is not"
expect_rc 2 "$X12" 837 --from "$C/y_837p.ndjson" --usage X; has "$T/err" "--usage: 'X' is not T or P"
expect_rc 2 "$X12" 837 --from "$C/y_837p.ndjson" --transaction-type XX
has "$T/err" "--transaction-type: 'XX' is not CH, RP or 31"
expect_rc 2 "$X12" 837 --from "$C/y_837p.ndjson" --control-number 0; has "$T/err" "is not 1-999999999"
expect_rc 2 "$X12" 837 --from "$C/y_837p.ndjson" --control-number 5 --control-file "$T/c"
has "$T/err" "exclude each other"
expect_rc 2 "$X12" 837 --from "$C/y_837p.ndjson" --bogus; has "$T/err" "unknown option '--bogus'"
expect_rc 2 "$X12" 837 --from "$T/missing.json"; has "$T/err" "missing.json"
expect_rc 2 "$X12" 837 --from "$C/y_837p.ndjson" --date 2026-01-25; has "$T/err" "is not a CCYYMMDD date"

# --- every example: 837 that validates, and back to the same JSON ----------
for f in "$C"/y_*.json "$C"/y_*.ndjson; do
  b=$(basename "$f")
  expect_rc 0 "$X12" 837 --from "$f" --date 20260125 --time 1200 -o "$T/$b.837"
  [ -s "$T/err" ] && bad "$b: stderr not empty" || ok
  n=$(objects "$f")
  [ "$(claims "$T/$b.837")" = "$n" ] && ok || bad "$b: $(claims "$T/$b.837") claims written, wanted $n"
  expect_rc 0 "$X12" validate "$T/$b.837"
  has "$T/out" ": 0 errors, 0 warnings"
  expect_rc 0 "$X12" 837 --to-json "$T/$b.837" -o "$T/$b.back.ndjson"
  same_json "$f" "$T/$b.back.ndjson" && ok || bad "$b: JSON -> 837 -> JSON differs"
done
# the array and NDJSON forms of the same claims give the same 837
"$X12" 837 --from "$C/y_837p.json" --date 20260125 --time 1200 >"$T/a.837"
"$X12" 837 --from "$C/y_837p.ndjson" --date 20260125 --time 1200 >"$T/n.837"
cmp -s "$T/a.837" "$T/n.837" && ok || bad "array and NDJSON forms differ"
# the 837 is what the guides expect
has "$T/n.837" "ST*837*0001*005010X222A1~"
has "$T/n.837" "CLM*PCN1003*240***11:B:1*Y*A*Y*Y~"
has "$T/n.837" "AMT*D*150~"
"$X12" 837 --from "$C/y_837p_replacement.json" >"$T/r.837"
has "$T/r.837" "CLM*PCN1001*140***11:B:7*Y*A*Y*Y~"
has "$T/r.837" "REF*F8*BPH2026010500123~"
"$X12" 837 --from "$C/y_837i_inpatient.ndjson" >"$T/i.837"
has "$T/i.837" "ST*837*0001*005010X223A2~"
has "$T/i.837" "DTP*435*DT*202601080930~"
has "$T/i.837" "CL1*1*7*01~"
"$X12" 837 --from "$C/y_837d.json" >"$T/d.837"
has "$T/d.837" "ST*837*0001*005010X224A2~"
has "$T/d.837" "TOO*JP*30*M:O~"

# --- standard input ------------------------------------------------------
expect_rc 0 sh -c "\"$X12\" 837 --from - --date 20260125 --time 1200 <\"$C/y_837p.ndjson\""
cmp -s "$T/out" "$T/n.837" && ok || bad "stdin output differs"
expect_rc 0 sh -c "\"$X12\" 837 --to-json - <\"$T/n.837\""
same_json "$C/y_837p.ndjson" "$T/out" && ok || bad "--to-json from stdin differs"

# --to-json: sets that are not 837s are named and skipped; a missing file is exit 2
expect_rc 1 "$X12" 837 --to-json "$SRC/fixtures/corpus/lfh-x12__managed-care.835"
has "$T/err" "lfh-x12__managed-care.835: segment 3 (ST) element 1.0, byte 161: transaction set is not an 837: skipped"
[ -s "$T/out" ] && bad "claims from an 835" || ok
expect_rc 2 "$X12" 837 --to-json "$T/missing.837"; has "$T/err" "No such file or directory"
# an 837 of a neighbouring version (005010X222A2): the same claims, a
# warning at its ST naming both guides, exit 0
sed 's/005010X222A1/005010X222A2/g' "$T/n.837" >"$T/a2.837"
expect_rc 0 "$X12" 837 --to-json "$T/a2.837"
same_json "$C/y_837p.ndjson" "$T/out" && ok || bad "--to-json of an X222A2 837 differs"
has "$T/err" "a2.837: segment 3 (ST), byte "
has "$T/err" "('005010X222A2' (from ST03) checked as 005010X222A1)"
[ "$(wc -l <"$T/err")" = 1 ] && ok || bad "more than the one warning: $(cat "$T/err")"
# an 837 of a guide x12kit has no spec for: named at its ST, no claims, exit 1
sed 's/005010X222A1/005010X999/g' "$T/n.837" >"$T/unknown.837"
expect_rc 1 "$X12" 837 --to-json "$T/unknown.837"
has "$T/err" "unknown.837: segment 3 (ST) element 3.0, byte "
has "$T/err" "no spec for the transaction set's guide: not read (ST03 is '005010X999'; x12kit reads 005010X222A1, X223A2, X224A2)"
[ -s "$T/out" ] && bad "claims from an 837 of an unknown guide" || ok
# a claim whose amount is a fraction of a cent: named, not converted with a made-up
# amount, exit 1; the claim beside it is converted; 120.500 is 120.50 and fine
python3 - "$T/n.837" "$T/frac.837" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
ids = re.findall(r"CLM\*([^*]+)\*([^*]+)\*", s)
(i1, a1), (i2, a2) = ids[0], ids[1]
s = s.replace("CLM*%s*%s*" % (i1, a1), "CLM*%s*%s5*" % (i1, a1 if "." in a1 else a1 + ".00"), 1)
s = s.replace("CLM*%s*%s*" % (i2, a2), "CLM*%s*%s0*" % (i2, a2 if "." in a2 else a2 + ".00"), 1)
open(sys.argv[2], "w").write(s)
PY
expect_rc 1 "$X12" 837 --to-json "$T/frac.837"
has "$T/err" "value does not fit the reader's model (an amount with a fraction of a cent)"
has "$T/err" "claim failed its checks and was not written (claim "
[ "$(grep -c . "$T/out")" = "$(($(grep -o 'CLM\*' "$T/frac.837" | wc -l) - 1))" ] && ok || bad "fraction of a cent: $(grep -c . "$T/out") claims converted"

# --- bad inputs: exact errors, the good claims still written ---------------
for f in "$C"/n_*.json "$C"/n_*.ndjson; do
  b=$(basename "$f")
  expect_rc 1 "$X12" 837 --from "$f" -o "$T/$b.837"
  sed "s|^$f: ||" "$T/err" >"$T/$b.err"
  cmp -s "$T/$b.err" "$f.expect" && ok || { bad "$b: errors differ"; diff "$T/$b.err" "$f.expect"; }
  case $b in
    n_bad_amount.ndjson|n_bad_json.ndjson|n_not_object.json) want=2 ;;
    *) want=1 ;;
  esac
  [ "$(claims "$T/$b.837")" = "$want" ] && ok || bad "$b: $(claims "$T/$b.837") claims written, wanted $want"
  expect_rc 0 "$X12" validate "$T/$b.837"; has "$T/out" ": 0 errors, 0 warnings"
done
# accented letters fold to X12 letters; a character X12 cannot carry refuses only its claim
python3 -c 'import sys
l=open(sys.argv[1]).readline().strip()
print(l.replace("\"DOE\",\"first_name\":\"JOHN\"", "\"D\\u00d6E\",\"first_name\":\"JOS\\u00c9\""))
print(l.replace("\"DOE\",\"first_name\":\"JOHN\"", "\"DOE\",\"first_name\":\"J\\u2603\""))' \
  "$C/y_837p.ndjson" >"$T/acc.ndjson"
expect_rc 1 "$X12" 837 --from "$T/acc.ndjson" -o "$T/acc.837"
has "$T/err" '$[1].subscriber.subscriber.first_name: a character that X12 cannot carry'
has "$T/acc.837" "NM1*IL*1*DOE*JOSE*Q***MI*BPH123456789~"
[ "$(claims "$T/acc.837")" = 1 ] && ok || bad "accents: $(claims "$T/acc.837") claims written"
# a claim without a billing provider is refused by the writer's checks; the next goes out
python3 -c 'import json,sys
l=open(sys.argv[1]).read().splitlines()
c=json.loads(l[0]); del c["billing"]; print(json.dumps(c)); print(l[1])' "$C/y_837p.ndjson" >"$T/nobill.ndjson"
expect_rc 1 "$X12" 837 --from "$T/nobill.ndjson" -o "$T/nobill.837"
has "$T/err" 'nobill.ndjson: line 1, byte 0: $[0].billing: claim: a required field is missing: 2010AA'
[ "$(claims "$T/nobill.837")" = 1 ] && ok || bad "no billing: $(claims "$T/nobill.837") claims written"
# every claim refused: no interchange at all, exit 1
expect_rc 1 "$X12" 837 --from "$C/y_837p.ndjson" --type dental
has "$T/err" '$[0].type: the claim is professional but the output is dental (one type per 837)'
[ -s "$T/out" ] && bad "output for refused claims" || ok

# --- envelope options ----------------------------------------------------
expect_rc 0 "$X12" 837 --from "$C/y_837p.ndjson" --usage T --sender S1 --receiver R1 --control-number 42
has "$T/out" "*ZZ*S1             *ZZ*R1             *"
has "$T/out" "*000000042*0*T*:~"
has "$T/out" "GS*HC*S1*R1*"
# a claim of no charge: refused for payment (BHT06 CH, the default), written as
# reporting (--transaction-type RP), and the 837 valid
python3 -c 'import json,sys
c=json.loads(open(sys.argv[1]).readline()); c["claim_id"]="ZERO1"; c["total_charge"]="0.00"
for l in c["lines"]: l["charge"]="0.00"
print(json.dumps(c))' "$C/y_837p.ndjson" >"$T/zero.ndjson"
expect_rc 1 "$X12" 837 --from "$T/zero.ndjson"
has "$T/err" '$[0].total_charge: claim: an amount the claim cannot have as sent: 0.00 on a claim for payment (BHT06 CH); one of no charge is sent as reporting (RP)'
expect_rc 0 "$X12" 837 --from "$T/zero.ndjson" --transaction-type RP -o "$T/zero.837"
grep -q '\*RP~' "$T/zero.837" && grep -q 'CLM\*ZERO1\*0\*' "$T/zero.837" && ok || bad "RP claim not written"
expect_rc 0 "$X12" validate "$T/zero.837"
# the claims JSON of an 837 of encounters says so (transaction_type, BHT06),
# and is written back as encounters without --transaction-type; a run for
# payment (--transaction-type CH) refuses such claims
expect_rc 0 "$X12" 837 --to-json "$T/zero.837" -o "$T/zero.back.ndjson"
grep -q '"transaction_type":"RP"' "$T/zero.back.ndjson" && ok || bad "--to-json lost BHT06 RP"
expect_rc 0 "$X12" 837 --from "$T/zero.back.ndjson" -o "$T/zero2.837"
grep -q '\*RP~' "$T/zero2.837" && ok || bad "the claims' transaction_type RP not written"
expect_rc 1 "$X12" 837 --from "$T/zero.back.ndjson" --transaction-type CH
has "$T/err" '$[0].transaction_type: claim: a code has the wrong shape: RP, but the 837 being written has BHT06 CH'
# claims without submitter/receiver need --sender/--receiver
python3 -c 'import json,sys
c=json.loads(open(sys.argv[1]).readline()); del c["submitter"]; del c["receiver"]; print(json.dumps(c))' \
  "$C/y_837p.ndjson" >"$T/nosub.ndjson"
expect_rc 2 "$X12" 837 --from "$T/nosub.ndjson"; has "$T/err" "--sender and --receiver are needed"
# without the claims' submitter there is no 1000A contact (PER, required): the
# claims are written, and the check of the 837 written says what it lacks
expect_rc 1 "$X12" 837 --from "$T/nosub.ndjson" --sender S1 --receiver R1
has "$T/err" "x12 837: the 837 written does not validate: segment 6 (NM1), byte 230: required segment is missing (segment PER missing in loop 1000A) [loop 1000A]"
has "$T/out" "NM1*41*2*S1*****46*S1~"
has "$T/err" "nosub.ndjson: the claims carry no submitter contact: the 837 lacks the 1000A PER the guides require"
# ... which --submitter-contact gives: a valid 837
expect_rc 0 "$X12" 837 --from "$T/nosub.ndjson" --sender S1 --receiver R1 --submitter-contact "EDI DESK,TE,8005551234" -o "$T/contact.837"
has "$T/contact.837" "NM1*41*2*S1*****46*S1~PER*IC*EDI DESK*TE*8005551234~"
expect_rc 0 "$X12" validate "$T/contact.837"
expect_rc 2 "$X12" 837 --from "$T/nosub.ndjson" --submitter-contact "EDI DESK,XX,1"; has "$T/err" "is not NAME,QUALIFIER,NUMBER"
# a value longer than the guide allows that the writer's checks let through is
# said by that check, with its position and loop
python3 -c 'import json,sys
c=json.loads(open(sys.argv[1]).readline()); c["subscriber"]["subscriber"]["last_name"]="X"*80; print(json.dumps(c))' \
  "$C/y_837p.ndjson" >"$T/long.ndjson"
expect_rc 1 "$X12" 837 --from "$T/long.ndjson" -o "$T/long.837"
has "$T/err" "the 837 written does not validate: segment 16 (NM1) element 3.0, byte "
has "$T/err" "element is too long (NM103: 80 characters, at most 60) [loop 2010BA]"
# ... and inside a claim, the claim named
python3 -c 'import json,sys
c=json.loads(open(sys.argv[1]).readline()); c["prior_authorization"]="A"*51; print(json.dumps(c))' \
  "$C/y_837p.ndjson" >"$T/longauth.ndjson"
expect_rc 1 "$X12" 837 --from "$T/longauth.ndjson" -o "$T/longauth.837"
has "$T/err" "element is too long (REF02: 51 characters, at most 50) [loop 2300, claim $(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["claim_id"])' "$C/y_837p.ndjson")]"
# one claim per set: three sets, still valid
expect_rc 0 "$X12" 837 --from "$C/y_837p.ndjson" --max-claims-per-set 1 -o "$T/sets.837"
[ "$(tr '~' '\n' <"$T/sets.837" | grep -c '^ST\*')" = 3 ] && ok || bad "--max-claims-per-set 1 did not give 3 sets"
expect_rc 0 "$X12" validate "$T/sets.837"; has "$T/out" ": 0 errors, 0 warnings"
# the control-number file: numbers never repeat between runs
expect_rc 0 "$X12" 837 --from "$C/y_837p.ndjson" --control-file "$T/ctl" -o "$T/c1.837"
expect_rc 0 "$X12" 837 --from "$C/y_837p.ndjson" --control-file "$T/ctl" -o "$T/c2.837"
isa1=$(cut -c91-99 "$T/c1.837"); isa2=$(cut -c91-99 "$T/c2.837")
[ "$isa1" = 000000001 ] && ok || bad "first ISA13 $isa1"
[ "$isa1" != "$isa2" ] && ok || bad "ISA13 reused: $isa1"
[ "$(cat "$T/ctl")" = "000000006" ] && ok || bad "counter holds $(cat "$T/ctl"), wanted 000000006 (ISA, GS, ST twice)"
expect_rc 0 "$X12" validate "$T/c2.837"; has "$T/out" ": 0 errors, 0 warnings"
echo "garbage" >"$T/badctl"
expect_rc 2 "$X12" 837 --from "$C/y_837p.ndjson" --control-file "$T/badctl"
has "$T/err" "control-number file is corrupt"

# -o naming the input: refused before the input is truncated
cp "$C/y_837p.ndjson" "$T/self.ndjson"
expect_rc 2 "$X12" 837 --from "$T/self.ndjson" -o "$T/self.ndjson"; has "$T/err" "-o $T/self.ndjson is the input"
cmp -s "$T/self.ndjson" "$C/y_837p.ndjson" && ok || bad "x12 837 -o INPUT changed the input"
# --to-json takes several 837s, like the other commands
R=$SRC/fixtures/reconcile
expect_rc 0 "$X12" 837 --to-json "$R/claims-1.837" "$R/claims-2.837"
[ "$(wc -l <"$T/out")" -eq 9 ] && ok || bad "--to-json of two files: $(wc -l <"$T/out") claims, wanted 9"
has "$T/out" '"claim_id":"RC-PEND-1"'
has "$T/out" '"frequency_code":"7"'
expect_rc 2 "$X12" 837 --from "$C/y_837p.ndjson" "$R/claims-1.837"; has "$T/err" "unknown option"

# no claims at all (an empty file, an empty array): nothing written, and said
: >"$T/none.ndjson"
expect_rc 0 "$X12" 837 --from "$T/none.ndjson"
[ -s "$T/out" ] && bad "an empty claims file wrote output" || ok
has "$T/err" "none.ndjson: no claims in the input: no 837 written"
printf '[]\n' >"$T/none.json"
expect_rc 0 "$X12" 837 --from "$T/none.json"; has "$T/err" "no claims in the input"

# text that is not UTF-8 (an 837 written in ISO-8859-1): the claims JSON keeps
# it, read as ISO-8859-1 (0xE9 is U+00E9), UTF-8 stays as it is, and a warning
# names each place; the claims are whole, so the exit status is 0
"$X12" 837 --from "$C/y_837p.ndjson" >"$T/u.837"
sed 's/~NM1\*IL\*1\*\([A-Z]*\)\*\([A-Z]*\)\*/~NM1*IL*1*\1\xe9*\2\xc3\xa9*/g' "$T/u.837" >"$T/lat.837"
n=$(LC_ALL=C grep -o "$(printf '~NM1\\*IL\\*1\\*[A-Z]*\351\\*')" "$T/lat.837" | wc -l)
[ "$n" -gt 0 ] && ok || bad "the test's 837 has no ISO-8859-1 name"
expect_rc 0 "$X12" 837 --to-json "$T/lat.837"
[ "$(grep -c 'text is not UTF-8 (byte 0xE9: read as ISO-8859-1)' "$T/err")" = "$n" ] && ok ||
  bad "wanted $n warnings: $(cat "$T/err")"
has "$T/err" "lat.837: segment "
python3 - "$T/out" <<'PY' && ok || bad "ISO-8859-1 names in claims JSON"
import json, sys
names = [json.loads(l)["subscriber"]["subscriber"] for l in open(sys.argv[1], encoding="utf-8")]
assert names and all(n["last_name"].endswith("\u00e9") for n in names), names
assert all(n.get("first_name", "").endswith("\u00e9") for n in names), names
PY

# in a composite the warning names the component: SV101-3, the first modifier
sed 's/SV1\*HC:99392:25\*/SV1*HC:99392:2\xe9*/' "$T/u.837" >"$T/mod.837"
expect_rc 0 "$X12" 837 --to-json "$T/mod.837"
# the segment's number counted here from the bytes: segments end at '~'
n=$(tr -d '\r\n' <"$T/mod.837" | tr '~' '\n' | grep -a -n '^SV1\*HC:99392:2' | head -1 | cut -d: -f1)
has "$T/err" "mod.837: segment $n (SV1) element 1.3, byte "
[ "$(grep -c 'not UTF-8' "$T/err")" = 1 ] && ok || bad "837: one warning wanted: $(cat "$T/err")"

echo "cli_837_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
