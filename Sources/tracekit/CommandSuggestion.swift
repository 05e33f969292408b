// CommandSuggestion: "did you mean 'stats'?" for a mistyped subcommand, by edit distance.

enum CommandSuggestion {
    /// The subcommand names `word` is probably a typo of (`stat` for `stats`, `veirfy` for `verify`), best first;
    /// none when `word` is a subcommand or is not close to one.
    ///
    /// Close means an edit distance (insertions, deletions, substitutions and swaps of neighbours, case ignored) of
    /// at most 1 for names up to 4 letters and 2 for longer ones, or `word` being the start of a name.
    static func candidates(for word: String, among names: [String]) -> [String] {
        let typed = word.lowercased()
        guard !typed.isEmpty, !typed.hasPrefix("-"), !names.contains(word) else { return [] }
        let scored = names.compactMap { name -> (name: String, distance: Int)? in
            if typed.count >= 2, name.hasPrefix(typed) { return (name, 1) }
            let distance = editDistance(Array(typed), Array(name))
            return distance <= (name.count <= 4 ? 1 : 2) ? (name, distance) : nil
        }
        guard let best = scored.map(\.distance).min() else { return [] }
        return scored.filter { $0.distance == best }.map(\.name)
    }

    /// The line printed under swift-argument-parser's usage error, or `nil` when there is nothing to suggest.
    static func hint(for arguments: [String], among names: [String]) -> String? {
        guard let word = arguments.first else { return nil }
        let found = candidates(for: word, among: names)
        guard !found.isEmpty else { return nil }
        let quoted = found.map { "'\($0)'" }
        var choices = quoted.joined(separator: ", ")
        if quoted.count > 1, let last = quoted.last {
            choices = quoted.dropLast().joined(separator: ", ") + " or " + last
        }
        return "tracekit: '\(word)' is not a tracekit command; did you mean \(choices)?"
    }

    /// The optimal string alignment distance: Levenshtein with swaps of adjacent characters counted as one edit.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
