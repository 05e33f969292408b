#!/usr/bin/env python3
"""Prints what the Python OpenTelemetry SDK makes of the OTEL_* variables in its environment, as one JSON object.

Usage: env OTEL_...=... otel_env_reference.py

Uses opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http (PyPI) exactly as an application would: an
OTLPSpanExporter() built with no arguments, Resource.create(), and the sampler the SDK picks from the environment.
Output: {"endpoint", "headers" (the ones from the environment, names lowercased), "compression", "timeout"
(the number the exporter holds: this SDK reads OTEL_EXPORTER_OTLP_TIMEOUT as seconds, where the specification says
milliseconds), "resource" (attributes without telemetry.sdk.* and service.instance.id), "sampler": {"root":
"always_on" | "always_off" | "traceidratio", "ratio", "parent_based"}}.
Exit codes: 0, 3 when the SDK packages are not installed.
"""
import json
import sys

try:
    from opentelemetry.exporter.otlp.proto.http import _OTLP_HTTP_HEADERS
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import sampling
except ImportError as error:
    print(f"opentelemetry-sdk / opentelemetry-exporter-otlp-proto-http missing: {error}", file=sys.stderr)
    sys.exit(3)


def describe(sampler):
    parent_based = isinstance(sampler, sampling.ParentBased)
    root = sampler._root if parent_based else sampler  # noqa: SLF001 (no public accessor)
    if isinstance(root, sampling.TraceIdRatioBased):
        return {"root": "traceidratio", "ratio": root.rate, "parent_based": parent_based}
    if root is sampling.ALWAYS_OFF or root.get_description() == "AlwaysOffSampler":
        return {"root": "always_off", "ratio": 0.0, "parent_based": parent_based}
    return {"root": "always_on", "ratio": 1.0, "parent_based": parent_based}


def main():
    exporter = OTLPSpanExporter()
    client = exporter._client  # noqa: SLF001: the resolved settings live here
    defaults = {name.lower() for name in _OTLP_HTTP_HEADERS} | {"content-encoding"}
    headers = {name.lower(): value for name, value in client._headers.items() if name.lower() not in defaults}
    resource = {
        key: value for key, value in Resource.create().attributes.items()
        if not key.startswith("telemetry.sdk.") and key != "service.instance.id"
    }
    print(json.dumps({
        "endpoint": exporter._endpoint,
        "headers": headers,
        "compression": client._compression.value,
        "timeout": client._timeout,
        "resource": resource,
        "sampler": describe(sampling._get_from_env_or_default()),
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
