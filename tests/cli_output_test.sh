#!/bin/sh
# -o OUT of the single commands (835, 277, 837, ack, reconcile, from-xml): OUT appears
# whole or not at all.  A run that reads nothing, or is stopped by a signal,
# leaves an earlier OUT as it was and no temporary file beside it; a run that
# converts something replaces OUT, keeping its mode; a symbolic link stays a
# link; what is no regular file (/dev/null) is written in place.
# Usage: cli_output_test.sh PATH/TO/x12 SOURCE_DIR
set -u
X12=$1
SRC=$2
. "$SRC/tests/cli_lib.sh"
F=$SRC/fixtures/reconcile
C=$SRC/fixtures/claims
# no temporary file (".NAME.XXXXXX") is left in folder $1
no_tmp() {
  left=$(ls -A "$1" | grep '^\.' || true)
  [ -z "$left" ] && ok || bad "$2: left $left"
}
mode() { stat -c %a "$1"; }

D=$T/d
mkdir "$D"
printf 'not x12 at all\n' >"$T/junk.txt"
umask 022

# --- x12 835 ---------------------------------------------------------------
expect_rc 0 "$X12" 835 -o "$D/rows.csv" "$F/era-1.835"
"$X12" 835 "$F/era-1.835" >"$T/want.csv" 2>/dev/null
same "$D/rows.csv" "$T/want.csv" "835 -o: not what standard output gets"
[ "$(mode "$D/rows.csv")" = 644 ] && ok || bad "a new OUT has mode $(mode "$D/rows.csv"), not 644 (umask 022)"
no_tmp "$D" "835 -o"
# nothing readable: OUT as it was, and said
printf 'yesterday\n' >"$D/rows.csv"
cp "$D/rows.csv" "$T/old"
expect_rc 1 "$X12" 835 -o "$D/rows.csv" "$T/junk.txt"
same "$D/rows.csv" "$T/old" "835 -o: a run that read nothing replaced OUT"
has "$T/err" "x12 835: $D/rows.csv not written: no FILE could be read"
no_tmp "$D" "835 -o, nothing read"
expect_rc 2 "$X12" 835 -o "$D/rows.csv" "$T/missing.835"
same "$D/rows.csv" "$T/old" "835 -o: a missing FILE replaced OUT"
# a bad file among good ones: OUT replaced by what could be read, mode kept
chmod 600 "$D/rows.csv"
expect_rc 1 "$X12" 835 -o "$D/rows.csv" "$T/junk.txt" "$F/era-1.835"
sed 's/^[^,]*era-1\.835,/X,/' "$T/want.csv" >"$T/a"
sed 's/^[^,]*era-1\.835,/X,/' "$D/rows.csv" >"$T/b"
same "$T/a" "$T/b" "835 -o with a bad FILE first: the good one's rows"
[ "$(mode "$D/rows.csv")" = 600 ] && ok || bad "a replaced OUT has mode $(mode "$D/rows.csv"), not its 600"
# gzip: the same rules
printf 'old gz\n' >"$D/rows.csv.gz"
cp "$D/rows.csv.gz" "$T/oldgz"
expect_rc 1 "$X12" 835 -o "$D/rows.csv.gz" "$T/junk.txt"
same "$D/rows.csv.gz" "$T/oldgz" "835 -o OUT.gz: a run that read nothing replaced OUT"
expect_rc 0 "$X12" 835 -o "$D/rows.csv.gz" "$F/era-1.835"
gzip -dc "$D/rows.csv.gz" >"$T/gz.csv" && ok || bad "835 -o OUT.gz is not gzip"
same "$T/gz.csv" "$T/want.csv" "835 -o OUT.gz: not the rows"
no_tmp "$D" "835 -o OUT.gz"
# a symbolic link stays one; its file gets the rows
ln -s rows.csv "$D/link.csv"
expect_rc 0 "$X12" 835 -o "$D/link.csv" "$F/era-1.835"
[ -L "$D/link.csv" ] && ok || bad "835 -o LINK replaced the link with a file"
same "$D/rows.csv" "$T/want.csv" "835 -o LINK: the linked file lacks the rows"
rm "$D/link.csv"
# what is no regular file is written in place
expect_rc 0 "$X12" 835 -o /dev/null "$F/era-1.835"
[ -c /dev/null ] && ok || bad "/dev/null is no longer a device"
# an output that cannot be written (a full device, written in place): exit 2, said
if [ -w /dev/full ]; then
  expect_rc 2 "$X12" 835 --level line -o /dev/full "$F/era-1.835"
  has "$T/err" "x12 835: error writing the rows"
fi
# a relative OUT: the temporary file is made in the current folder
expect_rc 0 sh -c "cd '$D' && '$X12' 835 -o rel.csv '$F/era-1.835'"
same "$D/rel.csv" "$T/want.csv" "835 -o RELATIVE"
no_tmp "$D" "835 -o RELATIVE"
# a folder that does not exist: exit 2, nothing made
expect_rc 2 "$X12" 835 -o "$D/none/rows.csv" "$F/era-1.835"
has "$T/err" "cannot write $D/none/rows.csv"

