import Foundation

/// `erratum coverage --mark-updated FILE…`: each translation's `l10n.sourceCommit` set to the
/// newest commit of its English file, once a translator has brought it up to date.
public enum MarkUpdated {
    /// A translation marked.
    public struct Marked: Sendable, Hashable {
        /// The translation's file, as given.
        public let file: String
        /// The commit it now names (full hash), its date (ISO 8601) and subject.
        public let hash: String
        public let date: String
        public let subject: String
    }

    /// Checks every file, then writes them all; when one is refused, none is written.
    ///
    /// A file is refused when it is not a translation of the content (no document of a locale
    /// other than en-US), when its English page is missing (even through redirects), when the
    /// English file has no history or changes not committed (then no commit names what was
    /// translated), or when its front matter cannot be edited.
    ///
    /// - Throws: `DiagnosticError` with one `mark-updated` error per refused file, or the
    ///   loader's errors when the content cannot be read.
    public static func run(files: [String], contentRoots: [String], historyCeiling: [String] = []) throws(DiagnosticError) -> [Marked] {
        let reading = ContentHistory.start(roots: contentRoots, ceiling: historyCeiling)
        let (content, _) = try ContentLoader(roots: contentRoots).load()
        let catalog = Catalog(content)
        let history = reading.finish()
        var byPath: [String: Document] = [:]
        for document in catalog.allDocuments { byPath[canonical(document.path)] = document }

        var refusals: [Diagnostic] = []
        var edits: [(file: String, text: String, marked: Marked)] = []
        for file in files {
            func refuse(_ reason: String) {
                refusals.append(Diagnostic(.error, .markUpdated, "cannot mark as updated: \(reason)",
                                           at: FileLocation(file: file, line: 1, column: 1)))
            }
            guard let document = byPath[canonical(file)] else {
                refuse("it is not a document of the content (\(contentRoots.joined(separator: ", ")))")
                continue
            }
            guard document.locale != .english else {
                refuse("it is an English document; only a translation has a sourceCommit")
                continue
            }
            guard let source = catalog.englishSource(of: document) else {
                refuse("its English page '\(document.slug)' does not exist, not even through a redirect")
                continue
            }
            guard let (repository, path) = history.file(of: source) else {
                refuse("the English file has no git history: \(history.unavailableReason ?? "not in a repository")")
                continue
            }
            let status: Data
            do throws(GitError) {
                status = try GitCommand(folder: repository.location.top).run(
                    ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ":(top,literal)" + path])
            } catch {
                refuse("the English file's state cannot be read: \(error)")
                continue
            }
            guard status.isEmpty else {
                refuse("the English file '\(DisplayPath.relativeToCurrentFolder(source.path))' has changes not committed; "
                       + "commit them first, so that the sourceCommit names the text translated")
                continue
            }
            guard let newest = repository.changes[path]?.first else {
                refuse("the English file '\(DisplayPath.relativeToCurrentFolder(source.path))' has no commit")
                continue
            }
            let commit = repository.graph.commits[newest.commit]
            do {
                // The bytes as they are (a byte-order mark included), which must be UTF-8.
                guard let text = String(data: try Data(contentsOf: URL(fileURLWithPath: document.path)), encoding: .utf8) else {
                    refuse("it is not valid UTF-8")
                    continue
                }
                let edited = try SourceCommitEdit.set(commit.hash, in: text)
                // What is written must read back as the commit set.
                let parsed = try FrontMatterParser(path: document.path).parse(try SourceText.decode(Data(edited.utf8), path: document.path))
                guard parsed.frontMatter.sourceCommit == commit.hash else {
                    refuse("its front matter would not read back with the new sourceCommit")
                    continue
                }
                edits.append((document.path, edited, Marked(file: file, hash: commit.hash, date: commit.date, subject: commit.subject)))
            } catch let refusal as SourceCommitEdit.Refusal {
                refuse(refusal.description)
            } catch let error as DiagnosticError {
                refusals += error.diagnostics
            } catch {
                refuse("\(error)")
            }
        }
        guard refusals.isEmpty else { throw DiagnosticError(refusals) }
        for edit in edits {
            // Replaced whole (a reader never sees half a file), at the file a link leads to,
            // with the permissions it had.
            let target = canonical(edit.file)
            do {
                let permissions = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions]
                try Data(edit.text.utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
                if let permissions { try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: target) }
            } catch {
                throw DiagnosticError(.outputIO, "cannot write '\(edit.file)': \(error.localizedDescription)")
            }
        }
        return edits.map(\.marked)
    }

    /// A path as the same file is named whatever the way to it: absolute, links resolved.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
