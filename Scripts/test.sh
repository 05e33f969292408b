#!/usr/bin/env bash
# test.sh: the README's test command: installs missing tools, checks formatting, builds (warnings are errors), runs
# `swift test` and the interop checks.
#
# With CI=true, a test that needs a missing tool (promtool, bgzip, python packages, ...) fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/ensure-tools.sh
ensure_tracekit_tools

# Gates: the code is formatted as .swift-format says, a warning in TraceKit's own targets is an error
# (Package.swift reads TRACEKIT_WARNINGS_AS_ERRORS), and every module a target imports is declared in Package.swift.
echo "==> swift format lint --strict"
swift format lint --strict --recursive Sources Tests Samples
export TRACEKIT_WARNINGS_AS_ERRORS=1
echo "==> swift build --build-tests (warnings are errors, imports must be declared)"
swift build --build-tests --explicit-target-dependency-import-check error

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
