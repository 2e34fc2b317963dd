#!/usr/bin/env bash
# Installs the Debian packages entente needs to build and test, only those missing.
# Uses sudo when not root. Safe to run repeatedly: a no-op once everything is there.
set -euo pipefail

packages=(build-essential cmake pkg-config libfyaml-dev libgsl-dev libcmocka-dev libsqlite3-dev nettle-dev xxd libicu-dev libpcre2-dev libxml2-dev libmicrohttpd-dev)
# The HTML report's chart libraries come from the npm registry at build time (web/); Debian's
# npm does. A machine with Node from elsewhere (its package ships npm) is left alone.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
# The Python package's tests (python/, tests/python/test_python.sh): pytest, numpy, pandas.
packages+=(python3 python3-pytest python3-numpy python3-pandas)
# Open MPI: `mpirun -n K entente mc ...` splits the runs across processes (docs/scale.md).
packages+=(libopenmpi-dev openmpi-bin)
if [ "${ENTENTE_WITH_FUZZ:-0}" = 1 ]; then packages+=(clang libclang-rt-14-dev); fi
if [ -n "${ENTENTE_EXTRA_PACKAGES:-}" ]; then read -r -a extra <<<"$ENTENTE_EXTRA_PACKAGES"; packages+=("${extra[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "entente: installing missing Debian packages: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
