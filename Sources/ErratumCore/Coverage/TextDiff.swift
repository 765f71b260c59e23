/// A line diff of two texts as a reviewer reads it: hunks of changed lines with a few lines of
/// context, and inside each changed line that has a counterpart on the other side, the words
/// that differ.
///
/// Lines are compared whole (Myers' algorithm, the standard library's `difference(from:)`);
/// a block of removed lines followed by added ones pairs them in order, and each pair whose
/// lines share enough is compared again word by word.
public struct TextDiff: Sendable, Hashable {
    /// One line of a hunk.
    public struct Line: Sendable, Hashable {
        /// Whether the line is context, or removed from the old text, or added in the new one.
        public enum Kind: String, Sendable, Hashable {
            case context = " "
            case removed = "-"
            case added = "+"
        }

        public let kind: Kind
        /// The line, without its line end.
        public let text: String
        /// Its number in the old text (1-based), nil for an added line.
        public let oldNumber: Int?
        /// Its number in the new text, nil for a removed line.
        public let newNumber: Int?
        /// The parts of `text` that differ from its counterpart on the other side, as UTF-16
        /// offsets (what a browser's string functions count); empty when the line has no
        /// counterpart or shares too little with it, so that the whole line is the change.
        public let words: [Range<Int>]
    }

    /// Changed lines and their context, as in a unified diff's `@@ -a,b +c,d @@`.
    public struct Hunk: Sendable, Hashable {
        /// The first line of the hunk in the old text (1-based; for a hunk of an empty text, 0).
        public let oldStart: Int
        public let oldCount: Int
        /// The first line of the hunk in the new text.
        public let newStart: Int
        public let newCount: Int
        public let lines: [Line]

        /// The first changed line's number in the old text, or, for a hunk that only adds,
        /// the old line the additions follow (0: at the top).
        public var firstChangedOldLine: Int {
            var previous = 0
            for line in lines {
                if line.kind == .removed { return line.oldNumber ?? previous }
                if line.kind == .added { return previous }
                previous = line.oldNumber ?? previous
            }
            return previous
        }
    }

    /// The hunks, in order; empty when the texts have the same lines.
    public let hunks: [Hunk]
    /// Lines added and removed in all.
    public let added: Int
    public let removed: Int

    /// The diff from `old` to `new` with `context` unchanged lines around each change.
    /// A `\r\n` line end counts as `\n`: a file that changed only its line ends has no diff.
    public init(old: String, new: String, context: Int = 3) {
        let oldLines = Self.lines(of: old), newLines = Self.lines(of: new)
        // Each line of the old and new text, in the order a unified diff shows them.
        var script: [(kind: Line.Kind, old: Int?, new: Int?)] = []
        let (removedOffsets, insertedOffsets) = Self.changes(from: oldLines, to: newLines)
        var oldIndex = 0, newIndex = 0
        while oldIndex < oldLines.count || newIndex < newLines.count {
            if oldIndex < oldLines.count, removedOffsets.contains(oldIndex) {
                script.append((.removed, oldIndex, nil))
                oldIndex += 1
            } else if newIndex < newLines.count, insertedOffsets.contains(newIndex) {
                script.append((.added, nil, newIndex))
                newIndex += 1
            } else {
                script.append((.context, oldIndex, newIndex))
                oldIndex += 1
                newIndex += 1
            }
        }
        added = insertedOffsets.count
        removed = removedOffsets.count

        // Word highlights: in each run of removed lines followed by added lines, the n-th
        // removed line pairs with the n-th added one.
        var words: [Int: [Range<Int>]] = [:]   // by position in `script`
        var position = 0
        while position < script.count {
            guard script[position].kind == .removed else {
                position += 1
                continue
            }
            var removedRun: [Int] = [], addedRun: [Int] = []
            while position < script.count, script[position].kind == .removed {
                removedRun.append(position)
                position += 1
            }
            while position < script.count, script[position].kind == .added {
                addedRun.append(position)
                position += 1
            }
            for (left, right) in zip(removedRun, addedRun) {
                guard let oldLine = script[left].old, let newLine = script[right].new,
                      let (oldWords, newWords) = Self.changedWords(oldLines[oldLine], newLines[newLine]) else { continue }
                words[left] = oldWords
                words[right] = newWords
            }
        }

        // Hunks: each change with `context` lines around it; changes closer than twice that
        // share a hunk.
        var hunks: [Hunk] = []
        let changed = script.indices.filter { script[$0].kind != .context }
        var next = 0
        while next < changed.count {
            let start = max(0, changed[next] - context)
            var end = changed[next]
            while next + 1 < changed.count, changed[next + 1] - end <= 2 * context + 1 {
                next += 1
                end = changed[next]
            }
            next += 1
            end = min(script.count - 1, end + context)
            let lines = (start...end).map { index -> Line in
                let entry = script[index]
                let text = entry.kind == .added ? newLines[entry.new!] : oldLines[entry.old!]
                return Line(kind: entry.kind, text: String(text), oldNumber: entry.old.map { $0 + 1 },
                            newNumber: entry.new.map { $0 + 1 }, words: words[index] ?? [])
            }
            let oldCount = lines.filter { $0.kind != .added }.count
            let newCount = lines.filter { $0.kind != .removed }.count
            // Like `diff -u`: a side without lines starts at the line before the hunk.
            let oldBefore = script[..<start].last { $0.old != nil }?.old.map { $0 + 1 } ?? 0
            let newBefore = script[..<start].last { $0.new != nil }?.new.map { $0 + 1 } ?? 0
            hunks.append(Hunk(
                oldStart: oldCount == 0 ? oldBefore : (lines.first { $0.oldNumber != nil }?.oldNumber ?? 0), oldCount: oldCount,
                newStart: newCount == 0 ? newBefore : (lines.first { $0.newNumber != nil }?.newNumber ?? 0), newCount: newCount,
                lines: lines))
        }
        self.hunks = hunks
    }

