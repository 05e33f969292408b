// Workload: a realistic synthetic span stream: 3 levels of nesting, 2-4 attributes, about 20 distinct names.

import Foundation
import TraceKit

/// A small deterministic generator (SplitMix64), so every run measures the same spans.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One span as generated, before ids are assigned.
public struct PlannedSpan {
    var name: String
    var kind: SpanRecord.Kind
    var start: UInt64
    var duration: UInt64
    var attributes: TraceAttributes
    var status: SpanRecord.Status
    var parent: Int?
    var root: Int
    var worker: Int
}

public enum Workload {
    static let rootNames = ["GET /api/users", "POST /api/orders", "ui_generation", "batch.process"]
    static let childNames = [
        "auth.verify", "db.query", "cache.lookup", "llm.generate", "render.page", "queue.publish", "http.client",
        "validate.input",
    ]
    static let leafNames = [
        "db.connect", "db.fetch_rows", "cache.get", "tokenize", "serialize", "compress", "dns.resolve", "tls.handshake",
    ]
    static let users = (0..<200).map { "user-\($0)" }
    static let methods = ["GET", "POST", "PUT", "DELETE"]
    static let tables = ["users", "orders", "items", "sessions", "events"]

    /// Log-uniform nanoseconds in `low..<high`, full nanosecond precision as a real clock gives.
    static func duration(_ low: Double, _ high: Double, _ random: inout SeededGenerator) -> UInt64 {
        UInt64(exp(Double.random(in: log(low)..<log(high), using: &random)))
    }

    static func attributes(for name: String, _ random: inout SeededGenerator) -> TraceAttributes {
        var attributes = TraceAttributes()
        switch name {
        case _ where name.hasPrefix("GET") || name.hasPrefix("POST"):
            attributes["http.method"] = .string(name.hasPrefix("GET") ? "GET" : "POST")
            attributes["http.status_code"] = .int(Int.random(in: 0..<50, using: &random) == 0 ? 500 : 200)
            attributes["user.id"] = .string(users.randomElement(using: &random) ?? "")
        case _ where name.hasPrefix("db."):
            attributes["db.system"] = "postgresql"
            attributes["db.table"] = .string(tables.randomElement(using: &random) ?? "")
            attributes["db.rows"] = .int(Int64.random(in: 0...100, using: &random))
        case _ where name.hasPrefix("cache."):
            attributes["cache.hit"] = .bool(Int.random(in: 0..<4, using: &random) != 0)
            attributes["cache.key_bytes"] = .int(Int64.random(in: 16...64, using: &random))
        case "ui_generation", "llm.generate", "tokenize":
            attributes["model"] = .string(Bool.random(using: &random) ? "small-v2" : "large-v1")
            attributes["tokens"] = .int(Int64.random(in: 10...2000, using: &random))
            if Bool.random(using: &random) { attributes["cached"] = .bool(Bool.random(using: &random)) }
        default:
            attributes["component"] = .string(name.split(separator: ".").first.map(String.init) ?? name)
            attributes["attempt"] = .int(Int64.random(in: 1...2, using: &random))
            if Int.random(in: 0..<3, using: &random) == 0 {
                attributes["http.method"] = .string(methods.randomElement(using: &random) ?? "GET")
            }
        }
        return attributes
    }

    /// `count` spans from 4 concurrent workers, each running traces of root -> 2-3 children -> 1-3 leaves,
    /// with ids from `scheme` assigned in start order (as a recorder does) and spans in finishing order.
    public static func spans(
        count: Int, scheme: TraceRecorder.IdentifierScheme, seed: UInt64 = 1, firstCounter: UInt64 = 1
    ) -> [SpanRecord] {
        var random = SeededGenerator(state: seed)
        var planned: [PlannedSpan] = []
        var clocks = (0..<4).map { _ in
            UInt64(1_764_000_000_000_000_000) + UInt64.random(in: 0..<1_000_000, using: &random)
        }
        while planned.count < count {
            let worker = Int.random(in: 0..<4, using: &random)
            let rootIndex = planned.count
            let rootName = rootNames.randomElement(using: &random) ?? ""
            let rootStart = clocks[worker] + duration(5_000, 200_000, &random)
            planned.append(
                PlannedSpan(
                    name: rootName, kind: .server, start: rootStart, duration: 0,
                    attributes: attributes(for: rootName, &random), status: .unset, parent: nil, root: rootIndex,
                    worker: worker))
            var cursor = rootStart + duration(2_000, 30_000, &random)
            for _ in 0..<Int.random(in: 2...3, using: &random) {
                let childIndex = planned.count
                let childName = childNames.randomElement(using: &random) ?? ""
                let childStart = cursor
                planned.append(
                    PlannedSpan(
                        name: childName, kind: childName == "http.client" ? .client : .internal, start: childStart,
                        duration: 0, attributes: attributes(for: childName, &random), status: .unset,
                        parent: rootIndex, root: rootIndex, worker: worker))
                cursor += duration(1_000, 20_000, &random)
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let leafName = leafNames.randomElement(using: &random) ?? ""
                    let leafDuration = duration(20_000, 2_000_000, &random)
                    let failed = Int.random(in: 0..<50, using: &random) == 0
                    planned.append(
                        PlannedSpan(
                            name: leafName, kind: .internal, start: cursor, duration: leafDuration,
                            attributes: attributes(for: leafName, &random),
                            status: failed ? .error(message: "timeout after 2s") : .unset, parent: childIndex,
                            root: rootIndex, worker: worker))
                    cursor += leafDuration + duration(500, 10_000, &random)
                }
                planned[childIndex].duration = cursor - childStart
                cursor += duration(1_000, 20_000, &random)
            }
            planned[rootIndex].duration = cursor - rootStart
            planned[rootIndex].status = Int.random(in: 0..<20, using: &random) == 0 ? .ok : .unset
            clocks[worker] = cursor
        }
        // Ids: a counter taken at span start, across all workers, as TraceRecorder does.
        let startOrder = planned.indices.sorted { planned[$0].start < planned[$1].start }
        var counters = [UInt64](repeating: 0, count: planned.count)
        for (position, index) in startOrder.enumerated() { counters[index] = UInt64(position) + firstCounter }
        var records: [SpanRecord] = planned.indices.map { index in
            let span = planned[index]
            return SpanRecord(
                traceID: TraceID(high: scheme.traceIDHigh, low: scheme.traceIDLow.apply(counters[span.root])),
                spanID: SpanID(rawValue: scheme.spanID.apply(counters[index])),
                parentSpanID: span.parent.map { SpanID(rawValue: scheme.spanID.apply(counters[$0])) }, name: span.name,
                kind: span.kind, status: span.status, startUnixNanoseconds: span.start,
                durationNanoseconds: span.duration, attributes: span.attributes)
        }
        // Sinks see spans as they finish.
        records.sort { $0.endUnixNanoseconds < $1.endUnixNanoseconds }
        return Array(records.prefix(count))
    }
}
