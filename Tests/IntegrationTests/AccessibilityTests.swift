import Foundation
import Testing

/// Every kind of page Erratum writes, checked by axe-core in Chromium: no violation of impact
/// serious or critical; the moderate and minor ones are printed (the README lists those that
/// stay, with the reason).
@Suite("Accessibility: axe-core over every kind of page", .serialized)
struct AccessibilityTests {
    /// Runs axe over `url` (in dark mode too when asked) and returns what it finds, each
    /// violation prefixed with the page's name.
    static func check(_ url: URL, name: String, in browser: ChromiumBrowser, darkMode: Bool = false,
                      prepare: String? = nil) throws -> [(page: String, violation: Axe.Violation)] {
        let page = try browser.openPage(url, width: 1280, height: 900, darkMode: darkMode)
        defer { page.close() }
        if let prepare { _ = try page.evaluate(prepare) }
        let found = try Axe.violations(in: page).map { (name + (darkMode ? " (dark)" : ""), $0) }
        for (page, violation) in found { print("axe: \(page): \(violation)") }
        return found
    }

    /// What a page's structure lacks: not exactly one `h1`, a heading level skipped, a landmark
    /// missing (site pages: `header`, a named `nav`, `main`, `footer`), a table without header
    /// cells, an image without `alt`, an element in another language without `lang`.
    static let structure = """
        (() => {
          const problems = [];
          const h1 = document.querySelectorAll('h1').length;
          if (h1 !== 1) problems.push(h1 + ' h1');
          let level = 1;
          for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
            const next = Number(h.tagName[1]);
            if (next > level + 1) problems.push('h' + level + ' then ' + h.tagName.toLowerCase() + ' (' + h.textContent.trim().slice(0, 30) + ')');
            level = next;
          }
          if (!document.querySelector('main')) problems.push('no main');
          if (document.body.dataset.root !== undefined) {
            for (const tag of ['header', 'footer']) if (!document.querySelector(tag)) problems.push('no ' + tag);
            for (const nav of document.querySelectorAll('nav')) if (!nav.getAttribute('aria-label')) problems.push('a nav without a name');
          }
          for (const table of document.querySelectorAll('main table')) if (!table.querySelector('th')) problems.push('a table without th');
          for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('an img without alt: ' + img.src);
          return JSON.stringify(problems);
        })()
        """

    static func structureProblems(_ url: URL, in browser: ChromiumBrowser) throws -> [String] {
        let page = try browser.openPage(url)
        defer { page.close() }
        return try JSONDecoder().decode([String].self, from: Data(try page.evaluate(structure, as: String.self).utf8))
    }

