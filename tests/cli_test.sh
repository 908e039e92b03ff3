#!/bin/sh
# The x12 command as users script it: output, error format, exit codes, stdin,
# gzip, --strict, --json.  Usage: cli_test.sh PATH/TO/x12 SOURCE_DIR
set -u
X12=$1
SRC=$2
. "$SRC/tests/cli_lib.sh"
F=$SRC/fixtures/x12

# expect_rc WANT CMD...: runs CMD, stdout to $T/out, stderr to $T/err

# --help, --version, usage errors
expect_rc 0 "$X12" --help; has "$T/out" "cat"; has "$T/out" "info"
expect_rc 0 "$X12" --version; has "$T/out" "x12 (x12kit) 0.1.0"
expect_rc 2 "$X12"; has "$T/err" "usage: x12 COMMAND"
expect_rc 2 "$X12" frobnicate; has "$T/err" "unknown command 'frobnicate'"
expect_rc 0 "$X12" cat --help; has "$T/out" "usage: x12 cat"; has "$T/out" "--strict"
expect_rc 0 "$X12" info --help; has "$T/out" "--json"
expect_rc 2 "$X12" cat --bogus "$F/y_minimal.x12"; has "$T/err" "unknown option '--bogus'"
expect_rc 2 "$X12" cat --max-segment nope "$F/y_minimal.x12"
# X12KIT_SIMD caps the reader's hot loop: the output of every level (and of a
# name it does not know) is the default's, on a file long enough to reach it
"$X12" validate "$SRC/fixtures/validate/y_837p_generated.x12" >"$T/simd-default.out" 2>&1
"$X12" cat "$SRC/fixtures/validate/y_837p_generated.x12" >>"$T/simd-default.out" 2>&1
for l in none sse2 avx2 avx512 bogus; do
  X12KIT_SIMD=$l "$X12" validate "$SRC/fixtures/validate/y_837p_generated.x12" >"$T/simd-$l.out" 2>&1
  X12KIT_SIMD=$l "$X12" cat "$SRC/fixtures/validate/y_837p_generated.x12" >>"$T/simd-$l.out" 2>&1
  same "$T/simd-$l.out" "$T/simd-default.out" "X12KIT_SIMD=$l changed what x12 validate and x12 cat say"
done
# the commands that read X12 files share one option parser: --help, unknown and
# bad options, "--" before a file whose name starts with '-', "-" for stdin
cp "$F/y_minimal.x12" "$T/-dash.x12"
for c in cat info to-json validate to-xml 835; do
  expect_rc 0 "$X12" $c --help; has "$T/out" "usage: x12 $c"; has "$T/out" "--max-segment N"
  expect_rc 0 "$X12" $c -h; has "$T/out" "usage: x12 $c"
  expect_rc 2 "$X12" $c --bogus "$F/y_minimal.x12"
  has "$T/err" "x12 $c: unknown option '--bogus' (see x12 $c --help)"
  [ -s "$T/out" ] && bad "$c --bogus wrote output" || ok
  expect_rc 2 "$X12" $c "$F/y_minimal.x12" --max-segment; has "$T/err" "--max-segment needs a number"
  expect_rc 2 "$X12" $c --max-segment 0 "$F/y_minimal.x12"; has "$T/err" "is not a byte count"
  # the same exit status and output, the file named after "--", as "-" or plainly
  "$X12" $c "$F/y_minimal.x12" >"$T/file.out" 2>&1; want=$?
  (cd "$T" && "$X12" $c -- -dash.x12 >"$T/dash.out" 2>&1); rc=$?
  [ "$rc" = "$want" ] && ok || { bad "$c -- -dash.x12: exit $rc, wanted $want"; cat "$T/dash.out"; }
  "$X12" $c - <"$F/y_minimal.x12" >"$T/stdin.out" 2>&1; rc=$?
  [ "$rc" = "$want" ] && ok || bad "$c - (stdin): exit $rc, wanted $want"
  # (to-xml names the file in its output)
  sed -e "s#$F/y_minimal.x12#<stdin>#g" -e 's#<file name="[^"]*">#<file>#' "$T/file.out" >"$T/file.norm"
  sed -e 's#<file name="[^"]*">#<file>#' "$T/stdin.out" | cmp -s - "$T/file.norm" && ok ||
    bad "$c: stdin and file outputs differ"
