#!/usr/bin/env python3
"""chrome_nesting_check: does a Chrome trace-event file draw every span only inside its own ancestors?

Trace viewers (Perfetto, chrome://tracing) nest the complete ("X") events of one pid/tid by time alone, so an
event whose interval contains another's start is drawn as its parent. This reads a file written by
`tracekit export --format chrome` (ids in args: trace_id, span_id, parent_span_id), finds every such pair on a
lane, and counts the pairs where the outer event is not an ancestor of the inner one. Times are compared exactly
(the decimal microseconds are read as decimals, not floats). Standard library only.

    chrome_nesting_check.py trace.json     prints a JSON summary; exit 0 when no span is drawn inside a stranger
Exit status: 0 clean, 1 violations found, 2 unreadable input.
"""
import decimal
import json
import sys


def main(path):
    try:
        with open(path) as handle:
            document = json.load(handle, parse_float=decimal.Decimal)
    except (OSError, ValueError) as error:
        print(f"error: cannot read {path}: {error}", file=sys.stderr)
        return 2
    events = [e for e in document.get("traceEvents", []) if e.get("ph") == "X"]
    parent = {}
    for event in events:
        args = event.get("args", {})
        key = (args.get("trace_id"), args.get("span_id"))
        parent.setdefault(key, args.get("parent_span_id"))

    def is_ancestor(outer, inner):
        trace, span = inner
        seen = set()
        while span is not None and span not in seen:
            seen.add(span)
            span = parent.get((trace, span))
            if (trace, span) == outer:
                return True
        return False

    lanes = {}
    for event in events:
        start = decimal.Decimal(event["ts"]) * 1000
        end = start + decimal.Decimal(event["dur"]) * 1000
        args = event["args"]
        lanes.setdefault((event["pid"], event["tid"]), []).append((start, end, (args["trace_id"], args["span_id"])))
    pairs = violations = cross_trace = 0
    strangers_drawn_inside = set()
    children_in_other_traces = 0  # child spans drawn directly inside a span of another trace
    for lane in lanes.values():
        # Longest first among equal starts: the viewer draws the longer one outside.
        lane.sort(key=lambda item: (item[0], -item[1]))
        open_spans = []  # a stack of events still open at the current start
        for start, end, key in lane:
            while open_spans and open_spans[-1][1] <= start:
                open_spans.pop()
            if open_spans and open_spans[-1][2][0] != key[0] and parent.get(key):
                children_in_other_traces += 1
            # Every open event contains this start; each must be an ancestor.
            for outer_start, outer_end, outer in open_spans:
                pairs += 1
                if not is_ancestor(outer, key):
                    violations += 1
                    strangers_drawn_inside.add(key)
                    cross_trace += outer[0] != key[0]
            if end > start:
                open_spans.append((start, end, key))
            # A zero-length event contains nothing, so it is never pushed.
    children = sum(1 for event in events if event["args"].get("parent_span_id"))
    summary = {
        "events": len(events), "child_spans": children, "lanes": len(lanes), "nested_pairs": pairs,
        "violations": violations, "cross_trace_violations": cross_trace,
        "spans_drawn_inside_a_non_ancestor": len(strangers_drawn_inside),
        "child_spans_drawn_directly_inside_another_trace": children_in_other_traces,
    }
    print(json.dumps(summary))
    return 1 if violations else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
