#!/bin/sh
# Installs the build into a scratch prefix, then builds a tiny consumer against
# it twice: with pkg-config and with find_package(x12kit).  Both must run.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -eu
BUILD=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cmake --install "$BUILD" --prefix "$T/prefix" >/dev/null
test -x "$T/prefix/bin/x12"
"$T/prefix/bin/x12" --version
cat >"$T/hello.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <x12/reader.h>
static int seg(void *ctx, const x12_segment *s) { (*(int *)ctx)++; (void)s; return 0; }
int main(int argc, char **argv)
{
    int n = 0;
    x12_reader_callbacks cb = {seg, NULL};
    x12_status st = x12_read_file(argc > 1 ? argv[1] : "-", NULL, &cb, &n);
    printf("%s %d segments\n", x12_version(), n);
    return st == X12_OK && n == 8 ? 0 : 1;
}
C
LIBDIR=$(find "$T/prefix" -name x12kit.pc -path '*pkgconfig*' -exec dirname {} \;)
PKG_CONFIG_PATH=$LIBDIR cc -std=c11 -Wall -Werror "$T/hello.c" -o "$T/hello-pc" \
  $(PKG_CONFIG_PATH=$LIBDIR pkg-config --cflags --libs x12kit) -Wl,-rpath,"$(dirname "$LIBDIR")"
"$T/hello-pc" "$SRC/fixtures/x12/y_minimal.x12"

mkdir "$T/cm"
cat >"$T/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(hello C)
find_package(x12kit REQUIRED)
add_executable(hello-cmake ../hello.c)
target_link_libraries(hello-cmake PRIVATE x12kit::x12kit)
add_executable(hello-static ../hello.c)
target_link_libraries(hello-static PRIVATE x12kit::x12kit_static)
CM
cmake -S "$T/cm" -B "$T/cm/build" -DCMAKE_PREFIX_PATH="$T/prefix" >/dev/null
cmake --build "$T/cm/build" >/dev/null
"$T/cm/build/hello-cmake" "$SRC/fixtures/x12/y_minimal.x12"
"$T/cm/build/hello-static" "$SRC/fixtures/x12/y_minimal.x12"
# the shared library exports only the public API
if command -v nm >/dev/null; then
  SO=$(find "$T/prefix" -name 'libx12kit.so.*.*' | head -1)
  if nm -D --defined-only "$SO" | awk '{print $3}' | grep -v '^x12_' | grep -v '^_' ; then
    echo "non-API symbols exported"; exit 1
  fi
fi
echo "install test passed"
