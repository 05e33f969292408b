// StreamReadingTests: a log read through a pipe or a FIFO gives exactly what the file gives.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct StreamReadingTests {
    /// A log of several blocks, one of them damaged, and what reading the file gives.
    static func makeLog(in directory: TemporaryDirectory) throws -> (bytes: [UInt8], entries: [LogEntry]) {
        var generator = SpanGenerator(seed: 81)
        let spans = (0..<400).map { _ in generator.span() }
        let path = directory.file("stream.tklog")
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 37)
        var bytes = TestFiles.bytes(path)
        let starts = TestFiles.blockOffsets(bytes)
        bytes[starts[3] + 40] ^= 0x55
        TestFiles.write(bytes, to: path)
        return (bytes, Array(try LogReader(path: path)))
    }

    /// A pipe whose write end gets `bytes` from another thread, then closes; returns the read end's descriptor.
    static func pipe(feeding bytes: [UInt8]) -> Int32 {
        var ends: [Int32] = [0, 0]
        #expect(Glibc.pipe(&ends) == 0)
        let writer = ends[1]
        Thread { writeAll(bytes, to: writer) }.start()
        return ends[0]
    }

    /// Writes `bytes` to `descriptor`, then closes it.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        close(descriptor)
    }

    @Test func aPipeGivesTheEntriesOfTheFileWithAndWithoutReadAhead() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.makeLog(in: directory)
        #expect(log.entries.damages.count == 1)
        for readAhead in [true, false] {
            let descriptor = Self.pipe(feeding: log.bytes)
            defer { close(descriptor) }
            let reader = try LogReader(path: "/proc/self/fd/\(descriptor)", readAhead: readAhead)
            let entries = Array(reader)
            #expect(entries == log.entries.map { Self.renamed($0, "/proc/self/fd/\(descriptor)") })
            #expect(reader.sawEndOfFileMarker)
            #expect(reader.offset == Int64(log.bytes.count))
        }
    }

    @Test func aPipeGivesTheBatchesOfTheFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.makeLog(in: directory)
        let descriptor = Self.pipe(feeding: log.bytes)
        defer { close(descriptor) }
        var spans: [SpanRecord] = []
        var damages: [LogDamage] = []
        for entry in try LogBatchReader(path: "/proc/self/fd/\(descriptor)") {
            switch entry {
            case .spans(let batch): spans += batch.records
            case .damage(let damage): damages.append(damage)
            default: break
            }
        }
        #expect(spans == log.entries.spans)
        #expect(damages.map { [$0.offset, $0.length] } == log.entries.damages.map { [$0.offset, $0.length] })
    }

    @Test func aFIFOGivesTheEntriesOfTheFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.makeLog(in: directory)
        let fifo = directory.file("log.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opened in place by the writer (FileManager would replace the FIFO with a file).
        Thread { Self.writeAll(log.bytes, to: open(fifo, O_WRONLY)) }.start()
        let entries = Array(try LogReader(path: fifo))
        #expect(entries == log.entries.map { Self.renamed($0, fifo) })
    }

    @Test func theFileHandleOfAPipeIsAStreamAndOfAFileIsNot() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("plain.tklog")
        TestFiles.write([1, 2, 3], to: path)
        #expect(try FileHandle.openForReading(path).isSeekable)
        let descriptor = Self.pipe(feeding: [1, 2, 3, 4, 5])
        defer { close(descriptor) }
        let stream = try FileHandle.openForReading("/proc/self/fd/\(descriptor)")
        #expect(!stream.isSeekable)
        // A stream skips forward to an offset, and cannot go back.
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(stream.read(into: &buffer, at: 0, count: 2, offset: 2) == 2)
        #expect(Array(buffer[0..<2]) == [3, 4])
        #expect(stream.read(into: &buffer, at: 0, count: 2, offset: 0) == 0)
        #expect(stream.read(into: &buffer, at: 0, count: 8, offset: 4) == 1)
        #expect(buffer[0] == 5)
    }

    /// `entry` with its damage's path replaced by `path` (damage names the path the reader was given).
    static func renamed(_ entry: LogEntry, _ path: String) -> LogEntry {
        guard case .damage(var damage) = entry else { return entry }
        damage.path = path
        return .damage(damage)
    }
}
