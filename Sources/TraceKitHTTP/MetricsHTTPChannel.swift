// MetricsHTTPChannel: Hummingbird's HTTP/1 connection setup with the handlers a metrics server adds to it.

import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Synchronization

/// Sets up each accepted connection as Hummingbird's `HTTP1Channel` does, plus, in pipeline order:
/// ``RequestLineGuard`` (HTTP/0.9 request lines), NIO's HTTP/1 codec, ``HTTPVersionHandler`` (HTTP/1.0 answered as
/// HTTP/1.0, `CONNECT` refused), ``ConnectionSlotHandler`` (the connection cap), Hummingbird's conversion to HTTP
/// types and its idle timeout. Requests are then served by Hummingbird's own loop (`handleHTTP`).
struct MetricsHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    /// An accepted connection, and who finishes it if the server never serves it.
    struct Value: ServerChildChannelValue {
        let asyncChannel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>
        let handover: ConnectionHandover
        var channel: any Channel { asyncChannel.channel }
    }

    let responder: HTTPChannelHandler.Responder
    let configuration: MetricsServerConfiguration
    let slots: ConnectionSlots

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            slots.admit(channel)
            let slots = self.slots
            channel.closeFuture.whenComplete { _ in slots.remove(channel) }
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.maximumHeaderBytes
            limits.maxHeaderListSize = configuration.maximumHeaderBytes
            limits.maxHeaderFieldCount = configuration.maximumHeaderCount
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(RequestLineGuard(maximumLineBytes: configuration.maximumHeaderBytes))
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,  // Hummingbird's NIOAsyncChannel loop answers requests in order
                withErrorHandling: false,  // Hummingbird answers parse errors with 400
                withOutboundHeaderValidation: false,  // HTTP types validate headers already
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: limits
            )
            try pipeline.addHandler(HTTPVersionHandler())
            try pipeline.addHandler(ConnectionSlotHandler(slots: slots))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(
                HTTPConnectionStateHandler(idleTimeout: configuration.idleTimeout, logger: logger))
            let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
            let handover = ConnectionHandover(asyncChannel)
            channel.closeFuture.whenComplete { _ in handover.finishIfUnserved() }
            return Value(asyncChannel: asyncChannel, handover: handover)
        }
    }

    func handle(value: Value, logger: Logger) async {
        guard value.handover.claim() else { return }
        await handleHTTP(asyncChannel: value.asyncChannel, logger: logger)
    }
}

/// Keeps an accepted connection's `NIOAsyncChannel` alive until the server serves it, and finishes it when the
/// connection closes unserved. A server task cancelled while a connection is being accepted drops that connection
/// without serving it, and NIO then traps ("Deinited NIOAsyncWriter without calling finish()", swift-nio issues
/// 2637 and 2813): the whole process dies because a scrape arrived during a shutdown.
final class ConnectionHandover: Sendable {
    private let asyncChannel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>
    private let claimed = Atomic<Bool>(false)

    init(_ asyncChannel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>) {
        self.asyncChannel = asyncChannel
    }

    /// The server serves the connection; `false` if it closed unserved first.
    func claim() -> Bool {
        !claimed.exchange(true, ordering: .acquiringAndReleasing)
    }

    /// Called when the connection closes: finishes it if nobody served it (`executeThenClose` finishes the
    /// writer; the channel is closed already).
    func finishIfUnserved() {
        guard claim() else { return }
        let asyncChannel = self.asyncChannel
        Task { try? await asyncChannel.executeThenClose { _, _ in } }
    }
}
