/// How internal links are written.
public enum LinkStyle: Sendable, Hashable {
    /// As MDN serves them: absolute `/en-US/docs/…` URLs, and `page-not-created` links without
    /// `href` for pages that do not exist. Golden tests compare this form with MDN's build.
    case mdn
    /// For the offline site: relative paths to `…/index.html` files, so the folder works from
    /// `file://` and under any sub-path; pages outside the content set link to the live MDN
    /// page at `liveBase`.
    case offline(liveBase: String)
}

/// Turns MDN URLs into links for one page, resolving them through the catalog.
public struct LinkWriter: Sendable {
    /// The catalog links are resolved against.
    public let catalog: Catalog
    /// The page the links are written on.
    public let page: Document
    /// How links are written.
    public let style: LinkStyle
    /// The `title` MDN gives links to pages that do not exist (localized).
    public let notCreatedTitle: String

    /// The page's folder (`SitePaths.folder(of: page)`), which every offline link starts from.
    private let pageFolder: [String]

    /// Creates a writer for links on `page`.
    public init(catalog: Catalog, page: Document, style: LinkStyle, notCreatedTitle: String) {
        self.catalog = catalog
        self.page = page
        self.style = style
        self.notCreatedTitle = notCreatedTitle
        pageFolder = SitePaths.folder(of: page)
    }

    /// A complete `<a>` element for an MDN URL with the given inner HTML, as MDN's link macros
    /// write it.
    public func anchor(_ url: String, innerHTML: String) -> String {
        let markup = self.markup(for: url) ?? MarkdownRenderer.LinkMarkup(href: url)
        return HTMLText.startTag("a", href: markup.href, attributes: markup.attributes) + innerHTML + "</a>"
    }

    /// How a link destination written in Markdown should be rendered; nil leaves it as written
    /// (external links, same-page anchors, other schemes).
    public func markup(for written: String) -> MarkdownRenderer.LinkMarkup? {
        // MDN's build treats its own absolute URLs as internal links.
        let destination = Self.withoutMDNOrigin(written)
        if destination.startsIgnoringASCIICase(with: "https://") || destination.startsIgnoringASCIICase(with: "http://") {
            // As MDN marks links that leave the site (with its "external link" title where the
            // content's L10n has one).
            var attributes: [MarkdownRenderer.Attribute] = [.init("class", "external"), .init("target", "_blank")]
            if let title = catalog.l10n.text("Template.external_link", locale: page.locale)
                ?? catalog.l10n.text("Template.external_link", locale: .english) {
                attributes.append(.init("title", HTMLText.decodingEntities(title)))
            }
            return MarkdownRenderer.LinkMarkup(href: destination, attributes: attributes)
        }
        // `/docs/…` without a locale is read in the page's locale and, on MDN, stays locale-less.
        let localeless = destination.hasPrefix("/docs/")
        guard let url = absoluteDocsURL(localeless ? "/\(page.locale.tag)" + destination : destination) else {
            // A site-absolute path that is no docs page (`/en-US/observatory`) lives on MDN.
            if case let .offline(liveBase) = style, destination.hasPrefix("/"), !destination.hasPrefix("//") {
                return MarkdownRenderer.LinkMarkup(href: liveBase + destination, attributes: [.init("class", "external")])
            }
            return nil
        }
        switch catalog.resolve(url) {
        case let .found(document, fragment):
            var href = href(to: document, fragment: fragment)
            if localeless, style == .mdn, let slash = href.dropFirst().firstIndex(of: "/") { href = String(href[slash...]) }
            // A link to the page itself is marked as MDN marks it.
            let current: [MarkdownRenderer.Attribute] = document.id == page.id ? [.init("aria-current", "page")] : []
            return MarkdownRenderer.LinkMarkup(href: href, attributes: current)
        case let .onlyInEnglish(document, fragment):
            return MarkdownRenderer.LinkMarkup(href: href(to: document, fragment: fragment),
                                               attributes: [.init("class", "only-in-en-us")])
        case let .missing(target, fragment):
            let full = target + (fragment.map { "#\($0)" } ?? "")
            switch style {
            case .mdn:
                return MarkdownRenderer.LinkMarkup(href: nil, attributes: [
                    .init("class", "page-not-created"), .init("data-href", full), .init("title", notCreatedTitle),
                ])
            case let .offline(liveBase):
                return MarkdownRenderer.LinkMarkup(href: liveBase + full, attributes: [.init("class", "external")])
            }
        case .notDocs:
            return nil
        }
    }

