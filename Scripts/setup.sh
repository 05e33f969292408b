#!/usr/bin/env bash
# setup.sh: the one set-up step on a fresh machine: system and Python packages, then a first build.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/ensure-tools.sh
ensure_tracekit_tools
swift build
echo "==> ready: 'swift run NestedSpans' runs the sample, 'Scripts/test.sh' runs the tests"
