#!/bin/sh
# A profile-guided release build: build x12 instrumented, run it over the
# training inputs (scripts/pgo-train.sh), build everything again with the
# profiles.  The result is an ordinary build directory (install it with
# cmake --install).  Measured gains are in bench/README.md.
#
# usage: scripts/pgo-build.sh BUILD_DIR [--fixtures-only] [CMAKE_ARG...]
#
# The training inputs are the shipped fixtures and, when ../shared/tools/gen_x12.py
# and python3 are there and --fixtures-only is not given, a generated 837P and
# 835 of 20 000 claims each (seed 7: not the benchmarks' files).
set -eu
cd "$(dirname "$0")/.."
BUILD=$1
shift
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
GENERATED=1
if [ "${1:-}" = "--fixtures-only" ]; then
    GENERATED=0
    shift
fi
JOBS=$(nproc 2>/dev/null || echo 2)
PGO_DIR=$BUILD/pgo-data
TRAIN=$BUILD/pgo-train

rm -rf "$PGO_DIR"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DX12KIT_PGO=generate \
    -DX12KIT_PGO_DIR="$PGO_DIR" "$@"
cmake --build "$BUILD" -j"$JOBS" --target x12

GEN=../shared/tools/gen_x12.py
set --
if [ $GENERATED = 1 ] && [ -f "$GEN" ] && command -v python3 >/dev/null; then
    mkdir -p "$TRAIN"
    [ -s "$TRAIN/train.837p" ] || python3 "$GEN" 837p --claims 20000 --seed 7 >"$TRAIN/train.837p"
    [ -s "$TRAIN/train.835" ] || python3 "$GEN" 835 --claims 20000 --seed 7 >"$TRAIN/train.835"
    set -- "$TRAIN/train.837p" "$TRAIN/train.835"
fi
echo "pgo-build: training on the fixtures${1:+ and $*}"
sh scripts/pgo-train.sh "$BUILD/x12" "$TRAIN/work" "$@"
if ! ls "$PGO_DIR"/*.gcda >/dev/null 2>&1; then
    echo "pgo-build: the training wrote no profiles into $PGO_DIR" >&2
    exit 1
fi
rm -rf "$TRAIN/work"

cmake -S . -B "$BUILD" -DX12KIT_PGO=use
cmake --build "$BUILD" -j"$JOBS"
