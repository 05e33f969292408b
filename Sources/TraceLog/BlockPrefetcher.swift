// BlockPrefetcher: reads ahead: one thread finds and inflates blocks, two threads decode them, in file order.

import TraceKit
import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The entries of one block (or one damaged region), as read ahead.
struct BlockBatch<Entry: DecodedBlockEntry> {
    var entries: [Entry]
    /// Whether the block was the BGZF end-of-file marker.
    var isEndOfFileMarker: Bool
    /// The offset after it.
    var nextOffset: Int64
}

/// Reads a file's blocks ahead of the caller and decodes them on two helper threads, handing batches out in
/// file order; with a preparer, the decoding threads also run its order-independent work on each span.
///
/// Replay time goes mostly into building span values, and blocks decode independently, so decoding on other
/// cores speeds replay up. Memory stays bounded: at most `depth` blocks are in flight.
// @unchecked Sendable: the scanner is used only by the scanning thread; the queues, results and flags are read
// and written only while `mutex` is held; `threads` is touched only by the owning reader's thread (start, cancel).
final class BlockPrefetcher<Entry: DecodedBlockEntry>: @unchecked Sendable {
    /// A block found and inflated, waiting to be decoded.
    private struct Work {
        var sequence: Int
        var payload: [UInt8]
        var offset: Int64
        var size: Int
        var nextOffset: Int64
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // The state marked `@exclusivity(unchecked)` is only touched while `mutex` is held. One condition per kind of
    // waiter, so a change wakes only the threads it concerns (a wake-up that finds nothing to do costs two
    // context switches, and there were about 1,000 of them per million spans with one shared condition).
    /// The caller waits here for the next batch in order.
    private let resultReady: UnsafeMutablePointer<pthread_cond_t>
    /// The decoding threads wait here for blocks to decode.
    private let workReady: UnsafeMutablePointer<pthread_cond_t>
    /// The scanning thread waits here while `depth` blocks are in flight.
    private let spaceFree: UnsafeMutablePointer<pthread_cond_t>
    @exclusivity(unchecked) private var work: [Work] = []
    @exclusivity(unchecked) private var results: [Int: BlockBatch<Entry>] = [:]
    @exclusivity(unchecked) private var produced = 0
    @exclusivity(unchecked) private var consumed = 0
    @exclusivity(unchecked) private var scanFinished = false
    @exclusivity(unchecked) private var cancelled = false
    private var threads: [pthread_t] = []
    private let depth: Int
    private let scanner: BlockScanner
    private let path: String
    private let preparer: (any SplitSpanSink)?
    /// The attribute keys whose values are decoded (nil: all).
    private let attributeKeys: Set<String>?

    init(
        scanner: BlockScanner, path: String, preparer: (any SplitSpanSink)? = nil, attributeKeys: Set<String>? = nil,
        depth: Int = 8
    ) {
        self.scanner = scanner
        self.path = path
        self.preparer = preparer
        self.attributeKeys = attributeKeys
        self.depth = depth
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        resultReady = .allocate(capacity: 1)
        workReady = .allocate(capacity: 1)
        spaceFree = .allocate(capacity: 1)
        for condition in [resultReady, workReady, spaceFree] { pthread_cond_init(condition, nil) }
    }

    deinit {
        cancel()
        for condition in [resultReady, workReady, spaceFree] {
            pthread_cond_destroy(condition)
            condition.deallocate()
        }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Starts the scanning thread and two decoding threads; returns `false` if no thread could be created
    /// (the caller then reads directly).
    func start() -> Bool {
        guard spawn({ $0.scan() }) else { return false }
        let decoders = [spawn { $0.decode() }, spawn { $0.decode() }].filter { $0 }.count
        guard decoders > 0 else {
            // Nothing would decode what the scanner finds: stop it, and let the caller read directly.
            cancel()
            return false
        }
        return true
    }

    private func spawn(_ body: @escaping (BlockPrefetcher) -> Void) -> Bool {
        let start = ThreadStart(prefetcher: self, body: body)
        guard case .success(let handle) = DedicatedThread.start({ start.body(start.prefetcher) }) else { return false }
        threads.append(handle)
        return true
    }

    /// The next batch in file order, waiting for the helpers; `nil` at the end of the file.
    func next() -> BlockBatch<Entry>? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while results[consumed] == nil && !(scanFinished && consumed == produced) {
            pthread_cond_wait(resultReady, mutex)
        }
        guard let batch = results.removeValue(forKey: consumed) else { return nil }
        consumed += 1
        pthread_cond_signal(spaceFree)
        return batch
    }