done
# a folder given as a file: an I/O error that says so, once, and the next file is read
mkdir -p "$T/a-folder"
for c in cat info to-json validate to-xml 835; do
  expect_rc 2 "$X12" $c "$T/a-folder" "$F/y_minimal.x12"
  has "$T/err" "a-folder: byte 0: input/output error (a folder, not a file)"
  [ "$(grep -c 'a-folder' "$T/err")" = 1 ] && ok || bad "$c: the folder reported $(grep -c 'a-folder' "$T/err") times"
done
expect_rc 2 "$X12" reconcile --db :memory: --claims "$T/a-folder" --remits "$F/y_minimal.x12"
has "$T/err" "a-folder: byte 0: input/output error (a folder, not a file)"
[ "$(grep -c 'a-folder' "$T/err")" = 1 ] && ok || bad "reconcile: the folder reported $(grep -c 'a-folder' "$T/err") times"
has "$T/err" "y_minimal.x12: 0 claim payments"
expect_rc 2 "$X12" reconcile --db :memory: --claims "$T/no-such.837"
[ "$(grep -c 'no-such.837' "$T/err")" = 1 ] && ok || bad "reconcile: a missing file reported $(grep -c 'no-such.837' "$T/err") times"
expect_rc 2 "$X12" info --json --bogus "$F/y_minimal.x12"
expect_rc 2 "$X12" validate --spec; has "$T/err" "--spec needs an overlay file"
expect_rc 2 "$X12" validate --spec "$T/no-such-overlay.xml" "$F/y_minimal.x12"
has "$T/err" "no-such-overlay.xml"
# an overlay that cannot be read (a folder): named with the reason
expect_rc 2 "$X12" validate --spec "$T" "$F/y_minimal.x12"
has "$T/err" "x12 validate: $T: Is a directory"
# ... or one larger than any overlay (a sparse file past 64 MiB): refused, not loaded
truncate -s 65M "$T/huge.xml"
expect_rc 2 "$X12" validate --spec "$T/huge.xml" "$F/y_minimal.x12"
has "$T/err" "x12 validate: $T/huge.xml: larger than an overlay can be (64 MiB)"
rm -f "$T/huge.xml"

# cat: one segment per line, delimiters kept, byte-identical to the input for a clean file
expect_rc 0 "$X12" cat "$F/y_minimal.x12"
[ "$(wc -l <"$T/out")" -eq 8 ] && ok || bad "cat printed $(wc -l <"$T/out") lines"
has "$T/out" "SE*4*0001~"
tr -d '\n' <"$T/out" >"$T/joined"
cmp -s "$T/joined" "$F/y_minimal.x12" && ok || bad "cat output joined differs from input"
# CRLF input gives the same segments (lenient by default)
expect_rc 0 "$X12" cat "$F/y_crlf.x12"; cp "$T/out" "$T/crlf"
"$X12" cat "$F/y_minimal.x12" >"$T/min"; cmp -s "$T/crlf" "$T/min" && ok || bad "CRLF and plain differ"
# --strict refuses the line breaks
expect_rc 1 "$X12" cat --strict "$F/y_crlf.x12"; has "$T/err" "segment id is not 2 or 3"
# stdin and gzip
expect_rc 0 sh -c "\"$X12\" cat - <\"$F/y_gzip.x12.gz\""; cmp -s "$T/out" "$T/min" && ok || bad "gzip stdin differs"
expect_rc 0 sh -c "cat \"$F/y_minimal.x12\" | \"$X12\" cat"; cmp -s "$T/out" "$T/min" && ok || bad "piped stdin differs"
# two interchanges with their own delimiters
expect_rc 0 "$X12" cat "$F/y_two_interchanges_own_delimiters.x12"; has "$T/out" "GS|HP|SENDER"

