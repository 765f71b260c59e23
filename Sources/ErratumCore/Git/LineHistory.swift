import Foundation

/// Which commit last changed given lines of a few files: `git blame` for chosen line ranges,
/// answered from one `git log -p -U0` over those files plus one `git diff -U0 HEAD` for the
/// edits not yet committed.
///
/// A range is followed from today's file back through each commit's hunks: a hunk that
/// overlaps the range (or deletes lines inside it) is the range's last change; hunks above it
/// shift its line numbers for the older version.
public struct LineHistory: Sendable {
    /// The last change of a range of lines.
    public enum LastChange: Sendable, Hashable {
        /// A commit, as an index into `graph`.
        case commit(Int)
        /// The working tree: edited (or written) but not committed.
        case uncommitted
    }

    /// One hunk header: `@@ -oldStart,oldCount +newStart,newCount @@`.
    struct Hunk: Sendable, Hashable {
        var oldStart: Int
        var oldCount: Int
        var newStart: Int
        var newCount: Int
    }

    /// The commits that changed the files, newest first, with parents rewritten to that set.
    public let graph: CommitGraph
    /// For each file (relative to the top), its hunks per commit, newest first; index -1 is
    /// the working tree.
    let hunks: [String: [(commit: Int, hunks: [Hunk])]]

    /// Reads the history of `files` (paths relative to the repository's top).
    ///
    /// - Throws: `GitError` when git is missing or fails.
    public static func read(_ location: GitLocation, files: [String]) throws(GitError) -> LineHistory {
        let git = GitCommand(folder: location.top)
        let log = try git.run(["log", "HEAD", "--topo-order", "--parents", "--root", "-p", "-U0", "--no-renames",
                               "--no-ext-diff", "--no-textconv", RepositoryHistory.format.replacingOccurrences(of: "%x00", with: "%x02"),
                               "--"] + files.map { ":(top,literal)" + $0 })
        let working = try git.run(["diff", "HEAD", "-U0", "--no-renames", "--no-ext-diff", "--no-textconv", "--"]
                                  + files.map { ":(top,literal)" + $0 })
        return parse(log: log, workingTree: working)
    }

    /// Parses the two outputs of `read`.
    static func parse(log: Data, workingTree: Data) -> LineHistory {
        var graph = CommitGraph()
        var hunks: [String: [(commit: Int, hunks: [Hunk])]] = [:]
        for (path, fileHunks) in patches(String(decoding: workingTree, as: UTF8.self)) {
            hunks[path, default: []].append((-1, fileHunks))
        }
        var commit = -1
        let text = String(decoding: log, as: UTF8.self)
        // Each commit starts with the 0x01 mark line; its patch follows.
        for chunk in text.split(separator: "\u{01}", omittingEmptySubsequences: true) {
            let headerEnd = chunk.firstIndex(of: "\n") ?? chunk.endIndex
            let fields = chunk[..<headerEnd].split(separator: "\u{02}", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3 else { continue }
            graph.append(hash: fields[0], parents: fields[1].split(separator: " ").map(String.init), date: fields[2],
                         subject: fields.count > 3 ? fields[3] : "")
            commit += 1
            for (path, fileHunks) in patches(String(chunk[headerEnd...])) {
                hunks[path, default: []].append((commit, fileHunks))
            }
        }
        graph.finish()
        return LineHistory(graph: graph, hunks: hunks)
    }

    /// The hunks of a `-U0` patch, by the file's new path (`+++ b/…`; the old one for deletions).
    static func patches(_ patch: String) -> [(String, [Hunk])] {
        var result: [(String, [Hunk])] = []
        var path: String?
        var oldPath: String?
        var current: [Hunk] = []
        func flush() {
            if let name = path ?? oldPath, !current.isEmpty { result.append((name, current)) }
            current = []
        }
        for line in patch.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("diff --git ") {
                flush()
                path = nil
                oldPath = nil
            } else if line.hasPrefix("--- ") {
                oldPath = line.hasPrefix("--- a/") ? String(line.dropFirst(6)) : nil
            } else if line.hasPrefix("+++ ") {
                path = line.hasPrefix("+++ b/") ? String(line.dropFirst(6)) : nil
            } else if line.hasPrefix("@@ "), let hunk = parseHunkHeader(line) {
                current.append(hunk)
            }
        }
        flush()
        return result
    }

    /// Reads `@@ -a[,b] +c[,d] @@`.
    static func parseHunkHeader(_ line: Substring) -> Hunk? {
        let parts = line.split(separator: " ")
        guard parts.count >= 3, parts[1].hasPrefix("-"), parts[2].hasPrefix("+") else { return nil }
        func range(_ text: Substring) -> (Int, Int)? {
            let numbers = text.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
            guard let start = numbers.first.flatMap({ Int($0) }) else { return nil }
            let count = numbers.count > 1 ? Int(numbers[1]) : 1
            return count.map { (start, $0) }
        }
        guard let old = range(parts[1]), let new = range(parts[2]) else { return nil }
        return Hunk(oldStart: old.0, oldCount: old.1, newStart: new.0, newCount: new.1)
    }

    /// The last change of lines `range` (1-based, as in today's file) of `file`; `uncommitted`
    /// when no commit wrote them (an edit in progress, or a file git does not track).
    public func lastChange(of range: ClosedRange<Int>, in file: String) -> LastChange {
        var low = range.lowerBound, high = range.upperBound
        for (commit, fileHunks) in hunks[file] ?? [] {
            var shiftLow = 0, shiftHigh = 0
            for hunk in fileHunks {
                if hunk.newCount > 0 {
                    let last = hunk.newStart + hunk.newCount - 1
                    if hunk.newStart <= high && last >= low { return commit < 0 ? .uncommitted : .commit(commit) }
                    if last < low { shiftLow += hunk.oldCount - hunk.newCount }
                    if last < high { shiftHigh += hunk.oldCount - hunk.newCount }
                } else {
                    // Lines deleted after line `newStart`: inside the range, they changed it.
                    if hunk.newStart >= low && hunk.newStart < high { return commit < 0 ? .uncommitted : .commit(commit) }
                    if hunk.newStart < low { shiftLow += hunk.oldCount }
                    if hunk.newStart < high { shiftHigh += hunk.oldCount }
                }
            }
            low += shiftLow
            high += shiftHigh
        }
        return .uncommitted
    }
}
