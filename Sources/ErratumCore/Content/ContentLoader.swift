import Foundation

/// Reads MDN-layout content roots: `<root>/<locale>/<slug, lower-cased>/index.md` plus each
/// locale's `_redirects.txt`.
///
/// Loading never stops at the first bad file: every file is read, and the problems come back
/// together so that one run shows them all.
public struct ContentLoader: Sendable {
    /// The content roots, in the order given; a locale may appear in only one of them.
    public var roots: [String]
    /// Whether documents hold their bodies, or read them from their files when asked.
    public var bodies: Bodies

    /// Where a loaded document's body is.
    public enum Bodies: Sendable {
        /// In memory, as read.
        case held
        /// Left in its file and read again when asked (`Document.readBody()`): memory then
        /// grows with the number of documents, not with their size.
        case onDisk
    }

    /// What earlier builds loaded, recalled for files unchanged since, and noted for the next.
    var sources: SourceCache?

    /// Creates a loader for the given roots.
    public init(roots: [String], bodies: Bodies = .held) {
        self.roots = roots
        self.bodies = bodies
    }

    /// Loads every document and redirect table.
    ///
    /// - Returns: the content and the diagnostics found while reading it. Documents with errors
    ///   are left out of the content; the caller decides whether errors stop the build.
    /// - Throws: `DiagnosticError` when a root does not exist.
    public func load() throws(DiagnosticError) -> (ContentSet, [Diagnostic]) {
        var documents: [DocumentKey: Document] = [:]
        var redirects: [ContentLocale: Redirects] = [:]
        var l10n = L10nStrings()
        var sidebars: [String: SidebarDefinition] = [:]
        var diagnostics: [Diagnostic] = []
        let fileManager = FileManager.default

        var indexFileCount = 0
        for root in roots {
            guard let rootID = ContentTree.folderID(root) else {
                throw DiagnosticError(.sourceIO, "content folder '\(root)' does not exist")
            }
            let (strings, problems) = L10nStrings.load(folder: root.appendingPathComponent("jsondata"))
            l10n.merge(strings)
            diagnostics += problems
            let sidebarFolder = root.appendingPathComponent("sidebars")
            for name in ContentTree.names(in: sidebarFolder).sorted() where name.hasSuffix(".yaml") {
                let path = sidebarFolder.appendingPathComponent(name)
                do {
                    let text = try SourceText.read(path)
                    let (sidebar, problems) = SidebarDefinition.parse(text, name: String(name.dropLast(5)), path: path)
                    diagnostics += problems
                    if let sidebar { sidebars[sidebar.name] = sidebar }
                } catch {
                    diagnostics += error.diagnostics
                }
            }
            for localeFolder in Self.localeFolders(in: root) {
                let locale = ContentLocale(tag: localeFolder)
                let localeRoot = root.appendingPathComponent(localeFolder)

                let redirectsPath = localeRoot.appendingPathComponent("_redirects.txt")
                if fileManager.fileExists(atPath: redirectsPath) {
                    do {
                        let text = try SourceText.read(redirectsPath)
                        let (table, problems) = Redirects.parse(text, path: redirectsPath)
                        redirects[locale, default: Redirects()].merge(table)
                        diagnostics += problems
                    } catch {
                        diagnostics += error.diagnostics
                    }
                }

                // Reading and parsing run on every core; what they found is then taken in
                // file order, so diagnostics and duplicate-slug choices do not depend on timing.
                let (relatives, loops) = ContentTree.indexFiles(under: localeRoot, inside: [.init(id: rootID, path: root)])
                diagnostics += loops
                indexFileCount += relatives.count
                let bodies = bodies
                let sources = sources
                let parsed = (try? Parallel.map(relatives) { relative throws(DiagnosticError) -> Result<LoadedFile, DiagnosticError> in
                    do throws(DiagnosticError) {
                        let path = localeRoot.appendingPathComponent(relative)
                        if let sources { return .success(try sources.load(path, locale: locale, bodies: bodies)) }
                        let text = try SourceText.read(path)
                        // Without a source cache nothing keeps an outline digest: none is taken.
                        return .success(try LoadedFile(path: path, locale: locale, text: text, digest: LoadedFile.digest(of: text),
                                                       bodies: bodies, outlines: false))
                    } catch {
                        return .failure(error)
                    }
                }) ?? []
                for (relative, outcome) in zip(relatives, parsed) {
                    let path = localeRoot.appendingPathComponent(relative)
                    switch outcome {
                    case let .failure(error):
                        diagnostics += error.diagnostics
                    case let .success(loaded):
                        diagnostics += loaded.warnings
                        let document = loaded.document
                        let folder = String(relative.dropLast("/index.md".count))
                        if Self.folder(forSlug: document.slug) != folder {
                            diagnostics.append(Diagnostic(
                                .warning, .slugPath,
                                "slug '\(document.slug)' belongs in folder '\(Self.folder(forSlug: document.slug))', not '\(folder)'",
                                at: FileLocation(file: path, line: 1, column: 1)))
                        }
                        if let existing = documents[document.id] {
                            diagnostics.append(Diagnostic(
                                .error, .duplicateSlug,
                                "slug '\(document.slug)' in \(locale) is also used by \(existing.path)",
                                at: FileLocation(file: path, line: 1, column: 1)))
                        } else {
                            documents[document.id] = document
                        }
                    }
                }
            }
        }
        sources?.finishLoading()
        if indexFileCount == 0 {
            diagnostics.append(noDocuments())
        }
        let sorted = documents.sorted { $0.key < $1.key }.map(\.value)
        var content = ContentSet(documents: sorted, redirects: redirects, l10n: l10n)
        content.sidebars = sidebars
        return (content, diagnostics.sorted())
    }

