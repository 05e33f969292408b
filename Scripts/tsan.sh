#!/usr/bin/env bash
# tsan.sh: runs the whole test suite under ThreadSanitizer in its own build folder (.build-tsan).
#
# Not part of CI (a sanitized build of everything takes a while on 2 cores); run it after concurrency changes.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRACEKIT_SANITIZER=thread
swift test --sanitize=thread --scratch-path .build-tsan "$@"
