// GzipMember: one gzip member (RFC 1952) from the system zlib, for HTTP bodies sent with `Content-Encoding: gzip`.

import CZlib

/// Compresses bytes into a gzip member, as `Content-Encoding: gzip` requires: `/metrics` responses and OTLP
/// requests. (A trace log block is a gzip member too, but with its BGZF extra field: `BlockCompressor`.)
package enum GzipMember {
    /// Returns `bytes` gzip-compressed, or `nil` if zlib refuses (out of memory): the caller then sends the body
    /// uncompressed, or fails the request, rather than a body that does not match its `Content-Encoding`.
    package static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of a raw zlib stream.
        let initStatus = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(bytes.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        var input = bytes
        let status: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = UInt32(outputBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
