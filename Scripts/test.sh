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

echo "==> swift test"
swift test --skip-build

if [[ -d Scripts/interop ]]; then
    for check in Scripts/interop/check-*.sh; do
        [[ -e $check ]] || continue
        echo "==> $check"
        bash "$check"
    done
fi
echo "==> all TraceKit tests passed"
