import Testing
@testable import ErratumCore

@Suite("Line and word diffs of the English changes")
struct TextDiffTests {
    /// The new text rebuilt from the old one and the hunks: what any correct diff must give.
    static func apply(_ diff: TextDiff, to old: String) -> [String] {
        let oldLines = TextDiff.lines(of: old).map(String.init)
        var result: [String] = []
        var next = 1   // the next old line not yet copied
        for hunk in diff.hunks {
            let first = hunk.lines.first { $0.oldNumber != nil }?.oldNumber ?? hunk.oldStart + 1
            while next < first {
                result.append(oldLines[next - 1])
                next += 1
            }
            for line in hunk.lines {
                if line.kind != .added { next = (line.oldNumber ?? next) + 1 }
                if line.kind != .removed { result.append(line.text) }
            }
        }
        while next <= oldLines.count {
            result.append(oldLines[next - 1])
            next += 1
        }
        return result
    }

    @Test("hunks carry three lines of context, numbered on both sides, and rebuild the new text")
    func hunks() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var newLines = (1...20).map { "line \($0)" }
        newLines[9] = "line ten, rewritten"
        newLines.insert("a new line", at: 18)
        let new = newLines.joined(separator: "\n") + "\n"
        let diff = TextDiff(old: old, new: new)
        #expect(diff.hunks.count == 2 && diff.added == 2 && diff.removed == 1)
        let first = diff.hunks[0]
        #expect((first.oldStart, first.oldCount, first.newStart, first.newCount) == (7, 7, 7, 7))
        #expect(first.lines.map(\.kind.rawValue).joined() == "   -+   ")
        #expect(first.lines[3].text == "line 10" && first.lines[3].oldNumber == 10 && first.lines[3].newNumber == nil)
        #expect(first.lines[4].text == "line ten, rewritten" && first.lines[4].newNumber == 10)
        #expect(first.firstChangedOldLine == 10)
        let second = diff.hunks[1]
        #expect((second.oldStart, second.oldCount, second.newStart, second.newCount) == (16, 5, 16, 6))
        #expect(second.firstChangedOldLine == 18, "an addition follows old line 18")
        #expect(Self.apply(diff, to: old) == newLines)
    }

    @Test("changes closer than twice the context share a hunk; identical texts and line-end changes have none")
    func merging() {
        let old = (1...12).map { "l\($0)" }.joined(separator: "\n")
        var lines = (1...12).map { "l\($0)" }
        lines[2] = "x"
        lines[9] = "y"   // six unchanged lines between: one hunk
        #expect(TextDiff(old: old, new: lines.joined(separator: "\n")).hunks.count == 1)
        lines[9] = "l10"
        lines[10] = "y"  // seven between: two
        #expect(TextDiff(old: old, new: lines.joined(separator: "\n")).hunks.count == 2)
        #expect(TextDiff(old: old, new: old).hunks.isEmpty)
        #expect(TextDiff(old: old, new: old.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n").hunks.isEmpty)
    }

    @Test("a file created or emptied is one hunk starting at line 0 on its empty side")
    func emptySides() {
        let created = TextDiff(old: "", new: "a\nb\n")
        #expect(created.hunks.count == 1 && created.hunks[0].oldStart == 0 && created.hunks[0].oldCount == 0)
        #expect(created.hunks[0].newStart == 1 && created.hunks[0].newCount == 2 && created.hunks[0].firstChangedOldLine == 0)
        let emptied = TextDiff(old: "a\nb\n", new: "")
        #expect(emptied.hunks[0].newStart == 0 && emptied.hunks[0].newCount == 0 && emptied.removed == 2)
    }

    @Test("paired lines mark the words that changed, in UTF-16 offsets; unrelated lines mark none")
    func words() {
        let diff = TextDiff(old: "The server could not find the requested resource.\nOld prose entirely\n",
                            new: "The server cannot find the resource you asked for.\nNothing alike here at all, truly\n")
        let lines = diff.hunks[0].lines
        #expect(lines.map(\.kind.rawValue).joined() == "--++")
        func marked(_ line: TextDiff.Line) -> [String] {
            let units = Array(line.text.utf16)
            return line.words.map { String(decoding: units[$0], as: UTF16.self) }
        }
        #expect(marked(lines[0]) == ["could not", " requested"])
        #expect(marked(lines[2]) == ["cannot", " you asked for"])
        #expect(lines[1].words.isEmpty && lines[3].words.isEmpty, "too little in common to pair word by word")
        let accented = TextDiff(old: "Voir « exemple » ici\n", new: "Voir « exemples » ici\n").hunks[0].lines
        #expect(marked(accented[0]) == ["exemple"] && marked(accented[1]) == ["exemples"])
        #expect(accented[1].words == [7..<15], "« is one UTF-16 unit, and so is each letter here")
    }

    @Test("a rewrite beyond the matching limit is the old lines out and the new in, around what both share")
    func largeRewrite() {
        let old = (["same start"] + (0..<2000).map { "old \($0)" } + ["same end"]).joined(separator: "\n")
        let newLines = ["same start"] + (0..<2000).map { "new \($0)" } + ["same end"]
        let diff = TextDiff(old: old, new: newLines.joined(separator: "\n"))
        #expect(diff.removed == 2000 && diff.added == 2000 && diff.hunks.count == 1)
        #expect(diff.hunks[0].lines.first?.text == "same start" && diff.hunks[0].lines.last?.text == "same end")
        #expect(Self.apply(diff, to: old) == newLines)
    }

    @Test("random edits: the hunks always rebuild the new text")
    func rebuilds() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let old = (0..<Int.random(in: 0...30, using: &generator)).map { _ in "w\(Int.random(in: 0...6, using: &generator))" }
            var new = old
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                switch Int.random(in: 0...2, using: &generator) {
                case 0 where !new.isEmpty: new.remove(at: Int.random(in: 0..<new.count, using: &generator))
                case 1: new.insert("n\(Int.random(in: 0...3, using: &generator))", at: Int.random(in: 0...new.count, using: &generator))
                default: if !new.isEmpty { new[Int.random(in: 0..<new.count, using: &generator)] = "c" }
                }
            }
            let diff = TextDiff(old: old.joined(separator: "\n"), new: new.joined(separator: "\n"), context: Int.random(in: 0...3))
            #expect(Self.apply(diff, to: old.joined(separator: "\n")) == new, "\(old) → \(new)")
        }
    }
}
