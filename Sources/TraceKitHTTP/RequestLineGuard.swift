// RequestLineGuard: answers an HTTP/0.9 request line (no version) at once instead of letting the parser wait.

import NIOCore

/// Looks at the first request line of a connection, before NIO's HTTP parser sees the bytes.
///
/// An HTTP/0.9 request is a line `GET /metrics` with no `HTTP/x.y` and no headers. NIO's parser takes it for the
/// start of an HTTP/1 request and waits for a header block that never comes, so the client got no answer until
/// the idle timeout. This handler passes bytes on as they come and, once the first line is complete, answers a
/// line without a version with `400 Bad Request` (an HTTP/1.0 response with `Content-Length`, whose body a 0.9
/// client shows as text) and closes the connection. A line with a version is left to the parser, and the handler
/// removes itself.
final class RequestLineGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The longest first line looked at; longer ones are the parser's to refuse (414 or 400).
    private let maximumLineBytes: Int
    private var line: [UInt8] = []
    private var refused = false

    init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        let buffer = unwrapInboundIn(data)
        var complete = false
        for byte in buffer.readableBytesView {
            // Empty lines before a request line are allowed (RFC 9112, section 2.2).
            if line.isEmpty, byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") { continue }
            if byte == UInt8(ascii: "\n") {
                complete = true
                break
            }
            line.append(byte)
            if line.count >= maximumLineBytes { break }
        }
        if complete, Self.lacksVersion(line) {
            refused = true
            refuse(context: context)
            return
        }
        context.fireChannelRead(data)
        if complete || line.count >= maximumLineBytes {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    /// Whether a request line has the HTTP/0.9 form `METHOD TARGET`: two words, a method of letters and a target of
    /// visible ASCII, and no `HTTP/x.y`. Anything else (garbage included) is the parser's to judge.
    static func lacksVersion(_ line: [UInt8]) -> Bool {
        var text = line
        if text.last == UInt8(ascii: "\r") { text.removeLast() }
        let words = text.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard words.count == 2 else { return false }
        let isLetter = { (byte: UInt8) in (65...90).contains(byte) || (97...122).contains(byte) }
        return words[0].allSatisfy(isLetter) && words[1].allSatisfy { (33...126).contains($0) }
    }

    private func refuse(context: ChannelHandlerContext) {
        let body = "HTTP/0.9 requests are not supported: send an HTTP/1.0 or HTTP/1.1 request line\n"
        let head =
            "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n"
        let written = context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head + body)))
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        written.whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}
