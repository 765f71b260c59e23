import Foundation
import Testing
@testable import ErratumCore

/// Whole pages of MDN's HTTP section rendered as MDN's build renders their body, compared
/// element by element with golden files checked against rari's templates.
@Suite("Whole MDN status pages, element by element")
struct StatusPageGoldenTests {
    /// The corpus' HTTP section, loaded once for every page of this suite.
    static let section: Result<(Catalog, StringsCatalog), any Error> = Result {
        let folder = try TestSupport.temporaryFolder("golden-corpus")
        defer { TestSupport.cleanUp(folder) }
        let (content, _) = try ContentLoader(roots: [try CorpusTests.httpSection(in: folder)]).load()
        return (Catalog(content), try TestSupport.builtInStrings())
    }

    /// Pages chosen for what they hold (see each golden's first lines in the source).
    static let pages: [(locale: String, slug: String, golden: String)] = [
        // callout, the deprecated header banner and inline badge, Compat, Specifications
        ("en-US", "Web/HTTP/Reference/Status/102", "en-US-102"),
        // {{HTTPSidebar}} in the body, RFC links, code examples, a Note callout
        ("en-US", "Web/HTTP/Reference/Status/103", "en-US-103"),
        // the French badges and banner words, inherited spec-urls and browser-compat
        ("fr", "Web/HTTP/Reference/Status/102", "fr-102"),
        // an old translation: original_slug, links to pre-2025 slugs, `> **Note :**` callout
        ("fr", "Web/HTTP/Reference/Status/410", "fr-410"),
        // a German page with a callout and links into pages only English has
        ("de", "Web/HTTP/Reference/Status/451", "de-451"),
        // the German status index: definition lists with dt ids, many links
        ("de", "Web/HTTP/Reference/Status", "de-status-index"),
        // a GFM pipe table with macros in its cells
        ("de", "Web/HTTP/Reference/Methods", "de-methods-index"),
    ]

    @Test("renders as MDN does", arguments: pages.indices)
    func page(index: Int) throws {
        let (locale, slug, golden) = Self.pages[index]
        let (catalog, strings) = try Self.section.get()
        let document = try #require(catalog.document(ContentLocale(tag: locale), slug), "\(locale)/\(slug) is not in the corpus")
        let rendered = DocumentRenderer(catalog: catalog, strings: strings, style: .mdn).render(document)
        let name = "corpus/\(golden).body.html"
        let path = TestSupport.fixtures + "/golden/" + name
        if ProcessInfo.processInfo.environment["ERRATUM_RECORD_GOLDENS"] == "1" {
            try TestSupport.expectGolden(rendered.html, name)
            return
        }
        let expected = try #require(FileManager.default.contents(atPath: path), "golden \(name) is missing")
        if let difference = HTMLElements.firstDifference(expected: String(decoding: expected, as: UTF8.self), actual: rendered.html) {
            Issue.record("\(locale)/\(slug) differs from \(name): \(difference)")
        }
        #expect(!rendered.html.contains("{{"), "a macro call is left in \(locale)/\(slug)")
    }

    @Test("the comparison sees a changed attribute, word or element, and not re-flowed whitespace")
    func comparisonIsStrict() {
        let html = "<p>An <a href=\"/x\" class=\"external\">RFC</a> link.</p>\n<pre>a\n  b</pre>"
        #expect(HTMLElements.firstDifference(expected: html, actual: "<p>\nAn <a class=\"external\" href=\"/x\">RFC</a>\nlink.\n</p><pre>a\n  b</pre>") == nil)
        #expect(HTMLElements.firstDifference(expected: html, actual: html.replacingOccurrences(of: "/x", with: "/y")) != nil)
        #expect(HTMLElements.firstDifference(expected: html, actual: html.replacingOccurrences(of: "link", with: "Link")) != nil)
        #expect(HTMLElements.firstDifference(expected: html, actual: html.replacingOccurrences(of: "An <a", with: "An<a")) != nil)
        #expect(HTMLElements.firstDifference(expected: html, actual: html.replacingOccurrences(of: "  b", with: " b")) != nil)
        #expect(HTMLElements.firstDifference(expected: html, actual: html.replacingOccurrences(of: "<p>", with: "<div>")
            .replacingOccurrences(of: "</p>", with: "</div>")) != nil)
        #expect(HTMLElements.firstDifference(expected: html, actual: html + "<p></p>") != nil)
    }
}
