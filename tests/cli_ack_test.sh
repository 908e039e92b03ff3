#!/bin/sh
# x12 ack, x12 ack-report and x12 split as users script them: outputs equal to
# fixtures/ack, every 999 validating, exit codes, the control-number file, the
# report's text and NDJSON, split outputs clean and complete.
# Usage: cli_ack_test.sh PATH/TO/x12 SOURCE_DIR
set -u
X12=$1
SRC=$2
. "$SRC/tests/cli_lib.sh"
A=$SRC/fixtures/ack
F=$SRC/fixtures/x12

FIXED="--date 20260101 --time 1200 --newline"

# --help and usage errors
expect_rc 0 "$X12" ack --help; has "$T/out" "usage: x12 ack FILE"; has "$T/out" "--control-file"
expect_rc 0 "$X12" ack-report --help; has "$T/out" "--json"
expect_rc 0 "$X12" split --help; has "$T/out" "--by interchange|group|transaction"
expect_rc 2 "$X12" ack; has "$T/err" "FILE is required"
expect_rc 2 "$X12" ack "$A/y_accepted.x12" --bogus; has "$T/err" "unknown option '--bogus'"
expect_rc 2 "$X12" ack "$A/y_accepted.x12" --date 2026 --time 1200; has "$T/err" "CCYYMMDD"
expect_rc 2 "$X12" ack "$A/y_accepted.x12" --control-number 0
expect_rc 2 "$X12" ack "$A/no-such-file.x12"; has "$T/err" "no-such-file.x12"
# a file of 999s: nothing to acknowledge, said; --ta1 still answers its interchange
expect_rc 0 "$X12" ack "$A/y_accepted.999" -o "$T/none.999"
has "$T/err" "y_accepted.999: nothing to acknowledge: no functional group that takes a 999"
[ -s "$T/none.999" ] && bad "a 999 written for a 999" || ok
expect_rc 0 "$X12" ack --ta1 "$A/y_accepted.999"
has "$T/out" "~TA1*"
grep -q 'nothing to acknowledge' "$T/err" && bad "--ta1 answered, yet 'nothing to acknowledge'" || ok
# a group whose GS01 no 999 can echo (AK101): left out, said, exit 1; its TA1 still written
sed 's/^GS\*HC\*/GS*ZZ*/' "$A/y_accepted.x12" > "$T/gs01.x12"
expect_rc 1 "$X12" ack --999 --ta1 "$T/gs01.x12"
has "$T/err" "gs01.x12: 1 group not acknowledged: GS01 is not a functional id a 999 can answer"
has "$T/out" "~TA1*"
grep -q 'AK1\*' "$T/out" && bad "a 999 for GS01 ZZ" || ok
# a GS01 of three letters that starts with one a 999 answers is not that one
sed 's/^GS\*HC\*/GS*HCX*/' "$A/y_accepted.x12" > "$T/gs01x.x12"
expect_rc 1 "$X12" ack --999 "$T/gs01x.x12"
has "$T/err" "gs01x.x12: 1 group not acknowledged: GS01 is not a functional id a 999 can answer"
lacks "$T/out" "AK1*HC*"
# control numbers too long for their elements are echoed whole (AK102, AK202),
# not cut to 9 characters that name another group or set; the group and set
# are rejected, AK905 6 for the GS06
sed 's/\*1419\*1\*X\*005010X222A1~/*1419*1234567890*X*005010X222A1~/; s/^GE\*1\*1~/GE*1*1234567890~/' \
  "$A/y_accepted.x12" > "$T/gs06.x12"
expect_rc 1 "$X12" ack --newline "$T/gs06.x12"
has "$T/out" "AK1*HC*1234567890*005010X222A1~"; has "$T/out" "AK9*R*1*1*0*6~"
sed 's/^ST\*837\*0001\*/ST*837*12345678901*/; s/^SE\*\([0-9]*\)\*0001~/SE*\1*12345678901~/' \
  "$A/y_accepted.x12" > "$T/st02.x12"
expect_rc 1 "$X12" ack --newline "$T/st02.x12"
has "$T/out" "AK2*837*12345678901*005010X222A1~"; has "$T/out" "IK5*R*7*I5~"
# an ST02 of three characters (AN 4-9): IK502 7, invalid transaction set control number
sed 's/^ST\*837\*0001\*/ST*837*001*/; s/^SE\*\([0-9]*\)\*0001~/SE*\1*001~/' \
  "$A/y_accepted.x12" > "$T/st02short.x12"
