#!/bin/sh
# The man page: every command `x12 --help` lists has its entry in docs/x12.1,
# every command documented there exists, every exit status is described, and
# `make install` puts the page in share/man/man1.
# Usage: man_test.sh PATH/TO/x12 SOURCE_DIR BUILD_DIR
set -u
X12=$1
SRC=$2
BUILD=$3
MAN=$SRC/docs/x12.1
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
"$X12" --help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z0-9]/ {print $1} on && /^$/ {on = 0}' >/tmp/x12-man-cmds.$$
n=$(wc -l </tmp/x12-man-cmds.$$)
[ "$n" -ge 10 ] || bad "only $n commands listed by x12 --help"
while read -r c; do
  # an entry: .BR cmd (the man page escapes '-' as '\-')
  esc=$(echo "$c" | sed 's/-/\\\\-/g')
  grep -q "^\.BR $esc " "$MAN" || bad "command '$c' is not in docs/x12.1"
done </tmp/x12-man-cmds.$$
grep '^\.BR [a-z0-9\\-]* ' "$MAN" | awk '{print $2}' | sed 's/\\-/-/g' | sort -u | while read -r c; do
  grep -qx "$c" /tmp/x12-man-cmds.$$ || { echo "FAIL: docs/x12.1 documents '$c', which x12 does not have"; exit 1; }
done || fail=$((fail + 1))
rm -f /tmp/x12-man-cmds.$$
for s in 0 1 2; do grep -q "^\.B $s\$" "$MAN" || bad "exit status $s not described"; done
for o in --strict --show-values --max-segment; do grep -q "$(echo "$o" | sed 's/-/\\\\-/g')" "$MAN" || bad "option $o missing"; done
if command -v man >/dev/null 2>&1; then
  man -l "$MAN" >/dev/null 2>&1 || bad "man cannot render docs/x12.1"
fi
T=$(mktemp -d)
cmake --install "$BUILD" --prefix "$T" >/dev/null && [ -f "$T/share/man/man1/x12.1" ] || bad "make install does not install share/man/man1/x12.1"
rm -rf "$T"
echo "man_test: $fail failures ($n commands)"
[ "$fail" -eq 0 ]
