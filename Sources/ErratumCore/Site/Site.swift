import Mustache

/// The offline reference site: one page per document under `docs/<locale>/docs/<slug>/`,
/// every link relative, plus the shared stylesheet.
public struct Site: Sendable {
    /// Where the stylesheet is written, relative to `docs/`.
    static let stylesheet = ["static", "erratum.css"]

    let catalog: Catalog
    let strings: StringsCatalog
    /// Documents by their parent: locale plus the slug without its last segment.
    private let children: [DocumentKey: [Document]]

    /// Creates the product.
    public init(catalog: Catalog, strings: StringsCatalog) {
        self.catalog = catalog
        self.strings = strings
        children = Dictionary(grouping: catalog.allDocuments) { DocumentKey(locale: $0.locale, slug: Self.parentSlug(of: $0.slug)) }
    }

    static func parentSlug(of slug: String) -> String {
        guard let slash = slug.lastIndex(of: "/") else { return "" }
        return String(slug[..<slash])
    }

    /// The site's files: every rendered page and the stylesheet.
    ///
    /// - Throws: `DiagnosticError` (`template`) when the page template or stylesheet is missing.
    public func files(pages: [RenderedDocument], templates: TemplateLibrary) throws(DiagnosticError) -> [OutputFile] {
        var files = [OutputFile(path: "docs/" + Self.stylesheet.joined(separator: "/"),
                                contents: try templates.asset("site/erratum.css"))]
        var sidebars = SidebarCache()
        for page in pages {
            let sidebar = try sidebars.html(for: page.document, siblings: siblings(of: page.document), templates: templates)
            let context = pageContext(page, sidebar: sidebar)
            let html = try templates.render("site/page.html", context)
            files.append(OutputFile(path: "docs/" + SitePaths.file(of: page.document).joined(separator: "/"), text: html))
        }
        return files
    }

    /// The pages beside a document: its parent's children, itself included, in slug order.
    private func siblings(of document: Document) -> [Document] {
        children[DocumentKey(locale: document.locale, slug: Self.parentSlug(of: document.slug))] ?? []
    }

    private func pageContext(_ page: RenderedDocument, sidebar: String) -> SitePageContext {
        let document = page.document
        let folder = SitePaths.folder(of: document)
        let language = strings.language(for: document.locale)
        func word(_ key: String, _ fallback: String) -> String {
            strings.text(key, language: language) ?? fallback
        }
        func href(_ target: Document) -> String {
            SitePaths.relative(from: folder, to: SitePaths.file(of: target))
        }

        let translations = catalog.translations(of: document)
        let languages = translations.map { other in
            SitePageContext.Language(
                tag: other.locale.tag,
                name: strings.text("language.name", language: strings.language(for: other.locale)) ?? other.locale.tag,
                href: href(other),
                current: other.locale == document.locale)
        }

        var notice: SitePageContext.Notice?
        if document.locale != .english, let english = catalog.englishSource(of: document) {
            notice = .init(text: word("site.translated-notice", "This page was translated from English."),
                           linkText: word("site.original", "Read the original"), href: href(english))
        }

        // Breadcrumbs: each ancestor slug that is a page of this locale.
        let parts = document.slug.split(separator: "/").map(String.init)
        var breadcrumbs: [SitePageContext.Link] = []
        for length in stride(from: 1, to: parts.count, by: 1) {
            if let parent = catalog.document(document.locale, parts.prefix(length).joined(separator: "/")) {
                breadcrumbs.append(.init(title: parent.frontMatter.shortTitle ?? parent.frontMatter.title, href: href(parent), current: false))
            }
        }
        breadcrumbs.append(.init(title: document.frontMatter.shortTitle ?? document.frontMatter.title, href: "", current: true))

        let toc = page.headings.filter { $0.level == 2 }.map {
            SitePageContext.Link(title: PlainText.of(html: $0.html), href: "#" + $0.id, current: false)
        }

        return SitePageContext(
            lang: document.locale.tag,
            title: document.frontMatter.title,
            content: page.html,
            stylesheet: SitePaths.relative(from: folder, to: Self.stylesheet),
            languages: languages.count > 1 ? languages : [],
            notice: notice,
            breadcrumbs: breadcrumbs,
            sidebar: sidebar,
            toc: toc,
            source: document.path,
            words: .init(
                languages: word("site.languages", "Languages"),
                onThisPage: word("site.on-this-page", "In this article"),
                breadcrumbs: word("site.breadcrumbs", "Breadcrumbs"),
                sidebar: word("site.sidebar", "Related pages"),
                license: word("site.license", "Content by Mozilla Contributors, licensed under CC-BY-SA 2.5."),
                source: word("site.source", "Source file")
            )
        )
    }
}

/// What the page template sees.
struct SitePageContext: Sendable {
    struct Language: Sendable {
        let tag: String
        let name: String
        let href: String
        let current: Bool
    }

    struct Notice: Sendable {
        let text: String
        let linkText: String
        let href: String
    }

    /// A link in the breadcrumbs, sidebar or contents. Sidebars of large sections hold
    /// thousands of these, so the template reads them by name rather than by reflection.
    struct Link: Sendable, MustacheParent {
        let title: String
        let href: String
        let current: Bool

        func child(named name: String) -> Any? {
            switch name {
            case "title": title
            case "href": href
            case "current": current
            default: nil
            }
        }
    }

    struct Words: Sendable {
        let languages: String
        let onThisPage: String
        let breadcrumbs: String
        let sidebar: String
        let license: String
        let source: String
    }

    let lang: String
    let title: String
    let content: String
    let stylesheet: String
    let languages: [Language]
    let notice: Notice?
    let breadcrumbs: [Link]
    /// The sidebar's list items, already rendered.
    let sidebar: String
    let toc: [Link]
    let source: String
    let words: Words
}

/// Sidebar list items, rendered once per section and reused by every page in it.
///
/// Every page of a section lists the same siblings with the same relative links
/// (`../<sibling>/index.html`), so only the current page's item differs from page to page.
/// Rendering each item once keeps a section of n pages at O(n) template work, not O(n²).
struct SidebarCache {
    private var items: [DocumentKey: [String]] = [:]

    mutating func html(for document: Document, siblings: [Document], templates: TemplateLibrary) throws(DiagnosticError) -> String {
        let section = DocumentKey(locale: document.locale, slug: Site.parentSlug(of: document.slug))
        if items[section] == nil {
            var rendered: [String] = []
            for sibling in siblings {
                rendered.append(try templates.render("site/sidebar-item.html", Self.link(sibling, current: false)))
            }
            items[section] = rendered
        }
        var result = ""
        for (sibling, item) in zip(siblings, items[section] ?? []) {
            result += sibling.id == document.id
                ? try templates.render("site/sidebar-item.html", Self.link(sibling, current: true))
                : item
        }
        return result
    }

    static func link(_ document: Document, current: Bool) -> SitePageContext.Link {
        let last = document.slug.split(separator: "/").last.map(String.init) ?? document.slug
        return SitePageContext.Link(title: document.frontMatter.shortTitle ?? document.frontMatter.title,
                                    href: "../" + SitePaths.encodeSegment(last) + "/index.html", current: current)
    }
}