expect_rc 1 "$X12" ack --newline "$T/st02short.x12"
has "$T/out" "IK3*ST*1**8~"; has "$T/out" "IK4*2*329*4~"; has "$T/out" "IK5*R*7*I5~"
expect_rc 2 "$X12" ack "$A/y_accepted.x12" -o "$T/no/such/dir/out.999"
expect_rc 2 "$X12" split "$A/y_accepted.x12" --by set -o "$T/s"; has "$T/err" "--by must be"
expect_rc 2 "$X12" split "$A/y_accepted.x12" -o "$T/s"; has "$T/err" "required"

# every fixture: the 999 and TA1 as in fixtures/ack, exit status by verdict
for f in "$A"/*.x12; do
  b=$(basename "$f" .x12)
  # the 999 alone says nothing of the interchange: t_ files are fine there
  case $b in y_*) rc_ta1=0 ;; *) rc_ta1=1 ;; esac
  case $b in t_*) rc_999=0 ;; *) rc_999=$rc_ta1 ;; esac
  expect_rc "$rc_999" "$X12" ack "$f" $FIXED --control-number 1001 -o "$T/$b.999"
  same "$T/$b.999" "$A/$b.999"
  has "$T/err" "1 interchange, 1 group"
  expect_rc "$rc_ta1" "$X12" ack "$f" --ta1 $FIXED --control-number 2001
  cp "$T/out" "$T/$b.ta1"
  same "$T/$b.ta1" "$A/$b.ta1"
  expect_rc 0 "$X12" validate "$T/$b.999"; has "$T/out" "0 errors"
done
# stdin in, stdout out; both acknowledgements at once
expect_rc 1 "$X12" ack - --999 --ta1 $FIXED -o - <"$A/p_partially_accepted.x12"
has "$T/out" "AK9*P*2*2*1~"; has "$T/out" "TA1*100055433*250307*1419*A*000~"
has "$T/err" "<stdin>: 1 interchange, 1 group (0 accepted, 0 with errors, 1 partially, 0 rejected)"
# --reject-snip: balancing errors reject too
expect_rc 1 "$X12" ack "$A/e_accepted_with_errors.x12" $FIXED --reject-snip 3
has "$T/out" "IK5*R*I5~"
# --copy-bad-data puts the value into IK404
expect_rc 1 "$X12" ack "$A/r_rejected.x12" $FIXED --copy-bad-data
has "$T/out" "IK4*5:2*1332*7*Q~"
cp "$T/out" "$T/bad.999"
expect_rc 0 "$X12" validate "$T/bad.999"
# no ISA to answer with a TA1
expect_rc 1 "$X12" ack "$F/n_isa_separator.x12" --ta1; has "$T/err" "no TA1 can answer it"

# the control-number file: two runs, distinct numbers; a corrupt file is an error
C=$T/counter
expect_rc 0 "$X12" ack "$A/y_accepted.x12" --control-file "$C"; has "$T/out" "IEA*1*000000001~"
expect_rc 0 "$X12" ack "$A/y_accepted.x12" --999 --ta1 --control-file "$C"
has "$T/out" "IEA*1*000000002~"; has "$T/out" "IEA*0*000000003~"
[ "$(cat "$C")" = "000000003" ] && ok || bad "counter holds $(cat "$C")"
echo "oops" >"$C"
expect_rc 2 "$X12" ack "$A/y_accepted.x12" --control-file "$C"; has "$T/err" "control-number file is corrupt"
[ "$(cat "$C")" = "oops" ] && ok || bad "corrupt counter was changed"

# ack-report: text and NDJSON
expect_rc 1 "$X12" ack-report "$A/p_partially_accepted.999"
has "$T/out" "set 837 0002: segment CLM at position 35 in loop 2300: 8"
has "$T/out" "IK304 8: segment has data element errors"
has "$T/out" "context CLM01 LKKB0000002"
has "$T/out" "element 5.2 (DE 1332): IK403 7: invalid code value"
has "$T/out" "set 837 0002: R - rejected; IK502 I5 (implementation one or more segments in error)"
has "$T/out" "set 837 0001: A - accepted"
has "$T/out" "group HC 1: P - partially accepted: at least one transaction set was rejected (2 included, 2 received, 1 accepted)"
expect_rc 0 "$X12" ack-report "$A/y_accepted.999"; has "$T/out" "group HC 1: A - accepted"
expect_rc 1 "$X12" ack-report "$A/t_ta1_bad_isa.ta1"
has "$T/out" "interchange 10005543A (250307 1419): R - rejected; TA105 018 (invalid interchange control number value)"
expect_rc 0 "$X12" ack-report "$A/y_accepted.ta1"
expect_rc 1 "$X12" ack-report --json "$A/p_partially_accepted.999" "$A/t_ta1_iea02_mismatch.ta1"
has "$T/out" '"kind":"element","segment_index":10,"element":5,"component":2,"repetition":0,"data_element":"1332","code":"7","text":"invalid code value"'
has "$T/out" '"kind":"group_end"'
has "$T/out" '"codes":[{"code":"001","text":"the interchange control number in the header and trailer do not match"}]'
[ "$(wc -l <"$T/out")" -eq 10 ] && ok || bad "ack-report --json printed $(wc -l <"$T/out") lines"
expect_rc 1 "$X12" ack-report "$A/y_accepted.x12"; has "$T/err" "holds no 999 or TA1"
expect_rc 2 "$X12" ack-report "$A/no-such.999"
# a 997 (005010X230) answers as a 999 does: its AK3, AK4 and AK5 are read
printf '%s' 'ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*00501*000000001*0*P*:~GS*FA*B*A*20260101*1200*1*X*005010X230~ST*997*0001~AK1*HC*17456*005010~AK2*837*0002~AK3*CLM*22**8~AK4*1*1028*1~AK5*R*5~AK9*P*2*2*1~SE*8*0001~GE*1*1~IEA*1*000000001~' > "$T/r.997"
expect_rc 1 "$X12" ack-report "$T/r.997"
has "$T/out" "set 837 0002: segment CLM at position 22: 8"
has "$T/out" "AK304 8: segment has data element errors"
has "$T/out" "element 1 (DE 1028): AK403 1: required data element missing"
has "$T/out" "set 837 0002: R - rejected; AK502 5 (one or more segments in error)"
[ -s "$T/err" ] && bad "a clean 997 said something: $(cat "$T/err")" || ok
expect_rc 1 "$X12" ack-report --json "$T/r.997"
has "$T/out" '"kind":"set_end","segment_index":8,"code":"R","text":"rejected","codes":[{"code":"5","text":"one or more segments in error"}],"ack_segment":"AK5"}'
# what no record holds is said (a note: the exit status stays 0 for an
# accepted 999); a position that is no number is an error (exit 1)
sed 's/^IK5\*A~/IK5*A******Z~/' "$A/y_accepted.999" > "$T/extra.999"
expect_rc 0 "$X12" ack-report "$T/extra.999"
has "$T/err" "extra.999: segment 6 (IK5) element 7.0, byte"
has "$T/err" "not carried"
sed 's/^AK2\*837\*0002\*005010X222A1~/&IK3*CLM*3X*2300*8~/' "$A/p_partially_accepted.999" > "$T/nan.999"
expect_rc 1 "$X12" ack-report --json "$T/nan.999"
has "$T/err" "nan.999: segment 8 (IK3) element 2.0, byte 277: value does not fit the reader's model (not a number)"

# a value the 999 repeats (ST02) holding a byte it cannot carry (its own
# repetition separator): '?' in its place, and the 999 is written and validates
# (before, X12_ERR_DELIMITER_IN_DATA stopped it: no acknowledgement at all)
sed 's/ST\*837\*0001\*/ST*837*00^1*/; s/SE\*\([0-9]*\)\*0001/SE*\1*00^1/' "$A/y_accepted.x12" >"$T/caret.x12"
expect_rc 1 "$X12" ack "$T/caret.x12" $FIXED -o "$T/caret.999"
has "$T/caret.999" "AK2*837*00?1*005010X222A1~"
expect_rc 0 "$X12" validate "$T/caret.999"