# error format: FILE: segment N (ID) element E.C, byte B: message
expect_rc 1 "$X12" cat "$F/n_se01_count.x12"
has "$T/err" "n_se01_count.x12: segment 6 (SE) element 1.0, byte 230: SE01 does not match the number of segments (SE01 is 7, the set has 4 segments)"
expect_rc 1 "$X12" info "$F/n_missing_iea.x12"; has "$T/err" "interchange is not closed by IEA"
# a set no SE closed: its line is ended, not run into the next one
expect_rc 1 "$X12" info "$F/n_missing_se.x12"
has "$T/out" "set 0001: 835, guide 005010X221A1 (GS08), 3 segments so far, not closed by SE"
has "$T/out" "n_missing_se.x12: 1 error"
head -c 200 "$F/y_minimal.x12" >"$T/cut.x12"
expect_rc 1 "$X12" info "$T/cut.x12"
[ "$(grep -c 'set 0001: 835.*segments so far, not closed by SE$' "$T/out")" = 1 ] && ok || bad "info: a set cut short: $(cat "$T/out")"
expect_rc 1 "$X12" cat "$F/n_gzip_truncated.x12.gz"; has "$T/err" "gzip"
# values only with --show-values
expect_rc 1 "$X12" cat "$F/n_segment_id.x12"; lacks "$T/err" ": Trn"
expect_rc 1 "$X12" cat --show-values "$F/n_segment_id.x12"; has "$T/err" ": Trn"
# I/O errors are exit 2, and the other files are still read
expect_rc 2 "$X12" cat /nonexistent/file "$F/y_minimal.x12"
has "$T/err" "/nonexistent/file: byte 0: input/output error (No such file or directory)"
has "$T/out" "IEA*1*000000001~"
# an input error in one file does not stop the next
expect_rc 1 "$X12" info "$F/n_not_x12.x12" "$F/y_minimal.x12"; has "$T/out" "y_minimal.x12: interchange 1"

# info: text and JSON
expect_rc 0 "$X12" info "$F/y_minimal.x12"
has "$T/out" "interchange 1: control 000000001, sender ZZ:SENDER, receiver ZZ:RECEIVER, date 261126 1200, usage T, version 00501"
has "$T/out" "group 1: control 1, functional id HP"
has "$T/out" "set 0001: 835, guide 005010X221A1 (GS08), 4 segments"
expect_rc 0 "$X12" info --json "$F/y_two_interchanges_own_delimiters.x12"
[ "$(wc -l <"$T/out")" -eq 2 ] && ok || bad "info --json should print one line per interchange"
has "$T/out" '"control_number":"000000002"'
has "$T/out" '"delimiters":{"element":"|","repetition":"!","component":">","segment":"\n"}'
has "$T/out" '"sets":[{"id":"835","control_number":"0001","guide":"005010X221A1","guide_from":"GS08","segments":4,"complete":true}]'
has "$T/out" '"complete":true'
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out" && ok || bad "info --json is not NDJSON"
fi
expect_rc 1 "$X12" info --json "$SRC/fixtures/corpus/vgi-x12__truncated.edi"; has "$T/out" '"complete":false'
expect_rc 0 "$X12" info "$SRC/fixtures/corpus/imsweb-x12-parser__x12_999_accepted_ta1.txt"; has "$T/out" "TA1 for interchange"

# to-json: one JSON document per transaction set, loops named by the guide
C=$SRC/fixtures/corpus
expect_rc 0 "$X12" to-json "$C/stupidedi__multiple-claims-single-check.edi"
[ "$(wc -l <"$T/out")" -eq 1 ] && ok || bad "to-json: one line per set"
has "$T/out" '"guide":"005010X221A1","loop":{"id":"ST","name":"Transaction Set","content":[{"id":"ST","position":1'
has "$T/out" '{"id":"2110","name":"Service Payment Information","content":[{"id":"SVC","position":'
has "$T/out" '"elements":[["AD","D0120"],"46","25"]'
expect_rc 0 "$X12" to-json "$F/y_repetitions.x12"
has "$T/out" '"elements":["405",{"repeat":["A",["B","C"],"",["D","E",""]]}]'
if command -v python3 >/dev/null; then
  "$X12" to-json "$F/y_two_interchanges_own_delimiters.x12" >"$T/two.json"
  python3 -c 'import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; assert len(d)==2, d' "$T/two.json" && ok || bad "to-json NDJSON"
