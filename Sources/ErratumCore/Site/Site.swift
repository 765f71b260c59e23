import Foundation
import Mustache

/// The offline reference site: one page per document under `docs/<locale>/docs/<slug>/`,
/// a home page, a page for each section folder no document fills, a search index per
/// locale, redirect stubs for every old slug, one stylesheet and one script; every link
/// relative, so the folder works from `file://`, from `/` and from any sub-path.
public struct Site: Sendable {
    /// Where the stylesheet and script are written, relative to `docs/`.
    static let stylesheet = ["static", "erratum.css"]
    static let script = ["static", "erratum.js"]

    let catalog: Catalog
    let strings: StringsCatalog
    /// Where pages outside the content live.
    let liveBase: String
    /// Documents by their parent: locale plus the slug without its last segment.
    private let children: [DocumentKey: [Document]]

    /// The day of an English commit, for the notice on pages translated from it.
    let sourceCommitDay: @Sendable (String) -> String?

    /// Creates the product.
    public init(catalog: Catalog, strings: StringsCatalog, liveBase: String = "https://developer.mozilla.org",
                sourceCommitDay: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.catalog = catalog
        self.strings = strings
        self.liveBase = liveBase
        self.sourceCommitDay = sourceCommitDay
        children = Dictionary(grouping: catalog.allDocuments) { DocumentKey(locale: $0.locale, slug: Self.parentSlug(of: $0.slug)) }
    }

    static func parentSlug(of slug: String) -> String {
        guard let slash = slug.lastIndex(of: "/") else { return "" }
        return String(slug[..<slash])
    }

    /// The site's files: every rendered page, the home, section and search pages, the
    /// search indexes, the redirect stubs, the stylesheet and the script.
    ///
    /// - Throws: `DiagnosticError` (`template`) when a site template or asset is missing.
    public func files(pages: [RenderedDocument], templates: TemplateLibrary) throws(DiagnosticError) -> [OutputFile] {
        let sidebars = PageSidebars(site: self)
        var files = try assetFiles(templates: templates)
        for page in pages {
            files += try pageFiles(SitePage(rendered: page, renderKey: nil, hasHTML: true), sidebars: sidebars,
                                   templates: templates, reuse: nil).files
        }
        files += try indexFiles(templates: templates)
        files += try redirectFiles(templates: templates, taken: Set(files.map(\.path)))
        return files
    }

    /// The stylesheet and the script.
    func assetFiles(templates: TemplateLibrary) throws(DiagnosticError) -> [OutputFile] {
        [
            OutputFile(path: "docs/" + Self.stylesheet.joined(separator: "/"), contents: try templates.asset("site/erratum.css")),
            OutputFile(path: "docs/" + Self.script.joined(separator: "/"), contents: try templates.asset("site/erratum.js")),
        ]
    }

    /// The home, section and search pages and the search indexes.
    func indexFiles(templates: TemplateLibrary) throws(DiagnosticError) -> [OutputFile] {
        try SiteIndex(site: self).files(templates: templates)
    }

    /// A stub at every old slug of the redirect tables that no file in `taken` already has.
    func redirectFiles(templates: TemplateLibrary, taken: Set<String>) throws(DiagnosticError) -> [OutputFile] {
        var files: [OutputFile] = []
        try RedirectStubs(site: self, taken: taken).files(templates: templates) { (batch: [OutputFile]) throws(DiagnosticError) in
            files += batch
        }
        return files
    }

    /// The redirect stubs, handed to `emit` in batches (`RedirectStubs.batchSize`).
    func redirectFiles(templates: TemplateLibrary, taken: Set<String>,
                       emit: ([OutputFile]) throws(DiagnosticError) -> Void) throws(DiagnosticError) {
        try RedirectStubs(site: self, taken: taken).files(templates: templates, emit: emit)
    }

