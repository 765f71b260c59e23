import Foundation
import Synchronization

/// What a build leaves for a preview (`erratum serve`) to show an edit before the next build
/// has run: its catalog, renderer, site and templates, to render the pages of changed
/// documents straight into the output.
///
/// Only an edit that leaves a document's face as it was (front matter, path, locale) takes
/// this way: every answer the catalog gives about it is then unchanged, so the edited page
/// renders exactly as a build would render it. Pages that list its body (its parent's
/// children) catch up with the build that follows, as does anything a second document edited
/// at the same time changes in the first.
public final class PreviewState: Sendable {
    let catalog: Catalog
    let renderer: DocumentRenderer
    let site: Site
    let templates: TemplateLibrary
    let output: String
    let documents: [String: Document]
    /// What error pages are made of, for pages made on request (`file(at:)`).
    let errorSettings: ErrorPageSettings?
    /// Where the server configurations say the error pages are.
    let errorsRoot: String
    /// The problems loading found, by file: a page made on request shows its document's.
    let loadProblems: [String: [Diagnostic]]
    /// Loading's errors that leave a file out of the catalog: no page of theirs to show them on.
    public let siteProblems: [Diagnostic]
    private let made = Mutex(MadeOnRequest())
    /// The sidebars of pages made on request, each section's made once.
    private let requestSidebars: PageSidebars

