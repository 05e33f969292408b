// The series table finds, creates and orders series correctly even when every hash collides.

import Testing

@testable import TraceMetrics

@Suite("Series table")
struct SeriesTableTests {
    @Test("with every label set on one hash, each still gets its own series, found again by its values")
    func collisionsKeepSeriesApart() throws {
        let table = SeriesTable(
            metricName: "t", labelNames: ["a", "b"], seriesLimit: 100, clock: .fixed(0), makeSeries: { Counter() },
            hashMask: 0)
        var made: [String: Counter] = [:]
        for a in ["x", "y", "é", "e\u{301}"] {
            for b in ["1", "2"] {
                let series = unsafeDowncast(try table.series(for: ["a": a, "b": b]), to: Counter.self)
                made[a.unicodeScalars.map { String($0.value) }.joined() + "|" + b] = series
                series.increment()
            }
        }
        #expect(Set(made.values.map(ObjectIdentifier.init)).count == 8)
        for a in ["x", "y", "é", "e\u{301}"] {
            for b in ["1", "2"] {
                let again = unsafeDowncast(table.series(forValues: [a, b]), to: Counter.self)
                #expect(again === made[a.unicodeScalars.map { String($0.value) }.joined() + "|" + b])
                #expect(again.value == 1)
            }
        }
        // Byte order: "e" (0x65) + U+0301 sorts before "x", "y" and before U+00E9 (0xC3 0xA9).
        let order = table.entries().map { $0.labelValues.joined(separator: ",").unicodeScalars.map(\.value) }
        let expected = ["e\u{301},1", "e\u{301},2", "x,1", "x,2", "y,1", "y,2", "\u{E9},1", "\u{E9},2"]
        #expect(order == expected.map { $0.unicodeScalars.map(\.value) })
    }
}
