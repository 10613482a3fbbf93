#!/usr/bin/env bash
# The README's test command: installs the third-party peers when it can, then runs the whole test suite
# and prints one closing summary line ("Tests: N passed, N failed, N skipped").
set -uo pipefail
cd "$(dirname "$0")"
if [ -x scripts/install-peers.sh ]; then
  scripts/install-peers.sh
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test Samsa.slnx -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# vstest prints one line per test assembly: "Passed!  - Failed: 0, Passed: 882, Skipped: 0, Total: 882, ..."
summary=$(grep -E '^(Passed|Failed)! +- Failed: ' "$log" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
aborted=$(grep -c 'Test Run Aborted' "$log" || true)
echo "Tests: ${summary:-0 passed, 0 failed, 0 skipped}${aborted:+$([ "$aborted" -gt 0 ] && echo ", $aborted test run(s) aborted")}"
exit "$status"
