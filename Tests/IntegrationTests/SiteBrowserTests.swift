import ErratumCore
import Foundation
import Testing

/// A build of the site in a temporary folder removed with the last reference: of the built-in
/// content, or of MDN's own HTTP section (../shared/corpus: en-US and fr status pages, the German
/// web/http tree, MDN's sidebar and L10n files).
final class BuiltSite: Sendable {
    let output: String

    private init(folder: String, content: String, codes: [Int]? = nil) throws {
        output = folder + "/Output"
        _ = try Builder(options: BuildOptions(contentRoots: [content], templatesRoot: ErrorPagesBuild.repoRoot + "/templates",
                                              outputPath: output, codes: codes)).build()
    }

    /// The built-in content.
    convenience init() throws {
        try self.init(folder: NSTemporaryDirectory() + "erratum-site-" + UUID().uuidString,
                      content: ErrorPagesBuild.repoRoot + "/content")
    }

    /// The corpus' HTTP section.
    static func corpusHTTPSection() throws -> BuiltSite {
        let folder = NSTemporaryDirectory() + "erratum-corpus-site-" + UUID().uuidString
        let corpus = (ErrorPagesBuild.repoRoot as NSString).deletingLastPathComponent + "/shared/corpus/mdn/files"
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: corpus + "/de/web/http") else { throw CorpusMissing(path: corpus) }
        let root = folder + "/files"
        try fileManager.createDirectory(atPath: root + "/de/web", withIntermediateDirectories: true)
        for part in ["en-us", "fr", "jsondata", "sidebars", "de/web/http", "de/_redirects.txt"] {
            try fileManager.copyItem(atPath: corpus + "/" + part, toPath: root + "/" + part)
        }
        return try BuiltSite(folder: folder, content: root, codes: [507])
    }

    struct CorpusMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "the test corpus is missing at \(path)" }
    }

    /// The file:// URL of a file below `Output/docs/`.
    func page(_ relative: String) -> URL {
        URL(fileURLWithPath: output + "/docs/" + relative)
    }

    deinit { try? FileManager.default.removeItem(atPath: (output as NSString).deletingLastPathComponent) }
}

/// The offline site as a reader meets it: from `file://`, in a real Chromium.
@Suite("The offline site in Chromium", .serialized)
struct SiteBrowserTests {
    let site: BuiltSite
    let browser: ChromiumBrowser

    init() throws {
        site = try BuiltSite()
        browser = try ChromiumBrowser.launch()
    }

    static let english = "en-US/docs/Web/HTTP/Reference/Status/507/index.html"

    /// Every request the page made stayed inside `Output/`, and nothing was logged as an error.
    func expectSelfContained(_ page: ChromiumPage, sourceLocation: SourceLocation = #_sourceLocation) {
        let inside = URL(fileURLWithPath: site.output).absoluteString
        let outside = page.requestedURLs.filter { !$0.hasPrefix(inside) && !$0.hasPrefix("data:") && $0 != "about:blank" }
        #expect(outside.isEmpty, "requests outside Output/: \(outside)", sourceLocation: sourceLocation)
        #expect(page.consoleErrors.isEmpty, "console errors: \(page.consoleErrors)", sourceLocation: sourceLocation)
    }

    @Test("the language switcher goes to the French and the German page", arguments: [("fr", "Le code de statut"), ("de", "Unzureichender")])
    func languageSwitcher(locale: String, word: String) throws {
        let page = try browser.openPage(site.page(Self.english))
        try page.evaluate("document.querySelector('.languages a[hreflang=\"\(locale)\"]').click()")
        let url = try page.waitForURL { $0.contains("/docs/\(locale)/docs/Web/HTTP/Reference/Status/507/index.html") }
        try page.waitFor("document.documentElement.lang === '\(locale)'")
        #expect(try page.evaluate("document.querySelector('article').textContent", as: String.self).contains(word), "at \(url)")
        // The French page's switcher lists exactly the languages the page exists in.
        #expect(try page.evaluate("[...document.querySelectorAll('.languages li')].length", as: Int.self) == 3)
        expectSelfContained(page)
    }

    @Test("typing 'Insufficient' in the search box finds the 507 page, and the result leads there")
    func search() throws {
        let page = try browser.openPage(site.page("fr/docs/Web/HTTP/index.html"))
        try page.type("Insufficient", into: ".search input")
        try page.waitFor("document.querySelectorAll('#search-results a').length > 0")
        let first = try page.evaluate("document.querySelector('#search-results a').getAttribute('href')", as: String.self)
        #expect(first.hasSuffix("fr/docs/Web/HTTP/Reference/Status/507/index.html"), "\(first)")
        try page.evaluate("document.querySelector('#search-results a').click()")
        _ = try page.waitForURL { $0.hasSuffix("/fr/docs/Web/HTTP/Reference/Status/507/index.html") }
        // A query that matches nothing says so.
        try page.type("zzzqqq", into: ".search input")
        try page.waitFor("document.querySelector('#search-results .none') !== null")
        expectSelfContained(page)
    }

    @Test("without JavaScript the search box is a link to the plain index of every page")
    func searchWithoutJavaScript() throws {
        let page = try browser.openPage(site.page(Self.english), javaScript: false)
        #expect(try page.evaluate("document.querySelector('.search input') === null", as: Bool.self))
        let href = try page.evaluate("document.querySelector('.search a.search-link').href", as: String.self)
        #expect(href.hasSuffix("/docs/en-US/search/index.html"))
        try page.navigate(URL(string: href)!)
        #expect(try page.evaluate("[...document.querySelectorAll('.all-pages a')].some(a => a.textContent.includes('507'))", as: Bool.self))
    }

