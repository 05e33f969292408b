// LogFileAppender: the writer thread's side of a LogWriter: encodes spans into blocks and appends them to files.

import TraceKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Encodes, compresses and appends blocks; handles write errors, fsync policy and rotation.
///
/// Owned by exactly one thread at a time (the opener, then the writer thread); never shared.
final class LogFileAppender {
    let path: String
    let options: LogWriterOptions
    let resource: Resource
    let counters: LogWriterCounters
    let onError: (@Sendable (TraceLogError) -> Void)?
    private(set) var recovery: LogRecovery
    /// `nil` only when opening failed after a rotation (reported; the next write tries again).
    private var file: FileHandle?
    /// Whether an existing file's torn tail (or end-of-file marker) was cut off; deferred to the first write, so
    /// a writer that never writes leaves an existing log as it was.
    private var isPreparedForWriting = false
    /// Whether this writer created the file (then an unused writer removes it again).
    private var createdFile = false
    private var fileOffset: Int64
    private var fileOpenedAtNanoseconds: UInt64
    private var fileSequence: UInt64 = 0
    private var needsFileHeader = true
    /// Whether the open block carries this session's file header (rewritten in the next block if the write fails).
    private var blockHasFileHeader = false
    private var isRotating = false
    // Owned by one thread (see the type's comment) and never accessed overlappingly: no dynamic exclusivity
    // checks on the per-span path.
    @exclusivity(unchecked) private var encoder: BlockEncoder
    private let compressor: BlockCompressor
    /// When the current block got its first record (monotonic ns), or `nil` when it is empty.
    private(set) var blockStartedAtNanoseconds: UInt64?
    /// Drops not yet written as a record, by reason code.
    private var unrecordedDrops: [UInt8: UInt64] = [:]
    /// Adopts a recorder's id keys at the next block boundary.
    var identifierSource: () -> TraceRecorder.IdentifierScheme?

    init(
        path: String, resource: Resource, options: LogWriterOptions, counters: LogWriterCounters,
        onError: (@Sendable (TraceLogError) -> Void)?, identifierSource: @escaping () -> TraceRecorder.IdentifierScheme?
    ) throws(TraceLogError) {
        self.path = path
        self.options = options
        self.resource = resource
        self.counters = counters
        self.onError = onError
        self.identifierSource = identifierSource
        self.compressor = try BlockCompressor(level: Int32(max(0, min(9, options.compressionLevel))))
        self.encoder = BlockEncoder(identifiers: options.identifiers.map(IdentifierKeys.init))
        if FileHandle.exists(path) {
            let file = try FileHandle.openForWriting(path, create: false)
            self.file = file
            self.recovery = try LogRecovery.scan(file)
        } else {
            // Created now, so that a follower can open the path at once; `abandon()` removes it again if the
            // writer is released unused.
            self.file = try FileHandle.openForWriting(path, create: true)
            self.createdFile = true
            self.isPreparedForWriting = true
            self.recovery = LogRecovery(existingBytes: 0, resumeOffset: 0, discardedBytes: 0, damagedRegions: [])
        }
        self.fileOffset = recovery.resumeOffset
        self.fileOpenedAtNanoseconds = MonotonicClock.nowNanoseconds()
    }

    /// Opens (or creates) `path`, keeps its complete blocks and cuts off a torn tail.
    private static func openForAppend(_ path: String) throws(TraceLogError) -> (FileHandle, LogRecovery) {
        let file = try FileHandle.openForWriting(path, create: true)
        let recovery = try LogRecovery.scan(file)
        try cutTornTail(of: file, recovery)
        return (file, recovery)
    }

    private static func cutTornTail(of file: FileHandle, _ recovery: LogRecovery) throws(TraceLogError) {
        guard recovery.resumeOffset < recovery.existingBytes else { return }
        let code = file.truncate(to: recovery.resumeOffset)
        guard code == 0 else {
            throw TraceLogError.writeFailed(path: file.path, offset: recovery.resumeOffset, errno: code)
        }
    }

    /// Creates the file (or cuts an existing one's torn tail) now, if that has not happened yet.
    func prepareFile() {
        if !isPreparedForWriting { _ = fileForWriting() }
    }

    /// The file, created or with its torn tail cut off on first use; `nil` (reported) when that fails.
    private func fileForWriting() -> FileHandle? {
        if isPreparedForWriting, let file { return file }
        do throws(TraceLogError) {
            let file: FileHandle
            if let opened = self.file {
                file = opened
            } else {
                file = try FileHandle.openForWriting(path, create: true)
            }
            self.file = file
            try Self.cutTornTail(of: file, recovery)
            isPreparedForWriting = true
            return file
        } catch {
            report(error)
            return nil
        }
    }

