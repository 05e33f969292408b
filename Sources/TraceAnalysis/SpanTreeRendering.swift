// SpanTreeRendering: a SpanTree as indented text (name, duration, self time), for `tracekit tree`.

import TraceKit

extension SpanTree {
    /// The tree as indented text: one line per span with its duration and self time.
    ///
    /// Children are indented two spaces under their parent; `*` marks spans on the critical path of the
    /// primary root, `error: MESSAGE` an error status with its message (on one line, cut to
    /// `errorMessageLength` characters with `...`), and orphans say which parent is missing. Columns are
    /// aligned. Example output:
    ///
    /// ```text
    /// trace 00000000000000ab0000000000000001  100.000ms  4 spans
    /// * request  100.000ms  self 40.000ms
    ///     parse   40.000ms  self 40.000ms
    /// *   query   30.000ms  self 30.000ms  error: connection reset by peer
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
            if case .error(let message) = node.span.status { line += "  " + Self.errorLabel(message) }
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

    /// The longest error message shown in full, in characters; a longer one is cut and ends in `...`.
    static let errorMessageLength = 60

    /// `error: MESSAGE`, the message on one line (line breaks, tabs and other control characters as spaces, runs
    /// of spaces as one) and cut to `errorMessageLength` characters; just `error` without a message.
    static func errorLabel(_ message: String) -> String {
        let oneLine = String(message.map { isControl($0) ? " " : $0 }).split(separator: " ").joined(separator: " ")
        guard !oneLine.isEmpty else { return "error" }
        guard oneLine.count > errorMessageLength else { return "error: " + oneLine }
        var cut = String(oneLine.prefix(errorMessageLength - 3))
        while cut.last == " " { cut.removeLast() }
        return "error: " + cut + "..."
    }

    private static func isControl(_ character: Character) -> Bool {
        character.isNewline || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
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
