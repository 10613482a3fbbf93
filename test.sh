#!/usr/bin/env bash
# The README's test command: installs third-party peers when it can, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
if [ -x scripts/install-peers.sh ]; then
  scripts/install-peers.sh
fi
dotnet test Samsa.slnx -c Release --nologo "$@"