# split: names, counts, clean outputs, the sets of the input
S=$T/split
expect_rc 0 "$X12" split "$A/p_partially_accepted.x12" --by transaction -o "$S"
has "$T/err" "2 files written (1 interchange, 1 group, 2 sets)"
[ -f "$S/p_partially_accepted.i0001.g0001.t0001.x12" ] && ok || bad "no t0001 file"
[ -f "$S/p_partially_accepted.i0001.g0001.t0002.x12" ] && ok || bad "no t0002 file"
for f in "$S"/*.x12; do
  expect_rc 0 "$X12" cat --strict "$f"
  has "$f" "GE*1*1~"
  has "$f" "IEA*1*100055433~"
done
# concatenated sets equal the original sets
"$X12" cat "$A/p_partially_accepted.x12" | sed -n '/^ST\*/,/^SE\*/p' >"$T/orig.sets"
cat "$S"/*.x12 | "$X12" cat --strict 2>/dev/null | sed -n '/^ST\*/,/^SE\*/p' >"$T/split.sets"
same "$T/split.sets" "$T/orig.sets"
expect_rc 0 "$X12" split "$SRC/fixtures/corpus/vgi-x12__multi_group.edi" --by group -o "$T/g"
[ "$(ls "$T/g" | wc -l)" -eq 2 ] && ok || bad "split --by group wrote $(ls "$T/g" | wc -l) files"
has "$T/g/vgi-x12__multi_group.i0001.g0002.x12" "GE*1*11~"
expect_rc 0 "$X12" split "$F/y_two_interchanges_own_delimiters.x12" --by interchange -o "$T/i"
[ "$(ls "$T/i" | wc -l)" -eq 2 ] && ok || bad "split --by interchange wrote $(ls "$T/i" | wc -l) files"
# bad input: reported with positions, the rest still split, trailers rebuilt
expect_rc 1 "$X12" split "$F/n_se01_count.x12" --by transaction -o "$T/b"
has "$T/err" "SE01 does not match the number of segments"; has "$T/err" "1 trailer rebuilt"
expect_rc 0 "$X12" cat --strict "$T/b/n_se01_count.i0001.g0001.t0001.x12"
has "$T/out" "SE*4*0001~"
# a set whose GE comes before its SE is not written (it may be cut short)
expect_rc 1 "$X12" split "$F/n_missing_se.x12" --by transaction -o "$T/nose"
has "$T/err" "segment 6 (GE), byte 230: transaction set is not closed by SE"
has "$T/err" "segment 3 (ST), byte 159: transaction set cut short (no SE closes it): it is not written (ST02 0001, set 1 of group 1 of interchange 1: no SE before the next envelope)"
has "$T/err" "0 files written (1 interchange, 1 group, 1 set), 0 trailers rebuilt, 0 segments skipped, 1 set not written (cut short)"
[ -z "$(ls "$T/nose")" ] && ok || bad "a set without SE was written: $(ls "$T/nose")"
expect_rc 2 "$X12" split "$A/y_accepted.x12" --by group -o /proc/x12-no-such-dir
# x12 ack -o naming its input: refused before the input is truncated
cp "$A/y_accepted.x12" "$T/self.x12"
expect_rc 2 "$X12" ack "$T/self.x12" -o "$T/self.x12"; has "$T/err" "is the input"
cmp -s "$T/self.x12" "$A/y_accepted.x12" && ok || bad "x12 ack -o INPUT changed the input"
# an output that exists is not replaced (another input of the same stem), unless --force
mkdir -p "$T/same/a" "$T/same/b"
cp "$A/y_accepted.x12" "$T/same/a/claims.x12"; cp "$A/p_partially_accepted.x12" "$T/same/b/claims.x12"
"$X12" split "$T/same/a/claims.x12" --by interchange -o "$T/same/ra" 2>/dev/null
"$X12" split "$T/same/b/claims.x12" --by interchange -o "$T/same/rb" 2>/dev/null
expect_rc 0 "$X12" split "$T/same/a/claims.x12" --by interchange -o "$T/same/out"
expect_rc 2 "$X12" split "$T/same/b/claims.x12" --by interchange -o "$T/same/out"
has "$T/err" "will not replace"; has "$T/err" "claims.i0001.x12: File exists"
cmp -s "$T/same/out/claims.i0001.x12" "$T/same/ra/claims.i0001.x12" && ok || bad "an existing split output was replaced"
[ "$(ls "$T/same/out" | wc -l)" = 1 ] && ok || bad "split left: $(ls "$T/same/out")"
expect_rc 0 "$X12" split "$T/same/b/claims.x12" --by interchange -o "$T/same/out" --force
cmp -s "$T/same/out/claims.i0001.x12" "$T/same/rb/claims.i0001.x12" && ok || bad "--force did not replace"
# standard input is named stdin; gzip is read transparently and its name loses .gz
expect_rc 0 "$X12" split - --by group -o "$T/in" <"$A/y_accepted.x12"
[ -f "$T/in/stdin.i0001.g0001.x12" ] && ok || bad "no stdin.i0001.g0001.x12"
expect_rc 0 "$X12" split "$F/y_gzip.x12.gz" --by interchange -o "$T/gz"
[ -f "$T/gz/y_gzip.i0001.x12" ] && ok || bad "no y_gzip.i0001.x12"
# acknowledging gzip (the minimal 835 breaks the guide: its set is rejected, the interchange is fine)
expect_rc 1 "$X12" ack "$F/y_gzip.x12.gz" --ta1; has "$T/out" "*A*000~"

