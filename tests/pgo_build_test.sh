#!/bin/sh
# scripts/pgo-build.sh: a profile-guided build trained on the fixtures alone
# builds, was built with its profiles, and its x12 says exactly what this
# build's says (findings, 835 rows, claims JSON) on every fixture.  Also the
# configurations CMake refuses.
# usage: pgo_build_test.sh X12 SRC
set -u
X12=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() {
    echo "FAIL: $*"
    fail=1
}

# refused configurations, each with its reason
if cmake -S "$SRC" -B "$T/bogus" -DX12KIT_PGO=maybe -DX12KIT_BUILD_TESTS=OFF >"$T/bogus.log" 2>&1; then
    bad "X12KIT_PGO=maybe was accepted"
elif ! grep -q "X12KIT_PGO is 'maybe': empty, generate or use" "$T/bogus.log"; then
    bad "X12KIT_PGO=maybe: no reason given"; cat "$T/bogus.log"
fi
if cmake -S "$SRC" -B "$T/san" -DX12KIT_PGO=use -DX12KIT_SANITIZE=ON -DX12KIT_BUILD_TESTS=OFF \
    >"$T/san.log" 2>&1; then
    bad "X12KIT_PGO with X12KIT_SANITIZE was accepted"
elif ! grep -q "X12KIT_PGO is for release builds" "$T/san.log"; then
    bad "X12KIT_PGO with X12KIT_SANITIZE: no reason given"; cat "$T/san.log"
fi

if ! sh "$SRC/scripts/pgo-build.sh" "$T/pgo" --fixtures-only -DX12KIT_BUILD_TESTS=OFF \
    -DX12KIT_WERROR=ON >"$T/build.log" 2>&1; then
    tail -30 "$T/build.log"
    echo "FAIL: scripts/pgo-build.sh failed"
    exit 1
fi
grep -q "^pgo-build: training on the fixtures$" "$T/build.log" ||
    bad "the build did not say it trained on the fixtures alone"
# the profiles the training wrote: the reader's and the walker's among them
for f in edi#reader.c parsers#walk.c parsers#remit835.c; do
    ls "$T/pgo/pgo-data/"*"$f.gcda" >/dev/null 2>&1 || bad "no profile of $f"
done
grep -q "^X12KIT_PGO:STRING=use$" "$T/pgo/CMakeCache.txt" || bad "the final build is not X12KIT_PGO=use"
grep -q -- "-fprofile-use" "$T/pgo/CMakeFiles/x12kit_obj.dir/flags.make" ||
    bad "the library was not compiled with -fprofile-use"
PGO=$T/pgo/x12
[ -x "$PGO" ] || { echo "FAIL: no x12 in the PGO build"; exit 1; }

# the same answers as this build's, on every fixture
n=0
for f in $(find "$SRC/fixtures" -type f \( -name '*.x12' -o -name '*.837' -o -name '*.835' \
    -o -name '*.edi' -o -name '*.txt' -o -name '*.gz' -o -name '*.999' -o -name '*.ta1' \) | sort); do
    "$X12" validate --json "$f" >"$T/a" 2>&1
    ra=$?
    "$PGO" validate --json "$f" >"$T/b" 2>&1
    rb=$?
    if [ $ra != $rb ] || ! cmp -s "$T/a" "$T/b"; then
        bad "validate $f differs (exit $ra against $rb)"
        diff "$T/a" "$T/b" | head -5
    fi
    n=$((n + 1))
done
[ $n -gt 100 ] || bad "only $n fixtures compared"
for f in $(find "$SRC/fixtures" -type f -name '*.835' | sort); do
    for level in claim line adjustment plb; do
        "$X12" 835 --level $level "$f" >"$T/a" 2>&1
        "$PGO" 835 --level $level "$f" >"$T/b" 2>&1
        cmp -s "$T/a" "$T/b" || bad "835 --level $level $f differs"
    done
done
for f in $(find "$SRC/fixtures/reconcile" "$SRC/fixtures/demo-inbox" -type f -name '*.837' | sort); do
    "$X12" 837 --to-json "$f" >"$T/a" 2>&1
    "$PGO" 837 --to-json "$f" >"$T/b" 2>&1
    cmp -s "$T/a" "$T/b" || bad "837 --to-json $f differs"
done

[ $fail = 0 ] && echo "pgo build: $n fixtures validated the same, 835 rows and claims JSON the same"
exit $fail
