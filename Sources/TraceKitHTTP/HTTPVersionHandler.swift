// HTTPVersionHandler: answers each request in its own HTTP version, closes unless kept alive, and refuses CONNECT.

import NIOCore
import NIOHTTP1

/// Sits between NIO's HTTP/1 codec and Hummingbird's conversion to HTTP types, which knows nothing of versions.
///
/// - Hummingbird answers every request as `HTTP/1.1` and keeps the connection open unless the request said
///   `Connection: close`. An `HTTP/1.0` request is answered here as `HTTP/1.0`, with `Connection: close`, and the
///   connection is closed after the response, unless it asked for `Connection: keep-alive` (then the response says
///   `Connection: keep-alive`). An `HTTP/1.1` request with `Connection: close` gets `Connection: close` too.
/// - `CONNECT` asks for a tunnel, and NIO's parser stops parsing after it; the router's 404 then went out without a
///   `Content-Length` on a connection left open. It is answered here with `405 Method Not Allowed`
///   (`Allow: GET, HEAD`, `Content-Length`, `Connection: close`) and the connection closed.
final class HTTPVersionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Version and keep-alive of the requests not yet answered, oldest first (clients may pipeline).
    private var pending: [(version: HTTPVersion, keepAlive: Bool)] = []
    private var closeAfterResponse = false
    private var refusing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refusing else { return }
        if case .head(let head) = unwrapInboundIn(data) {
            if head.method == .CONNECT {
                refusing = true
                refuseConnect(context: context, version: head.version)
                return
            }
            pending.append((head.version, head.isKeepAlive))
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            let request = pending.isEmpty ? (version: HTTPVersion.http1_1, keepAlive: true) : pending.removeFirst()
            if request.version.major == 1, request.version.minor == 0 { head.version = .http1_0 }
            if request.keepAlive {
                if head.version == .http1_0 { head.headers.replaceOrAdd(name: "connection", value: "keep-alive") }
            } else {
                head.headers.replaceOrAdd(name: "connection", value: "close")
                closeAfterResponse = true
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            guard closeAfterResponse else {
                context.write(data, promise: promise)
                return
            }
            let written = context.writeAndFlush(data)
            written.cascade(to: promise)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.whenComplete { _ in loopBound.value.close(promise: nil) }
        }
    }

    /// Writes the 405 as bytes below NIO's response encoder, which frames every answer to `CONNECT` as a tunnel
    /// switch (no body, `Content-Length` stripped), right only for a 2xx; then closes the connection.
    private func refuseConnect(context: ChannelHandlerContext, version: HTTPVersion) {
        let body = "method not allowed: use GET or HEAD\n"
        let text =
            "HTTP/1.\(version.minor == 0 ? 0 : 1) 405 Method Not Allowed\r\nAllow: \(MetricsEndpoint.allowedMethods)\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n\(body)"
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        guard let below = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
            context.close(promise: nil)
            return
        }
        below.writeAndFlush(NIOAny(ByteBuffer(string: text))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}