    init(catalog: Catalog, renderer: DocumentRenderer, site: Site, templates: TemplateLibrary, output: String,
         errorSettings: ErrorPageSettings? = nil, errorsRoot: String = "", loadProblems: [Diagnostic] = []) {
        self.catalog = catalog
        self.renderer = renderer
        self.site = site
        self.templates = templates
        self.output = output
        self.errorSettings = errorSettings
        self.errorsRoot = errorsRoot
        requestSidebars = PageSidebars(site: site)
        documents = Dictionary(catalog.allDocuments.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var byFile: [String: [Diagnostic]] = [:]
        var siteProblems: [Diagnostic] = []
        for problem in loadProblems where problem.severity != .note {
            if let file = problem.location?.file, documents[file] != nil {
                byFile[file, default: []].append(problem)
            } else if problem.severity == .error {
                siteProblems.append(problem)
            }
        }
        self.loadProblems = byFile
        self.siteProblems = siteProblems
    }

    /// What `renderChanged` made.
    public struct Pages: Sendable {
        /// Each page written (`docs/…/index.html`) and the fingerprint of its bytes.
        public var written: [String: Digest] = [:]
        /// The problems of each document rendered, by its path (front matter warnings and the
        /// render's).
        public var diagnostics: [String: [Diagnostic]] = [:]
    }

    /// Renders the pages of the documents at `paths` into the output, or returns nil, having
    /// written nothing, when any path is not a document of this build, no longer parses, or
    /// changed its face: a build must run first.
    public func renderChanged(_ paths: Set<String>) -> Pages? {
        var documents: [(old: Document, new: Document, warnings: [Diagnostic])] = []
        for path in paths.sorted() {
            guard let old = self.documents[path], let text = try? SourceText.read(path) else { return nil }
            let digest = LoadedFile.digest(of: text)
            // Closed after writing, but the same bytes (a save without a change): nothing to show.
            if digest == old.sourceDigest { continue }
            guard let loaded = try? LoadedFile(path: path, locale: old.locale, text: text, digest: digest, bodies: .onDisk, outlines: false),
                  loaded.document.faceDigest == old.faceDigest else { return nil }
            documents.append((old, loaded.document, loaded.warnings))
        }
        guard !documents.isEmpty else { return nil }
        var pages = Pages()
        var files: [OutputFile] = []
        let sidebars = PageSidebars(site: site)
        for (_, document, warnings) in documents {
            let rendered = renderer.render(document)
            guard let made = try? site.pageFiles(SitePage(rendered: rendered, renderKey: nil, hasHTML: true), sidebars: sidebars,
                                                 templates: templates, reuse: nil) else { return nil }
            files += made.files
            pages.diagnostics[document.path] = warnings + rendered.diagnostics
        }
        for file in files {
            guard let data = try? file.withBytes({ Data($0) }) else { return nil }
            let target = output.appendingPathComponent(file.path)
            let temporary = target + ".preview-\(getpid())"
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: temporary))
            } catch {
                unlink(temporary)
                return nil
            }
            // A rename, never a write into the file: the spare tree may share it as a link.
            guard rename(temporary, target) == 0 else {
                unlink(temporary)
                return nil
            }
            if file.path.hasSuffix("/index.html") { pages.written[file.path] = Self.fingerprint(data) }
        }
        return pages
    }

    /// The fingerprint of a file's bytes, to tell whether a build wrote the same page again.
    public static func fingerprint(_ data: Data) -> Digest {
        Digest.of(data)
    }

    // MARK: Pages made on request

    /// A file of the site made on request, before any build has written it.
    public enum RequestedFile: Sendable {
        /// The file's bytes, and the problems to show over it (a page's own).
        case file(Data, problems: [Diagnostic])
        /// The path is a folder of the site: its address wants a `/`.
        case folder
    }

    /// What pages made on request have needed so far: each made once, kept until the first
    /// build's output replaces them.
    private struct MadeOnRequest {
        /// Each document by the path of its page (`docs/…/index.html`).
        var documentsByPage: [String: Document]?
        /// Pages a stub must not take, lower-cased: documents' and index pages'.
        var taken: Set<String>?
        var indexFiles: [String: Data]?
        var errorFiles: [String: Data]?
        var assetFiles: [String: Data]?
        /// The images of the pages made so far.
        var images: [String: Data] = [:]
        /// The last page made of each document, shown while its file does not parse.
        var lastGood: [String: Data] = [:]
    }

    /// The file of the site at `path` (relative to the output: `docs/…` or `errors/…`) as a
    /// build would write it, made now: a document's page (from its file as it is now), an index
    /// or search page, a redirect stub, the stylesheet or script, an image of a page made
    /// before, an error page. Nil when the site has no such file.
    ///
    /// What a preview serves while its first build runs: a page costs one render, and the site's
    /// index pages and error pages are made once, on their first request.
    public func file(at path: String) -> RequestedFile? {
        if let made = made(path) { return made }
        guard path.hasPrefix("docs/"), !path.hasSuffix("/") else { return nil }
        return made(path + "/index.html") == nil ? nil : .folder
    }

    /// Each document's page (`docs/…/index.html`), by the document's path.
    public var documentPages: [String: String] {
        Dictionary(documentsByPage().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The languages of the error pages made on request (`errors/<language>/…`).
    public var errorLanguages: [String] { errorSettings?.languages ?? [] }

    private func made(_ path: String) -> RequestedFile? {
        if path.hasPrefix("errors/") {
            return errorFiles()[path].map { .file($0, problems: []) }
        }
        guard path.hasPrefix("docs/") else { return nil }
        if let document = documentsByPage()[path] { return page(of: document) }
        if let data = assetFiles()[path] ?? image(at: path) ?? indexFiles()[path] {
            return .file(data, problems: [])
        }
        return stub(at: path).map { .file($0, problems: []) }
    }

    /// An image beside a page, which making the page finds.
    private func image(at path: String) -> Data? {
        if let known = made.withLock({ $0.images[path] }) { return known }
        // The page is in the nearest folder above that has one (`images/` may be in between).
        let pages = documentsByPage()
        var folder = Substring(path)
        while let slash = folder.lastIndex(of: "/") {
            folder = folder[..<slash]
            guard let document = pages[folder + "/index.html"] else { continue }
            _ = page(of: document)
            return made.withLock { $0.images[path] }
        }
        return nil
    }

    private func documentsByPage() -> [String: Document] {
        made.withLock { made in
            if let known = made.documentsByPage { return known }
            let pages = Dictionary(catalog.allDocuments.map { (Site.pagePath(of: $0), $0) }, uniquingKeysWith: { first, _ in first })
            made.documentsByPage = pages
            return pages
        }
    }

    /// A document's page, from its file as it is now: an edit whose front matter no longer
    /// parses shows the last version that did, with the problem.
    private func page(of document: Document) -> RequestedFile? {
        var document = document
        var problems = loadProblems[document.path] ?? []
        if let text = try? SourceText.read(document.path) {
            let digest = LoadedFile.digest(of: text)
            if digest != document.sourceDigest {
                do {
                    let loaded = try LoadedFile(path: document.path, locale: document.locale, text: text, digest: digest,
                                                bodies: .held, outlines: false)
                    document = loaded.document
                    problems = loaded.warnings
                } catch {
                    // The body left on disk is no longer where it was: the last page made, or
                    // the page with the body as it now reads after the front matter.
                    if let last = made.withLock({ $0.lastGood[document.path] }) { return .file(last, problems: error.diagnostics) }
                    document = Self.document(document, withBodyOf: text)
                    problems = error.diagnostics
                }
            }
        }
        let rendered = renderer.render(document)
        guard let files = try? site.pageFiles(SitePage(rendered: rendered, renderKey: nil, hasHTML: true), sidebars: requestSidebars,
                                              templates: templates, reuse: nil).files,
              let page = files.first else { return nil }
        made.withLock { made in
            for image in files.dropFirst() { made.images[image.path] = image.contents }
            if !problems.contains(where: { $0.severity == .error }) { made.lastGood[document.path] = page.contents }
        }
        return .file(page.contents, problems: problems + rendered.diagnostics)
    }

    /// `document` with the body `text` has after its front matter's closing `---` (none when
    /// it has none).
    static func document(_ document: Document, withBodyOf text: String) -> Document {
        var body = ""
        var bodyLine = 1
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
            lines = lines.dropFirst()
            if let closing = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) {
                bodyLine = closing + 2
                body = lines[(closing + 1)...].joined(separator: "\n")
            }
        }
        return Document(locale: document.locale, frontMatter: document.frontMatter, body: body, bodyLine: bodyLine, path: document.path)
    }

    private func indexFiles() -> [String: Data] {
        made.withLock { made in
            if let known = made.indexFiles { return known }
            let files = (try? site.indexFiles(templates: templates)) ?? []
            let byPath = Dictionary(files.map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
            made.indexFiles = byPath
            return byPath
        }
    }

    private func assetFiles() -> [String: Data] {
        made.withLock { made in
            if let known = made.assetFiles { return known }
            let files = (try? site.assetFiles(templates: templates)) ?? []
            let byPath = Dictionary(files.map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
            made.assetFiles = byPath
            return byPath
        }
    }

    private func errorFiles() -> [String: Data] {
        made.withLock { made in
            if let known = made.errorFiles { return known }
            var byPath: [String: Data] = [:]
            if let errorSettings, let files = try? ErrorPages(settings: errorSettings, strings: site.strings, catalog: catalog)
                .files(templates: templates) {
                for file in files { byPath[file.path] = file.contents }
                // Apache's type maps sit among the bodies.
                let configs = (try? ServerConfigs(settings: errorSettings, errorsRoot: errorsRoot).files(templates: templates)) ?? []
                for file in configs where file.path.hasPrefix("errors/") { byPath[file.path] = file.contents }
            }
            made.errorFiles = byPath
            return byPath
        }
    }

    /// The redirect stub at `path`, when a redirect table has one there that no page takes.
    private func stub(at path: String) -> Data? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[2] == "docs", parts.last == "index.html" else { return nil }
        let locale = ContentLocale(tag: String(parts[1]))
        let url = "/" + parts.dropFirst().dropLast().joined(separator: "/")
        // A table's source may end in `/`; its stub is the same folder's (the first in the
        // table's order when both are there, as a build takes them).
        guard let table = catalog.redirects[locale], let (from, to) = table.redirect(of: url) ?? table.redirect(of: url + "/") else {
            return nil
        }
        let pages = documentsByPage()
        let index = indexFiles()
        let taken = made.withLock { made in
            if let known = made.taken { return known }
            let taken = Set(pages.keys.map { $0.lowercased() }).union(index.keys.map { $0.lowercased() })
            made.taken = taken
            return taken
        }
        guard !taken.contains(path.lowercased()) else { return nil }
        let words = site.words(language: site.strings.language(for: locale))
        guard let (stubPath, context) = RedirectStubs(site: site, taken: []).stub(from: from, to: to, locale: locale, words: words),
              stubPath == path,
              let text = try? templates.render("site/redirect.html", context) else { return nil }
        return Data(text.utf8)
    }
}