fi
expect_rc 1 "$X12" to-json "$F/n_missing_se.x12"; has "$T/err" "transaction set is not closed by SE"
# the envelope's every element is in each document (ISA01-16 but the separators
# the JSON does not need, GS01-08); a TA1 is a document of its own
expect_rc 0 "$X12" to-json "$SRC/fixtures/ack/r_rejected.999"
has "$T/out" '"interchange":{"control_number":"000001001","sender":"PAYERGATEWAY","receiver":"CLEARHOUSE01","usage":"P","authorization_qualifier":"00","authorization":"","security_qualifier":"00","security":"","sender_qualifier":"ZZ","receiver_qualifier":"ZZ","date":"260101","time":"1200","repetition_separator":"^","version":"00501","ack_requested":"0","component_separator":":"}'
has "$T/out" '"group":{"functional_id":"FA","control_number":"1001","version":"005010X231A1","sender":"PGW00001","receiver":"ETIN715317","date":"20260101","time":"1200","agency":"X"}'
expect_rc 0 "$X12" to-json "$SRC/fixtures/ack/r_rejected.ta1"
has "$T/out" '"ta1":{"id":"TA1","name":"Interchange Acknowledgment","elements":["100055433","250307","1419","A","000"]}}'
[ "$(wc -l <"$T/out")" -eq 1 ] && ok || bad "to-json of a TA1: $(wc -l <"$T/out") documents"
# a version x12kit has no spec for (005010X222A2): one flat loop; with
# --nearest-guide the loops of 005010X222A1, exit 0 (its warning is no error)
expect_rc 0 "$X12" to-json "$C/lfh-x12__demo.837"
has "$T/out" '"guide":null,"loop":{"id":"ST","content":'
lacks "$T/out" '"id":"2300"'
expect_rc 0 "$X12" to-json --nearest-guide "$C/lfh-x12__demo.837"
has "$T/out" '"guide":"005010X222A2","loop":{"id":"ST","name":"Transaction Set"'
has "$T/out" '{"id":"2300","name":"Claim Information","content":[{"id":"CLM",'
lacks "$T/err" "nearest"
expect_rc 0 "$X12" to-xml --nearest-guide "$C/lfh-x12__demo.837"
has "$T/out" '<loop id="2300"'
"$X12" from-xml "$T/out" >"$T/back.837" && cmp -s "$T/back.837" "$C/lfh-x12__demo.837" && ok || bad "to-xml --nearest-guide: from-xml gives the input back"
expect_rc 0 "$X12" to-xml "$C/lfh-x12__demo.837"
lacks "$T/out" '<loop id="2300"'

