// StringHash: the cheap seeded hash of UTF-8 bytes that TraceKit's lookup tables share.

/// A multiply-xorshift hash of a string's UTF-8 bytes, eight at a time: far cheaper than SipHash for the short
/// names, keys and label values TraceKit looks up on every span. Tables seed it randomly; a collision costs
/// only a comparison. Not for security.
package enum StringHash {
    /// Mixes `value`'s UTF-8 bytes and length into `hash`.
    @inlinable @inline(__always)
    package static func mix(_ value: String, into hash: UInt64) -> UInt64 {
        if let mixed = value.utf8.withContiguousStorageIfAvailable({
            mix(bytes: UnsafeRawBufferPointer($0), into: hash)
        }) {
            return mixed
        }
        return Array(value.utf8).withUnsafeBytes { mix(bytes: $0, into: hash) }
    }

    /// Mixes `bytes` and their count into `hash`.
    @inlinable @inline(__always)
    package static func mix(bytes raw: UnsafeRawBufferPointer, into hash: UInt64) -> UInt64 {
        var hash = hash
        var offset = 0
        while offset + 8 <= raw.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < raw.count {
            tail |= UInt64(raw[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail ^ (UInt64(truncatingIfNeeded: raw.count) << 56)) &* 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 31)
    }
}