    /// MDN's rule for the folder of a slug: lower case, with characters that are unsafe in
    /// file names spelled out.
    public static func folder(forSlug slug: String) -> String {
        // Every document asks this at load: most slugs need no spelling out, so no Foundation search.
        guard slug.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "?") }) else {
            return slug.lowercased()
        }
        return slug.lowercased()
            .replacingOccurrences(of: "*", with: "_star_")
            .replacingOccurrences(of: "::", with: "_doublecolon_")
            .replacingOccurrences(of: ":", with: "_colon_")
            .replacingOccurrences(of: "?", with: "_question_")
    }

    /// Sub-folders of a root, or links to folders, whose names look like locale tags (`en-us`,
    /// `fr`, `zh-cn`).
    static func localeFolders(in root: String) -> [String] {
        ContentTree.names(in: root).filter { name in
            let parts = name.split(separator: "-", omittingEmptySubsequences: false)
            guard let language = parts.first, (2...3).contains(language.count),
                  language.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
            return parts.dropFirst().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } }
                && ContentTree.folderID(root.appendingPathComponent(name)) != nil
        }.sorted()
    }

    /// The warning of a load that found no `index.md` at all, saying where it looked: a wrong
    /// `--content` otherwise builds an empty site without a word.
    func noDocuments() -> Diagnostic {
        let quoted = roots.map { "'\($0)'" }.joined(separator: ", ")
        let found = roots.map { root in
            let locales = Self.localeFolders(in: root)
            return locales.isEmpty
                ? "'\(root)' has no locale folder"
                : "'\(root)' has locale folder\(locales.count == 1 ? "" : "s") \(locales.joined(separator: ", ")) with no <slug>/index.md below"
        }.joined(separator: "; ")
        return Diagnostic(
            .warning, .noDocuments,
            "found no document in the content root\(roots.count == 1 ? "" : "s") \(quoted): documents are read from "
                + "<root>/<locale>/<slug>/index.md, with locale folders named like en-us, fr or zh-cn; \(found)")
    }
}

/// One `index.md` as the loader keeps it: the document (with or without its body), where its
/// body starts, and the warnings its front matter gave.
struct LoadedFile: Sendable {
    var document: Document
    /// Where the body starts in the file's text, in UTF-8 bytes.
    var bodyOffset: Int
    var warnings: [Diagnostic]

    init(document: Document, bodyOffset: Int, warnings: [Diagnostic]) {
        self.document = document
        self.bodyOffset = bodyOffset
        self.warnings = warnings
    }

    /// Parses a file's text; with `onDisk`, its body is let go once its summary is taken. With
    /// `outlines`, the body's outline digest is taken too (only a build cache keeps it).
    init(path: String, locale: ContentLocale, text: String, digest: Digest, bodies: ContentLoader.Bodies,
         outlines: Bool) throws(DiagnosticError) {
        let parsed = try FrontMatterParser(path: path).parse(text)
        document = Document(locale: locale, frontMatter: parsed.frontMatter, body: bodies == .held ? parsed.body : nil,
                            bodyLine: parsed.bodyLine, bodyOffset: parsed.bodyOffset, path: path,
                            summary: Summary.firstParagraph(of: parsed.body), sourceDigest: digest,
                            outlineDigest: outlines ? DocumentOutline.digest(body: parsed.body, bodyLine: parsed.bodyLine) : nil)
        bodyOffset = parsed.bodyOffset
        warnings = parsed.warnings
    }

    /// The fingerprint of a file's text.
    static func digest(of text: String) -> Digest {
        var hasher = StableHasher()
        hasher.combine(text)
        return hasher.finalize()
    }
}
