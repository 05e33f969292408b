// Tests for trace and span ids, the id permutation and W3C traceparent parsing.

import Testing
import TraceKit

@Suite struct IdentifierTests {
    @Test func traceIDHexRoundTrips() throws {
        let id = TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736)
        #expect(id.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(TraceID(hexString: id.description) == id)
        #expect(TraceID(hexString: "4BF92F3577B34DA6A3CE929D0E0E4736") == nil)
        #expect(TraceID(hexString: "4bf92f3577b34da6a3ce929d0e0e473") == nil)
        #expect(TraceID(hexString: "zbf92f3577b34da6a3ce929d0e0e4736") == nil)
    }

    @Test func spanIDHexRoundTrips() {
        let id = SpanID(rawValue: 0x00f0_67aa_0ba9_02b7)
        #expect(id.description == "00f067aa0ba902b7")
        #expect(SpanID(hexString: "00f067aa0ba902b7") == id)
        #expect(SpanID(hexString: "00f067aa0ba902b") == nil)
    }

    @Test func permutationIsInvertibleAndMixes() {
        let permutation = IDPermutation(key: 0x9E37_79B9_7F4A_7C15)
        var seen = Set<UInt64>()
        for value in [0, 1, 2, 3, 1000, UInt64.max, UInt64.max - 1, 1 << 63] as [UInt64] {
            let id = permutation.apply(value)
            #expect(permutation.invert(id) == value)
            seen.insert(id)
        }
        #expect(seen.count == 8)
        // Consecutive counters give ids that differ in about half their bits.
        let flipped = (permutation.apply(41) ^ permutation.apply(42)).nonzeroBitCount
        #expect(flipped > 16 && flipped < 48)
    }

    @Test func traceparentParsesTheSpecExample() throws {
        let context = try #require(SpanContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(context.traceID == TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736))
        #expect(context.spanID == SpanID(rawValue: 0x00f0_67aa_0ba9_02b7))
        #expect(context.isSampled)
        #expect(context.isRemote)
        #expect(context.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    }

    @Test func traceparentRejectsInvalidValues() {
        let invalid = [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ]
        for value in invalid {
            #expect(SpanContext(traceparent: value) == nil, "accepted \(value)")
        }
    }

    @Test func traceparentAcceptsFutureVersionsWithExtraFields() throws {
        let context = try #require(
            SpanContext(traceparent: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-whatever")
        )
        #expect(context.isSampled == false)
    }
}
