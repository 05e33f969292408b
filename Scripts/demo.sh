#!/usr/bin/env bash
# demo.sh: the README's main job on any machine with Swift: installs the build's system packages if missing
# (zlib1g-dev, pkg-config), then traces the demo workload to a log, replays it and prints the derived metrics.
# Arguments go to `tracekit demo` (e.g. Scripts/demo.sh --spans 20000 --output /tmp/demo.tklog).
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/ensure-tools.sh
ensure_tracekit_build_tools
exec swift run tracekit demo "$@"
