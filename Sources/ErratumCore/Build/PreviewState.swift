import Foundation

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

    init(catalog: Catalog, renderer: DocumentRenderer, site: Site, templates: TemplateLibrary, output: String) {
        self.catalog = catalog
        self.renderer = renderer
        self.site = site
        self.templates = templates
        self.output = output
        documents = Dictionary(catalog.allDocuments.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
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
}