    static func expectNoSerious(_ found: [(page: String, violation: Axe.Violation)], sourceLocation: SourceLocation = #_sourceLocation) {
        let serious = found.filter(\.violation.isSerious).map { "\($0.page): \($0.violation)" }
        #expect(serious.isEmpty, "\(serious.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    @Test("the error pages, in each language, light and dark")
    func errorPages() throws {
        let build = try ErrorPagesBuild(codes: [404, 503])
        defer { build.remove() }
        let browser = try ChromiumBrowser.launch()
        defer { browser.close() }
        var found: [(page: String, violation: Axe.Violation)] = []
        for language in ["en", "fr", "de"] {
            for dark in [false, true] {
                found += try Self.check(URL(fileURLWithPath: build.output + "/errors/\(language)/404.html"), name: "errors/\(language)/404",
                                        in: browser, darkMode: dark)
            }
        }
        Self.expectNoSerious(found)
    }

    @Test("the built-in site: home pages, a doc page in each language, a section page, the search page, a redirect stub, the coverage report")
    func builtInSite() throws {
        let site = try BuiltSite()
        let browser = try ChromiumBrowser.launch()
        defer { browser.close() }
        var found: [(page: String, violation: Axe.Violation)] = []
        var pages = ["index.html", "en-US/index.html", "fr/index.html", "en-US/docs/Web/HTTP/Reference/Status/index.html",
                     "en-US/docs/Web/HTTP/index.html", "en-US/search/index.html", "de/search/index.html"]
        pages += ["en-US", "fr", "de"].map { "\($0)/docs/Web/HTTP/Reference/Status/507/index.html" }
        for page in pages {
            found += try Self.check(site.page(page), name: page, in: browser)
        }
        found += try Self.check(site.page("de/docs/Web/HTTP/Reference/Status/507/index.html"), name: "de 507", in: browser, darkMode: true)
        // A redirect stub, its refresh taken out so that it stays to be checked (its delay is 0).
        let stub = try String(contentsOf: site.page("en-US/docs/Web/HTTP/Status/507/index.html"), encoding: .utf8)
        #expect(stub.contains("http-equiv=\"refresh\" content=\"0;"))
        let still = site.output + "/stub-checked.html"
        try Data(stub.replacingOccurrences(of: "http-equiv=\"refresh\"", with: "data-refresh=\"\"").utf8).write(to: URL(fileURLWithPath: still))
        found += try Self.check(URL(fileURLWithPath: still), name: "redirect stub", in: browser)
        found += try Self.check(URL(fileURLWithPath: site.output + "/coverage/index.html"), name: "coverage report", in: browser)
        Self.expectNoSerious(found)
        var structure: [String] = []
        for page in pages {
            structure += try Self.structureProblems(site.page(page), in: browser).map { "\(page): \($0)" }
        }
        structure += try Self.structureProblems(URL(fileURLWithPath: site.output + "/coverage/index.html"), in: browser).map { "coverage: \($0)" }
        #expect(structure.isEmpty, "\(structure)")
        // The French seed's English phrase keeps its language.
        let french = try String(contentsOf: site.page("fr/docs/Web/HTTP/Reference/Status/507/index.html"), encoding: .utf8)
        #expect(french.contains("<i lang=\"en\">Web Distributed Authoring and Versioning</i>"))
    }

    @Test("MDN's HTTP section with its full sidebar, in en-US, fr and de")
    func corpusSite() throws {
        let site = try BuiltSite.corpusHTTPSection()
        let browser = try ChromiumBrowser.launch()
        defer { browser.close() }
        var found: [(page: String, violation: Axe.Violation)] = []
        for locale in ["en-US", "fr", "de"] {
            found += try Self.check(site.page("\(locale)/docs/Web/HTTP/Reference/Status/404/index.html"), name: "\(locale) 404", in: browser)
        }
        found += try Self.check(site.page("de/docs/Web/HTTP/Reference/Headers/index.html"), name: "de Headers", in: browser)
        Self.expectNoSerious(found)
        var structure: [String] = []
        for page in ["en-US", "fr", "de"].map({ "\($0)/docs/Web/HTTP/Reference/Status/404/index.html" }) + ["de/docs/Web/HTTP/Reference/Headers/index.html"] {
            structure += try Self.structureProblems(site.page(page), in: browser).map { "\(page): \($0)" }
        }
        #expect(structure.isEmpty, "\(structure)")
        // A French page's sidebar entry that is an English page's title says it is English.
        let french = try String(contentsOf: site.page("fr/docs/Web/HTTP/Reference/Status/404/index.html"), encoding: .utf8)
        let sidebar = french.components(separatedBy: "<nav class=\"sidebar\"").dropFirst().first?.components(separatedBy: "</nav>").first ?? ""
        #expect(sidebar.contains("class=\"only-in-en-us\" lang=\"en-US\""))

        // The sidebar's groups from the keyboard: Tab to a closed group's toggle, Enter opens
        // it, Enter again closes it; no link sits inside a summary.
        let page = try browser.openPage(site.page("de/docs/Web/HTTP/Reference/Status/404/index.html"))
        defer { page.close() }
        #expect(try page.evaluate("document.querySelectorAll('summary a, summary button, summary input').length", as: Int.self) == 0)
        var reached = false
        for _ in 0..<300 {
            try page.press("Tab")
            if try page.evaluate("document.activeElement.tagName === 'SUMMARY' && !document.activeElement.parentElement.open", as: Bool.self) {
                reached = true
                break
            }
        }
        #expect(reached, "a closed group's toggle is in the tab order")
        guard reached else { return }
        let group = try page.evaluate("document.activeElement.parentElement.previousElementSibling?.textContent ?? ''", as: String.self)
        try page.press("Enter")
        #expect(try page.evaluate("document.activeElement.parentElement.open", as: Bool.self), "Enter opens \(group)")
        #expect(try page.evaluate("document.activeElement.parentElement.querySelector('ol a').getClientRects().length > 0", as: Bool.self))
        try page.press("Enter")
        #expect(try page.evaluate("!document.activeElement.parentElement.open", as: Bool.self), "Enter closes \(group)")
    }
}
