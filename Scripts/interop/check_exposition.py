#!/usr/bin/env python3
"""Parse Prometheus text 0.0.4 or OpenMetrics 1.0 from stdin with prometheus-client and print every sample as JSON.

Usage: check_exposition.py prometheus|openmetrics < exposition.txt

Prints one JSON document: {"families": [{"name", "type", "unit", "documentation",
"samples": [{"name", "labels", "value", "timestamp", "exemplar"}]}]}. Numbers are written with repr()
so that +Inf, -Inf and NaN survive JSON. Exit codes: 0 parsed, 1 the parser rejected the text,
3 prometheus-client is not installed (the TraceMetrics tests report that by name).
"""
import json
import sys


def number(value):
    return None if value is None else repr(float(value))


def timestamp(value):
    if value is None:
        return None
    # OpenMetrics parser gives a Timestamp object (sec, nsec); the text parser a float.
    if hasattr(value, "sec"):
        return repr(value.sec + value.nsec / 1e9)
    return repr(float(value))


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("prometheus", "openmetrics"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if sys.argv[1] == "openmetrics":
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
        else:
            from prometheus_client.parser import text_string_to_metric_families
    except ImportError as error:
        print(f"missing Python package prometheus-client (pip install prometheus-client): {error}", file=sys.stderr)
        return 3
    text = sys.stdin.buffer.read().decode("utf-8")
    families = []
    try:
        for family in text_string_to_metric_families(text):
            samples = []
            for sample in family.samples:
                exemplar = None
                if sample.exemplar is not None:
                    exemplar = {
                        "labels": sample.exemplar.labels,
                        "value": number(sample.exemplar.value),
                        "timestamp": timestamp(sample.exemplar.timestamp),
                    }
                samples.append({
                    "name": sample.name,
                    "labels": sample.labels,
                    "value": number(sample.value),
                    "timestamp": timestamp(sample.timestamp),
                    "exemplar": exemplar,
                })
            families.append({
                "name": family.name,
                "type": family.type,
                "unit": family.unit,
                "documentation": family.documentation,
                "samples": samples,
            })
    except Exception as error:  # the parsers raise ValueError and others; report any as a rejection
        print(f"prometheus-client rejected the exposition: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    json.dump({"families": families}, sys.stdout, ensure_ascii=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
