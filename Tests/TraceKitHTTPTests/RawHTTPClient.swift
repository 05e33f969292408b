// RawHTTPClient: a blocking loopback socket client for tests that must send exact (or hostile) bytes.

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One TCP connection to 127.0.0.1 with a receive timeout; sends raw bytes, reads a response or until close.
final class RawHTTPClient: @unchecked Sendable {
    // @unchecked Sendable: tests hand a connection from thread to thread but never use it from two at once.
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32

    init(port: Int, receiveTimeout: Duration = .seconds(10)) throws {
        fd = try Self.connectedSocket(port: port, receiveTimeout: receiveTimeout)
    }

    deinit { close(fd) }

    /// Opens and connects a socket; closes it itself on failure.
    ///
    /// A separate step on purpose: a class initializer that throws after its stored properties are set still runs
    /// `deinit`, so closing in the initializer and again in `deinit` would close whatever descriptor another thread
    /// (a server's event loop) opened under the same number in between.
    private static func connectedSocket(port: Int, receiveTimeout: Duration) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let failure = errno
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(failure)")
        }
        let seconds = receiveTimeout.components.seconds
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends all of `bytes`; returns false when the peer closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads until the peer closes, the timeout passes, or `limit` bytes arrived.
    func readAll(limit: Int = 16 << 20) -> [UInt8] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while data.count < limit {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return data
    }

    /// Reads until the peer closes or the receive timeout passes; says which.
    func readUntilClosed(limit: Int = 1 << 20) -> (bytes: [UInt8], closedByPeer: Bool) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while data.count < limit {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (data, true) }
            if count < 0 { return (data, errno == ECONNRESET) }
            data.append(contentsOf: buffer[0..<count])
        }
        return (data, false)
    }

    /// Whether the peer has closed the connection (or reset it), without waiting: a read that would block is "open".
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    /// Reads one response: headers, then `Content-Length` bytes of body (none for HEAD), else until close.
    func readResponse(isHead: Bool = false) throws -> Response {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        func receive() -> Bool {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return false }
            data.append(contentsOf: buffer[0..<count])
            return true
        }
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Self.find([13, 10, 13, 10], in: data)
            if headerEnd == nil, !receive() {
                throw Failure(description: "connection ended before a full response head: \(data.count) bytes")
            }
        }
        guard let headerEnd else { throw Failure(description: "no header end") }
        let head = String(decoding: data[0..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let bodyStart = headerEnd + 4
        if isHead { return Response(status: status, headers: headers, body: []) }
        if let length = headers["content-length"].flatMap(Int.init) {
            while data.count < bodyStart + length {
                if !receive() { throw Failure(description: "body ended early") }
            }
            return Response(status: status, headers: headers, body: Array(data[bodyStart..<bodyStart + length]))
        }
        while receive() {}
        return Response(status: status, headers: headers, body: Array(data[bodyStart...]))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    /// One GET (or other method) with the given headers on a fresh connection, off the concurrency pool.
    static func request(
        port: Int, method: String = "GET", path: String = "/metrics", headers: [String: String] = [:]
    ) async throws -> Response {
        try await offThread { try requestBlocking(port: port, method: method, path: path, headers: headers) }
    }

    /// One GET (or other method) with the given headers on a fresh connection; blocks the calling thread.
    static func requestBlocking(
        port: Int, method: String = "GET", path: String = "/metrics", headers: [String: String] = [:]
    ) throws -> Response {
        let client = try RawHTTPClient(port: port)
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        guard client.send(text) else { throw Failure(description: "send failed") }
        return try client.readResponse(isHead: method == "HEAD")
    }
}