# a situational rule's trigger: written as a CTX, read back by ack-report; the
# SBR's position from ST is counted here with awk
V=$SRC/fixtures/validate/n_837p_self_with_patient.x12
pos=$(tr -d '\r\n' <"$V" | tr '~' '\n' | awk '/^ST\*/ {n = 0; s = 1} s {n++} /^SBR\*P\*18\*GRP783197/ {print n; exit}')
expect_rc 1 "$X12" ack "$V" -o "$T/trig.999"
has "$T/trig.999" "CTX*SITUATIONAL TRIGGER*SBR*$pos*2000*2~"
expect_rc 1 "$X12" ack-report "$T/trig.999"
has "$T/out" "because of segment SBR at position $pos in loop 2000, element 2 (situational trigger)"
expect_rc 1 "$X12" ack-report --json "$T/trig.999"
has "$T/out" '"context":"SITUATIONAL TRIGGER"'

# two --spec overlays for the same guide stack (the second used to replace the
# first): the 999 answers both the first's SBR09 codes and the second's CLM01 length
OV=$SRC/fixtures/overlays/example-companion.xml
printf '<overlay guide="005010X222A1">\n<elmod loop="2300" seg="CLM" el="CLM01" maxlen="10"/>\n</overlay>\n' >"$T/clm01.xml"
expect_rc 1 "$X12" ack $FIXED --spec "$OV" --spec "$T/clm01.xml" "$SRC/fixtures/validate/y_837p_generated.x12"
tr '~' '\n' <"$T/out" >"$T/stacked.999"
has "$T/stacked.999" "IK3*SBR*13*2000*8"
has "$T/stacked.999" "IK3*CLM*19*2300*8"
[ "$(grep -c '^IK3' "$T/stacked.999")" = 6 ] && ok || bad "stacked overlays: $(grep -c '^IK3' "$T/stacked.999") IK3, wanted 6"
expect_rc 2 "$X12" ack --spec "$T/no-such.xml" "$A/y_accepted.x12"; has "$T/err" "x12 ack: $T/no-such.xml"

# --nearest-guide: an 837 of 005010X222A2 (the errata of X222A1) is rejected
# as a guide x12kit does not have (I6) by default; with the option it is
# checked as X222A1 and answered as the A1 file is (AK1/AK2 echo its own id)
N=$SRC/fixtures/validate/n_837p_icd10_shape.x12
sed 's/005010X222A1/005010X222A2/g' "$N" >"$T/a2.837"
expect_rc 1 "$X12" ack "$T/a2.837" --date 20261127 --time 1200 --newline
has "$T/out" "IK5*R*I6~"
expect_rc 1 "$X12" ack "$T/a2.837" --nearest-guide --date 20261127 --time 1200 --newline
cp "$T/out" "$T/a2.999"
expect_rc 1 "$X12" ack "$N" --date 20261127 --time 1200 --newline
sed 's/005010X222A1~/005010X222A2~/' "$T/out" >"$T/a1.999"
# (an error inside a claim: its CTX names the claim, as for the A1 file)
if cmp -s "$T/a1.999" "$T/a2.999" && grep -q "^CTX\*CLM01:" "$T/a2.999"; then ok; else bad "ack --nearest-guide"; diff "$T/a1.999" "$T/a2.999"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