    /// A document's page and its images. With `reuse`, a page whose render and page context
    /// are unchanged is the previous output's file, and a page whose render was recalled from
    /// the cache but whose context changed (a new sibling, a new translation) is rendered again.
    func pageFiles(_ page: SitePage, sidebars: PageSidebars, templates: TemplateLibrary,
                   reuse: PageReuse?) throws(DiagnosticError) -> (files: [OutputFile], key: Digest?) {
        var rendered = page.rendered
        let sidebar = try sidebars.html(for: rendered, templates: templates)
        let path = Self.pagePath(of: rendered.document)
        var context = pageContext(rendered, sidebar: sidebar)
        var key: Digest?
        if let renderKey = page.renderKey {
            // The render's fingerprint and everything else the template sees.
            var hasher = StableHasher()
            hasher.combine("site page")
            hasher.combine(renderKey)
            context.combineFields(into: &hasher, skipping: SitePageContext.renderFields)
            key = hasher.finalize()
        }
        var pageFiles: [OutputFile]
        if let key, let reuse, reuse.previous.hasFile(path, key: key) {
            pageFiles = [.previous(path, key: key)]
        } else {
            if !page.hasHTML, let reuse {
                rendered = reuse.render(rendered.document)
                context = pageContext(rendered, sidebar: sidebar)
            }
            pageFiles = [OutputFile(path: path, text: try templates.render("site/page.html", context), key: key)]
        }
        return (pageFiles + (try imageFiles(of: rendered)), key)
    }

    /// Where a document's page is written, relative to the output.
    static func pagePath(of document: Document) -> String {
        "docs/" + SitePaths.folder(of: document).joined(separator: "/") + "/index.html"
    }

    /// The images a page shows, copied beside it.
    ///
    /// - Throws: `DiagnosticError` (`source-io`) when an image can no longer be read.
    func imageFiles(of rendered: RenderedDocument) throws(DiagnosticError) -> [OutputFile] {
        let folder = "docs/" + SitePaths.folder(of: rendered.document).joined(separator: "/")
        var files: [OutputFile] = []
        for asset in Set(rendered.assets).sorted(by: { $0.path < $1.path }) {
            guard let data = FileManager.default.contents(atPath: asset.source) else {
                throw DiagnosticError(.sourceIO, "cannot read '\(asset.source)', an image of \(rendered.document.path)")
            }
            files.append(OutputFile(path: folder + "/" + asset.path, contents: data))
        }
        return files
    }

    /// The pages beside a document: its parent's children, itself included, in slug order.
    func siblings(of document: Document) -> [Document] {
        children[DocumentKey(locale: document.locale, slug: Self.parentSlug(of: document.slug))] ?? []
    }

    /// A word of the site's interface in a language.
    func word(_ key: String, _ fallback: String, language: String) -> String {
        strings.text("site.\(key)", language: language) ?? fallback
    }

    /// The template words for a language.
    func words(language: String) -> SitePageContext.Words {
        .init(
            languages: word("languages", "Languages", language: language),
            onThisPage: word("on-this-page", "In this article", language: language),
            breadcrumbs: word("breadcrumbs", "Breadcrumbs", language: language),
            sidebar: word("sidebar", "Related pages", language: language),
            license: word("license", "Content by Mozilla Contributors, licensed under CC-BY-SA 2.5.", language: language),
            source: word("source", "Source", language: language),
            home: word("home", "Home", language: language),
            search: word("search", "Search", language: language),
            searchPlaceholder: word("search-placeholder", "Search the docs", language: language),
            searchNone: word("search-none", "No page matches.", language: language),
            moved: word("moved", "This page has moved to", language: language),
            skipToContent: word("skip-to-content", "Skip to the content", language: language)
        )
    }

