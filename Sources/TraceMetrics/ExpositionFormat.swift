// The text formats a registry can write, with their HTTP content types.

/// A metrics exposition format.
///
/// ```swift
/// let format = ExpositionFormat(acceptHeader: request.headers["Accept"])
/// response.headers["Content-Type"] = format.contentType
/// response.body = registry.exposition(format)
/// ```
public enum ExpositionFormat: Sendable, Equatable {
    /// Prometheus text format 0.0.4.
    case prometheusText
    /// OpenMetrics 1.0 text: `_created`, `# UNIT`, exemplars, `# EOF`.
    case openMetrics

    /// The `Content-Type` header value for this format.
    ///
    /// ```swift
    /// ExpositionFormat.openMetrics.contentType  // application/openmetrics-text; version=1.0.0; charset=utf-8
    /// ```
    public var contentType: String {
        switch self {
        case .prometheusText: return "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: return "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Picks OpenMetrics when the `Accept` header asks for it (as Prometheus does when scraping), else 0.0.4.
    ///
    /// ```swift
    /// ExpositionFormat(acceptHeader: "application/openmetrics-text;version=1.0.0,text/plain;q=0.5")  // .openMetrics
    /// ```
    public init(acceptHeader: String?) {
        guard let acceptHeader else {
            self = .prometheusText
            return
        }
        var best: (format: ExpositionFormat, quality: Double) = (.prometheusText, -1)
        for part in acceptHeader.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingSpaces() }
            guard let mediaType = fields.first?.lowercased() else { continue }
            var quality = 1.0
            for field in fields.dropFirst() where field.hasPrefix("q=") {
                quality = Double(field.dropFirst(2)) ?? 1.0
            }
            let format: ExpositionFormat? =
                mediaType == "application/openmetrics-text"
                ? .openMetrics : (mediaType == "text/plain" || mediaType == "*/*" ? .prometheusText : nil)
            if let format, quality > best.quality || (quality == best.quality && format == .openMetrics) {
                best = (format, quality)
            }
        }
        self = best.format
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
