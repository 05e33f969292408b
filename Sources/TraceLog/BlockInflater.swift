// BlockInflater: validates one BGZF block's header and trailer and inflates its payload.

import CZlib

/// The parsed gzip header of a BGZF block.
struct BlockHeader: Hashable {
    /// Total block size in bytes (BSIZE + 1).
    var blockSize: Int
    /// Bytes before the compressed data (12 + XLEN).
    var headerSize: Int
}

/// Inflates BGZF blocks; keeps one zlib stream and resets it per block. Not thread-safe.
final class BlockInflater {
    private var stream = z_stream()
    private var isReady = false
    /// The payload of the last inflated block; valid until the next call.
    private(set) var payload: [UInt8]

    init() throws(TraceLogError) {
        payload = [UInt8](repeating: 0, count: LogFormat.maxInflatedBytes)
        let status = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw TraceLogError.compressionFailed(reason: "inflateInit2 returned \(status)") }
        isReady = true
    }

    deinit {
        if isReady { inflateEnd(&stream) }
    }

    /// Parses a BGZF header from the first bytes of `bytes`.
    ///
    /// Returns `.needMoreBytes` when `bytes` is too short to tell, `.invalid(reason)` when it is not a BGZF header
    /// (also when the few bytes there are already differ from one).
    static func parseHeader(_ bytes: UnsafeRawBufferPointer) -> HeaderParse {
        // Checked even with fewer than 4 bytes: "hi\n" is no block, not a torn one.
        let count = bytes.count
        guard count < 1 || bytes[0] == 0x1F, count < 2 || bytes[1] == 0x8B else { return .invalid("bad gzip magic") }
        guard count < 3 || bytes[2] == 0x08 else { return .invalid("compression method is not deflate") }
        guard count < 4 || bytes[3] == 0x04 else { return .invalid("gzip flags are not FEXTRA only") }
        guard count >= 4 else { return .needMoreBytes }
        guard bytes.count >= LogFormat.fixedHeaderBytes else { return .needMoreBytes }
        let extraLength = Int(bytes[10]) | Int(bytes[11]) << 8
        let headerSize = LogFormat.fixedHeaderBytes + extraLength
        guard bytes.count >= headerSize else { return .needMoreBytes }
        var position = LogFormat.fixedHeaderBytes
        var blockSize: Int?
        while position + 4 <= headerSize {
            let subfieldLength = Int(bytes[position + 2]) | Int(bytes[position + 3]) << 8
            guard position + 4 + subfieldLength <= headerSize else { return .invalid("extra subfield overruns XLEN") }
            if bytes[position] == 0x42, bytes[position + 1] == 0x43 {
                // Exactly one BC subfield of two bytes: with two, readers that take the first and the last would
                // disagree on where the next block starts, so neither is taken (Docs/LogFormat.md section 1.1).
                guard subfieldLength == 2 else { return .invalid("BC subfield of length \(subfieldLength), not 2") }
                guard blockSize == nil else { return .invalid("more than one BC subfield") }
                blockSize = (Int(bytes[position + 4]) | Int(bytes[position + 5]) << 8) + 1
            }
            position += 4 + subfieldLength
        }
        guard let blockSize else { return .invalid("no BC subfield") }
        guard blockSize >= headerSize + LogFormat.trailerBytes else {
            return .invalid("BSIZE \(blockSize - 1) is smaller than the header and trailer")
        }
        return .header(BlockHeader(blockSize: blockSize, headerSize: headerSize))
    }

    enum HeaderParse: Hashable {
        case header(BlockHeader)
        case needMoreBytes
        case invalid(String)
    }

    /// Inflates a complete block (`bytes.count == header.blockSize`), checking ISIZE and CRC32.
    ///
    /// Returns the payload length; the payload is in `payload[0..<length]`.
    func inflate(_ bytes: UnsafeRawBufferPointer, header: BlockHeader) -> Result<Int, InflateFailure> {
        let trailer = header.blockSize - LogFormat.trailerBytes
        let expectedCRC = Self.readUInt32(bytes, at: trailer)
        let expectedSize = Int(Self.readUInt32(bytes, at: trailer + 4))
        guard expectedSize <= LogFormat.maxInflatedBytes else {
            return .failure(InflateFailure(reason: "ISIZE \(expectedSize) exceeds 65536"))
        }
        guard inflateReset(&stream) == Z_OK else { return .failure(InflateFailure(reason: "inflateReset failed")) }
        let compressedCount = trailer - header.headerSize
        let result: (Int32, Int) = payload.withUnsafeMutableBufferPointer { out in
            stream.next_in = UnsafeMutablePointer(
                mutating: bytes.baseAddress?.advanced(by: header.headerSize).assumingMemoryBound(to: UInt8.self))
            stream.avail_in = uInt(compressedCount)
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(out.count)
            let status = CZlib.inflate(&stream, Z_FINISH)
            return (status, out.count - Int(stream.avail_out))
        }
        guard result.0 == Z_STREAM_END else {
            return .failure(InflateFailure(reason: "inflate failed (zlib status \(result.0))"))
        }
        guard stream.avail_in == 0 else {
            return .failure(InflateFailure(reason: "\(stream.avail_in) bytes after the end of the deflate stream"))
        }
        guard result.1 == expectedSize else {
            return .failure(InflateFailure(reason: "ISIZE \(expectedSize) does not match \(result.1) inflated bytes"))
        }
        let crc = payload.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, uInt(result.1)))
        }
        guard crc == expectedCRC else { return .failure(InflateFailure(reason: "CRC mismatch")) }
        return .success(result.1)
    }

    static func readUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}

/// Why a block did not inflate.
struct InflateFailure: Error, Hashable {
    var reason: String
}
