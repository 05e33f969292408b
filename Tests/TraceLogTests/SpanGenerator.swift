// SpanGenerator: seeded random spans covering every field and attribute type, for round-trip tests.

import TraceKit
import TraceSync

/// The package's SplitMix64, so every test run sees the same spans for a seed.
typealias SeededGenerator = SplitMix64

/// Makes random spans: some with ids from `scheme` (counter-coded in the log), some with foreign ids.
struct SpanGenerator {
    var random: SeededGenerator
    let scheme: TraceRecorder.IdentifierScheme?
    var counter: UInt64 = 0
    var clock: UInt64 = 1_764_000_000_000_000_000

    init(seed: UInt64, scheme: TraceRecorder.IdentifierScheme? = nil) {
        random = SeededGenerator(seed: seed)
        self.scheme = scheme
    }

    static let names = ["GET /users", "db.query", "render", "cache.lookup", "ui_generation", "ёжик 🦔", ""]

    mutating func string() -> String {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return ""
        case 1: return Self.names.randomElement(using: &random) ?? ""
        case 2: return String(repeating: "x", count: Int.random(in: 1..<300, using: &random))
        default:
            let scalars = (0..<Int.random(in: 1..<20, using: &random)).map { _ in
                Character(Unicode.Scalar(UInt8.random(in: 32..<127, using: &random)))
            }
            return String(scalars)
        }
    }

    mutating func double() -> Double {
        switch Int.random(in: 0..<5, using: &random) {
        case 0: return .infinity
        case 1: return -0.0
        case 2: return Double.greatestFiniteMagnitude
        default: return Double.random(in: -1e9...1e9, using: &random)
        }
    }

    mutating func int() -> Int64 {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return .min
        case 1: return .max
        default: return Int64.random(in: -100_000...100_000, using: &random)
        }
    }

    mutating func value() -> AttributeValue {
        let count = Int.random(in: 0..<5, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0: return .string(string())
        case 1: return .int(int())
        case 2: return .double(double())
        case 3: return .bool(Bool.random(using: &random))
        case 4: return .stringArray((0..<count).map { _ in string() })
        case 5: return .intArray((0..<count).map { _ in int() })
        case 6: return .doubleArray((0..<count).map { _ in double() })
        default: return .boolArray((0..<count).map { _ in Bool.random(using: &random) })
        }
    }

    mutating func attributes(maxCount: Int) -> TraceAttributes {
        var attributes = TraceAttributes()
        for index in 0..<Int.random(in: 0...maxCount, using: &random) {
            attributes["key.\(index).\(Int.random(in: 0..<4, using: &random))"] = value()
        }
        return attributes
    }

    mutating func id() -> UInt64 {
        counter += UInt64.random(in: 1...3, using: &random)
        return counter
    }

    /// One span with every field exercised at random.
    mutating func span() -> SpanRecord {
        let local = scheme != nil && Int.random(in: 0..<4, using: &random) != 0
        let traceID: TraceID
        let spanID: SpanID
        if let scheme, local {
            let traceCounter = id()
            // Now and then a local span in a foreign trace (a continued traceparent): counter span id, raw trace id.
            traceID =
                Int.random(in: 0..<5, using: &random) == 0
                ? TraceID(high: random.next(), low: random.next())
                : TraceID(high: scheme.traceIDHigh, low: scheme.traceIDLow.apply(traceCounter))
            spanID = SpanID(rawValue: scheme.spanID.apply(id()))
        } else {
            traceID = TraceID(high: random.next(), low: random.next())
            spanID = SpanID(rawValue: random.next())
        }
        var parent: SpanID?
        switch Int.random(in: 0..<3, using: &random) {
        case 0: parent = nil
        case 1: parent = SpanID(rawValue: random.next())
        default: parent = scheme.map { SpanID(rawValue: $0.spanID.apply(counter &- 1)) } ?? SpanID(rawValue: 7)
        }
        let status: SpanRecord.Status
        switch Int.random(in: 0..<3, using: &random) {
        case 0: status = .unset
        case 1: status = .ok
        default: status = .error(message: string())
        }
        clock &+= UInt64.random(in: 0..<5_000_000, using: &random)
        let start = Int.random(in: 0..<20, using: &random) == 0 ? random.next() : clock
        let duration =
            Int.random(in: 0..<20, using: &random) == 0
            ? random.next() : UInt64.random(in: 0..<10_000_000, using: &random)
        var events: [SpanRecord.Event] = []
        for _ in 0..<(Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 1...3, using: &random) : 0) {
            events.append(
                SpanRecord.Event(
                    name: string(), timeUnixNanoseconds: start &+ UInt64.random(in: 0..<1000, using: &random),
                    attributes: attributes(maxCount: 2)))
        }
        let limited = Int.random(in: 0..<5, using: &random) == 0
        // Now and then a head-sampled span (a common ratio, or any threshold); mostly none, as in most logs.
        let samplingThreshold: UInt64
        switch Int.random(in: 0..<8, using: &random) {
        case 0: samplingThreshold = Sampler.ratio(0.1).threshold
        case 1: samplingThreshold = UInt64.random(in: 0..<Sampler.maxThreshold, using: &random)
        default: samplingThreshold = 0
        }
        return SpanRecord(
            traceID: traceID, spanID: spanID, parentSpanID: parent,
            name: Self.names.randomElement(using: &random) ?? "",
            kind: SpanRecord.Kind.allCases.randomElement(using: &random) ?? .internal, status: status,
            startUnixNanoseconds: start, durationNanoseconds: duration, attributes: attributes(maxCount: 6),
            events: events,
            droppedAttributeCount: limited ? UInt32.random(in: 0...UInt32.max, using: &random) : 0,
            droppedEventCount: limited ? UInt32.random(in: 0...5, using: &random) : 0,
            truncatedValueCount: limited ? 1 : 0, samplingThreshold: samplingThreshold)
    }
}
