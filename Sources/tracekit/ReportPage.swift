// ReportPage: the self-contained HTML page of `tracekit report`: stats table, latency histograms, slowest traces.

import TraceAnalysis
import TraceKit
import TraceLog

/// Builds one HTML document with everything inline: CSS in a `<style>`, charts as `<svg>`, no scripts, no
/// fonts or images from anywhere, so the file opens the same offline, in a mail attachment or in CI artifacts.
struct ReportPage {
    var title: String
    var files: [LogSet.FileReport]
    /// How many traces the logs hold.
    var traceCount: Int
    var statistics: StatsTable
    /// Span counts per name and `LatencyHistogramSVG.bucket(nanoseconds:)`, for the histograms.
    var latencyBuckets: [String: [Int: Int]]
    /// The slowest traces, slowest first, drawn as timelines.
    var slowestTraces: [SpanTree]
    var histogramLimit = 24
    /// The most rows of the statistics table: a log with very many span names still makes a page that opens.
    var statisticsRowLimit = 500

    func html() -> String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<title>\(HTMLText.escape(title))</title>\n<style>\(Self.style)</style>\n</head>\n<body>\n"
        page += "<h1>\(HTMLText.escape(title))</h1>\n"
        page += overview()
        page += statsSection()
        page += histogramSection()
        page += timelineSection()
        page += "<footer>Made by tracekit report. Quantiles within 1% (sketch); self time = duration minus "
        page += "time covered by children.</footer>\n</body>\n</html>\n"
        return page
    }

    private func overview() -> String {
        let spanCount = files.reduce(0) { $0 + $1.spanCount }
        let damageCount = files.reduce(0) { $0 + $1.damages.count }
        let services = Set(files.compactMap { $0.resource?.serviceName }).sorted()
        var text = "<p class=\"overview\">"
        text += "\(spanCount) spans in \(traceCount) traces, \(statistics.rows.count) span names"
        if !services.isEmpty { text += "; service " + HTMLText.escape(services.joined(separator: ", ")) }
        text += "; from " + HTMLText.escape(files.map(\.path).joined(separator: ", "))
        if damageCount > 0 { text += ". <strong>\(damageCount) damaged region(s) skipped</strong>" }
        return text + ".</p>\n"
    }

    private func statsSection() -> String {
        let shown = statistics.rows.prefix(statisticsRowLimit)
        var text = "<h2>Span statistics</h2>\n"
        if statistics.rows.count > shown.count {
            text += "<p class=\"note\">The \(shown.count) names with the most total time of "
            text += "\(statistics.rows.count); <code>tracekit stats --json</code> lists them all.</p>\n"
        }
        text += "<table id=\"stats\" class=\"stats\">\n<thead><tr>"
        for header in StatsTable.headers { text += "<th>\(HTMLText.escape(header))</th>" }
        text += "</tr></thead>\n<tbody>\n"
        for row in shown {
            let cells = StatsTable.cells(row)
            text += row.errorCount > 0 ? "<tr class=\"has-errors\">" : "<tr>"
            for (column, cell) in cells.enumerated() {
                text += column == 0 ? "<td class=\"name\">" : "<td>"
                text += HTMLText.escape(cell) + "</td>"
            }
            text += "</tr>\n"
        }
        return text + "</tbody>\n</table>\n"
    }

    private func histogramSection() -> String {
        let shown = statistics.rows.prefix(histogramLimit)
        var text = "<h2>Latency per span name</h2>\n"
        text += "<p class=\"note\">Durations on a logarithmic axis, four buckets per decade"
        if statistics.rows.count > shown.count {
            text += "; the \(shown.count) names with the most total time of \(statistics.rows.count)"
        }
        text += ".</p>\n<div class=\"histograms\">\n"
        for (index, row) in shown.enumerated() {
            text += "<figure class=\"chart\"><figcaption>\(HTMLText.escape(row.name)) <span>"
            text +=
                "\(row.count) spans, p50 \(HTMLText.escape(DurationText.format(nanoseconds: row.p50DurationNanoseconds)))"
            text += ", p99 \(HTMLText.escape(DurationText.format(nanoseconds: row.p99DurationNanoseconds)))</span>"
            text += "</figcaption>\n"
            text += LatencyHistogramSVG.svg(
                id: "histogram-\(index)", name: row.name, buckets: latencyBuckets[row.name] ?? [:])
            text += "</figure>\n"
        }
        return text + "</div>\n"
    }

    private func timelineSection() -> String {
        var text = "<h2>Slowest traces</h2>\n"
        text +=
            "<p class=\"legend\"><span class=\"key kind-server\"></span>server <span class=\"key kind-client\"></span>"
        text += "client <span class=\"key kind-internal\"></span>internal <span class=\"key error\"></span>error</p>\n"
        for (index, tree) in slowestTraces.enumerated() {
            let rootName = tree.primaryRootIndex.map { tree.nodes[$0].span.name } ?? "?"
            text += "<figure class=\"trace\"><figcaption>\(index + 1). \(HTMLText.escape(rootName)) <span>"
            text += "\(HTMLText.escape(DurationText.format(nanoseconds: tree.durationNanoseconds))), "
            text += "\(tree.spanCount) spans, trace \(tree.traceID)</span></figcaption>\n"
            text += TraceTimelineSVG.svg(id: "timeline-\(index)", tree: tree)
            text += "</figure>\n"
        }
        return text
    }

    private static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;background:#fff}
        h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde}
        .overview,.note,.legend,footer{color:#556;font-size:13px}
        table.stats{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
        .stats th,.stats td{padding:3px 10px;text-align:right;border-bottom:1px solid #eef}
        .stats th{background:#f3f5fa}.stats td.name,.stats th:first-child{text-align:left;font-family:monospace}
        .stats tr.has-errors td:nth-child(3){color:#c0262d;font-weight:600}
        .histograms{display:flex;flex-wrap:wrap;gap:10px}
        figure{margin:0 0 12px}figcaption{font-family:monospace;font-size:13px;margin-bottom:2px}
        figcaption span{font-family:system-ui,sans-serif;color:#667;font-size:12px}
        figure.chart{border:1px solid #e4e7f0;padding:6px;border-radius:4px;width:360px}
        figure.chart figcaption{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
        svg .bar{fill:#4a78c2}svg .axis{stroke:#99a;stroke-width:1}
        svg text{font-size:11px;fill:#445}svg text.label{font-family:monospace}
        svg .span{fill:#8aa8d8}svg .kind-server{fill:#3f8f5f}svg .kind-client{fill:#d39b2a}
        svg .kind-internal{fill:#6d8fc9}svg .error{fill:#d2433f}
        .key{display:inline-block;width:12px;height:10px;margin:0 4px 0 12px}
        .key.kind-server{background:#3f8f5f}.key.kind-client{background:#d39b2a}
        .key.kind-internal{background:#6d8fc9}.key.error{background:#d2433f}
        """
}