# stopped by a signal while reading: OUT as it was, no temporary file.  The
# input is a FIFO that stays open, so the command waits in the middle of it.
if mkfifo "$T/fifo" 2>/dev/null; then
  printf 'yesterday\n' >"$D/rows.csv"
  cp "$D/rows.csv" "$T/old"
  "$X12" 835 -o "$D/rows.csv" "$T/fifo" 2>/dev/null &
  pid=$!
  exec 7>"$T/fifo"
  head -c 600 "$F/era-1.835" >&7
  i=0
  while [ -z "$(ls -A "$D" | grep '^\.')" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  [ $i -lt 100 ] && ok || bad "no temporary file while 835 -o runs"
  kill -TERM "$pid"
  { wait "$pid"; } 2>/dev/null; rc=$?
  exec 7>&-
  [ "$rc" = 143 ] && ok || bad "835 stopped by SIGTERM exited $rc, not 143"
  same "$D/rows.csv" "$T/old" "835 -o stopped by SIGTERM: OUT changed"
  no_tmp "$D" "835 -o stopped by SIGTERM"
fi

# --- x12 277 ---------------------------------------------------------------
R=$SRC/fixtures/corpus/imsweb-x12-parser__x12_277CA_rejected.txt
expect_rc 1 "$X12" 277 -o "$D/acks.csv" "$R"
[ "$(wc -l <"$D/acks.csv")" -gt 1 ] && ok || bad "277 -o wrote no rows"
cp "$D/acks.csv" "$T/old"
expect_rc 1 "$X12" 277 -o "$D/acks.csv" "$T/junk.txt"
same "$D/acks.csv" "$T/old" "277 -o: a run that read nothing replaced OUT"
has "$T/err" "x12 277: $D/acks.csv not written: no FILE could be read"
no_tmp "$D" "277 -o"

# --- x12 837 ---------------------------------------------------------------
expect_rc 0 "$X12" 837 --to-json "$F/claims-1.837" -o "$D/claims.ndjson"
[ -s "$D/claims.ndjson" ] && ok || bad "837 --to-json -o wrote nothing"
cp "$D/claims.ndjson" "$T/old"
expect_rc 1 "$X12" 837 --to-json "$T/junk.txt" -o "$D/claims.ndjson"
same "$D/claims.ndjson" "$T/old" "837 --to-json -o: a run that read nothing replaced OUT"
has "$T/err" "x12 837: $D/claims.ndjson not written: no FILE could be read"
expect_rc 0 "$X12" 837 --from "$C/y_837p.ndjson" --date 20261128 --time 1200 -o "$D/out.837"
"$X12" validate "$D/out.837" >/dev/null 2>&1 && ok || bad "837 --from -o: the 837 does not validate"
cp "$D/out.837" "$T/old"
: >"$T/empty.ndjson"
expect_rc 0 "$X12" 837 --from "$T/empty.ndjson" -o "$D/out.837"
same "$D/out.837" "$T/old" "837 --from -o: no claims replaced OUT"
has "$T/err" "x12 837: $D/out.837 not written: no claim to write"
no_tmp "$D" "837 -o"

# --- x12 ack ---------------------------------------------------------------
A=$SRC/fixtures/ack
expect_rc 0 "$X12" ack "$A/y_accepted.x12" --date 20261128 --time 1200 -o "$D/ack.999"
"$X12" validate "$D/ack.999" >/dev/null 2>&1 && ok || bad "ack -o: the 999 does not validate"
cp "$D/ack.999" "$T/old"
expect_rc 1 "$X12" ack "$T/junk.txt" -o "$D/ack.999"
same "$D/ack.999" "$T/old" "ack -o: an input without an interchange replaced OUT"
has "$T/err" "x12 ack: $D/ack.999 not written"
no_tmp "$D" "ack -o"

# --- x12 reconcile ---------------------------------------------------------
expect_rc 0 "$X12" reconcile --db :memory: --claims "$F/claims-1.837" --remits "$F/era-1.835" \
  --format csv --as-of 2026-11-30 -o "$D/recon.csv"
has "$D/recon.csv" "claim_id,status,billed,allowed,paid,patient_responsibility,age_days"
no_tmp "$D" "reconcile -o"

# --- x12 from-xml ----------------------------------------------------------
# the whole X12 or nothing: a cut XML (decoded up to its fault on standard
# output) leaves an earlier OUT as it was
"$X12" to-xml "$F/era-1.835" >"$T/era.xml" 2>/dev/null
expect_rc 0 "$X12" from-xml -o "$D/era.x12" "$T/era.xml"
same "$D/era.x12" "$F/era-1.835" "from-xml -o: not the X12 that to-xml read"
head -c 3000 "$T/era.xml" >"$T/cut.xml"
expect_rc 1 "$X12" from-xml "$T/cut.xml"
[ -s "$T/out" ] && ok || bad "from-xml to standard output: nothing before the fault"
expect_rc 1 "$X12" from-xml -o "$D/era.x12" "$T/cut.xml"
same "$D/era.x12" "$F/era-1.835" "from-xml -o: a cut XML replaced OUT"
has "$T/err" "x12 from-xml: $D/era.x12 not written: the XML could not all be decoded"
expect_rc 1 "$X12" from-xml -o "$D/new.x12" "$T/cut.xml"
[ ! -e "$D/new.x12" ] && ok || bad "from-xml -o: a cut XML made OUT"
expect_rc 0 "$X12" from-xml -o "$D/era.x12.gz" "$T/era.xml"
gzip -dc "$D/era.x12.gz" >"$T/era.x12" && same "$T/era.x12" "$F/era-1.835" "from-xml -o .gz"
expect_rc 2 "$X12" from-xml -o "$T/era.xml" "$T/era.xml"
has "$T/err" "it would be overwritten"
expect_rc 2 "$X12" from-xml "$T/era.xml" -o; has "$T/err" "-o needs a file name"
expect_rc 2 "$X12" from-xml -o "$T/no-such-folder/era.x12" "$T/era.xml"
has "$T/err" "x12 from-xml: cannot write $T/no-such-folder/era.x12: No such file or directory"
no_tmp "$D" "from-xml -o"

echo "cli_output_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
