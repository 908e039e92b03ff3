#!/bin/sh
# Installs the Debian packages x12kit needs, only those that are missing.
# Used by `make demo`, `make test` and CI; safe to run again.
set -eu
PKGS="cmake make gcc clang pkg-config python3 zlib1g-dev libxml2-dev libxml2-utils libcmocka-dev
libjansson-dev libsqlite3-dev libclang-rt-14-dev parallel valgrind gzip time"
missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
