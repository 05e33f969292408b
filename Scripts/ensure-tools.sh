#!/usr/bin/env bash
# ensure-tools.sh: installs the Debian and PyPI packages TraceKit builds and tests with, only those missing.
#
# Sourced by test.sh (everything) and demo.sh (what building needs). Needs root (or sudo) for apt-get when something is missing.
set -euo pipefail

# Debian package -> a file or command that shows it is installed.
declare -A TRACEKIT_APT_PACKAGES=(
    [zlib1g-dev]=/usr/include/zlib.h
    [pkg-config]=pkg-config
    [gzip]=gzip
    [tabix]=bgzip
    [prometheus]=promtool
    [python3]=python3
    [python3-pip]=pip3
    [chromium]=chromium
)
# PyPI distribution -> module to import.
declare -A TRACEKIT_PIP_PACKAGES=(
    [prometheus-client]=prometheus_client
    [scipy]=scipy
    [statsmodels]=statsmodels
    [numpy]=numpy
    [opentelemetry-proto]=opentelemetry.proto
    # The Python OpenTelemetry SDK: what it makes of the OTEL_* variables is the reference for TraceKit's reading.
    [opentelemetry-sdk]=opentelemetry.sdk.trace
    [opentelemetry-exporter-otlp-proto-http]=opentelemetry.exporter.otlp.proto.http.trace_exporter
    # Reads the sample OpenTelemetry Collector configuration (Samples/OpenTelemetryCollector).
    [pyyaml]=yaml
)

# What building alone needs (the demo): a subset of the above.
TRACEKIT_BUILD_PACKAGES=(zlib1g-dev pkg-config)

# Installs only what building TraceKit needs (for `Scripts/demo.sh`).
ensure_tracekit_build_tools() {
    local missing=()
    for package in "${TRACEKIT_BUILD_PACKAGES[@]}"; do
        tracekit_has "${TRACEKIT_APT_PACKAGES[$package]}" || missing+=("$package")
    done
    tracekit_apt_install "${missing[@]}"
}

# Installs the given Debian packages (none: nothing to do).
tracekit_apt_install() {
    (($#)) || return 0
    echo "==> installing Debian packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    tracekit_as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
    tracekit_as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@"
}

tracekit_has() {
    local probe=$1
    if [[ $probe == /* ]]; then [[ -e $probe ]]; else command -v "$probe" >/dev/null 2>&1; fi
}

tracekit_as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        echo "error: need root to run: $*" >&2
        return 1
    fi
}

ensure_tracekit_tools() {
    local missing=()
    for package in "${!TRACEKIT_APT_PACKAGES[@]}"; do
        tracekit_has "${TRACEKIT_APT_PACKAGES[$package]}" || missing+=("$package")
    done
    tracekit_apt_install "${missing[@]}"
    local python=python3
    local pip_missing=()
    for distribution in "${!TRACEKIT_PIP_PACKAGES[@]}"; do
        "$python" -c "import ${TRACEKIT_PIP_PACKAGES[$distribution]}" >/dev/null 2>&1 || pip_missing+=("$distribution")
    done
    if ((${#pip_missing[@]})); then
        echo "==> installing PyPI packages: ${pip_missing[*]}"
        "$python" -m pip install --quiet --disable-pip-version-check "${pip_missing[@]}" \
            || "$python" -m pip install --quiet --disable-pip-version-check --break-system-packages "${pip_missing[@]}"
    fi
    for package in "${!TRACEKIT_APT_PACKAGES[@]}"; do
        tracekit_has "${TRACEKIT_APT_PACKAGES[$package]}" || {
            echo "error: $package is still missing after installation" >&2
            return 1
        }
    done
}
