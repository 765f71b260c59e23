import Foundation

/// One commit's change to one file: which commit, the file's path then, and the lines it changed.
public struct FileChange: Sendable, Hashable {
    /// The commit, as an index into the history's `CommitGraph`.
    public let commit: Int
    /// The file's path in that commit, relative to the repository's top (differs from today's
    /// path before a rename).
    public let path: String
    /// Lines added (0 for binary files).
    public let added: Int
    /// Lines deleted (0 for binary files).
    public let deleted: Int
}

/// A repository's history read in one `git log`: every commit, and for each file under the
/// watched folders the commits that changed it, newest first, following renames.
public struct RepositoryHistory: Sendable {
    /// Where the repository is.
    public let location: GitLocation
    /// Every commit reachable from `HEAD`.
    public let graph: CommitGraph
    /// The changes of each watched file, by its path at `HEAD` relative to the top.
    public let changes: [String: [FileChange]]

    /// The log format: a 0x01 mark, then hash, parents, committer date and subject.
    static let format = "--format=%x01%H%x00%P%x00%cI%x00%s"

    /// Reads the history of the repository at `location` with one `git log`, keeping the
    /// changes of files whose path starts with one of `prefixes` (relative to the top).
    ///
    /// - Throws: `GitError` when git is missing or the log fails (a repository without commits).
    public static func read(_ location: GitLocation, watching prefixes: [String]) throws(GitError) -> RepositoryHistory {
        try start(location, watching: prefixes).finish()
    }

    /// Starts the `git log` of `read` in the background.
    ///
    /// - Throws: `GitError.unavailable` when git cannot be started.
    static func start(_ location: GitLocation, watching prefixes: [String]) throws(GitError) -> Reading {
        let running = try GitCommand(folder: location.top).start([
            "log", "HEAD", "--topo-order", "-z", "--root", format, "--raw", "--numstat", "-M",
            "--no-ext-diff", "--no-textconv", "--no-abbrev",
        ])
        return Reading(location: location, prefixes: prefixes, running: running)
    }

    /// A history being read: git runs while the caller does something else.
    struct Reading {
        let location: GitLocation
        let prefixes: [String]
        let running: RunningGit

        /// Waits for git and parses its log.
        ///
        /// - Throws: `GitError` when the log fails.
        func finish() throws(GitError) -> RepositoryHistory {
            let (graph, changes) = RepositoryHistory.parse(try running.finish(), watching: prefixes)
            return RepositoryHistory(location: location, graph: graph, changes: changes)
        }
    }

    /// Parses `git log -z --raw --numstat -M` output in `format`, newest commit first.
    ///
    /// Renames are followed by walking from the newest commit back: a file's older paths are
    /// aliases of its path at `HEAD` until the commit that created it; a path deleted before
    /// `HEAD` starts a lineage of its own, which nobody asks about.
    static func parse(_ data: Data, watching prefixes: [String]) -> (CommitGraph, [String: [FileChange]]) {
        var graph = CommitGraph()
        var changes: [String: [FileChange]] = [:]
        /// A historical path's file as named at `HEAD`; nil marks a file that no longer exists.
        var aliases: [String: String?] = [:]
        var records: [(status: UInt8, path: String, newPath: String?)] = []
        var counts: [String: (added: Int, deleted: Int)] = [:]

        func watched(_ path: String) -> Bool { prefixes.contains { path.hasPrefix($0) } }
        func currentName(_ path: String) -> String? {
            if let alias = aliases[path] { return alias }
            return path
        }
        func finishCommit() {
            guard !graph.commits.isEmpty else { return }
            let commit = graph.commits.count - 1
            // All names are looked up before any alias changes: a commit may swap two paths.
            var updates: [(String, String?)] = []
            for record in records {
                let path = record.newPath ?? record.path
                let name = currentName(path)
                if let name, record.status != UInt8(ascii: "D"), watched(name) {
                    let count = counts[path] ?? (0, 0)
                    changes[name, default: []].append(FileChange(commit: commit, path: path, added: count.added, deleted: count.deleted))
                }
                switch record.status {
                case UInt8(ascii: "A"), UInt8(ascii: "D"), UInt8(ascii: "C"):
                    updates.append((path, nil))
                case UInt8(ascii: "R"):
                    updates.append((path, nil))
                    updates.append((record.path, name))
                default:
                    break
                }
            }
            for (path, name) in updates {
                aliases[path] = .some(name)
            }
            records.removeAll(keepingCapacity: true)
            counts.removeAll(keepingCapacity: true)
        }

        var tokens = data.split(separator: 0, omittingEmptySubsequences: false)[...]
        func text(_ token: Data.SubSequence) -> String { String(decoding: token, as: UTF8.self) }
        while let raw = tokens.popFirst() {
            let token = raw.drop { $0 == UInt8(ascii: "\n") }
            guard let first = token.first else { continue }
            if first == 0x01 {
                finishCommit()
                let parents = tokens.popFirst().map(text) ?? ""
                let date = tokens.popFirst().map(text) ?? ""
                let subject = tokens.popFirst().map(text) ?? ""
                graph.append(hash: text(token.dropFirst()), parents: parents.split(separator: " ").map(String.init),
                             date: date, subject: subject)
            } else if first == UInt8(ascii: ":") {
                // `:mode mode hash hash STATUS`, then the path, and a second path for R and C.
                let status = token.split(separator: UInt8(ascii: " ")).last?.first ?? UInt8(ascii: "M")
                let path = tokens.popFirst().map(text) ?? ""
                let twoPaths = status == UInt8(ascii: "R") || status == UInt8(ascii: "C")
                let newPath = twoPaths ? tokens.popFirst().map(text) : nil
                records.append((status, path, newPath))
            } else {
                // `added<TAB>deleted<TAB>path`; a rename leaves the path empty and gives old and new after.
                let fields = token.split(separator: UInt8(ascii: "\t"), maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3 else { continue }
                var path = text(fields[2])
                if path.isEmpty {
                    _ = tokens.popFirst()
                    path = tokens.popFirst().map(text) ?? ""
                }
                counts[path] = (Int(text(fields[0])) ?? 0, Int(text(fields[1])) ?? 0)
            }
        }
        finishCommit()
        graph.finish()
        return (graph, changes)
    }
}
