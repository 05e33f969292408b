#!/usr/bin/env python3
"""A loopback OTLP/HTTP receiver that decodes every request (protobuf or JSON, gzip or not) with opentelemetry-proto.

Usage: otlp_receiver.py --out FILE [--port 0] [--fail-first N] [--fail-status 503] [--retry-after VALUE]
                        [--refuse-after K] [--partial-success N:MESSAGE] [--max-seconds 120]

Listens on 127.0.0.1 (port 0 picks a free one) and prints "PORT <n>" on stdout once listening. Each POST to
/v1/traces is decoded as an ExportTraceServiceRequest by its Content-Type: application/x-protobuf with
ParseFromString, application/json with google.protobuf.json_format.ParseDict (unknown fields rejected; OTLP/JSON's
hex trace and span ids are first turned into the base64 the generic protobuf JSON mapping expects). A body with
Content-Encoding: gzip is gunzipped first.

Answers:
  --fail-first N          the first N requests get --fail-status (default 503), with a Retry-After header when
                          --retry-after is given: a number of seconds ("2"), or "date:S" for an HTTP-date S
                          seconds from now (whole seconds, so the real wait is S-1 to S seconds)
  --refuse-after K        every request after the first K gets 400 (a permanent failure: must not be retried)
  --partial-success N:M   every decoded request gets 200 with an ExportTracePartialSuccess(rejected_spans=N,
                          error_message=M), in the request's encoding
  otherwise               200 with an empty ExportTraceServiceResponse, in the request's encoding

Every request appends one JSON line to FILE:
  {"status", "time" (monotonic seconds), "content_type", "content_encoding", "headers" {lowercased name: value
   (the header bytes read as UTF-8)},
   "spans": [{"trace_id", "span_id", "parent_span_id", "trace_state", "flags", "name", "kind", "start", "end",
              "attributes", "dropped_attributes_count", "events": [{"name", "time", "attributes",
              "dropped_attributes_count"}], "dropped_events_count", "status_code", "status_message", "service",
              "scope_name", "scope_version", "resource"}],
   "error"}
Attribute lists are [[key, value], ...] with typed values: ["s", str], ["i", decimal str], ["d", 16 hex digits of the
IEEE 754 bits], ["b", bool], ["a", [values]]. The server stops by itself after --max-seconds.
Exit codes: 0 after the time limit, 3 opentelemetry-proto is not installed.
"""
import argparse
import base64
import email.utils
import gzip
import json
import signal
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
        ExportTraceServiceResponse,
    )
except ImportError as error:  # reported by name by the Swift tests
    print(f"opentelemetry-proto missing: {error}", file=sys.stderr)
    sys.exit(3)

ID_FIELDS = ("traceId", "spanId", "parentSpanId")


