// HTTPEndpoint: a parsed http://host:port/path URL, the only kind the OTLP exporter posts to.

/// Where an HTTP request goes: host, port and path of an `http://` URL.
struct HTTPEndpoint: Equatable, Sendable {
    var host: String
    var port: Int
    var path: String

    /// Parses `http://host[:port][/path]`; IPv6 literals go in brackets. The port defaults to 80, the path to `/`.
    init(_ url: String) throws(OTLPExportError) {
        guard url.hasPrefix("http://") else { throw .invalidURL(url) }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        var host = Substring(authority)
        var port = 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL(url) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()) else { throw .invalidURL(url) }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let value = Int(authority[authority.index(after: colon)...]) else { throw .invalidURL(url) }
            host = authority[..<colon]
            port = value
        }
        guard !host.isEmpty, (1...65535).contains(port) else { throw .invalidURL(url) }
        self.host = String(host)
        self.port = port
        self.path = path.isEmpty ? "/" : String(path)
    }

    /// The `Host` header value: `host:port`, an IPv6 literal in brackets.
    var hostHeader: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