    /// Prepares an empty block: id keys, and the file header when this is the first block this writer puts in the file.
    private func startBlockIfEmpty() {
        guard encoder.isEmpty else { return }
        if encoder.identifiers == nil, let scheme = identifierSource() {
            encoder.identifiers = IdentifierKeys(scheme)
        }
        blockStartedAtNanoseconds = MonotonicClock.nowNanoseconds()
        if needsFileHeader {
            let header = LogFileHeader(
                formatVersion: LogFormat.formatVersion, resource: resource,
                openedUnixNanoseconds: WallClock.nowUnixNanoseconds(),
                fileSequence: fileSequence)
            // A header alone always fits an empty block unless the resource is absurdly large; then it is left out.
            blockHasFileHeader = encoder.append(header)
            needsFileHeader = false
        }
    }

    /// Adds one span, sealing the block first when it is full.
    func add(_ span: SpanRecord) {
        startBlockIfEmpty()
        if encoder.append(span) { return }
        sealBlock()
        startBlockIfEmpty()
        if encoder.append(span) { return }
        // Larger than a block: only a span that skipped the recorder's limits (handed to the writer directly) can
        // be. Shorten it to what the limits allow at most, which always fits, rather than lose it.
        var shortened = span
        Self.largestLimits.apply(to: &shortened)
        if encoder.append(shortened) { return }
        counters.spansTooLarge.add(1, ordering: .relaxed)
        unrecordedDrops[DroppedSpans.Reason.tooLarge.code, default: 0] += 1
        report(.spanTooLarge(bytes: BlockEncoder.soloSize(span, identifiers: encoder.identifiers)))
    }

    /// The limits a span too large for a block is shortened to.
    static let largestLimits = SpanLimits(maxSpanBytes: SpanLimits.largestSpanBytes)

    /// Counts spans dropped before they reached the writer thread; they are written as a drop notice.
    func noteDropped(_ count: UInt64, reason: DroppedSpans.Reason) {
        guard count > 0 else { return }
        unrecordedDrops[reason.code, default: 0] += count
    }

    /// Writes the pending drop notices into the current block.
    private func appendDropNotices() {
        guard !unrecordedDrops.isEmpty else { return }
        let now = WallClock.nowUnixNanoseconds()
        for (code, count) in unrecordedDrops.sorted(by: { $0.key < $1.key }) {
            startBlockIfEmpty()
            let notice = DroppedSpans(
                reason: DroppedSpans.Reason(code: code), count: count, recordedUnixNanoseconds: now)
            if !encoder.append(notice) {
                sealBlock(includingDropNotices: false)
                startBlockIfEmpty()
                _ = encoder.append(notice)
            }
        }
        unrecordedDrops.removeAll()
    }

    /// Whether the current block is older than the flush interval.
    var blockIsDue: Bool {
        guard let started = blockStartedAtNanoseconds else { return !unrecordedDrops.isEmpty }
        return MonotonicClock.nowNanoseconds() &- started >= options.flushInterval.wholeNanoseconds
    }

    /// The monotonic time by which the writer thread must wake up to seal the current block in time.
    var nextDeadline: UInt64 {
        let interval = options.flushInterval.wholeNanoseconds
        let now = MonotonicClock.nowNanoseconds()
        // With an empty block, poll the buffer every quarter interval, so a span waits at most 1.25 intervals.
        var deadline = blockStartedAtNanoseconds.map { $0 &+ interval } ?? now &+ interval / 4
        if let age = options.rotation.maxFileAge {
            deadline = min(deadline, fileOpenedAtNanoseconds &+ age.wholeNanoseconds)
        }
        return max(deadline, now &+ 1_000_000)
    }

