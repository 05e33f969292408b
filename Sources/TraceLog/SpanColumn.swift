// SpanColumn: the layout of a span columns record (format version 2): column ids and flag bits.

/// The column ids of a span columns record; `Docs/LogFormat.md` section 2.5 describes each column.
enum SpanColumn {
    static let flags = 0
    static let shape = 1
    static let spanID = 2
    static let traceID = 3
    static let parentID = 4
    /// How much earlier than its first child a parent started (signed class byte).
    static let leadClass = 5
    /// How much later than its last child a parent ended (signed class byte).
    static let trailClass = 6
    /// Start relative to the previous span's end (signed class byte).
    static let gapClass = 7
    /// Duration (unsigned class byte).
    static let durationClass = 8
    /// The mantissa bits of every class-coded value, LSB first.
    static let bits = 9
    /// Everything rare: doubles, arrays, events, limit counts.
    static let extra = 10
    /// The trace's sampling threshold, per span, as a delta from the previous span's (absent: all 0).
    static let samplingThreshold = 11
    static let fixedCount = 12
    /// Columns from here on belong to one attribute key: `16 + 2 * key` its string values, `17 + 2 * key` its
    /// integer values, where `key` is the key's index in the block's string table.
    static let firstKeyed: UInt64 = 16
    /// The most attribute slots (summed over the spans' shapes) one record may decode to. Bool values take no
    /// bytes, so without this a small record could expand into millions of attributes; the writer seals a
    /// block before it would pass this.
    static let maxAttributeSlotsPerRecord = 65_536

    /// Flag bits of a span (column `flags`, one byte per span).
    enum Flag {
        static let hasParent: UInt8 = 1 << 0
        static let spanIsCounter: UInt8 = 1 << 1
        static let traceIsCounter: UInt8 = 1 << 2
        static let parentIsCounter: UInt8 = 1 << 3
        /// Children of the span came earlier in the block: its times are coded against theirs.
        static let closesChildren: UInt8 = 1 << 4
        static let known: UInt8 = 0x1F
    }

    /// Bits of a shape's kind/status byte.
    enum ShapeFlag {
        static let kindMask: UInt8 = 0x07
        static let statusShift: UInt8 = 3
        static let statusMask: UInt8 = 0x18
        static let hasEvents: UInt8 = 1 << 5
        static let hasLimitCounts: UInt8 = 1 << 6
        static let known: UInt8 = 0x7F
    }
}
