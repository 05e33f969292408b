// HTTPPoster: one blocking HTTP/1.1 POST over a fresh loopback-or-LAN TCP connection, with timeouts.

import TraceKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Sends one POST and returns the status code. Blocking: call it from a dedicated thread, never from a task.
///
/// A new connection per request keeps it simple and robust (no keep-alive state to get wrong); an exporter sends a
/// batch every few seconds at most, so the handshake cost does not matter.
enum HTTPPoster {
    /// The most response bytes read; an OTLP response is a small status message.
    static let maximumResponseBytes = 1 << 20

    /// Posts `body` with `fields` (name, value) after the request line and `Host`, and returns the whole answer
    /// (any status). `timeout` bounds connecting and each send and receive; zero means no bound.
    static func post(
        _ body: [UInt8], to endpoint: HTTPEndpoint, fields: [(String, String)], timeout: Duration
    ) throws(OTLPExportError) -> HTTPResponse {
        let fd = try connect(to: endpoint, timeout: timeout)
        defer { close(fd) }
        var head = "POST \(endpoint.path) HTTP/1.1\r\nHost: \(endpoint.hostHeader)\r\n"
        for (name, value) in fields { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try send(Array(head.utf8), fd: fd, endpoint: endpoint)
        try send(body, fd: fd, endpoint: endpoint)
        return try HTTPResponse(parsing: receiveAll(fd: fd, endpoint: endpoint))
    }

    /// The `User-Agent` every request carries.
    static let userAgent = "TraceKit/\(Resource.currentLibraryVersion)"

    private static func connect(to endpoint: HTTPEndpoint, timeout: Duration) throws(OTLPExportError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list) == 0, let first = list else {
            throw .unknownHost(endpoint.host)
        }
        defer { freeaddrinfo(list) }
        var lastErrno: Int32 = 0
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else {
                lastErrno = errno
                continue
            }
            // On Linux SO_SNDTIMEO also bounds connect(); SO_RCVTIMEO bounds each read of the answer.
            var bound = Self.timeval(timeout)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            lastErrno = errno
            close(fd)
        }
        throw .connectionFailed(host: endpoint.host, port: endpoint.port, errno: lastErrno)
    }

    private static func send(_ bytes: [UInt8], fd: Int32, endpoint: HTTPEndpoint) throws(OTLPExportError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else {
                throw .transferFailed(host: endpoint.host, port: endpoint.port, reason: "send failed (errno \(errno))")
            }
            offset += sent
        }
    }

    private static func receiveAll(fd: Int32, endpoint: HTTPEndpoint) throws(OTLPExportError) -> [UInt8] {
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while response.count < maximumResponseBytes {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 {
                guard response.isEmpty else { break }
                throw .transferFailed(
                    host: endpoint.host, port: endpoint.port, reason: "no answer (errno \(errno))")
            }
            if count == 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        guard !response.isEmpty else {
            throw .transferFailed(host: endpoint.host, port: endpoint.port, reason: "connection closed without answer")
        }
        return response
    }

    /// `duration` as a socket timeout; all zero (no timeout) for zero or less, at least 1 us otherwise.
    static func timeval(_ duration: Duration) -> Glibc.timeval {
        let components = duration.components
        guard components.seconds > 0 || components.attoseconds > 0 else { return Glibc.timeval() }
        let microseconds = max(components.seconds > 0 ? 0 : 1, Int(components.attoseconds / 1_000_000_000_000))
        return Glibc.timeval(tv_sec: Int(components.seconds), tv_usec: microseconds)
    }
}