    /// Above this many lines between the shared start and end of two texts (both sides
    /// together), lines are not matched up: Myers' algorithm keeps a trace that grows with the
    /// square of the differences (tens of megabytes here), and a rewrite that large reads best
    /// as the old text out and the new one in.
    static let matchingLimit = 3000

    /// The offsets of the old lines removed and of the new lines inserted. The lines both
    /// texts start and end with are set aside first, so that a small edit in a long file
    /// compares only what lies between.
    static func changes<Item: Equatable>(from old: [Item], to new: [Item]) -> (removed: Set<Int>, inserted: Set<Int>) {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix, old[old.count - 1 - suffix] == new[new.count - 1 - suffix] {
            suffix += 1
        }
        let oldMiddle = old[prefix..<(old.count - suffix)], newMiddle = new[prefix..<(new.count - suffix)]
        guard oldMiddle.count + newMiddle.count <= matchingLimit else {
            return (Set(oldMiddle.indices), Set(newMiddle.indices))
        }
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in Array(newMiddle).difference(from: Array(oldMiddle)) {
            switch change {
            case let .remove(offset, _, _): removed.insert(prefix + offset)
            case let .insert(offset, _, _): inserted.insert(prefix + offset)
            }
        }
        return (removed, inserted)
    }

    /// The lines of a text, without their line ends (`\n` or `\r\n`, which Swift counts as
    /// one character); a final line end ends the last line rather than starting an empty one.
    static func lines(of text: String) -> [Substring] {
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The words of each line that differ from the other's, as UTF-16 ranges; nil when the two
    /// share less than a third of their text, since then the whole line is the change.
    static func changedWords(_ old: Substring, _ new: Substring) -> ([Range<Int>], [Range<Int>])? {
        let oldTokens = tokens(of: old), newTokens = tokens(of: new)
        let (removed, inserted) = changes(from: oldTokens.map(\.text), to: newTokens.map(\.text))
        let shared = oldTokens.indices.filter { !removed.contains($0) }.reduce(0) { $0 + oldTokens[$1].range.count }
        let longer = max(old.utf16.count, new.utf16.count)
        guard longer > 0, shared * 3 >= longer else { return nil }
        return (merged(removed.sorted().map { oldTokens[$0].range }), merged(inserted.sorted().map { newTokens[$0].range }))
    }

    /// Adjacent ranges joined into one.
    private static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges {
            if let last = result.last, last.upperBound == range.lowerBound {
                result[result.count - 1] = last.lowerBound..<range.upperBound
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// A line cut into words (letters and digits), runs of white space and single other
    /// characters, each with its UTF-16 range.
    static func tokens(of line: Substring) -> [(text: Substring, range: Range<Int>)] {
        enum Class { case word, space, other }
        func kind(_ character: Character) -> Class {
            if character.isLetter || character.isNumber || character == "_" { return .word }
            return character.isWhitespace ? .space : .other
        }
        var result: [(text: Substring, range: Range<Int>)] = []
        var index = line.startIndex
        var offset = 0
        while index < line.endIndex {
            let first = kind(line[index])
            var end = line.index(after: index)
            if first != .other {
                while end < line.endIndex, kind(line[end]) == first { end = line.index(after: end) }
            }
            let length = line.utf16.distance(from: index, to: end)
            result.append((line[index..<end], offset..<offset + length))
            offset += length
            index = end
        }
        return result
    }
}
