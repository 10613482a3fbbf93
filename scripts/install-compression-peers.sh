#!/usr/bin/env bash
# Installs the third-party compression peers used by the interop tests and benchmarks:
# lz4 CLI, gzip, python3-snappy (for /usr/bin/python3), liblz4 and libsnappy. Idempotent: skips what is present.
set -euo pipefail

missing=()
command -v lz4 >/dev/null 2>&1 || missing+=(lz4)
command -v gzip >/dev/null 2>&1 || missing+=(gzip)
/usr/bin/python3 -c 'import snappy' >/dev/null 2>&1 || missing+=(python3-snappy)
ldconfig -p 2>/dev/null | grep -q 'liblz4\.so\.1 ' || missing+=(liblz4-1)
ldconfig -p 2>/dev/null | grep -q 'libsnappy\.so\.1 ' || missing+=(libsnappy1v5)

if [ ${#missing[@]} -eq 0 ]; then
  echo "compression peers: all present"
  exit 0
fi

echo "compression peers: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