    /// This page on the live MDN site (the offline site's `liveBase`), with a fragment.
    public func livePage(fragment: String) -> String {
        let base: String
        switch style {
        case .mdn: base = "https://developer.mozilla.org"
        case let .offline(liveBase): base = liveBase
        }
        return base + page.url + "#" + fragment
    }

    /// `https://developer.mozilla.org/x` as `/x` (and the bare origin as `/`).
    static func withoutMDNOrigin(_ url: String) -> String {
        let origin = "https://developer.mozilla.org"
        guard url.startsIgnoringASCIICase(with: origin) else { return url }
        let rest = url.dropFirst(origin.count)
        if rest.isEmpty { return "/" }
        return rest.first == "/" ? String(rest) : url
    }

    /// The href of another document from this page, with an optional fragment.
    public func href(to document: Document, fragment: String? = nil) -> String {
        let suffix = fragment.map { "#\($0)" } ?? ""
        switch style {
        case .mdn:
            return document.url + suffix
        case .offline:
            return SitePaths.relative(from: pageFolder, to: SitePaths.file(of: document)) + suffix
        }
    }

    /// `/xx/docs/…` URLs as written, or resolved against the page for relative ones; nil for
    /// anything that is not a docs page.
    private func absoluteDocsURL(_ destination: String) -> String? {
        if destination.hasPrefix("/") {
            return destination.contains("/docs/") ? destination : nil
        }
        // Relative paths such as `../413` are resolved against the page's own URL.
        guard !destination.isEmpty, !destination.hasPrefix("#"), !destination.contains(":") else { return nil }
        var parts = page.url.split(separator: "/").map(String.init)
        let (path, fragment) = Catalog.split(destination)
        for piece in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch piece {
            case "..": if !parts.isEmpty { parts.removeLast() }
            case ".", "": continue
            default: parts.append(String(piece))
            }
        }
        return "/" + parts.joined(separator: "/") + (fragment.map { "#\($0)" } ?? "")
    }
}

/// Where documents live in the offline site, relative to `Output/docs/`.
public enum SitePaths {
    /// The folder of a document's page: `en-US/docs/Web/HTTP/Reference/Status/507`.
    public static func folder(of document: Document) -> [String] {
        [document.locale.tag, "docs"] + document.slug.split(separator: "/").map(String.init)
    }

    /// The page file of a document, as path components.
    public static func file(of document: Document) -> [String] {
        folder(of: document) + ["index.html"]
    }

    /// A relative URL from a folder to a file, both given as components under the same root.
    public static func relative(from folder: [String], to file: [String]) -> String {
        var common = 0
        while common < folder.count, common < file.count - 1, folder[common] == file[common] { common += 1 }
        let ups = Array(repeating: "..", count: folder.count - common)
        let downs = file[common...].map(encodeSegment)
        let path = (ups + downs).joined(separator: "/")
        // A first segment with a colon would read as a URL scheme (`:hover/index.html`).
        return ups.isEmpty ? "./" + path : path
    }

    /// The ASCII bytes `encodeSegment` escapes.
    private static let segmentEscapes: [Bool] = (0..<128).map { "%#? \"<>\\^`{|}".utf8.contains(UInt8($0)) }

    /// Percent-encodes the characters a path segment cannot hold literally.
    static func encodeSegment(_ segment: String) -> String {
        // Almost every segment needs nothing: one byte scan, no copy.
        guard segment.utf8.contains(where: { $0 < 0x80 && segmentEscapes[Int($0)] }) else { return segment }
        var result = ""
        for scalar in segment.unicodeScalars {
            switch scalar {
            case "%", "#", "?", " ", "\"", "<", ">", "\\", "^", "`", "{", "|", "}":
                result += "%" + String(scalar.value, radix: 16, uppercase: true)
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension String {
    /// Whether the string starts with `prefix` (lower-case ASCII) in any ASCII case: a byte
    /// comparison, where `lowercased().hasPrefix(_:)` copies every link it looks at.
    func startsIgnoringASCIICase(with prefix: String) -> Bool {
        var bytes = utf8.makeIterator()
        for expected in prefix.utf8 {
            guard let byte = bytes.next() else { return false }
            let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            guard folded == expected else { return false }
        }
        return true
    }
}
