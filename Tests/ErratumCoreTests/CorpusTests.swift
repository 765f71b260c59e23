import Foundation
import Testing
@testable import ErratumCore

/// MDN's own HTTP section (../shared/corpus: en-US and fr status pages, the German web/http
/// tree, MDN's L10n strings), built as the offline site.
@Suite("The HTTP section of real MDN content")
struct CorpusTests {
    static let corpus = URL(fileURLWithPath: TestSupport.repoRoot).deletingLastPathComponent()
        .appendingPathComponent("shared/corpus/mdn/files").path

    /// A content root holding the corpus' en-us, fr, jsondata and de/web/http.
    static func httpSection(in folder: String) throws -> String {
        let root = folder + "/files"
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: root + "/de/web", withIntermediateDirectories: true)
        for part in ["en-us", "fr", "jsondata", "sidebars"] {
            try fileManager.copyItem(atPath: corpus + "/" + part, toPath: root + "/" + part)
        }
        try fileManager.copyItem(atPath: corpus + "/de/web/http", toPath: root + "/de/web/http")
        try fileManager.copyItem(atPath: corpus + "/de/_redirects.txt", toPath: root + "/de/_redirects.txt")
        return root
    }

    @Test("builds with every macro known, no table left as pipes, and every relative link landing on a page")
    func httpSectionBuilds() throws {
        try #require(FileManager.default.fileExists(atPath: Self.corpus + "/de/web/http"),
                     "the test corpus is missing at \(Self.corpus)")
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let root = try Self.httpSection(in: folder)
        let output = folder + "/Output"
        let report = try Builder(options: BuildOptions(contentRoots: [root], templatesRoot: TestSupport.templatesRoot,
                                                       outputPath: output, codes: [507])).build()
        #expect(report.documents > 450)
        let unknownInHTTP = report.diagnostics.filter { $0.code == .unknownMacro && $0.location?.file.contains("/web/http/") == true }
        #expect(unknownInHTTP.isEmpty, "\(unknownInHTTP.prefix(5))")

        let moves = try CorpusMoves(germanRedirects: root + "/de/_redirects.txt")
        var pages = 0
        for path in try FileManager.default.subpathsOfDirectory(atPath: output + "/docs")
        where path.hasSuffix(".html") && path.contains("/docs/Web/HTTP/") {
            pages += 1
            let html = try String(contentsOfFile: output + "/docs/" + path, encoding: .utf8)
            #expect(!html.contains("unsupported templ"), "\(path) has an unsupported macro")
            #expect(!Self.outsideCode(html).contains("{{"), "\(path) holds a macro call outside code")
            #expect(!html.contains("<p>| "), "\(path) has a table left as pipes")
            let folderURL = URL(fileURLWithPath: output + "/docs/" + path).deletingLastPathComponent()
            // Links of the page itself: code samples (escaped, but with their quotes) do not count.
            for href in BuildTests.attributeValues(in: Self.outsideCode(html), names: ["href"])
            where !href.hasPrefix("#") && !href.contains("://") && !href.hasPrefix("mailto:") {
                let target = String(href.prefix { $0 != "#" }).removingPercentEncoding ?? href
                #expect(FileManager.default.fileExists(atPath: folderURL.appendingPathComponent(target).standardized.path),
                        "\(path) links \(href), which is no file")
            }
            // Links that leave for live MDN: only for pages the corpus does not hold (and the
            // Compat and Specifications blocks' links to what only MDN's compatibility data
            // holds, which we cannot ship).
            for href in BuildTests.attributeValues(in: Self.outsideCode(html), names: ["href"])
            where href.hasPrefix(Self.liveMDN) && !href.hasSuffix("#browser_compatibility") && !href.hasSuffix("#specifications") {
                if let local = moves.localFolder(for: String(href.dropFirst(Self.liveMDN.count)), in: root) {
                    Issue.record("\(path) sends \(href) to live MDN, but the corpus has \(local)")
                }
            }
        }
        #expect(pages > 400)

        // The whole site, as a browser follows it: files (fragments are the content's own
        // business — German pages link English heading ids, as on MDN).
        var check = SiteLinkCheck(root: output + "/docs")
        let (_, links, problems) = try check.run(fragments: false)
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(links > 50_000)
    }

    static let liveMDN = "https://developer.mozilla.org"

    /// The HTML with `<code>…</code>` and `<pre>…</pre>` removed.
    static func outsideCode(_ html: String) -> String {
        var text = html
        for (open, close) in [("<pre", "</pre>"), ("<code>", "</code>")] {
            while let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) {
                text.removeSubrange(start.lowerBound..<end.upperBound)
            }
        }
        return text
    }
}

/// A test oracle for "does the corpus hold this page?", read straight from the files: the
/// page's folder in its locale or in en-us, at its slug or where the German redirect table
/// (the only one in the corpus; MDN moves every locale's pages together) says it moved.
struct CorpusMoves {
    private var moves: [String: String] = [:]

    init(germanRedirects path: String) throws {
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, fields[0].hasPrefix("/de/docs/"), fields[1].hasPrefix("/de/docs/") else { continue }
            moves[fields[0].dropFirst("/de/docs/".count).lowercased()] = fields[1].dropFirst("/de/docs/".count).lowercased()
        }
    }

    /// The corpus folder holding `/<locale>/docs/<slug>[#…]`, if any.
    func localFolder(for url: String, in root: String) -> String? {
        let path = url.prefix { $0 != "#" && $0 != "?" }
        let pieces = path.split(separator: "/", maxSplits: 2)
        guard pieces.count == 3, pieces[1] == "docs" else { return nil }
        let slug = pieces[2].lowercased()
        for candidate in [slug, moves[slug]].compactMap({ $0 }) {
            for locale in [pieces[0].lowercased(), "en-us"] {
                let folder = "\(locale)/\(candidate)"
                if FileManager.default.fileExists(atPath: "\(root)/\(folder)/index.md") { return folder }
            }
        }
        return nil
    }
}
