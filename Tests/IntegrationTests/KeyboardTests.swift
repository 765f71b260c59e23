import Foundation
import Testing

/// The offline site from the keyboard alone, keys sent through the Chromium driver and the
/// focus read from `document.activeElement`.
@Suite("The offline site from the keyboard", .serialized)
struct KeyboardTests {
    let site: BuiltSite
    let browser: ChromiumBrowser

    init() throws {
        site = try BuiltSite()
        browser = try ChromiumBrowser.launch()
    }

    static let page = "en-US/docs/Web/HTTP/Reference/Status/507/index.html"
    /// What has the focus, as a short description.
    static let focused = """
        (() => { const e = document.activeElement; if (!e || e === document.body) return 'body';
          return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ')[0] : '')
            + ':' + (e.getAttribute('href') || e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30)); })()
        """

    @Test("the first Tab reaches a skip link, shown when focused, that moves the focus to the content")
    func skipLink() throws {
        let page = try browser.openPage(site.page(Self.page))
        defer { page.close() }
        try page.press("Tab")
        #expect(try page.evaluate("document.activeElement.className", as: String.self) == "skip-link")
        #expect(try page.evaluate("document.activeElement.getBoundingClientRect().top >= 0", as: Bool.self), "visible when focused")
        try page.press("Enter")
        try page.waitFor("document.activeElement === document.querySelector('main#content')")
        #expect(try page.evaluate("location.hash", as: String.self) == "#content")
    }

    @Test("Tab reaches every control of a page, each visible, in the order of the page")
    func focusOrder() throws {
        let page = try browser.openPage(site.page(Self.page))
        defer { page.close() }
        // Every control a keyboard should reach: links, summaries, fields, buttons, and what takes
        // a tab stop, that is shown (not inside a closed group).
        let expected = try page.evaluate("""
            [...document.querySelectorAll('a[href], summary, input, button, [tabindex]:not([tabindex="-1"])')]
              .filter(e => e.getClientRects().length > 0 || e.classList.contains('skip-link')).length
            """, as: Int.self)
        var seen: [String] = []
        var invisible: [String] = []
        for _ in 0..<(expected + 5) {
            try page.press("Tab")
            let now = try page.evaluate(Self.focused, as: String.self)
            if now == "body" || seen.first == now { break }
            if !(try page.evaluate("(r => r.width > 0 && r.height > 0)(document.activeElement.getBoundingClientRect())", as: Bool.self)) {
                invisible.append(now)
            }
            seen.append(now)
        }
        #expect(seen.count == expected, "reached \(seen.count) of \(expected): \(seen)")
        #expect(invisible.isEmpty, "focused but not shown: \(invisible)")
        let order = try page.evaluate("""
            (() => { const all = [...document.querySelectorAll('*')]; return [...document.querySelectorAll('.skip-link, .search input, main a')]
              .map(e => all.indexOf(e)).every((v, i, a) => i === 0 || a[i - 1] < v); })()
            """, as: Bool.self)
        #expect(order)
    }

    @Test("search results: ArrowDown enters them, the arrows move, Escape closes them, Enter opens one")
    func searchResults() throws {
        let page = try browser.openPage(site.page(Self.page))
        defer { page.close() }
        try page.type("Insufficient", into: ".search input")
        try page.waitFor("document.querySelectorAll('#search-results a').length > 0 && !document.querySelector('#search-results').hidden")
        try page.press("ArrowDown")
        #expect(try page.evaluate("document.activeElement === document.querySelector('#search-results a')", as: Bool.self))
        try page.press("ArrowUp")
        #expect(try page.evaluate("document.activeElement === document.querySelector('.search input')", as: Bool.self))
        try page.press("ArrowDown")
        try page.press("Escape")
        #expect(try page.evaluate("document.querySelector('#search-results').hidden", as: Bool.self), "Escape closes the results")
        #expect(try page.evaluate("document.activeElement === document.querySelector('.search input')", as: Bool.self))
        try page.type("x", into: ".search input")
        _ = try page.evaluate("document.querySelector('.search input').value = ''")
        try page.type("Insufficient", into: ".search input")
        try page.waitFor("!document.querySelector('#search-results').hidden")
        try page.press("ArrowDown")
        try page.press("Enter")
        let landed = try page.waitForURL { $0.hasSuffix("/Status/507/index.html") && !$0.contains("search") }
        #expect(landed.hasSuffix("507/index.html"))
    }

    @Test("the language switcher is a list of links, the current language marked with aria-current")
    func languages() throws {
        let page = try browser.openPage(site.page("fr/docs/Web/HTTP/Reference/Status/507/index.html"))
        defer { page.close() }
        #expect(try page.evaluate("[...document.querySelectorAll('.languages li')].every(li => li.firstElementChild.tagName === 'A')",
                                  as: Bool.self))
        #expect(try page.evaluate("[...document.querySelectorAll('.languages [aria-current]')].map(a => a.getAttribute('hreflang') + '=' + a.getAttribute('aria-current')).join()",
                                  as: String.self) == "fr=page")
    }
}