    /// Stops the helper threads and waits for them.
    func cancel() {
        // The scanner may be deep in a search through a long damaged region (or endless zeros): end it too.
        scanner.abandoned.store(true, ordering: .relaxed)
        pthread_mutex_lock(mutex)
        cancelled = true
        for condition in [resultReady, workReady, spaceFree] { pthread_cond_broadcast(condition) }
        pthread_mutex_unlock(mutex)
        for thread in threads { pthread_join(thread, nil) }
        threads.removeAll()
    }

    /// Scanning thread: finds and inflates blocks; damage needs no decoding and goes straight to the results.
    private func scan() {
        while true {
            let step = scanner.next()
            var item: Work?
            var ready: BlockBatch<Entry>?
            switch step {
            case .block(let offset, let size, let payloadLength):
                item = Work(
                    sequence: 0, payload: Array(scanner.inflater.payload[0..<payloadLength]), offset: offset,
                    size: size, nextOffset: scanner.offset)
            case .damage(let offset, let length, let reason, let kind):
                let damage = LogDamage(path: path, offset: offset, length: length, reason: reason, kind: kind)
                ready = BlockBatch(
                    entries: [Entry.damage(damage)], isEndOfFileMarker: false, nextOffset: scanner.offset)
            case .end:
                break
            }
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            while produced - consumed >= depth && !cancelled { pthread_cond_wait(spaceFree, mutex) }
            if cancelled || (item == nil && ready == nil) {
                scanFinished = true
                pthread_cond_broadcast(workReady)
                pthread_cond_broadcast(resultReady)
                return
            }
            if var item {
                item.sequence = produced
                work.append(item)
                pthread_cond_signal(workReady)
            } else if let ready {
                results[produced] = ready
                pthread_cond_broadcast(resultReady)
            }
            produced += 1
        }
    }

    /// Decoding thread: turns inflated payloads into entries.
    private func decode() {
        while true {
            pthread_mutex_lock(mutex)
            while work.isEmpty && !scanFinished && !cancelled { pthread_cond_wait(workReady, mutex) }
            guard !cancelled, !work.isEmpty else {
                pthread_mutex_unlock(mutex)
                return
            }
            let item = work.removeFirst()
            pthread_mutex_unlock(mutex)

            var entries: [Entry] = []
            item.payload.withUnsafeBytes { raw in
                Entry.decodeBlock(
                    raw, offset: item.offset, size: item.size, path: path, attributeKeys: attributeKeys,
                    into: &entries)
            }
            if let preparer { Entry.prepare(entries, for: preparer) }
            let batch = BlockBatch(
                entries: entries, isEndOfFileMarker: item.payload.isEmpty, nextOffset: item.nextOffset)
            pthread_mutex_lock(mutex)
            results[item.sequence] = batch
            pthread_cond_broadcast(resultReady)
            pthread_mutex_unlock(mutex)
        }
    }
}

/// What a helper thread runs.
// @unchecked Sendable: created before the thread starts and only read by it afterwards.
private final class ThreadStart<Entry: DecodedBlockEntry>: @unchecked Sendable {
    let prefetcher: BlockPrefetcher<Entry>
    let body: (BlockPrefetcher<Entry>) -> Void

    init(prefetcher: BlockPrefetcher<Entry>, body: @escaping (BlockPrefetcher<Entry>) -> Void) {
        self.prefetcher = prefetcher
        self.body = body
    }
}
