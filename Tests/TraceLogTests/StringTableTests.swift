// StringTableTests: the writer's string interning returns stable indexes through growth and rollback.

import Testing

@testable import TraceLog

@Suite struct StringTableTests {
    @Test func indexesAreStableThroughGrowthAndForgottenAfterTruncation() {
        var table = StringTable()
        let words = (0..<3000).map { "word-\($0)" }
        for (expected, word) in words.enumerated() {
            let (index, isNew) = table.index(of: word)
            #expect(index == expected && isNew)
        }
        for (expected, word) in words.enumerated().reversed() {
            let (index, isNew) = table.index(of: word)
            #expect(index == expected && !isNew)
        }
        table.truncate(to: 1000)
        #expect(table.count == 1000)
        #expect(table.index(of: "word-999") == (999, false))
        #expect(table.index(of: "word-2000") == (1000, true))
        table.removeAll()
        #expect(table.index(of: "word-5") == (0, true))
        #expect(table.index(of: "") == (1, true))
        #expect(table.index(of: "ёжик") == (2, true))
        #expect(table.index(of: "ёжик") == (2, false))
    }
}
