// SpecExampleTests: the worked example in Docs/LogFormat.md decodes to exactly the values the spec states.

import Testing
import TraceKit

@testable import TraceLog

@Suite struct SpecExampleTests {
    /// The 190-byte file of Docs/LogFormat.md section 5, made by hand from the spec (not by LogWriter).
    static let exampleHex =
        "1f8b08040000000000ff060042430200a1000183007cff0133000508636865636b6f757406686f73742d3105302e312e3009"
        + "474554202f6361727410687474702e7374617475735f636f6465021e544b4c47018080a8b1e39fe7cb17000001a44280ecbc"
        + "d4df9fe7cb170200032c01a001b702a90baa67f000a64db377352ff94b36470e0e9d92cea3d8b6d0e2c6bfce972fc4130301"
        + "040290033975e83e830000001f8b08040000000000ff0600424302001b0003000000000000000000"

    static var exampleBytes: [UInt8] {
        let digits = Array(exampleHex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) ?? 0
        }
    }

    @Test func theWorkedExampleOfTheSpecDecodesToTheDocumentedValues() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("example.tklog")
        #expect(Self.exampleBytes.count == 190)
        TestFiles.write(Self.exampleBytes, to: path)
        let reader = try LogReader(path: path)
        let entries = Array(reader)
        #expect(entries.damages.isEmpty)
        #expect(reader.sawEndOfFileMarker)
        let expectedHeader = LogFileHeader(
            formatVersion: 1,
            resource: Resource(
                serviceName: "checkout", hostName: "host-1", processID: 4242,
                processStartUnixNanoseconds: 1_699_999_999_000_000_000, libraryVersion: "0.1.0", attributes: [:]),
            openedUnixNanoseconds: 1_700_000_000_000_000_000, fileSequence: 0)
        let expectedSpan = SpanRecord(
            traceID: TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736),
            spanID: SpanID(rawValue: 0x00f0_67aa_0ba9_02b7), parentSpanID: nil, name: "GET /cart", kind: .server,
            status: .ok, startUnixNanoseconds: 1_700_000_000_000_001_000, durationNanoseconds: 2500,
            attributes: ["http.status_code": 200])
        #expect(entries == [.header(expectedHeader), .span(expectedSpan)])
    }

    @Test func aVersion1LogIsAppendedToInVersion2AndReadsBackWhole() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("mixed.tklog")
        TestFiles.write(Self.exampleBytes, to: path)
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        let added = SpanColumnsExampleTests.spans
        for span in added { writer.consume(span) }
        writer.shutdown()
        let entries = Array(try LogReader(path: path))
        #expect(entries.damages.isEmpty)
        let versions = entries.compactMap { entry -> UInt64? in
            if case .header(let header) = entry { return header.formatVersion }
            return nil
        }
        #expect(versions == [1, LogFormat.formatVersion])
        #expect(entries.spans.count == 1 + added.count)
        #expect(Array(entries.spans.dropFirst()) == added)
    }
}

@Suite struct SpanColumnsExampleTests {
    /// The spans of the span columns example in Docs/LogFormat.md section 5.2: a child, then its parent.
    static let spans = [
        SpanRecord(
            traceID: TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736),
            spanID: SpanID(rawValue: 0x0000_0000_0000_0002), parentSpanID: SpanID(rawValue: 0x0000_0000_0000_0001),
            name: "db.query", kind: .client, status: .unset, startUnixNanoseconds: 1_700_000_000_000_001_500,
            durationNanoseconds: 1_000, attributes: ["db.system": "postgresql", "db.rows": 3]),
        SpanRecord(
            traceID: TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736),
            spanID: SpanID(rawValue: 0x0000_0000_0000_0001), parentSpanID: nil, name: "GET /cart", kind: .server,
            status: .ok, startUnixNanoseconds: 1_700_000_000_000_001_000, durationNanoseconds: 2_500,
            attributes: ["http.status_code": 200]),
    ]

    /// The 191-byte payload of Docs/LogFormat.md section 5.2.
    static let payloadHex =
        "014300060864622e71756572790964622e73797374656d0764622e726f77730a706f737467726573716c09474554202f636172"
        + "7410687474702e7374617475735f636f6465057802020002020101020204090105020d00020102021003200408050106010701"
        + "0801090b120115011b020110000102000000000000000100000000000000a64db377352ff94b36470e0e9d92cea3a64db37735"
        + "2ff94b36470e0e9d92cea3010000000000000012147a0adc052a36fe9c97879e1e3d04069003"

    static var payload: [UInt8] {
        let digits = Array(payloadHex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) ?? 0
        }
    }

    @Test func theSpanColumnsExampleDecodesToTheDocumentedSpans() throws {
        #expect(Self.payload.count == 191)
        var entries: [LogEntry] = []
        try Self.payload.withUnsafeBytes { try BlockDecoder.decode($0, into: &entries) }
        #expect(entries.spans == Self.spans)
    }

    @Test func theWriterEncodesTheExampleSpansToExactlyTheDocumentedPayload() {
        var encoder = BlockEncoder(identifiers: nil)
        for span in Self.spans {
            let appended = encoder.append(span)
            #expect(appended)
        }
        #expect(encoder.seal() == Self.payload)
    }
}
