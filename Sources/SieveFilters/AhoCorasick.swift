/// Aho–Corasick multi-pattern matching over bytes (Aho & Corasick 1975, "Efficient string
/// matching", CACM 18(6)), as a complete automaton: one table lookup per input byte, whatever the
/// number of patterns. Used for banned URL sub-words and bad-word lists.
public struct AhoCorasick: Sendable {
    /// `transitions[state << 8 | byte]`: the next state, failure links already followed.
    private var transitions: [Int32]
    /// The byte lengths of the patterns that end at each state (its own and its suffixes').
    private var matches: [[Int32]]

    /// Empty patterns are ignored.
    public init<S: Sequence>(_ patterns: S) where S.Element: StringProtocol {
        var goto: [[Int32]] = [[Int32](repeating: -1, count: 256)]
        var ends: [[Int32]] = [[]]
        for pattern in patterns where !pattern.isEmpty {
            var state = 0
            for b in pattern.utf8 {
                if goto[state][Int(b)] < 0 {
                    goto[state][Int(b)] = Int32(goto.count)
                    goto.append([Int32](repeating: -1, count: 256))
                    ends.append([])
                }
                state = Int(goto[state][Int(b)])
            }
            let length = Int32(pattern.utf8.count)
            if !ends[state].contains(length) { ends[state].append(length) }
        }
        // Breadth-first: each state's failure link, and missing transitions through it.
        var fail = [Int](repeating: 0, count: goto.count)
        var queue: [Int] = []
        for b in 0..<256 {
            if goto[0][b] < 0 { goto[0][b] = 0 } else { queue.append(Int(goto[0][b])) }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            ends[state] += ends[fail[state]].filter { !ends[state].contains($0) }
            for b in 0..<256 {
                let next = Int(goto[state][b])
                if next < 0 {
                    goto[state][b] = goto[fail[state]][b]
                } else {
                    fail[next] = Int(goto[fail[state]][b])
                    queue.append(next)
                }
            }
        }
        transitions = goto.flatMap { $0 }
        matches = ends
    }

    /// Whether some pattern occurs in `text` at a place `accept(start, end)` (byte offsets) agrees to.
    public func contains(in text: UnsafeBufferPointer<UInt8>, where accept: (Int, Int) -> Bool = { _, _ in true }) -> Bool {
        var state = 0
        for i in 0..<text.count {
            state = Int(transitions[state << 8 | Int(text[i])])
            for length in matches[state] where accept(i + 1 - Int(length), i + 1) { return true }
        }
        return false
    }

    /// Whether some pattern occurs in `text`.
    public func contains(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { contains(in: $0) }
    }
}
