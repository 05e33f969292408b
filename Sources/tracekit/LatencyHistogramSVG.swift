// LatencyHistogramSVG: one span name's durations as an inline SVG bar chart on a logarithmic time axis.

import Foundation
import TraceAnalysis

/// Buckets durations by powers of 10^(1/4) (four buckets per decade: 1, 1.8, 3.2, 5.6 x 10^k ns) and draws
/// a bar per bucket between the fastest and slowest span, with the count on hover (`<title>`, no script).
/// The counts are kept per bucket while spans stream by, so a chart costs the same for any number of spans.
enum LatencyHistogramSVG {
    static let width = 360.0
    static let height = 150.0
    private static let bucketsPerDecade = 4.0

    /// The bucket of a duration: `floor(log10(nanoseconds) × 4)`, durations under 1 ns counting as 1 ns.
    static func bucket(nanoseconds: UInt64) -> Int {
        Int((log10(Double(max(1, nanoseconds))) * bucketsPerDecade).rounded(.down))
    }

    /// The SVG for durations counted per `bucket(nanoseconds:)`; `id` becomes the element id, `name` the
    /// accessible label. Bars run from the fastest span's bucket to the slowest's.
    static func svg(id: String, name: String, buckets: [Int: Int]) -> String {
        guard let firstBucket = buckets.keys.min(), let lastBucket = buckets.keys.max() else { return "" }
        var counts = Array(repeating: 0, count: lastBucket - firstBucket + 1)
        for (bucket, count) in buckets { counts[bucket - firstBucket] += count }
        let peak = Double(counts.max() ?? 1)
        let plotLeft = 36.0
        let plotBottom = height - 28
        let plotTop = 10.0
        let barWidth = (width - plotLeft - 8) / Double(counts.count)
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" class="histogram" id="\#(id)" width="\#(Int(width))" "#
        svg += #"height="\#(Int(height))" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" "#
        svg += #"aria-label="latency histogram of \#(HTMLText.escape(name))">"#
        svg += #"<line class="axis" x1="\#(Int(plotLeft))" y1="\#(Int(plotBottom))" x2="\#(Int(width - 4))" "#
        svg += #"y2="\#(Int(plotBottom))"/>"#
        svg += #"<text class="tick" x="\#(Int(plotLeft - 4))" y="\#(Int(plotTop + 8))" text-anchor="end">"#
        svg += "\(Int(peak))</text>"
        for (index, count) in counts.enumerated() {
            let lower = pow(10, Double(firstBucket + index) / bucketsPerDecade)
            let upper = pow(10, Double(firstBucket + index + 1) / bucketsPerDecade)
            let barHeight = count == 0 ? 0 : max(1, (plotBottom - plotTop) * Double(count) / peak)
            let x = plotLeft + Double(index) * barWidth
            svg += #"<rect class="bar" x="\#(HTMLText.number(x + 1))" y="\#(HTMLText.number(plotBottom - barHeight))" "#
            svg += #"width="\#(HTMLText.number(max(1, barWidth - 2)))" height="\#(HTMLText.number(barHeight))">"#
            svg += "<title>\(count) span\(count == 1 ? "" : "s") from "
            svg += "\(HTMLText.escape(DurationText.format(nanoseconds: lower))) to "
            svg += "\(HTMLText.escape(DurationText.format(nanoseconds: upper)))</title></rect>"
        }
        // Label the decade edges (1µs, 10µs, ...) that fall on the axis; a narrow range gets its two ends.
        var ticks = (0...counts.count).filter { (firstBucket + $0) % Int(bucketsPerDecade) == 0 }
        if ticks.count < 2 { ticks = [0, counts.count] }
        for index in ticks {
            let x = plotLeft + Double(index) * barWidth
            let edge = pow(10, Double(firstBucket + index) / bucketsPerDecade)
            let anchor = index == 0 ? "start" : index == counts.count ? "end" : "middle"
            svg += #"<text class="tick" x="\#(HTMLText.number(x))" y="\#(Int(plotBottom + 16))" "#
            svg += #"text-anchor="\#(anchor)">"#
            svg += "\(HTMLText.escape(tickLabel(nanoseconds: edge)))</text>"
        }
        return svg + "</svg>"
    }

    /// A short axis label: two significant digits, for example "1ms", "18µs", "3.2s".
    static func tickLabel(nanoseconds: Double) -> String {
        let units: [(Double, String)] = [(1e9, "s"), (1e6, "ms"), (1e3, "µs"), (1, "ns")]
        let (scale, unit) = units.first { nanoseconds >= $0.0 * 0.9995 } ?? (1, "ns")
        let value = nanoseconds / scale
        let text = value >= 10 ? String(Int(value.rounded())) : String(format: "%.1f", value)
        return (text.hasSuffix(".0") ? String(text.dropLast(2)) : text) + unit
    }
}
