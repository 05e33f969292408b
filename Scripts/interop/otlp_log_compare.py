#!/usr/bin/env python3
"""Checks that the spans an OTLP receiver decoded are exactly the spans of a TraceKit log, field by field.

Usage: otlp_log_compare.py LOG RECEIVED.jsonl [--service NAME]

LOG is read with tklog_check.py (an independent reader written from Docs/LogFormat.md); RECEIVED.jsonl is what
otlp_receiver.py wrote (only requests answered 200 count). For every span of the log, the received span with the
same trace and span id must have the same parent, name, kind (log 0-4 = OTLP 1-5), start and end times, status
code and message, attributes (with their types), events (name, time, attributes), dropped attribute and event
counts, and trace_state ("ot=th:..." from the sampling threshold, empty without one); with --service, the resource's
service.name too. Every span must arrive exactly once.
Prints a JSON summary {"log_spans", "received_spans", "compared", "mismatches": [first 20]} and exits 0 when
everything matches, 1 otherwise, 2 on usage errors.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tklog_check  # noqa: E402


def wire_value(value):
    """A value as tklog_check reads it, in otlp_receiver.py's typed form."""
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", str(value)]
    if isinstance(value, float) or value in ("inf", "-inf", "nan"):
        return ["d", struct.pack(">d", float(value)).hex()]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, list):
        return ["a", [wire_value(item) for item in value]]
    raise ValueError(f"unexpected attribute value {value!r}")


def threshold_digits(threshold):
    text = "%014x" % threshold
    return text.rstrip("0") or "0"


def expected(span):
    limits = span.get("limits", [0, 0, 0])
    threshold = span.get("samplingThreshold", 0)
    return {
        "parent_span_id": span["parentSpanID"] or "",
        "name": span["name"],
        "kind": span["kind"] + 1,
        "start": span["start"],
        "end": (span["start"] + span["duration"]) & ((1 << 64) - 1),
        "status_code": span["status"],
        "status_message": span.get("message", ""),
        "attributes": [[key, wire_value(value)] for key, value in span["attributes"]],
        "events": [{"name": event["name"], "time": event["time"],
                    "attributes": [[key, wire_value(value)] for key, value in event["attributes"]],
                    "dropped_attributes_count": 0} for event in span.get("events", [])],
        "dropped_attributes_count": limits[0],
        "dropped_events_count": limits[1],
        "trace_state": "" if threshold == 0 else "ot=th:" + threshold_digits(threshold),
    }


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    service = None
    if "--service" in argv:
        service = argv[argv.index("--service") + 1]
        args.remove(service)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], "rb") as handle:
        log = tklog_check.check(handle.read())
    received = {}
    duplicates = []
    with open(args[1]) as handle:
        for line in handle:
            request = json.loads(line)
            if request["status"] != 200:
                continue
            for span in request["spans"]:
                key = (span["trace_id"], span["span_id"])
                if key in received:
                    duplicates.append(key)
                received[key] = span
    mismatches = [{"duplicate": list(key)} for key in duplicates]
    compared = 0
    for span in log["spans"]:
        key = (span["traceID"], span["spanID"])
        wire = received.get(key)
        if wire is None:
            mismatches.append({"missing": list(key)})
            continue
        compared += 1
        want = expected(span)
        if service is not None:
            want["service"] = service
        for field, value in want.items():
            if wire.get(field) != value:
                mismatches.append({"span": list(key), "field": field, "log": value, "received": wire.get(field)})
    if len(received) != len(log["spans"]):
        mismatches.append({"count": {"log": len(log["spans"]), "received": len(received)}})
    print(json.dumps({"log_spans": len(log["spans"]), "received_spans": len(received), "compared": compared,
                      "mismatches": mismatches[:20]}))
    return 0 if not mismatches and not log["damage"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
