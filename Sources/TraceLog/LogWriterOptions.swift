// LogWriterOptions: how a LogWriter seals, syncs, buffers and rotates.

import TraceKit

/// Settings for a `LogWriter`; the defaults suit a service writing a few thousand spans a second.
///
/// ```swift
/// var options = LogWriterOptions()
/// options.flushInterval = .milliseconds(200)
/// options.syncPolicy = .everyBlock
/// options.rotation = .init(maxFileBytes: 64 << 20, maxFileAge: .seconds(3600))
/// let writer = try LogWriter(path: "/var/log/app.tklog", resource: Resource(serviceName: "app"), options: options)
/// ```
public struct LogWriterOptions: Sendable {
    /// When to call `fsync`.
    public enum SyncPolicy: Hashable, Sendable {
        /// Never; the OS writes back when it likes. Survives a process crash, not a power cut.
        case never
        /// On `flush()` and when the writer closes or rotates a file.
        case onFlush
        /// After every block, and on `flush()` and close.
        case everyBlock
    }

    /// What `consume` does when the hand-over buffer is full.
    public enum OverflowPolicy: Hashable, Sendable {
        /// Drop the new span, count it, and write a drop notice into the log.
        case dropNewest
        /// Wait until the writer thread has taken spans from the buffer, however long that takes.
        case blockCaller
        /// Wait for the writer thread to take spans from the buffer, but at most this long. A writer that takes
        /// none in that time is stalled (a hung disk, say): the span is dropped, and so are later ones, at once,
        /// until the writer takes spans again. So a caller that outruns a working writer is slowed to its pace
        /// and loses nothing, and a stalled writer costs each caller at most one wait.
        case blockCallerUpTo(Duration)
    }

    /// When to start a new file. The full file is renamed to `<stem>.<000001>.<ext>` (numbers increase),
    /// and a new file is started under the configured path.
    public struct Rotation: Hashable, Sendable {
        /// Rotate once the file has at least this many bytes; `nil` for no size limit.
        public var maxFileBytes: Int64?
        /// Rotate once the file has been written for this long; `nil` for no age limit.
        public var maxFileAge: Duration?
        /// Keep at most this many rotated files, deleting the oldest after each rotation; `nil` keeps them all.
        public var maxRotatedFiles: Int?

        /// Rotation by size, by age, or both (whichever comes first), keeping `maxRotatedFiles` old files.
        public init(maxFileBytes: Int64? = nil, maxFileAge: Duration? = nil, maxRotatedFiles: Int? = nil) {
            self.maxFileBytes = maxFileBytes
            self.maxFileAge = maxFileAge
            self.maxRotatedFiles = maxRotatedFiles.map { max(0, $0) }
        }

        /// Never rotate.
        public static let none = Rotation()
    }

    /// The longest a span waits before its block is sealed and written (default 1 s).
    public var flushInterval: Duration = .seconds(1)
    /// When to `fsync` (default `.onFlush`).
    public var syncPolicy: SyncPolicy = .onFlush
    /// How many spans the hand-over buffer holds (default 16384: about 5 MB when full of spans with two
    /// attributes; with the writer draining it, a burst of about 50,000 spans from one thread at full speed
    /// passes without slowing the caller. `Docs/Tracing.md` has the measurements).
    public var bufferCapacity: Int = 16384
    /// What to do when it is full (default `.blockCallerUpTo(.milliseconds(100))`: a caller that outruns the
    /// writer waits for it and loses nothing; a writer stalled for 100 ms makes spans drop, counted).
    public var overflowPolicy: OverflowPolicy = .blockCallerUpTo(.milliseconds(100))
    /// When to rotate (default never).
    public var rotation: Rotation = .none
    /// zlib level, 1 (fast) to 9 (small); default 6.
    public var compressionLevel: Int = 6
    /// The id scheme of the recorder whose spans are written, so ids are stored as small counters.
    /// When `nil`, the writer adopts the scheme of the bootstrapped recorder if this writer is one of its sinks.
    public var identifiers: TraceRecorder.IdentifierScheme?

    /// The defaults: 1 s flush interval, fsync on flush, 16384 spans, wait up to 100 ms for room, no rotation,
    /// level 6.
    public init() {}
}