# validate: TR3 examples pass; findings name position, SNIP type, loop and 999 codes
V=$SRC/fixtures/validate
expect_rc 0 "$X12" validate "$V/y_837p_generated.x12" "$C/stupidedi__multiple-claims-single-check.edi"
has "$T/out" "y_837p_generated.x12: 0 errors, 0 warnings"
# the TR3 examples use made-up NPIs: SNIP 5 says so
expect_rc 1 "$X12" validate "$C/stupidedi__anesthesia.edi"
has "$T/out" "segment 9 (NM1) element 9.0, byte 348: NPI check digit is wrong (check digit or form) [error, SNIP 5, loop 2010AA, IK304 8, IK403 I12]"
# the 837I TR3 example sends an RD8 "range" with one date: a SNIP 4 finding with its rule text
expect_rc 1 "$X12" validate "$C/stupidedi__837-institutional-claim.edi"
has "$T/out" "segment 23 (DTP) element 3.0, byte 688: a situational rule of the guide is not met (837i.dtp-rd8-order) [error, SNIP 4, loop 2300, IK403 8] A DTP date range"
expect_rc 1 "$X12" validate "$F/y_minimal.x12"
has "$T/out" "segment 6 (SE), byte 230: required loop is missing (loop 1000A missing in loop ST) [error, SNIP 2, loop ST, IK304 3]"
expect_rc 1 "$X12" validate --json "$F/n_se01_count.x12"
has "$T/out" '"code":"X12_ERR_SE_COUNT"'
has "$T/out" '"snip":1'
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out" && ok || bad "validate --json is not NDJSON"
# --summary: the findings counted by kind, most frequent first, the exit status
# and the totals as without it; --json: one object per file whose counts add up
expect_rc 1 "$X12" validate --summary "$V/n_837p_cob_reporting.x12" "$V/n_837p_contact_and_line_values.x12"
has "$T/out" "n_837p_cob_reporting.x12:        1  error   SNIP 4  X12_ERR_COB_REPORTING SVD01 (first: segment 217, byte 4570)"
has "$T/out" "n_837p_contact_and_line_values.x12:        1  error   SNIP 5  X12_ERR_RULE 837p.ssn-area (first: segment 20, byte 693)"
has "$T/out" "n_837p_cob_reporting.x12: 6 errors, 0 warnings"
grep -q "segment 107 (DTP)" "$T/out" && bad "--summary printed a finding" || ok
"$X12" validate "$V/n_837p_cob_reporting.x12" "$V/n_837p_contact_and_line_values.x12" > "$T/full.txt" || true
grep ': [0-9]* errors\?, ' "$T/full.txt" > "$T/tot1.txt"
grep ': [0-9]* errors\?, ' "$T/out" > "$T/tot2.txt"
cmp -s "$T/tot1.txt" "$T/tot2.txt" && ok || bad "--summary totals differ from the full run's"
expect_rc 1 "$X12" validate --summary --json "$V/n_837p_cob_reporting.x12" "$V/y_837p_generated.x12"
python3 -c 'import json,sys
docs=[json.loads(l) for l in open(sys.argv[1])]
assert len(docs)==2, docs
a,b=docs
assert a["errors"]==6 and a["warnings"]==0 and sum(k["count"] for k in a["kinds"])==6, a
assert [k["count"] for k in a["kinds"]]==sorted([k["count"] for k in a["kinds"]], reverse=True)
assert {"count":1,"severity":"error","snip":4,"code":"X12_ERR_COB_REPORTING","what":"SVD01","first_segment_index":217,"first_byte":4570} in a["kinds"], a
assert b["errors"]==0 and b["kinds"]==[], b' "$T/out" && ok || bad "validate --summary --json"
# 300 kinds of finding (unknown segment ids): 255 kept apart, the rest counted as one
python3 -c 'import re,sys
src=open(sys.argv[1]).read()
ids=[a+b+c for a in "QWXYZV" for b in "QWXYZV" for c in "0123456789"][:300]
i=src.index("LX*1~")
out=src[:i]+"~".join(x+"*1" for x in ids)+"~"+src[i:]
m=re.search(r"SE\*(\d+)\*",out)
sys.stdout.write(out[:m.start()]+"SE*%d*"%(int(m.group(1))+300)+out[m.end():])' "$V/y_837p_generated.x12" > "$T/kinds.x12"
expect_rc 1 "$X12" validate --summary "$T/kinds.x12"
has "$T/out" "kinds.x12:       45  (other kinds)"
has "$T/out" "kinds.x12: 300 errors, 0 warnings"
expect_rc 1 "$X12" validate --summary --json "$T/kinds.x12"
python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
assert len(d["kinds"])==256 and d["errors"]==300 and sum(k["count"] for k in d["kinds"])==300, d
assert {"count":45,"what":"(other kinds)"} in d["kinds"]' "$T/out" && ok || bad "validate --summary past 256 kinds"
# --rules GUIDE: the guide's rules, as many as the library lists, an overlay's after them
expect_rc 0 "$X12" validate --rules 005010X223A2
has "$T/out" "837i.icd9-before-2015-10-01: error, SNIP 5, loop 2300, IK403 I12"
has "$T/out" "837i.units-positive: error, SNIP 4, scope *, segment SV2, IK403 I12"
has "$T/out" "  source: 45 CFR 162.1002"
n=$(grep -c '^[^ ].*: .*SNIP' "$T/out")
has "$T/out" "005010X223A2: $n rules"
expect_rc 0 "$X12" validate --rules 005010X221A1 --json
python3 -c 'import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
ids=[r["id"] for r in rows]
assert "835.trn04-same-as-bpr11" in ids and len(ids)==len(set(ids)), ids
r=rows[ids.index("835.trn04-same-as-bpr11")]
assert r["guide"]=="005010X221A1" and r["scope"]=="ST" and r["segment"]=="" and r["severity"]=="error" and r["snip"]==4 and r["ik4"]=="I12" and "RFI 2041" in r["source"], r' "$T/out" && ok || bad "validate --rules --json"
expect_rc 0 "$X12" validate --rules 005010X222A1 --spec "$SRC/fixtures/overlays/example-companion.xml"
has "$T/out" "example.inpatient-lines-no-place-of-service: error, SNIP 7, loop 2300, IK403 I10"
has "$T/out" "rules, with example-companion"
expect_rc 2 "$X12" validate --rules 005010X999
has "$T/err" "no guide '005010X999' (x12kit has: "
expect_rc 2 "$X12" validate --rules 005010X222A1 "$V/y_837p_generated.x12"
has "$T/err" "--rules reads no file"
expect_rc 2 "$X12" validate --rules
has "$T/err" "--rules needs a guide id"
expect_rc 0 "$X12" validate "$C/lfh-x12__demo.837"
has "$T/out" "no implementation guide for this transaction set: envelope checks only (ST01 837 with guide '005010X222A2' (from ST03); nearest guide: 005010X222A1) [info"
# --nearest-guide: a version neighbour is checked against the guide x12kit has,
# with a warning at its ST; its findings are those of the same file under that
# guide's id (ST03 included: it names the set's own version)
sed 's/005010X222A1/005010X222A2/g' "$V/n_837p_npi_check_digit.x12" > "$T/a2.837"
expect_rc 0 "$X12" validate "$T/a2.837"
has "$T/out" "envelope checks only"
expect_rc 1 "$X12" validate --nearest-guide "$T/a2.837"
has "$T/out" "segment 3 (ST), byte 165: checked against the nearest version of its guide x12kit has ('005010X222A2' (from ST03) checked as 005010X222A1) [warning, SNIP 1, loop ST]"
"$X12" validate "$V/n_837p_npi_check_digit.x12" | grep -v ': [0-9]* errors\?, ' > "$T/a1.txt" || true
grep -v "nearest version\|: [0-9]* errors\?, " "$T/out" | sed "s|$T/a2.837|$V/n_837p_npi_check_digit.x12|" > "$T/a2.txt"
if [ -s "$T/a1.txt" ] && cmp -s "$T/a1.txt" "$T/a2.txt"; then ok; else bad "--nearest-guide findings differ from the A1 file's"; diff "$T/a1.txt" "$T/a2.txt"; fi
has "$T/out" "1 error, 1 warning"
# an 835 under an 837 neighbour's id is no neighbour: envelope checks only
sed 's/005010X221A1/005010X222A2/g' "$V/n_835_line_unbalanced.x12" > "$T/x.835"
expect_rc 0 "$X12" validate --nearest-guide "$T/x.835"
has "$T/out" "envelope checks only (ST01 835 with guide '005010X222A2' (from GS08)) [info"
expect_rc 2 "$X12" validate /nonexistent/file
# --spec: a companion guide narrows the guide (SNIP 7)
expect_rc 1 "$X12" validate --spec "$SRC/fixtures/overlays/example-companion.xml" "$V/y_837p_generated.x12"
has "$T/out" "segment 15 (SBR) element 9.0, byte 548: element value is not a code this guide allows (SBR09: not among the guide's codes) [error, SNIP 7, loop 2000B, IK304 8, IK403 7]"
# a second overlay for the same guide applies on top of the first
printf '<overlay guide="005010X222A1">\n<elmod loop="2300" seg="CLM" el="CLM01" maxlen="10"/>\n</overlay>\n' >"$T/clm01.xml"
expect_rc 1 "$X12" validate --spec "$SRC/fixtures/overlays/example-companion.xml" --spec "$T/clm01.xml" "$V/y_837p_generated.x12"
has "$T/out" "segment 15 (SBR) element 9.0, byte 548: element value is not a code this guide allows"
has "$T/out" "segment 21 (CLM) element 1.0, byte 728: element is too long (CLM01: 11 characters, at most 10) [error, SNIP 7"
has "$T/out" "6 errors, 0 warnings"
printf '<overlay guide="005010X222A1">\n<loopmod loop="2400" repeat="99"/></overlay>\n' >"$T/wide.xml"
expect_rc 2 "$X12" validate --spec "$T/wide.xml" "$V/y_837p_generated.x12"
has "$T/err" "wide.xml, line 2: implementation-guide spec is malformed"
has "$T/err" "repeat is higher than the guide allows"
# an overlay that makes an element required past the guide's last required
# one: a segment that ends before it is reported (it was not: the checks
# stopped at the guide's last required element)
printf '<overlay guide="005010X221A1">\n<elmod loop="1000A" seg="N1" el="N104" usage="R"/>\n<elmod loop="ST" seg="TRN" el="TRN04" usage="R"/>\n</overlay>\n' >"$T/tail.xml"
expect_rc 1 "$X12" validate --spec "$T/tail.xml" "$SRC/fixtures/remit/y_elements.835"
has "$T/out" "segment 5 (TRN) element 4.0, byte 211: required element is missing (TRN04) [error, SNIP 7, loop ST"
has "$T/out" "segment 7 (N1) element 4.0, byte 255: required element is missing (N104) [error, SNIP 7, loop 1000A"
# what a companion guide narrowed in the loop structure is SNIP 7 too (it
# was SNIP 2, as if the implementation guide required it): a segment made
# required, a loop made Not Used, a lower loop repeat; the same file without
# the overlay is clean
printf '<overlay guide="005010X221A1">\n<loopmod loop="2100" repeat="1"/>\n<loopmod loop="2110" usage="N"/>\n<segmod loop="1000A" seg="PER" keyval="IC" usage="R"/>\n</overlay>\n' >"$T/loops.xml"
expect_rc 1 "$X12" validate --spec "$T/loops.xml" "$SRC/fixtures/remit/y_elements.835"
has "$T/out" "segment 11 (N1), byte 356: required segment is missing (segment PER missing in loop 1000A) [error, SNIP 7, loop 1000A, IK304 3]"
has "$T/out" "segment 24 (SVC), byte 647: segment marked Not Used in this guide is present (made Not Used by a companion guide) [error, SNIP 7, loop 2110, IK304 I4]"
has "$T/out" "segment 31 (CLP), byte 767: loop exceeds its maximum repeat (loop 2100 occurs more than 1 times in loop 2000) [error, SNIP 7, loop 2100, IK304 4]"
has "$T/out" "4 errors, 0 warnings"
expect_rc 0 "$X12" validate "$SRC/fixtures/remit/y_elements.835"

