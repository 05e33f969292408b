// TraceTimelineSVG: one trace as an inline SVG timeline (a Gantt chart): a row per span, bars on a shared time axis.

import TraceAnalysis
import TraceKit

/// Rows follow the tree (parents above their children, indented labels); bar colour follows the span's kind,
/// red for errors. Hovering a bar shows its name, duration and self time (`<title>`, no script).
enum TraceTimelineSVG {
    static let width = 1100.0
    static let rowHeight = 18.0
    static let labelWidth = 300.0
    /// Traces with more spans show the first `maxRows` rows and say how many were left out.
    static let maxRows = 80

    static func svg(id: String, tree: SpanTree) -> String {
        let start = tree.startUnixNanoseconds
        let total = Double(max(1, tree.durationNanoseconds))
        let nodes = tree.nodes.prefix(maxRows)
        let hidden = tree.nodes.count - nodes.count
        let height = rowHeight * Double(nodes.count + (hidden > 0 ? 1 : 0)) + 24
        let plotWidth = width - labelWidth - 10
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" class="timeline" id="\#(id)" width="\#(Int(width))" "#
        svg += #"height="\#(Int(height))" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" "#
        svg += #"aria-label="timeline of trace \#(tree.traceID)">"#
        for (row, node) in nodes.enumerated() {
            let y = Double(row) * rowHeight
            let offset = Double(node.span.startUnixNanoseconds &- min(start, node.span.startUnixNanoseconds))
            let x = labelWidth + plotWidth * offset / total
            let barWidth = max(1.5, plotWidth * Double(node.span.durationNanoseconds) / total)
            let label = String(repeating: "\u{00A0}\u{00A0}", count: min(node.depth, 12)) + node.span.name
            let shortLabel = label.count > 44 ? String(label.prefix(43)) + "…" : label
            var classes = "span kind-\(node.span.kind)"
            if node.span.status.isError { classes += " error" }
            svg += #"<text class="label" x="4" y="\#(HTMLText.number(y + 13))">\#(HTMLText.escape(shortLabel))</text>"#
            svg += #"<rect class="\#(classes)" x="\#(HTMLText.number(x))" y="\#(HTMLText.number(y + 3))" "#
            svg += #"width="\#(HTMLText.number(barWidth))" height="\#(Int(rowHeight - 5))">"#
            svg += "<title>\(HTMLText.escape(node.span.name)): "
            svg += "\(DurationText.format(nanoseconds: node.span.durationNanoseconds)), self "
            svg += "\(DurationText.format(nanoseconds: node.selfTimeNanoseconds))"
            svg += node.span.status.isError ? ", error" : ""
            svg += "</title></rect>"
        }
        var axisY = Double(nodes.count) * rowHeight
        if hidden > 0 {
            svg += #"<text class="label" x="4" y="\#(HTMLText.number(axisY + 13))">… \#(hidden) more spans</text>"#
            axisY += rowHeight
        }
        svg += #"<line class="axis" x1="\#(Int(labelWidth))" y1="\#(HTMLText.number(axisY + 2))" "#
        svg += #"x2="\#(Int(width - 10))" y2="\#(HTMLText.number(axisY + 2))"/>"#
        for tick in 0...4 {
            let x = labelWidth + plotWidth * Double(tick) / 4
            let at = DurationText.format(nanoseconds: total * Double(tick) / 4)
            let anchor = tick == 0 ? "start" : tick == 4 ? "end" : "middle"
            svg += #"<text class="tick" x="\#(HTMLText.number(x))" y="\#(HTMLText.number(axisY + 16))" "#
            svg += #"text-anchor="\#(anchor)">\#(HTMLText.escape(at))</text>"#
        }
        return svg + "</svg>"
    }
}
