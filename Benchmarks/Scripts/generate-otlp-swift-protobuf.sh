#!/usr/bin/env bash
# generate-otlp-swift-protobuf.sh: regenerates the swift-protobuf OTLP trace messages the OTLPEncodingBenchmarks
# compare TraceKit's hand-written encoder against. Run once; the output is committed (building protoc-gen-swift
# takes minutes). Needs: protoc (Debian protobuf-compiler), python3 with opentelemetry-proto (the .proto
# definitions are taken from its compiled descriptors, so no other download is needed), and a protoc-gen-swift
# built from swift-protobuf 1.39.0:
#   git clone <swift-protobuf> /tmp/swift-protobuf-gen && cd /tmp/swift-protobuf-gen && git checkout 1.39.0
#   swift build --product protoc-gen-swift
# Usage: Benchmarks/Scripts/generate-otlp-swift-protobuf.sh PATH/TO/protoc-gen-swift
set -euo pipefail
plugin=${1:?give the path of protoc-gen-swift}
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/Sources/OTLPEncodingBenchmarks/Generated"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/otlp.pb" <<'PY'
import sys
from google.protobuf import descriptor_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

seen, ordered = set(), []
def add(file_descriptor):
    if file_descriptor.name in seen:
        return
    for dependency in file_descriptor.dependencies:
        add(dependency)
    seen.add(file_descriptor.name)
    proto = descriptor_pb2.FileDescriptorProto()
    file_descriptor.CopyToProto(proto)
    ordered.append(proto)
add(trace_service_pb2.DESCRIPTOR)
descriptor_set = descriptor_pb2.FileDescriptorSet(file=ordered)
open(sys.argv[1], "wb").write(descriptor_set.SerializeToString())
print("\n".join(p.name for p in ordered), file=sys.stderr)
PY
rm -rf "$out"
mkdir -p "$out"
protoc --descriptor_set_in="$work/otlp.pb" --plugin=protoc-gen-swift="$plugin" \
    --swift_out="$out" --swift_opt=Visibility=Internal --swift_opt=FileNaming=PathToUnderscores \
    opentelemetry/proto/common/v1/common.proto opentelemetry/proto/resource/v1/resource.proto \
    opentelemetry/proto/trace/v1/trace.proto opentelemetry/proto/collector/trace/v1/trace_service.proto
ls -l "$out"
