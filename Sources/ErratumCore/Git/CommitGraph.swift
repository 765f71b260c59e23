/// The commits of one history, newest first in git's topological order, with their parents.
///
/// Indices stand for commits everywhere in coverage: a smaller index is never an ancestor of a
/// larger one.
public struct CommitGraph: Sendable {
    /// One commit.
    public struct Commit: Sendable, Hashable {
        /// The full hash.
        public let hash: String
        /// The committer date, ISO 8601 as git prints it (`%cI`).
        public let date: String
        /// The first line of the message.
        public let subject: String
        /// Indices of the parents present in this history.
        public internal(set) var parents: [Int]
    }

    /// Every commit, newest first.
    public private(set) var commits: [Commit] = []
    private var byHash: [String: Int] = [:]
    private var parentHashes: [[String]] = []
    /// Hashes in order, for abbreviated names.
    private var sortedHashes: [String] = []
    /// Whether every commit's only parent is the next one: then ancestry is a comparison of indices.
    public private(set) var isLinear = true

    /// Creates an empty graph.
    public init() {}

    /// Adds the next older commit; `finish()` links parents once all are in.
    mutating func append(hash: String, parents: [String], date: String, subject: String) {
        byHash[hash] = commits.count
        commits.append(Commit(hash: hash, date: date, subject: subject, parents: []))
        parentHashes.append(parents)
    }

    /// Resolves parent hashes to indices (parents outside the history, as in a shallow clone
    /// or a path-limited log, are dropped).
    mutating func finish() {
        for index in commits.indices {
            commits[index].parents = parentHashes[index].compactMap { byHash[$0] }
            let parents = commits[index].parents
            if parentHashes[index].count > 1 || !(parents.isEmpty || parents == [index + 1]) { isLinear = false }
        }
        parentHashes = []
        sortedHashes = byHash.keys.sorted()
    }

    /// The commit a name stands for: a full hash, or an abbreviation of at least 4 hex digits
    /// that only one commit starts with.
    public func commit(named name: String) -> Int? {
        let name = name.lowercased()
        if let index = byHash[name] { return index }
        guard name.count >= 4, name.count < 40, name.allSatisfy(\.isHexDigit) else { return nil }
        var low = 0, high = sortedHashes.count
        while low < high {
            let middle = (low + high) / 2
            if sortedHashes[middle] < name { low = middle + 1 } else { high = middle }
        }
        guard low < sortedHashes.count, sortedHashes[low].hasPrefix(name) else { return nil }
        if low + 1 < sortedHashes.count, sortedHashes[low + 1].hasPrefix(name) { return nil }
        return byHash[sortedHashes[low]]
    }

    /// The commits `index` is made of: itself and every ancestor.
    public func ancestry(of index: Int) -> Ancestry {
        if isLinear { return Ancestry(storage: .fromIndex(index)) }
        var seen: Set<Int> = [index]
        var stack = [index]
        while let next = stack.popLast() {
            for parent in commits[next].parents where seen.insert(parent).inserted {
                stack.append(parent)
            }
        }
        return Ancestry(storage: .set(seen))
    }
}

/// A commit and all its ancestors: what a translation made at that commit already reflects.
public struct Ancestry: Sendable {
    enum Storage: Sendable {
        /// A linear history: the commit and everything older.
        case fromIndex(Int)
        case set(Set<Int>)
    }

    let storage: Storage

    /// Whether the commit at `index` is the commit itself or one of its ancestors.
    public func contains(_ index: Int) -> Bool {
        switch storage {
        case let .fromIndex(first): index >= first
        case let .set(members): members.contains(index)
        }
    }
}
