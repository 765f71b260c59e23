import Foundation
import Testing
@testable import ErratumCore

/// The offline site as files: what a reader's browser can follow from `Output/docs/`.
@Suite("The offline site")
struct SiteTests {
    static func build(_ folder: String) throws -> String {
        let output = folder + "/Output"
        _ = try Builder(options: BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: TestSupport.templatesRoot,
                                              outputPath: output)).build()
        return output
    }

    @Test("every href and src lands on a file of the build, and every #fragment on an id there")
    func linkCheck() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var check = SiteLinkCheck(root: try Self.build(folder) + "/docs")
        let (pages, links, problems) = try check.run()
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(pages >= 15, "pages, section pages, homes, search pages and redirect stubs")
        #expect(links > 100)
    }

    @Test("the link check itself finds a missing file, a missing id, a site-absolute link and an escape")
    func linkCheckFails() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try TestSupport.write([
            "site/a/index.html": #"<p id="here"><a href="../b/index.html#there">b</a> <a href='#here'>a</a> <a href="https://x.test/">x</a></p>"#,
            "site/b/index.html": #"<a href="../c/index.html">c</a> <a href="../a/index.html#gone">a</a> <a href="/a/">abs</a> <img src="../../out.png"> <code>&lt;a href="nothing"&gt;</code>"#,
        ], under: folder)
        var check = SiteLinkCheck(root: folder + "/site")
        let (_, links, problems) = try check.run()
        #expect(links == 7)
        #expect(Set(problems.map { "\($0.link) \($0.reason)" }) == [
            "../b/index.html#there no id 'there' there",
            "../c/index.html no such file",
            "../a/index.html#gone no id 'gone' there",
            "/a/ site-absolute, not relative",
            "../../out.png leaves the output folder",
        ])
    }

    @Test("a section of more than 100 pages lists the 60 around each page and links the section's page, which lists all")
    func longSectionSidebar() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var files: [String: String] = [:]
        for number in 0..<150 {
            let name = String(format: "Item%03d", number)
            files["en-us/web/list/\(name.lowercased())/index.md"] = "---\ntitle: \(name)\nslug: Web/List/\(name)\n---\n\nItem \(number).\n"
        }
        try TestSupport.write(files, under: folder + "/content")
        let output = folder + "/Output"
        _ = try Builder(options: BuildOptions(contentRoots: [folder + "/content"], templatesRoot: TestSupport.templatesRoot,
                                              outputPath: output, codes: [404])).build()
        func sidebar(_ name: String) throws -> [String] {
            let page = try String(contentsOfFile: output + "/docs/en-US/docs/Web/List/\(name)/index.html", encoding: .utf8)
            let nav = try #require(page.components(separatedBy: "<nav class=\"sidebar\"").dropFirst().first?
                .components(separatedBy: "</nav>").first)
            return nav.components(separatedBy: "<li>").dropFirst().map { $0 }
        }
        let first = try sidebar("Item000")
        #expect(first.count == 61, "the section's link and 60 pages")
        #expect(first.first?.contains(#"href="../index.html">All 150 pages of this section</a>"#) == true, "\(first.first ?? "")")
        #expect(first[1].contains(#"aria-current="page""#) && first[1].contains("Item000"))
        #expect(first.last?.contains("Item059") == true)
        let middle = try sidebar("Item100")
        #expect(middle.count == 61)
        #expect(middle[1].contains("Item070") && middle.last?.contains("Item129") == true)
        #expect(middle.contains { $0.contains(#"aria-current="page""#) && $0.contains("Item100") })
        let last = try sidebar("Item149")
        #expect(last[1].contains("Item090") && last.last?.contains("Item149") == true)
        // The section's page (generated: no document fills Web/List) lists every page.
        let section = try String(contentsOfFile: output + "/docs/en-US/docs/Web/List/index.html", encoding: .utf8)
        #expect(section.components(separatedBy: "class=\"landingPageList\"><a href=").count - 1 == 150)
        // A short section lists all its pages: the built-in content's status folder.
        let status = try String(contentsOfFile: try Self.build(folder + "/short") + "/docs/en-US/docs/Web/HTTP/Reference/Status/507/index.html",
                                encoding: .utf8)
        #expect(!status.contains("pages of this section"))
    }

    @Test("home, locale and section pages lead down to every document")
    func indexPages() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let docs = try Self.build(folder) + "/docs"
        let home = try String(contentsOfFile: docs + "/index.html", encoding: .utf8)
        for locale in ["en-US", "fr", "de"] { #expect(home.contains(#"href="\#(locale)/index.html""#)) }
        let german = try String(contentsOfFile: docs + "/de/index.html", encoding: .utf8)
        #expect(german.contains(#"<a href="./docs/Web/index.html">Web</a>"#))
        let status = try String(contentsOfFile: docs + "/de/docs/Web/HTTP/Reference/Status/index.html", encoding: .utf8)
        #expect(status.contains(#"<dt class="landingPageList"><a href="./507/index.html">507 Unzureichender Speicher</a></dt>"#))
        #expect(status.contains("<dd class=\"landingPageList\"><p>"), "with the page's summary")
    }

    @Test("the search index is a script holding each page's title, summary and path; the search page lists every page")
    func searchIndex() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let docs = try Self.build(folder) + "/docs"
        let script = try String(contentsOfFile: docs + "/static/search-fr.js", encoding: .utf8)
        #expect(script.hasPrefix(#"(window.erratumSearch = window.erratumSearch || {})["fr"] = ["#))
        #expect(script.contains(#"["507 Insufficient Storage","#))
        #expect(script.contains(#""fr/docs/Web/HTTP/Reference/Status/507/index.html"]"#))
        let page = try String(contentsOfFile: docs + "/de/docs/Web/HTTP/Reference/Status/507/index.html", encoding: .utf8)
        #expect(page.contains(#"<a class="search-link" href="../../../../../../search/index.html">Suchen</a>"#))
        #expect(page.contains(#"data-search-index="../../../../../../../static/search-de.js""#))
        let plain = try String(contentsOfFile: docs + "/de/search/index.html", encoding: .utf8)
        #expect(plain.contains(#"<a href="../docs/Web/HTTP/Reference/Status/507/index.html">507 Unzureichender Speicher</a>"#))
        #expect(SiteIndex.jsonString("a\"b\\c</script>\n\u{2028}") == #""a\"b\\c\u003c/script>\n\u2028""#)
    }

    @Test("each old slug of _redirects.txt gets a relative meta-refresh stub, never over a page")
    func redirectStubs() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let docs = try Self.build(folder) + "/docs"
        let stub = try String(contentsOfFile: docs + "/de/docs/Web/HTTP/Status/507/index.html", encoding: .utf8)
        #expect(stub.contains(#"<meta http-equiv="refresh" content="0; url=../../Reference/Status/507/index.html">"#))
        #expect(stub.contains(#"<link rel="canonical" href="../../Reference/Status/507/index.html">"#))
        #expect(FileManager.default.fileExists(atPath: docs + "/en-US/docs/Web/HTTP/Status/507/index.html"))
        // A redirect from a path a page holds (in any letter case) leaves the page alone.
        let content = folder + "/content"
        try FileManager.default.copyItem(atPath: TestSupport.contentRoot, toPath: content)
        try "/de/docs/web/http/reference/status/507\t/de/docs/Web/HTTP/Status/507\n".write(
            toFile: content + "/de/_redirects.txt", atomically: true, encoding: .utf8)
        let output = folder + "/Output2"
        _ = try Builder(options: BuildOptions(contentRoots: [content], templatesRoot: TestSupport.templatesRoot, outputPath: output)).build()
        let page = try String(contentsOfFile: output + "/docs/en-US/docs/Web/HTTP/Reference/Status/507/index.html", encoding: .utf8)
        #expect(page.contains("<article>"))
        #expect(!FileManager.default.fileExists(atPath: output + "/docs/de/docs/web/http/reference/status/507/index.html"))
    }

    @Test("a table of more stubs than one batch writes every stub once, and a page still wins over a stub")
    func manyRedirectStubs() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let content = folder + "/content"
        try FileManager.default.copyItem(atPath: TestSupport.contentRoot, toPath: content)
        let count = RedirectStubs.batchSize * 2 + 17
        var lines = (0..<count).map { "/de/docs/Old/Page\($0)\t/de/docs/Web/HTTP/Reference/Status/507" }
        // One in the last batch would stand over a page (in another letter case).
        lines.append("/de/docs/WEB/http/reference/status/507\t/de/docs/Old/Page1")
        try (lines.joined(separator: "\n") + "\n").write(toFile: content + "/de/_redirects.txt", atomically: true, encoding: .utf8)
        let output = folder + "/Output"
        _ = try Builder(options: BuildOptions(contentRoots: [content], templatesRoot: TestSupport.templatesRoot, outputPath: output)).build()
        let old = try FileManager.default.contentsOfDirectory(atPath: output + "/docs/de/docs/Old")
        #expect(old.count == count, "one stub per source")
        #expect(!FileManager.default.fileExists(atPath: output + "/docs/de/docs/WEB"))
        for index in [0, RedirectStubs.batchSize - 1, RedirectStubs.batchSize, count - 1] {
            let stub = try String(contentsOfFile: output + "/docs/de/docs/Old/Page\(index)/index.html", encoding: .utf8)
            #expect(stub.contains(#"url=../../Web/HTTP/Reference/Status/507/index.html""#), "Page\(index)")
        }
        let page = try String(contentsOfFile: output + "/docs/de/docs/Web/HTTP/Reference/Status/507/index.html", encoding: .utf8)
        #expect(page.contains("<article>"))
    }
}

