// StatsTable: per-span-name statistics as an aligned text table or JSON, for `stats`, `demo` and `report`.

import Foundation
import TraceAnalysis

/// Per-name rows, ordered by total time spent (the names worth looking at first come first).
struct StatsTable {
    let rows: [SpanStatistics]

    init(_ collector: SpanStatisticsCollector) {
        rows = collector.statistics.sorted { lhs, rhs in
            lhs.totalDurationNanoseconds != rhs.totalDurationNanoseconds
                ? lhs.totalDurationNanoseconds > rhs.totalDurationNanoseconds : lhs.name < rhs.name
        }
    }

    static let headers = ["name", "count", "errors", "total", "mean", "p50", "p95", "p99", "self mean", "self total"]

    /// The cells of one row, as text.
    static func cells(_ row: SpanStatistics) -> [String] {
        [
            row.name, "\(row.count)", "\(row.errorCount)",
            DurationText.format(nanoseconds: row.totalDurationNanoseconds),
            DurationText.format(nanoseconds: row.meanDurationNanoseconds),
            DurationText.format(nanoseconds: row.p50DurationNanoseconds),
            DurationText.format(nanoseconds: row.p95DurationNanoseconds),
            DurationText.format(nanoseconds: row.p99DurationNanoseconds),
            DurationText.format(nanoseconds: row.meanSelfTimeNanoseconds),
            DurationText.format(nanoseconds: row.totalSelfTimeNanoseconds),
        ]
    }

    /// An aligned table: names left-aligned, numbers right-aligned; `limit` rows at most, and a line saying how many
    /// more there are. One row more than `limit` is shown rather than replaced by a "(1 more name)" line.
    func renderText(limit: Int? = nil) -> String {
        let shown = limit.map { rows.count > $0 + 1 ? Array(rows.prefix($0)) : rows } ?? rows
        let table = [Self.headers] + shown.map(Self.cells)
        var widths = Array(repeating: 0, count: Self.headers.count)
        for line in table {
            for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        var text = ""
        for line in table {
            var out = ""
            for (column, cell) in line.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                out += column == 0 ? cell + padding : "  " + padding + cell
            }
            text += out + "\n"
        }
        let hidden = rows.count - shown.count
        if hidden > 0 { text += "(\(hidden) more name\(hidden == 1 ? "" : "s"))\n" }
        return text
    }

    /// The rows as a JSON array; durations in nanoseconds, quantiles within the sketch's 1% bound.
    func renderJSON() -> String {
        let objects: [[String: Any]] = rows.map { row in
            var object: [String: Any] = [
                "name": row.name, "count": row.count, "errors": row.errorCount,
                "total_ns": row.totalDurationNanoseconds, "self_total_ns": row.totalSelfTimeNanoseconds,
            ]
            let optional: [(String, Double?)] = [
                ("mean_ns", row.meanDurationNanoseconds), ("p50_ns", row.p50DurationNanoseconds),
                ("p95_ns", row.p95DurationNanoseconds), ("p99_ns", row.p99DurationNanoseconds),
                ("self_mean_ns", row.meanSelfTimeNanoseconds),
            ]
            for (key, value) in optional { object[key] = value.map { $0.rounded() } ?? NSNull() }
            return object
        }
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: objects, options: options) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}