    /// What every page of a locale shares: stylesheet, script, search and home links, from `folder`.
    func chrome(locale: ContentLocale, folder: [String]) -> SitePageContext.Chrome {
        SitePageContext.Chrome(
            root: String(repeating: "../", count: folder.count),
            stylesheet: SitePaths.relative(from: folder, to: Self.stylesheet),
            script: SitePaths.relative(from: folder, to: Self.script),
            searchIndex: SitePaths.relative(from: folder, to: SiteIndex.searchIndex(locale)),
            searchHref: SitePaths.relative(from: folder, to: SiteIndex.searchPage(locale)),
            homeHref: SitePaths.relative(from: folder, to: SiteIndex.localeHome(locale)))
    }

    private func pageContext(_ page: RenderedDocument, sidebar: String) -> SitePageContext {
        let document = page.document
        let folder = SitePaths.folder(of: document)
        let language = strings.language(for: document.locale)
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
            // With the English history at hand, the notice says which day's English it follows.
            var text = word("translated-notice", "This page was translated from English.", language: language)
            if let commit = document.frontMatter.sourceCommit, let day = sourceCommitDay(commit) {
                text = word("translated-notice-dated", "This page was translated from the English page of {date}.", language: language)
                    .replacingOccurrences(of: "{date}", with: day)
            }
            notice = .init(text: text, linkText: word("original", "Read the original", language: language), href: href(english))
        }

        let toc = page.headings.filter { $0.level == 2 }.map {
            SitePageContext.Link(title: PlainText.of(html: $0.html), href: "#" + $0.id, current: false)
        }

        return SitePageContext(
            lang: document.locale.tag,
            title: document.frontMatter.title,
            content: page.html,
            chrome: chrome(locale: document.locale, folder: folder),
            languages: languages.count > 1 ? languages : [],
            notice: notice,
            breadcrumbs: breadcrumbs(locale: document.locale, slug: document.slug,
                                     title: document.frontMatter.shortTitle ?? document.frontMatter.title),
            sidebar: sidebar,
            toc: toc,
            sourceURL: Self.sourceURL(of: document),
            words: words(language: language)
        )
    }

    /// Breadcrumbs from the locale's home down to `slug`: each ancestor is a document or a
    /// generated section page.
    func breadcrumbs(locale: ContentLocale, slug: String, title: String) -> [SitePageContext.Link] {
        let parts = slug.split(separator: "/").map(String.init)
        let folder = [locale.tag, "docs"] + parts
        var links: [SitePageContext.Link] = []
        for length in stride(from: 1, to: parts.count, by: 1) {
            let ancestor = parts.prefix(length).joined(separator: "/")
            let name = catalog.document(locale, ancestor).map { $0.frontMatter.shortTitle ?? $0.frontMatter.title } ?? parts[length - 1]
            links.append(.init(title: name, href: SitePaths.relative(from: folder, to: [locale.tag, "docs"] + parts.prefix(length) + ["index.html"]),
                               current: false))
        }
        links.append(.init(title: title, href: "", current: true))
        return links
    }

    /// The document's source on GitHub, where MDN keeps it (mdn/content for English,
    /// mdn/translated-content for the rest), from its path below the locale folder.
    static func sourceURL(of document: Document) -> String? {
        let marker = "/\(document.locale.folder)/"
        guard let range = document.path.range(of: marker, options: .backwards) else { return nil }
        let relative = document.locale.folder + "/" + document.path[range.upperBound...]
        let repository = document.locale == .english ? "mdn/content" : "mdn/translated-content"
        return "https://github.com/\(repository)/blob/main/files/\(relative)"
    }
}

/// A document's page as the site receives it from the build.
struct SitePage: Sendable {
    /// The render; its `html` is empty when the render was recalled from the build cache.
    var rendered: RenderedDocument
    /// The render's fingerprint (`BuildCache.RenderRecord.key`); nil when nothing is cached.
    var renderKey: Digest?
    /// Whether `rendered` holds the page's HTML and headings.
    var hasHTML: Bool
}

/// What the site needs to keep pages of the previous output.
struct PageReuse: Sendable {
    /// The earlier builds' files.
    var previous: PreviousOutput
    /// Renders a document whose render was recalled but whose HTML is needed.
    var render: @Sendable (Document) -> RenderedDocument
}

