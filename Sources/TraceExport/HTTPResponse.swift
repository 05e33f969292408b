// HTTPResponse: an HTTP/1.x answer split into status, header fields and body (Content-Length, chunked, or to close).

import TraceKit

/// A parsed HTTP/1.x response. Header names are lowercased; a repeated field keeps its last value.
struct HTTPResponse: Equatable, Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    /// Parses the bytes read until the server closed the connection.
    init(parsing response: [UInt8]) throws(OTLPExportError) {
        guard let headEnd = Self.find([13, 10, 13, 10], in: response) else {
            throw .malformedResponse(String(decoding: response.prefix(100), as: UTF8.self))
        }
        let head = String(decoding: response[..<headEnd], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        let statusLine = lines.popFirst() ?? ""
        let fields = statusLine.split(separator: " ", maxSplits: 2)
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/1."), fields[1].count == 3, let status = Int(fields[1])
        else { throw .malformedResponse(String(statusLine)) }
        self.status = status
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            headers[name] = value
        }
        self.headers = headers
        let rest = response[(headEnd + 4)...]
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try Self.dechunk(rest)
        } else if let length = headers["content-length"].flatMap({ Int($0) }), length >= 0 {
            body = Array(rest.prefix(length))
        } else {
            body = Array(rest)
        }
    }

    /// The body as text, for error messages.
    var bodyText: String { String(decoding: body.prefix(4096), as: UTF8.self) }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }

    /// Joins the chunks of a `Transfer-Encoding: chunked` body (extensions and trailers are ignored).
    static func dechunk(_ bytes: ArraySlice<UInt8>) throws(OTLPExportError) -> [UInt8] {
        var body: [UInt8] = []
        var position = bytes.startIndex
        while position < bytes.endIndex {
            guard let lineEnd = bytes[position...].firstIndex(of: 10) else { break }
            let sizeText = String(decoding: bytes[position..<lineEnd], as: UTF8.self)
                .prefix { $0 != ";" && $0 != "\r" }
            guard let size = Int(sizeText.trimmingWhitespace(), radix: 16), size >= 0 else {
                throw .malformedResponse("bad chunk size '\(sizeText.prefix(20))'")
            }
            if size == 0 { break }
            let start = lineEnd + 1
            let end = min(bytes.endIndex, start + size)
            body.append(contentsOf: bytes[start..<end])
            position = min(bytes.endIndex, end + 2)
        }
        return body
    }
}
