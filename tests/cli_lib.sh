# Shared by the tests/cli_*_test.sh scripts: sourced after X12 and SRC are set
# (". "$SRC/tests/cli_lib.sh"").  Gives a scratch folder $T (removed on exit),
# the pass/fail counts and the checks below; each check counts one pass or
# one failure, and a failure says what was wrong.

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_rc STATUS COMMAND...: runs COMMAND with its output in $T/out and
# $T/err, and checks its exit status
expect_rc() {
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; rc=$?
  if [ "$rc" = "$want" ]; then ok; else bad "exit $rc, wanted $want: $*"; sed 's/^/  | /' "$T/err" | head -20; fi
}

# has FILE TEXT / lacks FILE TEXT: TEXT (not a pattern) is / is not in FILE
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks: $2"; sed 's/^/  | /' "$1" | head -20; fi; }
lacks() { if grep -qF -- "$2" "$1"; then bad "$1 has: $2"; else ok; fi; }

# eq GOT WANTED WHAT
eq() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', wanted '$2'"; fi; }

# same FILE1 FILE2 [WHAT]: the same bytes
same() { if cmp -s "$1" "$2"; then ok; else bad "${3:-$1 differs from $2}"; diff "$1" "$2" | head -20; fi; }

# lines FILE N: FILE has N lines
lines() { [ "$(wc -l <"$1")" -eq "$2" ] && ok || bad "$1 has $(wc -l <"$1") lines, wanted $2"; }
