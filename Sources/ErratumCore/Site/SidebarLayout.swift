import Foundation

/// One of MDN's sidebars laid out for one locale: each entry's link resolved once (the
/// locale's page, else the English one, else live MDN), then written for each page with
/// links relative to it, the page's own entry marked current and its `<details>` opened.
///
/// The list items follow MDN's sidebar HTML: `<li class="section">` for section headings,
/// `<details><summary>…</summary><ol>…</ol></details>` for folding groups (a group that is
/// a page keeps its link outside the summary, which is then the group's toggle alone).
struct SidebarLayout: Sendable {
    struct Node: Sendable {
        enum Target: Sendable {
            case page(Document, fragment: String?, onlyInEnglish: Bool)
            case live(String)
            case none
        }

        var title: String
        var code: Bool
        var section: Bool
        var details: String?
        var target: Target
        var children: [Node]
        /// Whether the title is an English page's own, shown on a page of another language
        /// (its link then says `lang="en-US"`, for screen readers to read it as English).
        var isEnglishTitle = false
    }

    let nodes: [Node]

    /// Lays out `definition` for `locale`.
    init(_ definition: SidebarDefinition, locale: ContentLocale, catalog: Catalog, liveBase: String) {
        func docsURL(_ link: String) -> String {
            // Locale-less links (`/Web/HTTP`) are the locale's docs; others are site paths.
            link.hasPrefix("/") && Catalog.parseDocsPath(link) == nil && !Self.hasLocale(link)
                ? "/\(locale.tag)/docs\(link)" : link
        }
        func target(_ link: String?) -> (Node.Target, Document?) {
            guard let link else { return (.none, nil) }
            let url = docsURL(link)
            switch catalog.resolve(url) {
            case let .found(document, fragment): return (.page(document, fragment: fragment, onlyInEnglish: false), document)
            case let .onlyInEnglish(document, fragment): return (.page(document, fragment: fragment, onlyInEnglish: true), document)
            case let .missing(missing, fragment): return (.live(liveBase + missing + (fragment.map { "#" + $0 } ?? "")), nil)
            case .notDocs: return (.live(link.hasPrefix("/") ? liveBase + link : link), nil)
            }
        }
        func title(of document: Document) -> String {
            document.frontMatter.shortTitle ?? document.frontMatter.title
        }
        func lastSegment(_ link: String) -> String {
            String(link.split(separator: "/").last ?? Substring(link))
        }
        func layout(_ entry: SidebarDefinition.Entry) -> Node {
            let (resolved, document) = target(entry.link)
            let name = entry.title.map { definition.title($0, locale: locale) }
                ?? document.map(title(of:)) ?? entry.link.map(lastSegment) ?? ""
            var children = entry.children.map(layout)
            if case let .listSubPages(path) = entry.kind, let (_, slug) = Catalog.parseDocsPath(docsURL(path)) {
                // The pages below `path` in English or in this locale, each in this locale where it exists.
                var bySlug: [String: Document] = [:]
                for child in catalog.children(of: slug, locale: .english) + catalog.children(of: slug, locale: locale) {
                    bySlug[child.slug.lowercased()] = bySlug[child.slug.lowercased()] ?? child
                }
                children += bySlug.values.map { child -> Node in
                    let (resolved, found) = target("/\(locale.tag)/docs/\(child.slug)")
                    return Node(title: found.map(title(of:)) ?? title(of: child), code: entry.code, section: false,
                                details: nil, target: resolved, children: [],
                                isEnglishTitle: locale != .english && (found ?? child).locale == .english)
                }.sorted { $0.title.localizedStandardCompare($1.title) == .orderedAscending }
            }
            // A listSubPages entry's `code` sets its pages in <code>, not its own title.
            return Node(title: name, code: isList(entry) ? false : entry.code, section: entry.kind == .section,
                        details: entry.details, target: resolved, children: children,
                        isEnglishTitle: locale != .english && entry.title == nil && document?.locale == .english)
        }
        func isList(_ entry: SidebarDefinition.Entry) -> Bool {
            if case .listSubPages = entry.kind { true } else { false }
        }
        nodes = definition.entries.map(layout)
    }

    /// Whether a site path starts with a locale (`/en-US/observatory`), not a docs section.
    private static func hasLocale(_ link: String) -> Bool {
        let first = link.dropFirst().prefix { $0 != "/" }
        let parts = first.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count),
              language.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        return parts.dropFirst().allSatisfy { (2...4).contains($0.count) && $0.allSatisfy(\.isASCII) }
    }

    /// The list items for `page`.
    func html(for page: Document) -> String {
        let folder = SitePaths.folder(of: page)
        var out = ""
        for node in nodes { _ = write(node, page: page, folder: folder, into: &out) }
        return out
    }

    /// Writes a node; returns whether it or a descendant is the current page.
    private func write(_ node: Node, page: Document, folder: [String], into out: inout String) -> Bool {
        var inner = ""
        var current = false
        switch node.target {
        case let .page(document, fragment, onlyInEnglish):
            current = document.id == page.id && fragment == nil
            let href = SitePaths.relative(from: folder, to: SitePaths.file(of: document)) + (fragment.map { "#" + $0 } ?? "")
            inner = "<a href=\"\(HTMLText.escapeAttribute(href))\""
                + (onlyInEnglish ? " class=\"only-in-en-us\"" : "") + (node.isEnglishTitle ? " lang=\"en-US\"" : "")
                + (current ? " aria-current=\"page\"" : "") + ">"
                + wrap(node) + "</a>"
        case let .live(url):
            inner = "<a href=\"\(HTMLText.escapeAttribute(url))\" class=\"external\">" + wrap(node) + "</a>"
        case .none:
            inner = node.code ? wrap(node) : "<span>\(HTMLText.escapeText(node.title))</span>"
        }
        var childrenHTML = ""
        var currentBelow = false
        for child in node.children {
            if write(child, page: page, folder: folder, into: &childrenHTML) { currentBelow = true }
        }
        out += node.section ? "<li class=\"section\">" : "<li>"
        if let details = node.details {
            let open = details == "open" || currentBelow || current ? " open" : ""
            if case .none = node.target {
                out += "<details\(open)><summary>" + inner + "</summary>"
            } else {
                // A group that is also a page: its link stays a link, beside the summary that
                // opens and closes the group (a link inside a summary is one control inside
                // another, which screen readers announce badly and keyboards reach poorly).
                out += "<div class=\"group\">" + inner + "</div><details\(open)><summary><span class=\"visually-hidden\">"
                    + HTMLText.escapeText(node.title) + "</span></summary>"
            }
        } else {
            out += inner
        }
        if !node.children.isEmpty { out += "<ol>" + childrenHTML + "</ol>" }
        if node.details != nil { out += "</details>" }
        out += "</li>"
        return current || currentBelow
    }

    private func wrap(_ node: Node) -> String {
        node.code ? "<code>\(HTMLText.escapeText(node.title))</code>" : HTMLText.escapeText(node.title)
    }
}
