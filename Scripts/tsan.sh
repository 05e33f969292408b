#!/usr/bin/env bash
# tsan.sh: runs the whole test suite under ThreadSanitizer in its own build folder (.build-tsan).
#
# Not part of CI (a sanitized build of everything takes a while on 2 cores); run it after concurrency changes.
# With arguments, they go to `swift test` as they are (`Scripts/tsan.sh --filter LogReaderTests`). Without, the
# suite runs in two parts, the HTTP tests and then the rest: under ThreadSanitizer the synchronous tests that wait
# for child processes (the CLI and crash tests) hold the cooperative pool's threads (two on two cores) for minutes,
# and the HTTP tests waiting on that pool then miss their 60-second deadlines. Apart, both parts pass.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRACEKIT_SANITIZER=thread
if [ "$#" -gt 0 ]; then
    exec swift test --sanitize=thread --scratch-path .build-tsan "$@"
fi
swift test --sanitize=thread --scratch-path .build-tsan --filter TraceKitHTTPTests
swift test --sanitize=thread --scratch-path .build-tsan --skip TraceKitHTTPTests