/// What the page template sees.
/// Every context reads its values through key paths (`TemplateFields`), not reflection:
/// the site renders one page per document, and `Mirror` was a fifth of a corpus build.
struct SitePageContext: Sendable, TemplateFields {
    /// The fields made from the render alone (its HTML, its headings as the contents list):
    /// a page's key leaves them to the render's fingerprint, so that a render recalled from
    /// the cache without them gets the same key.
    static let renderFields: Set<String> = ["content", "toc"]

    struct Language: Sendable, TemplateFields {
        let tag: String
        let name: String
        let href: String
        let current: Bool

        static let fields: Fields = ["tag": \Self.tag, "name": \Self.name, "href": \Self.href, "current": \Self.current]
    }

    struct Notice: Sendable, TemplateFields {
        let text: String
        let linkText: String
        let href: String

        static let fields: Fields = ["text": \Self.text, "linkText": \Self.linkText, "href": \Self.href]
    }

    /// A link in the breadcrumbs, sidebar or contents.
    struct Link: Sendable, TemplateFields {
        let title: String
        let href: String
        let current: Bool

        static let fields: Fields = ["title": \Self.title, "href": \Self.href, "current": \Self.current]
    }

    struct Words: Sendable, TemplateFields {
        let languages: String
        let onThisPage: String
        let breadcrumbs: String
        let sidebar: String
        let license: String
        let source: String
        let home: String
        let search: String
        let searchPlaceholder: String
        let searchNone: String
        let moved: String
        let skipToContent: String

        static let fields: Fields = [
            "languages": \Self.languages, "onThisPage": \Self.onThisPage, "breadcrumbs": \Self.breadcrumbs,
            "sidebar": \Self.sidebar, "license": \Self.license, "source": \Self.source, "home": \Self.home,
            "search": \Self.search, "searchPlaceholder": \Self.searchPlaceholder, "searchNone": \Self.searchNone,
            "moved": \Self.moved, "skipToContent": \Self.skipToContent,
        ]
    }

    /// Paths every page of a locale has, relative to the page.
    struct Chrome: Sendable, TemplateFields {
        /// `../` once per folder between the page and `docs/`.
        let root: String
        let stylesheet: String
        let script: String
        let searchIndex: String
        let searchHref: String
        let homeHref: String

        static let fields: Fields = [
            "root": \Self.root, "stylesheet": \Self.stylesheet, "script": \Self.script, "searchIndex": \Self.searchIndex,
            "searchHref": \Self.searchHref, "homeHref": \Self.homeHref,
        ]
    }

    let lang: String
    let title: String
    let content: String
    let chrome: Chrome
    let languages: [Language]
    let notice: Notice?
    let breadcrumbs: [Link]
    /// The sidebar's list items, already rendered.
    let sidebar: String
    let toc: [Link]
    let sourceURL: String?
    let words: Words
    let hasSidebar: Bool

    static let fields: Fields = [
        "lang": \Self.lang, "title": \Self.title, "content": \Self.content, "chrome": \Self.chrome,
        "languages": \Self.languages, "notice": \Self.notice, "breadcrumbs": \Self.breadcrumbs, "sidebar": \Self.sidebar,
        "toc": \Self.toc, "sourceURL": \Self.sourceURL, "words": \Self.words, "hasSidebar": \Self.hasSidebar,
    ]

    init(lang: String, title: String, content: String, chrome: Chrome, languages: [Language] = [], notice: Notice? = nil,
         breadcrumbs: [Link], sidebar: String = "", toc: [Link] = [], sourceURL: String? = nil, words: Words) {
        self.lang = lang
        self.title = title
        self.content = content
        self.chrome = chrome
        self.languages = languages
        self.notice = notice
        self.breadcrumbs = breadcrumbs
        self.sidebar = sidebar
        self.toc = toc
        self.sourceURL = sourceURL
        self.words = words
        hasSidebar = !sidebar.isEmpty
    }
}
