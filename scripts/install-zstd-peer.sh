#!/usr/bin/env bash
# Installs the Debian zstd CLI used by the zstd interop tests. Idempotent.
set -euo pipefail
if command -v zstd >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y zstd