# to-json: a value that is not UTF-8 is read as ISO-8859-1, whole however long
# (values were cut at 1024 bytes), with a warning naming its place
long=$(head -c 3000 /dev/zero | tr '\0' 'A')
sed "s/TRN\*1\*12345\*/TRN*1*$long$(printf '\351')Z:$(printf '\303\251')*/" "$F/y_minimal.x12" >"$T/lat.x12"
expect_rc 0 "$X12" to-json "$T/lat.x12"
has "$T/err" "lat.x12: segment 5 (TRN) element 2.1, byte 207: text is not UTF-8 (byte 0xE9: read as ISO-8859-1)"
[ "$(wc -l <"$T/err")" = 1 ] && ok || bad "to-json: one warning wanted: $(cat "$T/err")"
python3 - "$T/out" <<'PY' && ok || bad "to-json of an ISO-8859-1 value"
import json, sys
d = json.loads(open(sys.argv[1], encoding="ascii").read())
def find(o):
    if isinstance(o, dict):
        if o.get("id") == "TRN":
            return o["elements"][1]
        for v in o.values():
            r = find(v)
            if r: return r
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r: return r
trn02 = find(d)
assert trn02 == ["A" * 3000 + "\u00e9Z", "\u00e9"], repr(trn02)[:80]
PY

