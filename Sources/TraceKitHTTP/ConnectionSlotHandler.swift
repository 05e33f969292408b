// ConnectionSlotHandler: tells ConnectionSlots when a connection is being answered, is idle again, or has closed.

import NIOCore
import NIOHTTP1

/// Marks its connection busy from a request head until the end of the response, and removes it from the
/// ``ConnectionSlots`` when it closes; closes it after a response when the server has stopped accepting.
final class ConnectionSlotHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let slots: ConnectionSlots

    init(slots: ConnectionSlots) {
        self.slots = slots
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { slots.markBusy(context.channel) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data), slots.markIdle(context.channel) else {
            context.write(data, promise: promise)
            return
        }
        let written = context.writeAndFlush(data)
        written.cascade(to: promise)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        written.whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        slots.remove(context.channel)
        context.fireChannelInactive()
    }
}
