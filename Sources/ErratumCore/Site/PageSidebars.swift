import Foundation
import Synchronization

/// Each page's sidebar: MDN's named sidebars laid out once per locale, and otherwise the pages
/// beside it, whose list items are rendered once per section and shared by every page in it.
///
/// Pages are made on every core at once, so both are made on first use under a lock; two
/// threads may lay out the same one, and the first stored wins (they are equal).
///
/// Every page of a section lists the same siblings with the same relative links
/// (`../<sibling>/index.html`), so only the current page's item differs from page to page.
/// Rendering each item once keeps a section of n pages at O(n) template work, not O(n²).
final class PageSidebars: Sendable {
    private struct Section: Sendable {
        /// Each sibling, in slug order.
        var siblings: [Document]
        /// Each sibling's item, not marked current.
        var items: [String]
        /// Each sibling's source path, to find the page among them.
        var paths: [String: Int]
        var length: Int
    }

    private let site: Site
    private let sections = Mutex<[DocumentKey: Section]>([:])
    private let layouts = Mutex<[String: SidebarLayout]>([:])

    init(site: Site) { self.site = site }

    /// Lets go of every section's items and every laid-out sidebar, once the pages are made:
    /// every document of the site is an item of one section, so they are the pages phase's
    /// largest leftover.
    func forget() {
        sections.withLock { $0 = [:] }
        layouts.withLock { $0 = [:] }
    }

    /// The sidebar's list items for a rendered page.
    func html(for page: RenderedDocument, templates: TemplateLibrary) throws(DiagnosticError) -> String {
        let document = page.document
        if let name = page.sidebar, let definition = site.catalog.sidebars[name] {
            let key = name + "\u{0}" + document.locale.tag
            let layout = layouts.withLock { $0[key] } ?? {
                let made = SidebarLayout(definition, locale: document.locale, catalog: site.catalog, liveBase: site.liveBase)
                return layouts.withLock { layouts in
                    if let stored = layouts[key] { return stored }
                    layouts[key] = made
                    return made
                }
            }()
            return layout.html(for: document)
        }
        let section = try self.section(of: document, templates: templates)
        let current = section.paths[document.path] ?? 0
        var shown = section.items.indices
        var result = ""
        if section.items.count > Self.fullListLimit {
            // A long section (MDN's Web/API has 1,232 pages) lists the pages around this one and
            // links the section's own page, which lists them all: every page listing every
            // sibling made the site grow with the square of the section.
            let start = min(max(0, current - Self.window / 2), section.items.count - Self.window)
            shown = start..<(start + Self.window)
            let language = site.strings.language(for: document.locale)
            let title = site.word("section-pages", "All {count} pages of this section", language: language)
                .replacingOccurrences(of: "{count}", with: String(section.items.count))
            // The section's page is the parent folder's, or the locale's home for a top-level page.
            let href = Site.parentSlug(of: document.slug).isEmpty ? "../../index.html" : "../index.html"
            result += try templates.render("site/sidebar-item.html", SitePageContext.Link(title: title, href: href, current: false))
        }
        result.reserveCapacity(section.length / max(1, section.items.count) * shown.count + 256)
        for index in shown {
            if index == current {
                result += try templates.render("site/sidebar-item.html", Self.link(section.siblings[index], current: true))
            } else {
                result += section.items[index]
            }
        }
        return result
    }

    /// Sections with more pages than this list only `window` of them around the page.
    static let fullListLimit = 100
    static let window = 60

    private func section(of document: Document, templates: TemplateLibrary) throws(DiagnosticError) -> Section {
        let key = DocumentKey(locale: document.locale, slug: Site.parentSlug(of: document.slug))
        if let section = sections.withLock({ $0[key] }) { return section }
        let siblings = site.siblings(of: document)
        var items: [String] = []
        var paths: [String: Int] = [:]
        for (index, sibling) in siblings.enumerated() {
            items.append(try templates.render("site/sidebar-item.html", Self.link(sibling, current: false)))
            paths[sibling.path] = index
        }
        let made = Section(siblings: siblings, items: items, paths: paths, length: items.reduce(0) { $0 + $1.utf8.count })
        return sections.withLock { sections in
            if let stored = sections[key] { return stored }
            sections[key] = made
            return made
        }
    }

    static func link(_ document: Document, current: Bool) -> SitePageContext.Link {
        let last = document.slug.split(separator: "/").last.map(String.init) ?? document.slug
        return SitePageContext.Link(title: document.frontMatter.shortTitle ?? document.frontMatter.title,
                                    href: "../" + SitePaths.encodeSegment(last) + "/index.html", current: current)
    }
}