# to-xml / from-xml (docs/xml.md): lossless both ways, errors with the XML line
expect_rc 0 "$X12" to-xml --help; has "$T/out" "usage: x12 to-xml"; has "$T/out" "--no-gaps"
expect_rc 0 "$X12" from-xml --help; has "$T/out" "usage: x12 from-xml"
expect_rc 0 "$X12" to-xml "$F/y_crlf.x12"; has "$T/out" '<x12 xmlns="urn:x12kit:xml:1">'
has "$T/out" '<interchange element="*" repetition="^" component=":" segment="~">'
has "$T/out" '<seg id="GS" gap="7e0d0a">'
"$X12" from-xml "$T/out" >"$T/back"; cmp -s "$T/back" "$F/y_crlf.x12" && ok || bad "from-xml of y_crlf differs"
"$X12" to-xml --no-gaps "$F/y_crlf.x12" | "$X12" from-xml >"$T/back"
cmp -s "$T/back" "$F/y_minimal.x12" && ok || bad "--no-gaps should give the normalised file"
"$X12" to-xml "$F/y_two_interchanges_own_delimiters.x12" "$F/y_nul_padding.x12" | "$X12" from-xml >"$T/back"
cat "$F/y_two_interchanges_own_delimiters.x12" "$F/y_nul_padding.x12" >"$T/want"
cmp -s "$T/back" "$T/want" && ok || bad "two files through to-xml | from-xml differ"
gzip -dc "$F/y_gzip.x12.gz" >"$T/gz"
expect_rc 0 sh -c "\"$X12\" to-xml - <\"$F/y_gzip.x12.gz\" | \"$X12\" from-xml"; cmp -s "$T/out" "$T/gz" && ok || bad "gzip stdin to-xml differs"
expect_rc 1 "$X12" to-xml "$F/n_se01_count.x12"; has "$T/err" "n_se01_count.x12: segment 6 (SE) element 1.0, byte 230:"
"$X12" from-xml "$T/out" >"$T/back"; cmp -s "$T/back" "$F/n_se01_count.x12" && ok || bad "a file with errors should still round-trip"
expect_rc 2 "$X12" to-xml /nonexistent/file "$F/y_minimal.x12"; has "$T/out" "000000001"
printf '<x12 xmlns="urn:x12kit:xml:1">\n<seg id="ST"/>\n</x12>\n' >"$T/bad.xml"
expect_rc 1 "$X12" from-xml "$T/bad.xml"; has "$T/err" "bad.xml: line 2: not x12kit XML (a <seg> outside an <interchange>)"
printf '<x12 xmlns="urn:x12kit:xml:1">\n<file>\n</x12>\n' >"$T/bad.xml"
expect_rc 1 "$X12" from-xml "$T/bad.xml"; has "$T/err" "bad.xml: line 3: XML is not well-formed"
expect_rc 2 "$X12" from-xml /nonexistent/file.xml
expect_rc 2 "$X12" from-xml "$T/bad.xml" "$T/bad.xml"; has "$T/err" "one XML file at a time"

