// ConnectionSlots: the connection cap of a metrics server, kept by closing stalled connections, never new ones.

import Hummingbird
import HummingbirdCore
import NIOCore
import TraceKit
import TraceSync

/// The open connections of a ``MetricsServer`` and whether each is being answered, so that the connection cap is
/// held against idle and slow clients instead of against the next scrape.
///
/// With Hummingbird's `MaximumAvailableConnections` alone, a server whose cap is taken by clients that connect and
/// send nothing (or a byte at a time) stops accepting until the idle timeout closes one of them: a scrape waited
/// 30 s. Here, a connection that arrives at the cap takes the place of the connection that has waited longest
/// without a request being answered on it (idle between requests, or still sending its request head); that one
/// is closed. A connection whose request is being answered is never closed for another. Only when every
/// connection is being answered does the server stop accepting (the listen backlog holds the newcomers), and then
/// each connection whose response is complete is closed rather than kept alive, so accepting resumes at once.
final class ConnectionSlots: Sendable {
    private struct Entry {
        let channel: any Channel
        var busy = false
        /// When the connection last became idle (or was opened), in admission order: the smallest waited longest.
        var idleSince: UInt64
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var clock: UInt64 = 0
        /// Set when the server stopped accepting because every connection was busy.
        var acceptPaused = false
    }

    let maximum: Int
    private let state = Locked(State())

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// The number of connections open.
    var count: Int { state.withLock { $0.entries.count } }

    /// Registers a new connection; at the cap, closes the connection that has waited longest without a request
    /// being answered on it.
    func admit(_ channel: any Channel) {
        let evicted: (any Channel)? = state.withLock { state in
            state.clock += 1
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, idleSince: state.clock)
            guard state.entries.count > maximum else { return nil }
            let oldest = state.entries.filter { key, entry in !entry.busy && key != ObjectIdentifier(channel) }
                .min { $0.value.idleSince < $1.value.idleSince }
            guard let oldest else { return nil }
            return state.entries.removeValue(forKey: oldest.key)?.channel
        }
        evicted?.close(promise: nil)
    }

    /// A request head arrived on `channel`: it is being answered and is not closed for a newcomer.
    func markBusy(_ channel: any Channel) {
        state.withLock { state in state.entries[ObjectIdentifier(channel)]?.busy = true }
    }

    /// The response on `channel` is complete; returns whether to close the connection rather than keep it alive
    /// (the server stopped accepting because every connection was busy).
    func markIdle(_ channel: any Channel) -> Bool {
        state.withLock { state in
            state.clock += 1
            state.entries[ObjectIdentifier(channel)]?.busy = false
            state.entries[ObjectIdentifier(channel)]?.idleSince = state.clock
            return state.acceptPaused
        }
    }

    /// The connection closed.
    func remove(_ channel: any Channel) {
        state.withLock { state in
            state.entries[ObjectIdentifier(channel)] = nil
            state.acceptPaused = false
        }
    }

    /// Whether the server may accept another connection: below the cap, or some connection can make room.
    func acceptsMore() -> Bool {
        state.withLock { state in
            let accepts = state.entries.count < maximum || state.entries.values.contains { !$0.busy }
            state.acceptPaused = !accepts
            return accepts
        }
    }
}

/// Tells Hummingbird's accept loop whether to accept, from ``ConnectionSlots``.
struct ConnectionSlotsDelegate: AvailableConnectionsDelegate {
    let slots: ConnectionSlots
    mutating func connectionOpened() {}
    mutating func connectionClosed() {}
    func isAcceptingNewConnections() -> Bool { slots.acceptsMore() }
}
