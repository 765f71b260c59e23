import ErratumCore
import Foundation
import Testing
@testable import ErratumServer

@Suite("The preview's requests, answers and additions")
struct RequestTests {
    @Test("request targets decode to segments; anything naming a file outside the site is outside or malformed")
    func targets() {
        #expect(RequestTarget("/") == .site([], trailingSlash: false))
        #expect(RequestTarget("/en-US/docs/Web/?q=1#x") == .site(["en-US", "docs", "Web"], trailingSlash: true))
        #expect(RequestTarget("/de/docs/Web/CSS/%3Ahover/") == .site(["de", "docs", "Web", "CSS", ":hover"], trailingSlash: true))
        #expect(RequestTarget("/fr/docs/Caf%C3%A9") == .site(["fr", "docs", "Café"], trailingSlash: false))
        #expect(RequestTarget("/.erratum/fr/404.html") == .errors(["fr", "404.html"], trailingSlash: false))
        #expect(RequestTarget("/.erratum-serve/events") == .events)
        #expect(RequestTarget("/.erratum-serve/reload.js") == .script)
        for outside in ["/../etc/passwd", "/a/./b", "/%2e%2e/x", "/%2E%2E%2Fx", "/a%2fb", "/a%5cb", "/a%00b", "/a\\b",
                        "/.erratum-serve/other", "/.erratum-serve/../events"] {
            #expect(RequestTarget(outside) == .outside, "\(outside)")
        }
        for malformed in ["*", "http://example.org/", "/%zz", "/%4", "/%ff%fe"] {
            #expect(RequestTarget(malformed) == .malformed, "\(malformed)")
        }
    }

    @Test("the addition goes before the last </body>; problems are escaped; the stamp follows the addition")
    func additions() throws {
        let problem = Diagnostic(.error, .frontMatterType, "front matter has no 'title' <here>",
                                 at: FileLocation(file: "content/fr/a/index.md", line: 3, column: 5))
        let addition = LiveReload.addition(problems: [problem])
        #expect(addition.contains("content/fr/a/index.md:3:5: error: front matter has no &#39;title&#39; &lt;here&gt;")
                || addition.contains("content/fr/a/index.md:3:5: error: front matter has no 'title' &lt;here&gt;"))
        #expect(addition.contains("1 error"))
        let page = Array("<html><body><p>x</p></body></html><!-- </body> -->".utf8)
        let injected = String(decoding: LiveReload.inject("[A]", into: page), as: UTF8.self)
        #expect(injected == "<html><body><p>x</p></body></html><!-- [A]</body> -->")
        #expect(String(decoding: LiveReload.inject("[A]", into: Array("plain".utf8)), as: UTF8.self) == "plain[A]")
        #expect(LiveReload.stamp(addition) != LiveReload.stamp(LiveReload.addition(problems: [])))
        #expect(!LiveReload.addition(problems: []).contains("erratum-serve-problems"))
    }

    @Test("a build's changed files become the URL paths of the pages to reload; a stylesheet reloads all")
    func changedPages() {
        #expect(PreviewSession.urlPaths(["docs/index.html", "docs/en-US/docs/Web/index.html", "errors/en/404.html",
                                         "docs/static/search-en-US.js"]) == ["/", "/en-US/docs/Web/"])
        #expect(PreviewSession.changedPages(["docs/de/docs/A/index.html"], problemPages: ["docs/fr/docs/A/index.html"])
                == ["/de/docs/A/", "/fr/docs/A/"])
        #expect(PreviewSession.changedPages(["docs/static/erratum.css"], problemPages: []) == nil)
        #expect(PreviewSession.changedPages(nil, problemPages: []) == nil)
        #expect(PreviewSession.changedPages([], problemPages: nil) == nil)
    }

    @Test("problems go to the page of their document; problems of no page to every page, and the pages that changed are told")
    func problems() throws {
        let folder = NSTemporaryDirectory() + "erratum-preview-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let site = PreviewSite(output: folder)
        let pages = ["content/en-us/a/index.md": "docs/en-US/docs/A/index.html", "content/fr/a/index.md": "docs/fr/docs/A/index.html"]
        #expect(site.update(documentPages: pages, diagnostics: []) == [])
        let french = Diagnostic(.warning, .unknownMacro, "unknown macro 'X'", at: FileLocation(file: "content/fr/a/index.md", line: 2, column: 1))
        #expect(site.update(documentPages: nil, diagnostics: [french]) == ["docs/fr/docs/A/index.html"])
        #expect(site.problems(onPage: "docs/fr/docs/A/index.html").map(\.message) == ["unknown macro 'X'"])
        #expect(site.problems(onPage: "docs/en-US/docs/A/index.html").isEmpty)
        let template = Diagnostic(.error, .template, "template does not parse", at: FileLocation(file: "templates/site/page.html.mustache", line: 1, column: 1))
        #expect(site.update(documentPages: nil, diagnostics: [french, template]) == nil, "a problem of no page concerns every page")
        #expect(site.problems(onPage: "docs/en-US/docs/A/index.html").map(\.message) == ["template does not parse"])
        #expect(site.update(documentPages: nil, diagnostics: []) == nil)
    }
}

@Suite("Problems of pages rendered between builds")
struct ReplacedProblemsTests {
    @Test("replacing one document's problems touches its page alone and tells whether they changed")
    func replace() {
        let site = PreviewSite(output: NSTemporaryDirectory() + "erratum-none-\(UUID().uuidString)")
        let pages = ["content/en-us/a/index.md": "docs/en-US/docs/A/index.html", "content/fr/a/index.md": "docs/fr/docs/A/index.html"]
        let old = Diagnostic(.warning, .unknownMacro, "unknown macro 'X'", at: FileLocation(file: "content/fr/a/index.md", line: 2, column: 1))
        let english = Diagnostic(.warning, .unknownMacro, "unknown macro 'Y'", at: FileLocation(file: "content/en-us/a/index.md", line: 4, column: 1))
        _ = site.update(documentPages: pages, diagnostics: [old, english])
        #expect(site.replaceProblems(of: ["content/fr/a/index.md": [old]]).isEmpty, "the same problems change nothing")
        #expect(site.replaceProblems(of: ["content/fr/a/index.md": []]) == ["docs/fr/docs/A/index.html"])
        #expect(site.problems(onPage: "docs/fr/docs/A/index.html").isEmpty)
        #expect(site.problems(onPage: "docs/en-US/docs/A/index.html") == [english], "another page keeps its problems")
        #expect(site.replaceProblems(of: ["content/new/index.md": [old]]).isEmpty, "a document without a page has none to change")
    }
}