    @Test("an old slug's stub lands on the page that replaced it")
    func redirectStub() throws {
        let page = try browser.openPage(site.page("de/docs/Web/HTTP/Status/507/index.html"))
        let url = try page.waitForURL { $0.hasSuffix("/de/docs/Web/HTTP/Reference/Status/507/index.html") }
        try page.waitFor("document.querySelector('article h1') !== null")
        #expect(url.hasPrefix("file://"))
        expectSelfContained(page)
    }

    @Test("dark mode changes the background, and the text stays readable on it")
    func darkMode() throws {
        let background = "getComputedStyle(document.documentElement).backgroundColor"
        let light = try browser.openPage(site.page(Self.english)).evaluate(background, as: String.self)
        let darkPage = try browser.openPage(site.page(Self.english), darkMode: true)
        let dark = try darkPage.evaluate(background, as: String.self)
        #expect(light == "rgb(255, 255, 255)")
        #expect(dark != light)
        #expect(try darkPage.evaluate("getComputedStyle(document.querySelector('h1')).color", as: String.self) != dark)
        expectSelfContained(darkPage)
    }

    @Test("at phone width nothing overflows sideways, and the sidebar moves below the article")
    func phoneWidth() throws {
        let page = try browser.openPage(site.page("de/docs/Web/HTTP/Reference/Status/507/index.html"), width: 375, height: 800)
        #expect(try page.evaluate("document.documentElement.scrollWidth <= window.innerWidth", as: Bool.self))
        #expect(try page.evaluate("""
            document.querySelector('.sidebar').getBoundingClientRect().top > document.querySelector('article').getBoundingClientRect().top
            """, as: Bool.self))
    }

    @Test("screenshots of the 507 page: en, fr, de × light, dark × desktop, phone", arguments: ["en-US", "fr", "de"])
    func screenshots(locale: String) throws {
        let folder = Self.screenshotFolder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for dark in [false, true] {
            for (name, width) in [("desktop", 1280), ("phone", 390)] {
                let page = try browser.openPage(site.page("\(locale)/docs/Web/HTTP/Reference/Status/507/index.html"),
                                                width: width, height: 900, darkMode: dark)
                let path = "\(folder)/507-\(locale)-\(dark ? "dark" : "light")-\(name).png"
                try page.screenshot(to: path)
                let png = try #require(FileManager.default.contents(atPath: path))
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000, "\(path)")
                expectSelfContained(page)
                page.close()
            }
        }
    }

    /// Where the screenshots go: `ERRATUM_SCREENSHOTS`, else a folder under the system's temporary one.
    static let screenshotFolder = ProcessInfo.processInfo.environment["ERRATUM_SCREENSHOTS"]
        ?? NSTemporaryDirectory() + "erratum-screenshots"
}

@Suite("MDN's HTTP section in Chromium", .serialized)
struct CorpusBrowserTests {
    let site: BuiltSite
    let browser: ChromiumBrowser

    init() throws {
        site = try BuiltSite.corpusHTTPSection()
        browser = try ChromiumBrowser.launch()
    }

    @Test("a German status page: MDN's sidebar with the page marked and its group open, no error, nothing fetched from outside")
    func germanPage() throws {
        let page = try browser.openPage(site.page("de/docs/Web/HTTP/Reference/Status/404/index.html"))
        #expect(try page.evaluate("document.querySelector('.sidebar a[aria-current=page]').textContent", as: String.self) == "404 Not Found")
        #expect(try page.evaluate("document.querySelector('.sidebar a[aria-current=page]').closest('details').open", as: Bool.self))
        #expect(try page.evaluate("document.querySelectorAll('.sidebar li.section').length", as: Int.self) >= 2)
        let inside = URL(fileURLWithPath: site.output).absoluteString
        #expect(page.requestedURLs.allSatisfy { $0.hasPrefix(inside) || $0.hasPrefix("data:") }, "\(page.requestedURLs)")
        #expect(page.consoleErrors.isEmpty, "\(page.consoleErrors)")
    }

    @Test("searching the German index for 'Insufficient' finds 507; one query's time is printed")
    func germanSearch() throws {
        let page = try browser.openPage(site.page("de/index.html"))
        try page.type("Insufficient", into: ".search input")
        try page.waitFor("document.querySelectorAll('#search-results a').length > 0")
        let hrefs = try page.evaluate("[...document.querySelectorAll('#search-results a')].map(a => a.getAttribute('href'))",
                                      as: [String].self)
        #expect(hrefs.contains { $0.hasSuffix("de/docs/Web/HTTP/Reference/Status/507/index.html") }, "\(hrefs)")
        let entries = try page.evaluate("window.erratumSearch.de.length", as: Int.self)
        let milliseconds = try page.evaluate("""
            (() => { const start = performance.now(); for (let i = 0; i < 50; i++) erratum.search('Insufficient Storage');
                     return (performance.now() - start) / 50; })()
            """, as: Double.self)
        print("search: \(entries) German entries, \(String(format: "%.2f", milliseconds)) ms a query")
        #expect(entries > 300)
    }
}