@Suite("Images of the offline site")
struct SiteImageTests {
    @Test("an image beside the page (or beside its English source) is copied next to it; any other goes to live MDN")
    func images() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let page = "---\ntitle: A\nslug: Web/A\n---\n\n![diagram](diagram.svg) ![gone](gone.png) ![far](https://x.test/y.png) ![shared](/shared-assets/z.png)\n"
        try TestSupport.write([
            "content/en-us/web/a/index.md": page,
            "content/en-us/web/a/diagram.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "content/de/web/a/index.md": page.replacingOccurrences(of: "title: A", with: "title: B"),
        ], under: folder)
        let output = folder + "/Output"
        _ = try Builder(options: BuildOptions(contentRoots: [folder + "/content"], templatesRoot: TestSupport.templatesRoot,
                                              outputPath: output)).build()
        for locale in ["en-US", "de"] {
            let html = try String(contentsOfFile: output + "/docs/\(locale)/docs/Web/A/index.html", encoding: .utf8)
            #expect(html.contains(#"<img src="diagram.svg" alt="diagram" />"#))
            #expect(html.contains(#"<img src="https://developer.mozilla.org/\#(locale)/docs/Web/A/gone.png" alt="gone" />"#))
            #expect(html.contains(#"<img src="https://x.test/y.png" alt="far" />"#))
            #expect(html.contains(#"<img src="https://developer.mozilla.org/shared-assets/z.png" alt="shared" />"#))
            #expect(FileManager.default.contents(atPath: output + "/docs/\(locale)/docs/Web/A/diagram.svg")
                == Data("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8))
        }
    }
}

