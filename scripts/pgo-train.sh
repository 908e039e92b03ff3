#!/bin/sh
# The training run of a profile-guided build (scripts/pgo-build.sh): runs an
# instrumented `x12` over the work it is built for, so that the compiler
# learns which branches are taken and which functions are hot.
#
# usage: scripts/pgo-train.sh X12 WORKDIR [FILE...]
#
# Always: every command over the shipped fixtures (validate, to-json, 835
# rows at each level, claims to and from 837, reconcile, ack, batch).  The
# FILEs, when given (large generated 837s and 835s: scripts/pgo-build.sh makes
# them with ../shared/tools/gen_x12.py when it is there), are validated and
# converted too; their counts outweigh the fixtures', as a real night's files
# outweigh its broken ones.  Findings and exit status 1 are what some
# fixtures are for, so no command's status is checked here: the build that
# follows is tested like any other.
set -u
X12=$1
WORK=$2
shift 2
cd "$(dirname "$0")/.."
rm -rf "$WORK"
mkdir -p "$WORK"

fixtures=$(find fixtures -type f \( -name '*.x12' -o -name '*.837' -o -name '*.835' \
    -o -name '*.edi' -o -name '*.txt' -o -name '*.gz' -o -name '*.999' -o -name '*.ta1' \
    -o -name '*.277' \) | sort)
remits=$(find fixtures -type f -name '*.835' | sort)
claims=$(find fixtures/reconcile fixtures/demo-inbox -type f -name '*.837' | sort)

# shellcheck disable=SC2086 # word splitting of the file lists is wanted
{
    "$X12" validate $fixtures
    "$X12" validate --json $fixtures
    "$X12" to-json $fixtures
    "$X12" info --json $fixtures
    for level in claim line adjustment plb; do
        "$X12" 835 --level $level $remits
        "$X12" 835 --format json --level $level $remits
    done
    "$X12" 837 --to-json $claims
    for f in fixtures/reconcile/*.ndjson; do
        "$X12" 837 --from "$f"
    done
    "$X12" reconcile --db :memory: --claims $claims --remits $remits --format csv
    for f in fixtures/ack/*.x12; do
        "$X12" ack --999 --ta1 "$f"
    done
    "$X12" batch --in fixtures/demo-inbox --out "$WORK/out" --db "$WORK/ledger.sqlite" \
        --ack --quiet
    for f in "$@"; do
        "$X12" validate "$f"
        case $(head -c 300 "$f" | tr '~' '\n' | grep '^ST' | head -1) in
        ST\*835*)
            "$X12" 835 --level claim "$f"
            "$X12" 835 --level line "$f"
            "$X12" 835 --format json --level adjustment "$f"
            ;;
        ST\*837*)
            "$X12" 837 --to-json "$f" >"$WORK/claims.ndjson"
            "$X12" 837 --from "$WORK/claims.ndjson"
            ;;
        esac
    done
    if [ $# -gt 0 ]; then
        mkdir -p "$WORK/inbox"
        cp "$@" "$WORK/inbox/"
        "$X12" batch --in "$WORK/inbox" --out "$WORK/out2" --db "$WORK/ledger2.sqlite" --quiet
    fi
} >/dev/null 2>&1
exit 0
