import Foundation

/// The site's own pages: the home (`docs/index.html`), each locale's home, a page for every
/// section folder no document fills (what `SubpagesWithSummaries` would show), and per
/// locale the search page — the plain index of every page, which is where the search box
/// leads without JavaScript — and the search index, a script the search box loads.
struct SiteIndex {
    let site: Site

    static func localeHome(_ locale: ContentLocale) -> [String] { [locale.tag, "index.html"] }
    static func searchPage(_ locale: ContentLocale) -> [String] { [locale.tag, "search", "index.html"] }
    static func searchIndex(_ locale: ContentLocale) -> [String] { ["static", "search-\(locale.tag).js"] }

    /// A page listed on an index page: a document or a generated section.
    private struct Entry {
        let slug: String
        let title: String
        let summary: String?
    }

    func files(templates: TemplateLibrary) throws(DiagnosticError) -> [OutputFile] {
        let catalog = site.catalog
        var files: [OutputFile] = []
        let locales = Set(catalog.allDocuments.map(\.locale)).sorted()
        var homeItems: [(ContentLocale, Int)] = []
        for locale in locales {
            let documents = catalog.allDocuments.filter { $0.locale == locale }
            homeItems.append((locale, documents.count))
            let language = site.strings.language(for: locale)
            let words = site.words(language: language)
            // Each page's summary, made once for the index pages and the search index.
            let summaries = documents.map(\.summary)

            // Every folder above a document, and what it holds.
            var entries: [String: [Entry]] = [:]
            var sections: Set<String> = []
            for (document, summary) in zip(documents, summaries) {
                entries[Site.parentSlug(of: document.slug), default: []].append(
                    Entry(slug: document.slug, title: document.frontMatter.shortTitle ?? document.frontMatter.title,
                          summary: summary))
                var parent = Site.parentSlug(of: document.slug)
                while !parent.isEmpty, catalog.document(locale, parent) == nil, sections.insert(parent).inserted {
                    let name = String(parent.split(separator: "/").last ?? "")
                    entries[Site.parentSlug(of: parent), default: []].append(Entry(slug: parent, title: name, summary: nil))
                    parent = Site.parentSlug(of: parent)
                }
            }

            for section in sections.sorted() {
                let parts = section.split(separator: "/").map(String.init)
                let folder = [locale.tag, "docs"] + parts
                let context = SitePageContext(
                    lang: locale.tag, title: parts.last ?? section,
                    content: Self.list(entries[section] ?? [], from: folder, locale: locale),
                    chrome: site.chrome(locale: locale, folder: folder),
                    breadcrumbs: site.breadcrumbs(locale: locale, slug: section, title: parts.last ?? section),
                    words: words)
                files.append(OutputFile(path: "docs/" + (folder + ["index.html"]).joined(separator: "/"),
                                        text: try templates.render("site/page.html", context)))
            }

            let homeFolder = [locale.tag]
            let homeTitle = site.word("locale-home", "Documentation", language: language)
            let home = SitePageContext(
                lang: locale.tag, title: homeTitle,
                content: Self.list(entries[""] ?? [], from: homeFolder, locale: locale)
                    + "<p><a href=\"search/index.html\">\(HTMLText.escapeText(site.word("all-pages", "Every page", language: language)))</a></p>",
                chrome: site.chrome(locale: locale, folder: homeFolder),
                breadcrumbs: [.init(title: homeTitle, href: "", current: true)], words: words)
            files.append(OutputFile(path: "docs/" + Self.localeHome(locale).joined(separator: "/"),
                                    text: try templates.render("site/page.html", home)))

            let searchFolder = [locale.tag, "search"]
            let allTitle = site.word("all-pages", "Every page", language: language)
            let search = SitePageContext(
                lang: locale.tag, title: allTitle,
                content: Self.plainIndex(documents, from: searchFolder),
                chrome: site.chrome(locale: locale, folder: searchFolder),
                breadcrumbs: [.init(title: homeTitle, href: "../index.html", current: false), .init(title: allTitle, href: "", current: true)],
                words: words)
            files.append(OutputFile(path: "docs/" + Self.searchPage(locale).joined(separator: "/"),
                                    text: try templates.render("site/page.html", search)))
            files.append(OutputFile(path: "docs/" + Self.searchIndex(locale).joined(separator: "/"),
                                    text: Self.searchScript(documents, summaries: summaries, locale: locale)))
        }

        // The site's front door: one link per locale.
        var html = "<ul class=\"locales\">"
        for (locale, count) in homeItems {
            let name = site.strings.text("language.name", language: site.strings.language(for: locale)) ?? locale.tag
            html += "<li><a href=\"\(HTMLText.escapeAttribute(locale.tag))/index.html\" hreflang=\"\(locale.tag)\" lang=\"\(locale.tag)\">"
                + "\(HTMLText.escapeText(name))</a> <small>(\(count))</small></li>"
        }
        html += "</ul>"
        let language = site.strings.fallback
        let front = SitePageContext(
            lang: ContentLocale.english.tag, title: site.word("locale-home", "Documentation", language: language), content: html,
            chrome: site.chrome(locale: .english, folder: []), breadcrumbs: [], words: site.words(language: language))
        files.append(OutputFile(path: "docs/index.html", text: try templates.render("site/page.html", front)))
        return files
    }

