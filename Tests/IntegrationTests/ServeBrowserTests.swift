import ErratumCore
import Foundation
import Testing

/// `erratum serve` with headless Chromium: what a writer sees while editing.
@Suite("erratum serve in Chromium", .serialized)
final class ServeBrowserTests {
    let browser: ChromiumBrowser

    init() throws {
        browser = try ChromiumBrowser.launch()
    }

    deinit {
        browser.close()
    }

    /// Waits until `condition` (a JavaScript expression) is true in the page; a page being
    /// reloaded meanwhile is asked again.
    static func waitUntil(_ page: ChromiumPage, _ condition: String, timeout: Duration = .seconds(15)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? page.evaluate("Boolean(\(condition))", as: Bool.self)) == true { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Marks the loaded document, so that a reload shows as the mark's absence.
    static func mark(_ page: ChromiumPage) throws {
        try page.evaluate("window.erratumTestMark = 1")
    }

    static let reloaded = "window.erratumTestMark === undefined && document.readyState === 'complete'"

    @Test("an edit to the page's file reloads the open page with the new text, at the same scroll position")
    func editReloads() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        let page = try browser.openPage(serve.url(ServeProject.englishPage), height: 400)
        defer { page.close() }
        #expect(Self.waitUntil(page, "window.EventSource && performance.getEntriesByType('resource').some(e => e.name.endsWith('/.erratum-serve/reload.js'))"))
        try page.evaluate("window.scrollTo(0, 300)")
        try Self.mark(page)
        let other = try browser.openPage(serve.url(ServeProject.frenchPage))
        defer { other.close() }
        try Self.mark(other)
        let text = try project.read(ServeProject.englishFile)
        try project.write(ServeProject.englishFile, text.replacingOccurrences(of: "## Common causes", with: "## Causes seen most often"))
        #expect(Self.waitUntil(page, Self.reloaded + " && document.body.innerText.includes('Causes seen most often')"), "\(serve.log)")
        #expect(Self.waitUntil(page, "window.scrollY === 300"), "the scroll position is kept")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try other.evaluate("window.erratumTestMark", as: Int.self) == 1, "a page the edit did not change is not reloaded")
    }

    @Test("a broken front matter shows the problem over the page with its line and column; the fix removes it")
    func overlay() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        let page = try browser.openPage(serve.url(ServeProject.frenchPage))
        defer { page.close() }
        try Self.mark(page)
        let good = try project.read(ServeProject.frenchFile)
        try project.saveAsVim(ServeProject.frenchFile, good.replacingOccurrences(of: "title: 503 Service Unavailable", with: "title: [503"))
        let overlay = "document.querySelector('#erratum-serve-problems')"
        #expect(Self.waitUntil(page, Self.reloaded + " && \(overlay)"), "\(serve.log)")
        let shown = try page.evaluate("\(overlay).innerText", as: String.self)
        #expect(shown.contains(ServeProject.frenchFile + ":3:5: error: front matter is not valid YAML"), "\(shown)")
        #expect(try page.evaluate("getComputedStyle(\(overlay)).position", as: String.self) == "fixed")
        #expect(try page.evaluate("document.body.innerText.includes('Le code de statut HTTP')", as: Bool.self), "the last good page is under it")
        try Self.mark(page)
        try project.saveAsVim(ServeProject.frenchFile, good)
        #expect(Self.waitUntil(page, Self.reloaded + " && !\(overlay)"), "\(serve.log)")
    }

    @Test("a page renamed with a redirect: the old URL leads to the new one")
    func renameWithRedirect() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        let old = project.path("content/en-us/web/http/reference/status/503")
        let new = project.path("content/en-us/web/http/reference/status/service_unavailable")
        try FileManager.default.moveItem(atPath: old, toPath: new)
        let text = try String(contentsOfFile: new + "/index.md", encoding: .utf8)
        try text.replacingOccurrences(of: "slug: Web/HTTP/Reference/Status/503", with: "slug: Web/HTTP/Reference/Status/Service_Unavailable")
            .write(toFile: new + "/index.md", atomically: true, encoding: .utf8)
        let redirects = try project.read("content/en-us/_redirects.txt")
        try project.write("content/en-us/_redirects.txt",
                          redirects + "/en-US/docs/Web/HTTP/Reference/Status/503\t/en-US/docs/Web/HTTP/Reference/Status/Service_Unavailable\n")
        #expect(serve.waitForLog("erratum: built", count: 2))
        Thread.sleep(forTimeInterval: 0.3)
        let page = try browser.openPage(serve.url(ServeProject.englishPage))
        defer { page.close() }
        // The stub (a meta refresh, as on any static server) links the new page's file.
        #expect(Self.waitUntil(page, "location.pathname.replace(/index\\.html$/, '') === '/en-US/docs/Web/HTTP/Reference/Status/Service_Unavailable/'"
                                     + " && document.querySelector('h1')?.textContent === '503 Service Unavailable'"),
                "\((try? page.evaluate("location.href", as: String.self)) ?? "?")")
    }

    @Test("an edit to a template reloads every open page")
    func templateReloadsAll() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        let pages = try [ServeProject.englishPage, ServeProject.frenchPage, "/"].map { try browser.openPage(serve.url($0)) }
        defer { pages.forEach { $0.close() } }
        for page in pages { try Self.mark(page) }
        let template = try #require(TemplateFiles.builtIn.data("site/page.html.mustache"))
        let edited = String(decoding: template, as: UTF8.self).replacingOccurrences(of: "</body>", with: "<p id=\"template-mark\">edited</p></body>")
        try project.write("templates/site/page.html.mustache", edited)
        for page in pages {
            #expect(Self.waitUntil(page, Self.reloaded + " && document.querySelector('#template-mark')"), "\(serve.log)")
        }
    }
}