@Suite("Translation notices from git history")
struct SiteHistoryTests {
    @Test("a translation's notice names the day of the English commit it follows, when the history holds it")
    func datedNotice() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var repository = try GitFixture(at: folder + "/repo")
        let english = try repository.commit("English page", write: [
            "files/en-us/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", body: "English.\n"),
        ])
        try repository.commit("Translations", write: [
            "files/de/web/a/index.md": CoverageDocs.page("A (de)", slug: "Web/A", sourceCommit: english, body: "Deutsch.\n"),
            "files/fr/web/a/index.md": CoverageDocs.page("A (fr)", slug: "Web/A", sourceCommit: String(repeating: "0", count: 40),
                                                         body: "Français.\n"),
        ])
        let output = folder + "/Output"
        _ = try Builder(options: BuildOptions(contentRoots: [folder + "/repo/files"], templatesRoot: TestSupport.templatesRoot,
                                              outputPath: output)).build()
        let german = try String(contentsOfFile: output + "/docs/de/docs/Web/A/index.html", encoding: .utf8)
        // GitFixture dates commit n at 2024-01-01 plus n days.
        #expect(german.contains("Diese Seite ist eine Übersetzung der englischen Seite vom 2024-01-02."))
        let french = try String(contentsOfFile: output + "/docs/fr/docs/Web/A/index.html", encoding: .utf8)
        #expect(french.contains("Cette page est une traduction d"), "a commit not in the history gives the plain notice")
        #expect(!french.contains("telle qu"))
    }
}

@Suite("Plain text and summaries")
struct PlainTextTests {
    @Test("tags go, the five escapes decode once, other entities stay")
    func plainText() {
        #expect(PlainText.of(html: "<code>a &lt;b&gt;</code> &amp;lt; &quot;x&quot; &#39;y&#39; &nbsp;") == "a <b> &lt; \"x\" 'y' &nbsp;")
        #expect(PlainText.of(html: "Café <em>crème</em> &") == "Café crème &")
    }

    @Test("a summary is the first paragraph, found without reading the rest")
    func summaryOfLongBody() {
        let body = "{{HTTPSidebar}}\n\n# Title\n\nFirst *line*\nsecond line.\n\nNext paragraph.\n" + String(repeating: "more\n", count: 100_000)
        #expect(Summary.firstParagraph(of: body) == "First line second line.")
        #expect(Summary.firstParagraph(of: "\n\n") == nil)
        #expect(Summary.firstParagraph(of: "Only line, no newline") == "Only line, no newline")
    }

    @Test("a summary keeps a link's text, drops emphasis and code marks, and leaves other brackets and any script as they are")
    func summaryMarkup() {
        #expect(Summary.firstParagraph(of: "Die [Antwort](/de/docs/Web/HTTP) ist **fett** und `Code` — ünïcödé 😀.")
            == "Die Antwort ist fett und Code — ünïcödé 😀.")
        #expect(Summary.firstParagraph(of: "An [unclosed link and [a](b) (c) [d] (e)") == "An unclosed link and [a (c) [d] (e)", "the first ] after a [ closes it")
        #expect(Summary.firstParagraph(of: "{{Glossary(\"HTTP\")}} über `a<b` [x](y") == "HTTP über a&lt;b [x](y")
    }
}