# --date and --time that are no day or time: usage errors, no output written
rm -f "$T/bad-date.out"
expect_rc 2 "$X12" 837 --from "$SRC/fixtures/claims/y_837p.ndjson" --date 20261399 -o "$T/bad-date.out"
has "$T/err" "--date: '20261399' is not a CCYYMMDD date"
[ -e "$T/bad-date.out" ] && bad "837 with a bad --date wrote its output" || ok
expect_rc 2 "$X12" 837 --from "$SRC/fixtures/claims/y_837p.ndjson" --time 2460
has "$T/err" "--time: '2460' is not an HHMM time"
expect_rc 2 "$X12" ack "$SRC/fixtures/validate/n_837p_dates.x12" --time 2561 -o "$T/bad-date.out"
has "$T/err" "--time: '2561' is not an HHMM time"
[ -e "$T/bad-date.out" ] && bad "ack with a bad --time wrote its output" || ok
expect_rc 2 "$X12" ack "$SRC/fixtures/validate/n_837p_dates.x12" --date 20260230
has "$T/err" "--date: '20260230' is not a CCYYMMDD date"

# no FILE while standard input is a terminal (script(1) gives one): said, exit
# 2, no waiting; "-" still reads it, and a pipe is read as before
if command -v script >/dev/null 2>&1 && script -qec "test -t 0" /dev/null </dev/null >/dev/null 2>&1; then
  for c in validate info 835 ack-report from-xml; do
    out=$(timeout 10 script -qec "$X12 $c; echo rc=\$?" /dev/null </dev/null 2>&1 | tr -d '\r')
    case "$out" in
      *"x12 $c: no FILE given, and standard input is a terminal"*"rc=2"*) ok ;;
      *) bad "$c with a terminal for input: $out" ;;
    esac
  done
  out=$(timeout 10 script -qec "printf 'ISA' | $X12 validate; echo rc=\$?" /dev/null </dev/null 2>&1 | tr -d '\r')
  case "$out" in *"<stdin>"*"rc=1"*) ok ;; *) bad "validate from a pipe under a terminal: $out" ;; esac
fi

# a bad --as-of is a usage error before anything is ingested: no ledger made
rm -f "$T/asof.sqlite"
expect_rc 2 "$X12" reconcile --db "$T/asof.sqlite" --as-of 2026-13-01 --claims "$SRC/fixtures/validate/y_837p_generated.x12"
has "$T/err" "--as-of: '2026-13-01' is not a CCYY-MM-DD date"
[ -e "$T/asof.sqlite" ] && bad "reconcile with a bad --as-of made the ledger" || ok
lacks "$T/err" "claims in"

# -o OUT.gz: the same bytes, gzip-compressed, from every command with -o; a
# write that fails (a full disk, through a link to /dev/full) is exit 2 and
# said; a folder that is not there is exit 2 before anything is read
V=$SRC/fixtures/validate
C837=$SRC/fixtures/claims/y_837p.ndjson
for form in "835 $V/y_835_generated.x12" "837 --from $C837 --date 20261128 --time 1200" \
            "ack $V/n_837p_dates.x12 --date 20261128 --time 1200" \
            "reconcile --db :memory: --claims $V/y_837p_generated.x12 --remits $V/y_835_generated.x12 --format csv --as-of 20261128"; do
  set -- $form
  "$X12" "$@" -o "$T/plain" >/dev/null 2>&1
  expect_rc "$(sh -c '"$0" "$@" -o /dev/null >/dev/null 2>&1; echo $?' "$X12" "$@")" "$X12" "$@" -o "$T/out.gz"
  if gzip -t "$T/out.gz" 2>/dev/null && gzip -dc "$T/out.gz" | cmp -s - "$T/plain"; then ok
  else bad "$1 -o OUT.gz is not OUT gzip-compressed"; fi
  ln -sf /dev/full "$T/full.gz"
  expect_rc 2 "$X12" "$@" -o "$T/full.gz"
  [ -s "$T/err" ] && ok || bad "$1 -o FULL.gz: nothing said"
  expect_rc 2 "$X12" "$@" -o "$T/missing/out.gz"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
