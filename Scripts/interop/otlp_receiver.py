#!/usr/bin/env python3
"""A loopback OTLP/HTTP JSON receiver that decodes every request with opentelemetry-proto.

Usage: otlp_receiver.py --out FILE [--port 0] [--fail-first N] [--refuse-after K] [--max-seconds 120]

Listens on 127.0.0.1 (port 0 picks a free one) and prints "PORT <n>" on stdout once listening. Each POST to
/v1/traces is parsed as an ExportTraceServiceRequest (OTLP/JSON: hex trace and span ids are turned into the
bytes the protobuf JSON mapping expects, then google.protobuf.json_format.ParseDict with unknown fields
rejected). The first N requests are answered 503 (to prove the sender retries); with --refuse-after K, every
request after the first K is answered 400 (a permanent failure the sender must not retry). Every request appends one JSON
line to FILE: {"status": 503|200|400, "spans": [{"trace_id", "span_id", "parent_span_id", "name", "kind",
"start", "end", "service"}], "error": "..."}. The server stops by itself after --max-seconds.
Exit codes: 0 after the time limit, 3 opentelemetry-proto is not installed.
"""
import argparse
import base64
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
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


def decode(body):
    document = json.loads(body)
    hex_ids_to_base64(document)
    request = ExportTraceServiceRequest()
    json_format.ParseDict(document, request, ignore_unknown_fields=False)
    spans = []
    for resource_spans in request.resource_spans:
        service = ""
        for attribute in resource_spans.resource.attributes:
            if attribute.key == "service.name":
                service = attribute.value.string_value
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append({
                    "trace_id": span.trace_id.hex(),
                    "span_id": span.span_id.hex(),
                    "parent_span_id": span.parent_span_id.hex(),
                    "name": span.name,
                    "kind": span.kind,
                    "start": span.start_time_unix_nano,
                    "end": span.end_time_unix_nano,
                    "service": service,
                })
    return spans


def main():
    # A parent that blocks signals in its spawning thread passes the mask on; SIGTERM must stop this server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--refuse-after", type=int, default=-1)
    parser.add_argument("--max-seconds", type=float, default=120)
    options = parser.parse_args()
    lock = threading.Lock()
    state = {"requests": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body):
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def record(self, line):
            with lock, open(options.out, "a") as out:
                out.write(json.dumps(line) + "\n")

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                state["requests"] += 1
                number = state["requests"]
            if self.path != "/v1/traces":
                self.record({"status": 404, "spans": [], "error": f"path {self.path}"})
                return self.answer(404, {"message": "use /v1/traces"})
            if number <= options.fail_first:
                self.record({"status": 503, "spans": []})
                return self.answer(503, {"message": "try again"})
            if 0 <= options.refuse_after < number:
                self.record({"status": 400, "spans": [], "error": "refused on purpose (--refuse-after)"})
                return self.answer(400, {"message": "refused"})
            try:
                spans = decode(body)
            except Exception as error:  # any decoding failure is the sender's bug: say which
                self.record({"status": 400, "spans": [], "error": f"{type(error).__name__}: {error}"})
                return self.answer(400, {"message": str(error)})
            self.record({"status": 200, "spans": spans})
            self.answer(200, {})

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    timer = threading.Timer(options.max_seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever()


if __name__ == "__main__":
    main()
