import Foundation

/// The git history of the English documents: for each content root holding en-US documents, the
/// repository it lies in, read with one `git rev-parse` and one `git log` per repository.
///
/// Content roots may be separate repositories (an mdn/content checkout and a translated-content
/// one) or one; only the English side's history is read, since a translation's
/// `l10n.sourceCommit` names an English commit.
public struct ContentHistory: Sendable {
    /// Histories by repository top.
    let repositories: [String: RepositoryHistory]
    /// Each content root (as given, ending in `/`) and where it lies in a repository.
    let roots: [(root: String, location: GitLocation)]
    /// Why history is missing, when it is: a sentence for the report.
    public let unavailableReason: String?
    /// Notes about history that could not be read.
    public let diagnostics: [Diagnostic]

    /// No history at all, for a reason.
    public static func unavailable(_ reason: String) -> ContentHistory {
        ContentHistory(repositories: [:], roots: [], unavailableReason: reason, diagnostics: [])
    }

    /// Reads the history of the repositories holding the en-US folders of `roots`.
    public static func read(roots: [String], ceiling: [String] = []) -> ContentHistory {
        start(roots: roots, ceiling: ceiling).finish()
    }

    /// Starts reading: locates the repositories (one `git rev-parse` per content root with an
    /// en-US folder) and starts one `git log` per repository, which runs while the caller
    /// loads the content; `finish()` collects it. No repository above the folders of `ceiling`
    /// is looked for (`GIT_CEILING_DIRECTORIES`).
    public static func start(roots: [String], ceiling: [String] = []) -> Reading {
        let englishRoots = roots.filter { root in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(ContentLocale.english.folder),
                                                  isDirectory: &isDirectory) && isDirectory.boolValue
        }
        var reading = Reading()
        guard !englishRoots.isEmpty else {
            reading.reasons.append("no en-US folder in the content")
            return reading
        }
        for root in englishRoots {
            do throws(GitError) {
                reading.located.append((folderPrefix(root), try GitLocation.of(root, ceiling: ceiling)))
            } catch {
                let reason = Self.reason(error, folder: root)
                reading.reasons.append(reason)
                reading.problems.append(Diagnostic(.note, .gitHistory, reason + "; which translations are outdated cannot be told"))
            }
        }
        for top in Set(reading.located.map(\.1.top)).sorted() {
            let inRepository = reading.located.filter { $0.1.top == top }
            let prefixes = inRepository.map { $0.1.prefix + ContentLocale.english.folder + "/" }
            let location = inRepository.first?.1 ?? GitLocation(top: top, prefix: "", isShallow: false)
            do throws(GitError) {
                reading.running.append(try RepositoryHistory.start(location, watching: prefixes))
            } catch {
                reading.fail(top: top, error)
            }
        }
        return reading
    }

    /// Histories being read.
    public struct Reading {
        var located: [(String, GitLocation)] = []
        var running: [RepositoryHistory.Reading] = []
        var problems: [Diagnostic] = []
        var reasons: [String] = []

        mutating func fail(top: String, _ error: GitError) {
            let reason = "cannot read the history of '\(DisplayPath.relativeToCurrentFolder(top))': \(error)"
            reasons.append(reason)
            problems.append(Diagnostic(.note, .gitHistory, reason))
        }

        /// Waits for every `git log` and parses it.
        public func finish() -> ContentHistory {
            var reading = self
            var repositories: [String: RepositoryHistory] = [:]
            for pending in running {
                do throws(GitError) {
                    repositories[pending.location.top] = try pending.finish()
                } catch {
                    reading.fail(top: pending.location.top, error)
                }
            }
            let usable = located.filter { repositories[$0.1.top] != nil }
            return ContentHistory(repositories: repositories, roots: usable,
                                  unavailableReason: repositories.isEmpty ? (reading.reasons.first ?? "no history") : nil,
                                  diagnostics: reading.problems)
        }
    }

    /// The history holding an English document, and its path relative to the repository's top.
    func file(of document: Document) -> (history: RepositoryHistory, path: String)? {
        for (root, location) in roots where document.path.hasPrefix(root) {
            guard let history = repositories[location.top] else { return nil }
            return (history, location.prefix + document.path.dropFirst(root.count))
        }
        return nil
    }

    /// The repositories read, by top folder.
    public var repositoryTops: [String] { repositories.keys.sorted() }

    /// The day (`YYYY-MM-DD`) of a commit of the English history, named by full or short
    /// hash; nil when no repository read holds it.
    public func day(ofCommit name: String) -> String? {
        for top in repositories.keys.sorted() {
            guard let graph = repositories[top]?.graph, let index = graph.commit(named: name) else { continue }
            return String(graph.commits[index].date.prefix(10))
        }
        return nil
    }

    /// How many commits the histories hold in all.
    public var commitCount: Int { repositories.values.reduce(0) { $0 + $1.graph.commits.count } }

    static func folderPrefix(_ root: String) -> String {
        root.hasSuffix("/") ? root : root + "/"
    }

    static func reason(_ error: GitError, folder: String) -> String {
        switch error {
        case let .unavailable(why): "no git history for '\(folder)': git is not available (\(why))"
        case let .failed(_, _, message) where message.contains("not a git repository"):
            "no git history for '\(folder)': it is not in a git repository"
        case let .failed(_, _, message): "no git history for '\(folder)': \(message)"
        }
    }
}
