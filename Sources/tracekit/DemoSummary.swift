// DemoSummary: the lines `tracekit demo` prints after the metrics: file size, bytes per span, counts, top names.

import Foundation
import TraceAnalysis
import TraceLog

/// The summary printed after the metrics.
enum DemoSummary {
    static func lines(
        written: Int, file: LogSet.FileReport, elapsed: Duration, collector: SpanStatisticsCollector,
        matchesLive: Bool
    ) -> String {
        let bytesPerSpan = file.spanCount > 0 ? Double(file.sizeBytes) / Double(file.spanCount) : 0
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var text = "# Summary\n"
        text += "log:      \(file.path)\n"
        text += "size:     \(file.sizeBytes) bytes, \(String(format: "%.1f", bytesPerSpan)) bytes/span\n"
        text += "spans:    \(written) written, \(file.spanCount) replayed"
        text += ", \(file.damages.count) damaged block(s), \(file.droppedSpanCount) dropped\n"
        text += "time:     \(String(format: "%.2f", seconds)) s to trace, write and replay\n"
        text += "metrics:  derived from the replay are "
        text += matchesLive ? "identical to those derived live\n" : "DIFFERENT from those derived live\n"
        text += "\nTop span names by total time:\n"
        text += StatsTable(collector).renderText(limit: 12)
        text += "\nNext: tracekit tree \(file.path) --slowest 3    tracekit report \(file.path) -o report.html"
        return text
    }
}
