// LogFormat: the constants of the on-disk trace log format (see Docs/LogFormat.md).

/// The numbers that define the trace log format; `Docs/LogFormat.md` explains each one.
enum LogFormat {
    /// The magic at the start of a file header record: "TKLG".
    static let fileMagic: [UInt8] = [0x54, 0x4B, 0x4C, 0x47]
    /// The format version this code writes; readers accept it and every lower version.
    static let formatVersion: UInt64 = 2
    /// The largest decompressed payload a writer puts in one block (bgzip uses the same bound).
    static let maxPayloadBytes = 0xFF00
    /// The largest block BGZF allows, header and trailer included.
    static let maxBlockBytes = 65536
    /// The largest ISIZE a reader accepts.
    static let maxInflatedBytes = 65536
    /// gzip header bytes before the extra field: ID1 ID2 CM FLG MTIME(4) XFL OS XLEN(2).
    static let fixedHeaderBytes = 12
    /// The header a writer emits: fixed part plus one 6-byte BC subfield.
    static let writerHeaderBytes = 18
    /// CRC32 and ISIZE.
    static let trailerBytes = 8
    /// The 28-byte BGZF end-of-file marker: an empty block.
    static let endOfFileMarker: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00,
        0x1B, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]

    /// Record type tags.
    enum RecordType: UInt8 {
        case blockHeader = 0x01
        case fileHeader = 0x02
        /// A run of spans: a count, then that many span bodies back to back.
        case spanRun = 0x03
        case droppedSpans = 0x04
        /// The spans of a block laid out column by column (format version 2; see `SpanColumn`).
        case spanColumns = 0x05
    }

    /// Attribute value type tags.
    enum ValueType: UInt8 {
        case string = 1
        case int = 2
        case double = 3
        case boolFalse = 4
        case boolTrue = 5
        case stringArray = 6
        case intArray = 7
        case doubleArray = 8
        case boolArray = 9
    }

    /// Bits of a span's flags varint; the common ones fit in the first 7 bits, so flags usually take one byte.
    enum SpanFlag {
        static let hasParent: UInt64 = 1 << 0
        static let traceIsCounter: UInt64 = 1 << 1
        static let spanIsCounter: UInt64 = 1 << 2
        static let parentIsCounter: UInt64 = 1 << 3
        /// The time field is the start (relative to the previous span's end), not the end.
        static let startAnchored: UInt64 = 1 << 4
        static let statusShift: UInt64 = 5
        static let statusMask: UInt64 = 3 << 5
        static let kindShift: UInt64 = 7
        static let kindMask: UInt64 = 7 << 7
        static let hasEvents: UInt64 = 1 << 10
        static let hasLimitCounts: UInt64 = 1 << 11
        /// Bits a version 1 reader understands; any other bit makes the span malformed.
        static let known: UInt64 = (1 << 12) - 1
    }

    /// Bits of the block header's flags varint.
    enum BlockFlag {
        static let hasIdentifierScheme: UInt64 = 1 << 0
    }

    /// Span counters at or above this are stored as raw ids: a counter this large is not from a local recorder.
    static let maxStoredCounter: UInt64 = 1 << 48
}
