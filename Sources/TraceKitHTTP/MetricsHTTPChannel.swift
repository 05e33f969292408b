// MetricsHTTPChannel: Hummingbird's HTTP/1 connection setup with the handlers a metrics server adds to it.

import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Sets up each accepted connection as Hummingbird's `HTTP1Channel` does, plus, in pipeline order:
/// ``RequestLineGuard`` (HTTP/0.9 request lines), NIO's HTTP/1 codec, ``HTTPVersionHandler`` (HTTP/1.0 answered as
/// HTTP/1.0, `CONNECT` refused), ``ConnectionSlotHandler`` (the connection cap), Hummingbird's conversion to HTTP
/// types and its idle timeout. Requests are then served by Hummingbird's own loop (`handleHTTP`).
struct MetricsHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

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
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}
