#!/usr/bin/env bash
# test.sh: the README's test command: installs missing tools, builds, runs `swift test` and the interop checks.
#
# With CI=true, a test that needs a missing tool (promtool, bgzip, python packages, ...) fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/ensure-tools.sh
ensure_tracekit_tools

echo "==> swift build --build-tests"
swift build --build-tests

# Two processes: the HTTP tests serve from the Swift concurrency pool (two threads on two cores), and the other
# tests include many that wait for child processes (the CLI, crash and peer-tool tests) on pool threads; in one
# process those waits can starve the servers past their deadlines.
echo "==> swift test (HTTP servers)"
swift test --skip-build --filter TraceKitHTTPTests
echo "==> swift test (everything else)"
swift test --skip-build --skip TraceKitHTTPTests

if [[ -d Scripts/interop ]]; then
    for check in Scripts/interop/check-*.sh; do
        [[ -e $check ]] || continue
        echo "==> $check"
        bash "$check"
    done
fi
echo "==> all TraceKit tests passed"