    /// Seals the current block (with any drop notices) and appends it to the file.
    func sealBlock(includingDropNotices: Bool = true) {
        if includingDropNotices { appendDropNotices() }
        guard !encoder.isEmpty else { return }
        let spanCount = UInt64(encoder.spanCount)
        let (payload, sectionEnds) = encoder.sealSections()
        blockStartedAtNanoseconds = nil
        let block: [UInt8]
        do {
            block = try compressor.makeBlock(payload, sectionEnds: sectionEnds)
        } catch {
            counters.spansLost.add(spanCount, ordering: .relaxed)
            unrecordedDrops[DroppedSpans.Reason.writeFailed.code, default: 0] += spanCount
            needsFileHeader = needsFileHeader || blockHasFileHeader
            blockHasFileHeader = false
            report(error)
            return
        }
        let file = fileForWriting()
        let code = file?.write(block, at: fileOffset) ?? -1
        guard code == 0 else {
            // Cut off whatever part of the block reached the file, so the next block follows the last good one.
            _ = file?.truncate(to: fileOffset)
            counters.writeErrors.add(1, ordering: .relaxed)
            counters.spansLost.add(spanCount, ordering: .relaxed)
            unrecordedDrops[DroppedSpans.Reason.writeFailed.code, default: 0] += spanCount
            needsFileHeader = needsFileHeader || blockHasFileHeader
            blockHasFileHeader = false
            if code > 0 { report(.writeFailed(path: path, offset: fileOffset, errno: code)) }
            return
        }
        fileOffset += Int64(block.count)
        blockHasFileHeader = false
        counters.blocksWritten.add(1, ordering: .relaxed)
        counters.bytesWritten.add(UInt64(block.count), ordering: .relaxed)
        counters.spansWritten.add(spanCount, ordering: .relaxed)
        if options.syncPolicy == .everyBlock { sync() }
        if !isRotating { rotateIfDue() }
    }

    /// `fsync`s the file unless the policy is `.never`.
    func syncForFlush() {
        if options.syncPolicy != .never { sync() }
    }

    private func sync() {
        guard let file, isPreparedForWriting else { return }
        let code = file.sync()
        if code != 0 { report(.syncFailed(path: path, errno: code)) }
    }

    private func report(_ error: TraceLogError) {
        counters.lastError.withLock { $0 = error }
        onError?(error)
    }

    /// Writes the end-of-file marker (then the file is a complete BGZF file).
    private func writeEndOfFileMarker() {
        guard let file = fileForWriting() else { return }
        let code = file.write(LogFormat.endOfFileMarker, at: fileOffset)
        if code == 0 {
            fileOffset += Int64(LogFormat.endOfFileMarker.count)
        } else {
            _ = file.truncate(to: fileOffset)
            report(.writeFailed(path: path, offset: fileOffset, errno: code))
        }
    }

    /// Seals, writes the end-of-file marker, syncs and closes the file. A log that holds no block yet gets one
    /// with the file header, so even a log of no spans is a valid log that names its service.
    func close() {
        // No rotation now: it would leave a new file holding nothing but an end-of-file marker.
        isRotating = true
        if fileOffset == 0 { startBlockIfEmpty() }
        sealBlock()
        writeEndOfFileMarker()
        syncForFlush()
        file?.close()
    }

    /// Closes the file without writing anything: for a writer that never received a span and was released
    /// without `shutdown()` (the configuration of a failed bootstrap). An existing log stays as it was; a file
    /// this writer created (still empty) is removed.
    func abandon() {
        guard let file else { return }
        if createdFile, fileOffset == 0, let identity = file.identity, FileHandle.identity(ofPath: path) == identity {
            unlink(path)
        }
        file.close()
    }

    /// Starts a new file when the current one is too big or too old.
    func rotateIfDue() {
        let rotation = options.rotation
        var due = false
        if let maxBytes = rotation.maxFileBytes, fileOffset >= maxBytes { due = true }
        if let maxAge = rotation.maxFileAge,
            MonotonicClock.nowNanoseconds() &- fileOpenedAtNanoseconds >= maxAge.wholeNanoseconds,
            fileOffset > 0
        {
            due = true
        }
        guard due else { return }
        isRotating = true
        defer { isRotating = false }
        sealBlock()
        writeEndOfFileMarker()
        syncForFlush()
        let target = LogRotation.nextRotatedPath(for: path)
        guard rename(path, target) == 0 else {
            report(.rotationFailed(path: path, errno: errno))
            fileOpenedAtNanoseconds = MonotonicClock.nowNanoseconds()
            return
        }
        do {
            let (file, _) = try Self.openForAppend(path)
            self.file?.close()
            self.file = file
            isPreparedForWriting = true
            fileOffset = 0
        } catch {
            report(error)
            return
        }
        fileOpenedAtNanoseconds = MonotonicClock.nowNanoseconds()
        fileSequence += 1
        needsFileHeader = true
        counters.rotations.add(1, ordering: .relaxed)
        deleteRotatedFilesBeyondLimit()
    }

    /// Deletes the oldest rotated files so that at most `Rotation.maxRotatedFiles` remain.
    func deleteRotatedFilesBeyondLimit() {
        guard let keep = options.rotation.maxRotatedFiles else { return }
        let rotated = LogRotation.files(for: path).filter { $0 != path }
        for old in rotated.dropLast(keep) {
            if unlink(old) == 0 {
                counters.rotatedFilesDeleted.add(1, ordering: .relaxed)
            } else {
                report(.rotationFailed(path: old, errno: errno))
            }
        }
    }

}
