// BlockCompressor: turns one payload into one BGZF block (a complete gzip member) with zlib's raw deflate.

import CZlib

/// Compresses payloads into BGZF blocks; keeps one zlib stream and resets it per block.
///
/// Not thread-safe: the log writer owns one on its writer thread.
final class BlockCompressor {
    private var stream = z_stream()
    private var storedStream = z_stream()
    private var isReady = false
    private var output: [UInt8]

    /// Creates a compressor at `level` (0-9; 6 is zlib's default).
    init(level: Int32) throws(TraceLogError) {
        output = [UInt8](repeating: 0, count: LogFormat.maxBlockBytes)
        // Z_FILTERED: the column layout leaves few long matches and many small values; favouring Huffman coding
        // over short matches made the benchmark's log about 4% smaller at the same speed.
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, -15, 8, Z_FILTERED, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw TraceLogError.compressionFailed(reason: "deflateInit2 returned \(status)") }
        let storedStatus = deflateInit2_(
            &storedStream, 0, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard storedStatus == Z_OK else {
            deflateEnd(&stream)
            throw TraceLogError.compressionFailed(reason: "deflateInit2 returned \(storedStatus)")
        }
        isReady = true
    }

    deinit {
        if isReady {
            deflateEnd(&stream)
            deflateEnd(&storedStream)
        }
    }

    /// Compresses `payload` (at most `LogFormat.maxPayloadBytes`) and returns the whole BGZF block.
    ///
    /// At each offset in `sectionEnds` (increasing) the deflate block ends (`Z_BLOCK`) and a new one starts with
    /// its own Huffman codes, so columns with different statistics are coded apart; LZ77 matches still reach
    /// across sections.
    func makeBlock(_ payload: [UInt8], sectionEnds: [Int] = []) throws(TraceLogError) -> [UInt8] {
        guard payload.count <= LogFormat.maxPayloadBytes else {
            throw TraceLogError.compressionFailed(reason: "payload of \(payload.count) bytes exceeds a block")
        }
        let capacity = LogFormat.maxBlockBytes - LogFormat.writerHeaderBytes - LogFormat.trailerBytes
        var compressedCount = deflate(payload, sectionEnds: sectionEnds, with: &stream, capacity: capacity)
        if compressedCount == nil {
            // Incompressible data: stored deflate blocks always fit because the payload bound leaves room.
            compressedCount = deflate(payload, sectionEnds: [], with: &storedStream, capacity: capacity)
        }
        guard let compressedCount else {
            throw TraceLogError.compressionFailed(reason: "a \(payload.count)-byte payload did not fit in a block")
        }
        let crc = payload.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
        let blockSize = LogFormat.writerHeaderBytes + compressedCount + LogFormat.trailerBytes
        var block: [UInt8] = []
        block.reserveCapacity(blockSize)
        block.append(contentsOf: [0x1F, 0x8B, 0x08, 0x04, 0, 0, 0, 0, 0, 0xFF, 6, 0, 0x42, 0x43, 2, 0])
        block.append(UInt8(truncatingIfNeeded: blockSize - 1))
        block.append(UInt8(truncatingIfNeeded: (blockSize - 1) >> 8))
        block.append(contentsOf: output[0..<compressedCount])
        for shift in stride(from: 0, to: 32, by: 8) { block.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        let inputSize = UInt32(payload.count)
        for shift in stride(from: 0, to: 32, by: 8) {
            block.append(UInt8(truncatingIfNeeded: inputSize >> UInt32(shift)))
        }
        return block
    }

    /// Raw-deflates `payload` into `output`, ending a deflate block at each of `sectionEnds`; returns the
    /// compressed size, or `nil` if it needs more than `capacity`.
    private func deflate(
        _ payload: [UInt8], sectionEnds: [Int], with stream: inout z_stream, capacity: Int
    ) -> Int? {
        guard deflateReset(&stream) == Z_OK else { return nil }
        return payload.withUnsafeBufferPointer { input -> Int? in
            output.withUnsafeMutableBufferPointer { out -> Int? in
                guard let base = input.baseAddress else { return nil }
                stream.next_in = UnsafeMutablePointer(mutating: base)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(capacity)
                var consumed = 0
                for end in sectionEnds where end > consumed && end < input.count {
                    stream.avail_in = uInt(end - consumed)
                    guard CZlib.deflate(&stream, Z_BLOCK) == Z_OK, stream.avail_in == 0 else { return nil }
                    consumed = end
                }
                stream.avail_in = uInt(input.count - consumed)
                let status = CZlib.deflate(&stream, Z_FINISH)
                guard status == Z_STREAM_END else { return nil }
                return capacity - Int(stream.avail_out)
            }
        }
    }
}
