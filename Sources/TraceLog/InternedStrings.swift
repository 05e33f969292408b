// InternedStrings: a block's string table and the bytes its entries take in the block header.

/// A block's string table and the bytes its entries take in the block header.
struct InternedStrings {
    private(set) var table = StringTable()
    /// Encoded size of the entries (length varints plus bytes).
    private(set) var encodedBytes = 0

    var count: Int { table.count }

    /// The table index of `string`, adding it if new.
    mutating func reference(_ string: String) -> UInt64 {
        let (index, isNew) = table.index(of: string)
        if isNew {
            let length = string.utf8.count
            encodedBytes += PayloadWriter.varintSize(UInt64(length)) + length
        }
        return UInt64(index)
    }

    /// An upper bound of what interning `string` can add to the header: its entry, as if new.
    static func bound(_ string: String) -> Int {
        let length = string.utf8.count
        return PayloadWriter.varintSize(UInt64(length)) + length
    }

    mutating func truncate(to count: Int, encodedBytes: Int) {
        table.truncate(to: count)
        self.encodedBytes = encodedBytes
    }

    mutating func removeAll() {
        table.removeAll()
        encodedBytes = 0
    }
}
