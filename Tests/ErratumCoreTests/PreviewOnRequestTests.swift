import Foundation
import Testing
@testable import ErratumCore

/// What a preview serves before its first build has written anything: each file made on its
/// request (`Builder.preview()`, `PreviewState.file(at:)`).
@Suite("Files made on request before a preview's first build")
struct PreviewOnRequestTests {
    /// The bytes of a file made on request, or why there are none.
    static func made(_ preview: PreviewState, _ path: String) -> String {
        switch preview.file(at: path) {
        case let .file(data, _): String(decoding: data, as: UTF8.self)
        case .folder: "<folder>"
        case .none: "<none>"
        }
    }

    @Test("every file of the site and every error body, made on request, is byte for byte what a build writes")
    func sameAsBuild() throws {
        try #require(FileManager.default.fileExists(atPath: CorpusTests.corpus + "/de/web/http"),
                     "the test corpus is missing at \(CorpusTests.corpus)")
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let root = try CorpusTests.httpSection(in: folder)
        // An image beside a page, and one in a folder of its own below it.
        let notFound = root + "/en-us/web/http/reference/status/404"
        let text = try String(contentsOfFile: notFound + "/index.md", encoding: .utf8)
        try (text + "\n![A map](map.png)\n\n![A route](images/route.svg)\n").write(toFile: notFound + "/index.md", atomically: true, encoding: .utf8)
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: URL(fileURLWithPath: notFound + "/map.png"))
        try FileManager.default.createDirectory(atPath: notFound + "/images", withIntermediateDirectories: true)
        try Data("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8).write(to: URL(fileURLWithPath: notFound + "/images/route.svg"))
        var options = BuildOptions(contentRoots: [root], templatesRoot: TestSupport.templatesRoot, outputPath: folder + "/Output",
                                   codes: [404, 503])
        options.cache = false
        let report = try Builder(options: options).build()
        let preview = try Builder(options: options).preview()

        let built = TestSupport.snapshot(folder + "/Output").filter { $0.key.hasPrefix("docs/") || $0.key.hasPrefix("errors/") }
        let pages = built.keys.filter { $0.hasSuffix("/index.html") }
        // Every kind of file is there to compare: pages, index pages, stubs, images, assets, errors.
        #expect(pages.count > report.pages + 1_000, "pages, index pages and the German tree's redirect stubs")
        #expect(built.keys.contains("docs/index.html") && built.keys.contains("docs/static/erratum.css")
            && built.keys.contains("docs/static/search-fr.js") && built.keys.contains("errors/fr/404.problem.json"))
        #expect(built.keys.contains("docs/en-US/docs/Web/HTTP/Reference/Status/404/images/route.svg"), "an image below a page")
        var different: [String] = []
        for (path, data) in built.sorted(by: { $0.key < $1.key }) {
            guard case let .file(made, _) = preview.file(at: path), made == data else {
                different.append(path)
                continue
            }
        }
        #expect(different.isEmpty, "\(different.count) of \(built.count) differ: \(different.prefix(5))")

        // A page's folder wants its slash; what the site does not have is not made.
        #expect(Self.made(preview, "docs/en-US/docs/Web/HTTP/Reference/Status/404") == "<folder>")
        #expect(Self.made(preview, "docs/en-US/docs/Web") == "<folder>", "a section page's folder")
        #expect(Self.made(preview, "docs/en-US/docs/Web/HTTP/Reference/Status/404/index.htm") == "<none>")
        #expect(Self.made(preview, "docs/en-US/docs/No/Such/Page/index.html") == "<none>")
        #expect(Self.made(preview, "docs/en-us/docs/web/http/reference/status/404/index.html") == "<none>",
                "paths are compared as the file system compares them")
        #expect(Self.made(preview, "errors/tlh/404.html") == "<none>")
        #expect(Self.made(preview, "Output/docs/index.html") == "<none>")
        #expect(!FileManager.default.fileExists(atPath: folder + "/Output/docs/index.htm"))
    }

    @Test("a page is made from its file as it is now; front matter that no longer parses keeps the last page, with its problem")
    func madeFromTheFileNow() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let file = "en-us/web/http/reference/status/418/index.md"
        let page = "docs/en-US/docs/Web/HTTP/Reference/Status/418/index.html"
        let source = """
            ---
            title: 418 I'm a teapot
            slug: Web/HTTP/Reference/Status/418
            page-type: http-status-code
            ---

            The server refuses to brew coffee.

            """
        try TestSupport.write([file: source], under: folder + "/content")
        var options = BuildOptions(contentRoots: [folder + "/content"], templatesRoot: TestSupport.templatesRoot,
                                   outputPath: folder + "/Output")
        options.cache = false
        let preview = try Builder(options: options).preview()
        #expect(Self.made(preview, page).contains("The server refuses to brew coffee."))
        #expect(!FileManager.default.fileExists(atPath: folder + "/Output"), "nothing is written")

        try TestSupport.write([file: source.replacingOccurrences(of: "refuses to brew coffee", with: "brews tea only")], under: folder + "/content")
        #expect(Self.made(preview, page).contains("The server brews tea only."))

        try TestSupport.write([file: source.replacingOccurrences(of: "page-type: http-status-code", with: "page-type: [unclosed")],
                              under: folder + "/content")
        guard case let .file(data, problems) = preview.file(at: page) else {
            Issue.record("no page")
            return
        }
        #expect(String(decoding: data, as: UTF8.self).contains("The server brews tea only."), "the last page made")
        let problem = try #require(problems.first)
        #expect(problem.code == .frontMatter && problem.severity == .error)
        #expect(problem.location?.file == folder + "/content/" + file && problem.location?.line == 5, "\(problem)")

        // Broken before its page was ever made: the body as it reads after the front matter.
        let other = "en-us/web/http/reference/status/417/index.md"
        let otherSource = source.replacingOccurrences(of: "418 I'm a teapot", with: "417 Expectation Failed")
            .replacingOccurrences(of: "Status/418", with: "Status/417")
        try TestSupport.write([other: otherSource], under: folder + "/content")
        let again = try Builder(options: options).preview()
        try TestSupport.write([other: otherSource.replacingOccurrences(of: "page-type: http-status-code", with: "page-type: [unclosed")
            .replacingOccurrences(of: "refuses to brew coffee", with: "cannot meet the Expect header")], under: folder + "/content")
        let otherPage = Self.made(again, "docs/en-US/docs/Web/HTTP/Reference/Status/417/index.html")
        #expect(otherPage.contains("The server cannot meet the Expect header.") && otherPage.contains("417 Expectation Failed"), "\(otherPage)")
    }
}