    /// MDN's landing-page list of pages with their summaries.
    private static func list(_ entries: [Entry], from folder: [String], locale: ContentLocale) -> String {
        var html = "<dl>"
        for entry in entries.sorted(by: { $0.title.localizedStandardCompare($1.title) == .orderedAscending }) {
            let file = [locale.tag, "docs"] + entry.slug.split(separator: "/").map(String.init) + ["index.html"]
            html += "<dt class=\"landingPageList\"><a href=\"\(HTMLText.escapeAttribute(SitePaths.relative(from: folder, to: file)))\">"
                + "\(HTMLText.escapeText(entry.title))</a></dt>"
            // Every term has its description, empty when the page has no summary: a term alone
            // is not a group of a definition list.
            html += "<dd class=\"landingPageList\">" + (entry.summary.map { "<p>\($0)</p>" } ?? "") + "</dd>"
        }
        return html + "</dl>"
    }

    /// Every page of a locale by title, grouped by top-level section.
    private static func plainIndex(_ documents: [Document], from folder: [String]) -> String {
        let groups = Dictionary(grouping: documents) { String($0.slug.split(separator: "/").first ?? "") }
        var html = ""
        for group in groups.keys.sorted() {
            html += "<section><h2 id=\"\(HTMLText.escapeAttribute(HeadingIDs.slug(group)))\">\(HTMLText.escapeText(group))</h2><ul class=\"all-pages\">"
            for document in (groups[group] ?? []).sorted(by: { $0.slug.lowercased() < $1.slug.lowercased() }) {
                html += "<li><a href=\"\(HTMLText.escapeAttribute(SitePaths.relative(from: folder, to: SitePaths.file(of: document))))\">"
                    + "\(HTMLText.escapeText(document.frontMatter.title))</a></li>"
            }
            html += "</ul></section>"
        }
        return html
    }

    /// The longest summary kept in the search index, in characters.
    static let summaryLength = 160

    /// `erratumSearch["<locale>"] = [[title, summary, path from docs/], …]` as a script.
    static func searchScript(_ documents: [Document], summaries: [String?], locale: ContentLocale) -> String {
        var script = "(window.erratumSearch = window.erratumSearch || {})[\(jsonString(locale.tag))] = [\n"
        for (document, summaryHTML) in zip(documents, summaries) {
            var summary = summaryHTML.map { PlainText.of(html: $0) } ?? ""
            if summary.count > summaryLength { summary = String(summary.prefix(summaryLength - 1)) + "…" }
            let path = SitePaths.file(of: document).map(SitePaths.encodeSegment).joined(separator: "/")
            script += "[\(jsonString(document.frontMatter.title)),\(jsonString(summary)),\(jsonString(path))],\n"
        }
        return script + "];\n"
    }

