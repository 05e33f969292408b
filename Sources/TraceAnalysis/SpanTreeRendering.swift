// SpanTreeRendering: a SpanTree as indented text (name, duration, self time), for `tracekit tree`.

import TraceKit

extension SpanTree {
    /// The tree as indented text: one line per span with its duration and self time.
    ///
    /// Children are indented two spaces under their parent; `*` marks spans on the critical path of the
    /// primary root, `error` an error status, and orphans say which parent is missing. Columns are
    /// aligned. Example output:
    ///
    /// ```text
    /// trace 00000000000000ab0000000000000001  100.000ms  4 spans
    /// * request  100.000ms  self 40.000ms
    ///     parse   40.000ms  self 40.000ms
    /// *   query   30.000ms  self 30.000ms  error
    ///   cleanup    5.000ms  self  5.000ms  orphan: parent 000000000000000a missing
    /// ```
    public func renderText(markingCriticalPath: Bool = true) -> String {
        let critical = markingCriticalPath ? Set(criticalPath().nodeIndices) : []
        let labels = nodes.map { Self.indentedLabel($0) }
        let durations = nodes.map { DurationText.format(nanoseconds: $0.span.durationNanoseconds) }
        let selfTimes = nodes.map { DurationText.format(nanoseconds: $0.selfTimeNanoseconds) }
        let labelWidth = labels.map(\.count).max() ?? 0
        let durationWidth = durations.map(\.count).max() ?? 0
        let selfWidth = selfTimes.map(\.count).max() ?? 0

        let spanWord = nodes.count == 1 ? "span" : "spans"
        var lines = [
            "trace \(traceID)  \(DurationText.format(nanoseconds: durationNanoseconds))  \(nodes.count) \(spanWord)"
        ]
        for node in nodes {
            var line = critical.contains(node.index) ? "* " : "  "
            line += Self.padRight(labels[node.index], labelWidth)
            line += "  " + Self.padLeft(durations[node.index], durationWidth)
            line += "  self " + Self.padLeft(selfTimes[node.index], selfWidth)
            if node.span.status.isError { line += "  error" }
            if node.isOrphan {
                if let parentID = node.span.parentSpanID, self.node(for: parentID) == nil {
                    line += "  orphan: parent \(parentID) missing"
                } else {
                    line += "  orphan: parent link cut (cycle)"
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Indentation stops growing at `maxIndentDepth` (the depth is written instead), so a pathological
    /// chain of thousands of spans does not turn into quadratic amounts of spaces.
    private static func indentedLabel(_ node: SpanTreeNode) -> String {
        let maxIndentDepth = 32
        if node.depth <= maxIndentDepth { return String(repeating: "  ", count: node.depth) + node.span.name }
        return String(repeating: "  ", count: maxIndentDepth) + "[depth \(node.depth)] " + node.span.name
    }

    private static func padRight(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