def hex_ids_to_base64(node):
    """OTLP/JSON writes ids as hex; the generic protobuf JSON mapping wants base64 for bytes fields."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in ID_FIELDS and isinstance(value, str):
                node[key] = base64.b64encode(bytes.fromhex(value)).decode() if value else ""
            else:
                hex_ids_to_base64(value)
    elif isinstance(node, list):
        for item in node:
            hex_ids_to_base64(item)


def typed(value):
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return ["s", value.string_value]
    if kind == "int_value":
        return ["i", str(value.int_value)]
    if kind == "double_value":
        return ["d", struct.pack(">d", value.double_value).hex()]
    if kind == "bool_value":
        return ["b", value.bool_value]
    if kind == "array_value":
        return ["a", [typed(item) for item in value.array_value.values]]
    return [kind or "unset", None]


def attributes(key_values):
    return [[attribute.key, typed(attribute.value)] for attribute in key_values]


def decode(body, content_type):
    request = ExportTraceServiceRequest()
    if "json" in content_type:
        document = json.loads(body)
        hex_ids_to_base64(document)
        json_format.ParseDict(document, request, ignore_unknown_fields=False)
    elif "protobuf" in content_type:
        request.ParseFromString(body)
    else:
        raise ValueError(f"unsupported Content-Type {content_type!r}")
    spans = []
    for resource_spans in request.resource_spans:
        resource = attributes(resource_spans.resource.attributes)
        service = next((value[1] for key, value in resource if key == "service.name"), "")
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append({
                    "trace_id": span.trace_id.hex(),
                    "span_id": span.span_id.hex(),
                    "parent_span_id": span.parent_span_id.hex(),
                    "trace_state": span.trace_state,
                    "flags": span.flags,
                    "name": span.name,
                    "kind": span.kind,
                    "start": span.start_time_unix_nano,
                    "end": span.end_time_unix_nano,
                    "attributes": attributes(span.attributes),
                    "dropped_attributes_count": span.dropped_attributes_count,
                    "events": [{
                        "name": event.name,
                        "time": event.time_unix_nano,
                        "attributes": attributes(event.attributes),
                        "dropped_attributes_count": event.dropped_attributes_count,
                    } for event in span.events],
                    "dropped_events_count": span.dropped_events_count,
                    "status_code": span.status.code,
                    "status_message": span.status.message,
                    "service": service,
                    "scope_name": scope_spans.scope.name,
                    "scope_version": scope_spans.scope.version,
                    "resource": resource,
                })
    return spans


def main():
    # A parent that blocks signals in its spawning thread passes the mask on; SIGTERM must stop this server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=503)
    parser.add_argument("--retry-after", default=None)
    parser.add_argument("--refuse-after", type=int, default=-1)
    parser.add_argument("--partial-success", default=None)
    parser.add_argument("--max-seconds", type=float, default=120)
    options = parser.parse_args()
    lock = threading.Lock()
    state = {"requests": 0}
    partial = None
    if options.partial_success:
        rejected, _, message = options.partial_success.partition(":")
        partial = (int(rejected), message)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, json_request, rejected=None, extra_headers=()):
            response = ExportTraceServiceResponse()
            if rejected is not None:
                response.partial_success.rejected_spans = rejected[0]
                response.partial_success.error_message = rejected[1]
            if json_request:
                payload = json_format.MessageToJson(response).encode()
                content_type = "application/json"
            else:
                payload = response.SerializeToString()
                content_type = "application/x-protobuf"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra_headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def record(self, line):
            with lock, open(options.out, "a") as out:
                out.write(json.dumps(line) + "\n")

        def do_POST(self):
            arrived = time.monotonic()
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            content_type = self.headers.get("Content-Type", "")
            encoding = self.headers.get("Content-Encoding", "")
            json_request = "json" in content_type
            line = {
                "time": arrived,
                "content_type": content_type,
                "content_encoding": encoding,
                # http.server decodes header bytes as Latin-1; undo that to show the UTF-8 the sender wrote.
                "headers": {name.lower(): value.encode("latin-1", "replace").decode("utf-8", "replace")
                            for name, value in self.headers.items()},
                "spans": [],
            }
            with lock:
                state["requests"] += 1
                number = state["requests"]
            if self.path != "/v1/traces":
                self.record({**line, "status": 404, "error": f"path {self.path}"})
                return self.answer(404, json_request)
            if number <= options.fail_first:
                extra = []
                if options.retry_after is not None:
                    value = options.retry_after
                    if value.startswith("date:"):
                        value = email.utils.formatdate(time.time() + float(value[5:]), usegmt=True)
                    extra.append(("Retry-After", value))
                self.record({**line, "status": options.fail_status})
                return self.answer(options.fail_status, json_request, extra_headers=extra)
            if 0 <= options.refuse_after < number:
                self.record({**line, "status": 400, "error": "refused on purpose (--refuse-after)"})
                return self.answer(400, json_request)
            try:
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding not in ("", "identity"):
                    raise ValueError(f"unsupported Content-Encoding {encoding!r}")
                spans = decode(body, content_type)
            except Exception as error:  # any decoding failure is the sender's bug: say which
                self.record({**line, "status": 400, "error": f"{type(error).__name__}: {error}"})
                return self.answer(400, json_request)
            self.record({**line, "status": 200, "spans": spans})
            self.answer(200, json_request, rejected=partial)

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    timer = threading.Timer(options.max_seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever()


if __name__ == "__main__":
    main()