    /// A JavaScript string literal: JSON's escapes, `<` and the line separators too.
    static func jsonString(_ text: String) -> String {
        "\"" + JSONContentType().escapeText(text) + "\""
    }
}

/// A tiny page at every old slug of `_redirects.txt` that sends the reader on, the way MDN's
/// server does: `meta refresh` and a canonical link, both relative.
struct RedirectStubs {
    let site: Site
    /// Paths already written (pages, index pages), which a stub never replaces — compared
    /// case-insensitively, as a USB stick's file system compares them.
    let taken: Set<String>

    /// How many stubs `files` hands over at once: MDN's tables hold tens of thousands a locale.
    static let batchSize = 1024

    /// The stubs, handed to `emit` in batches of at most `batchSize`, a locale after another.
    func files(templates: TemplateLibrary, emit: ([OutputFile]) throws(DiagnosticError) -> Void) throws(DiagnosticError) {
        for (locale, table) in site.catalog.redirects.sorted(by: { $0.key < $1.key }) {
            // A locale's stubs are all below docs/<locale>/: only its paths can be in their way.
            let prefix = "docs/\(locale.tag)/"
            var used = Set(taken.lazy.filter { $0.startsIgnoringASCIICase(with: prefix) }.map { $0.lowercased() })
            // Each batch is found in order, then rendered on every core.
            var batch: [(path: String, context: RedirectContext)] = []
            func flush() throws(DiagnosticError) {
                try emit(try Parallel.map(batch) { stub throws(DiagnosticError) in
                    OutputFile(path: stub.path, text: try templates.render("site/redirect.html", stub.context))
                })
                batch.removeAll(keepingCapacity: true)
            }
            let words = site.words(language: site.strings.language(for: locale))
            for (from, to) in table.entries {
                guard let (path, context) = stub(from: from, to: to, locale: locale, words: words),
                      used.insert(path.lowercased()).inserted else { continue }
                batch.append((path, context))
                if batch.count == Self.batchSize { try flush() }
            }
            try flush()
        }
    }

    /// The stub of one redirect of `locale`'s table, with its path; nil when `from` is no
    /// document URL of that locale.
    func stub(from: String, to: String, locale: ContentLocale, words: SitePageContext.Words) -> (path: String, context: RedirectContext)? {
        guard let (fromLocale, slug) = Catalog.parseDocsPath(from), fromLocale == locale else { return nil }
        let parts = slug.split(separator: "/").map(String.init)
        guard !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else { return nil }
        let folder = [fromLocale.tag, "docs"] + parts
        let path = "docs/" + (folder + ["index.html"]).joined(separator: "/")
        let href: String
        let title: String
        switch site.catalog.resolve(from) {
        case let .found(document, fragment), let .onlyInEnglish(document, fragment):
            href = SitePaths.relative(from: folder, to: SitePaths.file(of: document)) + (fragment.map { "#" + $0 } ?? "")
            title = document.frontMatter.title
        case let .missing(url, fragment):
            href = site.liveBase + url + (fragment.map { "#" + $0 } ?? "")
            title = href
        case .notDocs:
            href = to.hasPrefix("https://") || to.hasPrefix("http://") ? to : site.liveBase + to
            title = href
        }
        return (path, RedirectContext(lang: fromLocale.tag, title: title, href: href, words: words))
    }
}

/// What the redirect template sees.
struct RedirectContext: Sendable, TemplateFields {
    let lang: String
    let title: String
    let href: String
    let words: SitePageContext.Words

    static let fields: Fields = ["lang": \Self.lang, "title": \Self.title, "href": \Self.href, "words": \Self.words]
}
