#!/usr/bin/env bash
# Installs the third-party Kafka peers that the interop tests and golden captures use.
# Idempotent: runs `apt-get update` at most once, and only when something is missing.
# Without root or apt it only reports what is missing and exits 0; the tests decide
# whether a missing peer is a failure (it is under CI=true).
set -uo pipefail

PACKAGES=(
  librdkafka-dev kcat
  python3-kafka python3-confluent-kafka python3-avro python3-requests
  python3-lz4 python3-zstandard python3-snappy
  lz4 zstd gzip libsnappy1v5
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: all ${#PACKAGES[@]} peers present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-peers: cannot install (need root and apt-get); missing: ${missing[*]}"
  exit 0
fi

log="$(mktemp -t install-peers.XXXXXX.log)"
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq >>"$log" 2>&1 &&
   apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  echo "install-peers: installed ${missing[*]}"
  rm -f "$log"
else
  echo "install-peers: apt-get failed for: ${missing[*]} (log: $log)"
fi
exit 0
