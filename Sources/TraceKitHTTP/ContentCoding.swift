// ContentCoding: reads an Accept-Encoding header to decide whether a response may be gzip-compressed.

/// The response encodings `/metrics` can send.
enum ContentCoding: Equatable {
    case identity
    case gzip

    /// Picks gzip when `Accept-Encoding` lists `gzip` (or `*`) with a non-zero quality, else identity.
    init(acceptEncoding header: String?) {
        guard let header else {
            self = .identity
            return
        }
        var gzipQuality: Double?
        var wildcardQuality: Double?
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";")
            guard let coding = fields.first?.trimmingCharacters(in: " \t").lowercased() else { continue }
            var quality = 1.0
            for field in fields.dropFirst() {
                let parameter = field.trimmingCharacters(in: " \t")
                if parameter.hasPrefix("q=") { quality = Double(parameter.dropFirst(2)) ?? 0 }
            }
            if coding == "gzip" || coding == "x-gzip" {
                gzipQuality = quality
            } else if coding == "*" {
                wildcardQuality = quality
            }
        }
        self = (gzipQuality ?? wildcardQuality ?? 0) > 0 ? .gzip : .identity
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return text
    }
}
