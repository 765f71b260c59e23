import Foundation
import Testing
@testable import ErratumCore

/// An incremental build must write exactly what a clean build writes. Each step below edits
/// the content (or the templates), builds incrementally on top of the previous output and
/// cache, builds the same inputs from nothing elsewhere, and compares the two outputs byte
/// for byte. It also checks how many documents were rendered again, so a cache that re-renders
/// everything (or nothing) fails too.
@Suite("Incremental builds")
struct IncrementalBuildTests {
    /// A small site with the links an incremental build must follow: macro and Markdown links,
    /// a landing page listing its children with summaries, a translation, an image.
    static let content: [String: String] = [
        "en-us/web/http/index.md": page("HTTP", "Web/HTTP", "The web's protocol. See [the codes](/en-US/docs/Web/HTTP/Reference/Status)."),
        "en-us/web/http/reference/status/index.md": page("HTTP response status codes", "Web/HTTP/Reference/Status",
                                                          "Every code.\n\n{{SubpagesWithSummaries}}"),
        "en-us/web/http/reference/status/404/index.md": page("404 Not Found", "Web/HTTP/Reference/Status/404",
            "{{HTTPSidebar}}\n\nThe page is not there. Compare {{HTTPStatus(\"410\")}} and [caches](/en-US/docs/Glossary/Cache).\n\n![A diagram](diagram.png)"),
        "en-us/web/http/reference/status/410/index.md": page("410 Gone", "Web/HTTP/Reference/Status/410", "Gone for good."),
        "en-us/web/http/reference/status/507/index.md": page("507 Insufficient Storage", "Web/HTTP/Reference/Status/507",
            "Out of space. Unlike {{HTTPStatus(404)}}, it passes."),
        "en-us/glossary/cache/index.md": page("Cache", "Glossary/Cache", "A cache keeps copies."),
        "en-us/_redirects.txt": "# FROM-URL\tTO-URL\n/en-US/docs/Web/HTTP/Status\t/en-US/docs/Web/HTTP/Reference/Status\n",
        "fr/web/http/reference/status/404/index.md": page("404 Introuvable", "Web/HTTP/Reference/Status/404",
            "La page n'existe pas. Voir {{HTTPStatus(\"507\")}}."),
        "fr/web/http/reference/status/index.md": page("Codes de réponse HTTP", "Web/HTTP/Reference/Status", "{{SubpagesWithSummaries}}"),
    ]

    static func page(_ title: String, _ slug: String, _ body: String) -> String {
        "---\ntitle: \(title)\nslug: \(slug)\n---\n\n\(body)\n"
    }

    /// One workspace: content and templates, an incremental output and a clean one.
    struct Workspace {
        let root: String
        var content: String { root + "/content" }
        var templates: String { root + "/templates" }

        init() throws {
            root = try TestSupport.temporaryFolder("incremental")
            try TestSupport.write(IncrementalBuildTests.content, under: content)
            try FileManager.default.copyItem(atPath: TestSupport.templatesRoot, toPath: templates)
        }

        func options(output: String, cache: Bool) -> BuildOptions {
            var options = BuildOptions(contentRoots: [content], templatesRoot: templates, outputPath: output,
                                       errorsRoot: "/srv/errors", codes: [404, 507])
            options.cache = cache
            return options
        }

        /// Builds incrementally into `incremental/Output`, and from nothing into `clean/Output`;
        /// expects equal outputs and returns the incremental build's report.
        @discardableResult
        func buildBoth(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> BuildReport {
            let report = try Builder(options: options(output: root + "/incremental/Output", cache: true)).build()
            TestSupport.cleanUp(root + "/clean")
            let clean = try Builder(options: options(output: root + "/clean/Output", cache: false)).build()
            let incrementalFiles = TestSupport.snapshot(root + "/incremental/Output")
            let cleanFiles = TestSupport.snapshot(root + "/clean/Output")
            #expect(Set(incrementalFiles.keys) == Set(cleanFiles.keys), "\(step): same files",
                    sourceLocation: sourceLocation)
            let differing = cleanFiles.keys.filter { incrementalFiles[$0] != nil && incrementalFiles[$0] != cleanFiles[$0] }.sorted()
            #expect(differing.isEmpty, "\(step): files differ from a clean build: \(differing)", sourceLocation: sourceLocation)
            #expect(report.diagnostics == clean.diagnostics, "\(step): same warnings", sourceLocation: sourceLocation)
            #expect(report.pages == clean.pages && report.files == clean.files, sourceLocation: sourceLocation)
            return report
        }

        func edit(_ relative: String, _ change: (String) -> String) throws {
            let path = content + "/" + relative
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let changed = change(text)
            #expect(changed != text, "the edit of \(relative) changes it")
            try Data(changed.utf8).write(to: URL(fileURLWithPath: path))
        }

        func move(_ from: String, to: String) throws {
            try FileManager.default.createDirectory(atPath: ((content + "/" + to) as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: content + "/" + from, toPath: content + "/" + to)
        }

        func remove(_ relative: String) throws {
            try FileManager.default.removeItem(atPath: content + "/" + relative)
        }

        func inode(_ relative: String) -> UInt64? {
            var status = stat()
            return lstat(root + "/incremental/Output/" + relative, &status) == 0 ? UInt64(status.st_ino) : nil
        }
    }

    @Test("equals a clean build after edits, renames, deletions, new files and template changes")
    func equalsCleanBuild() throws {
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        let page404 = "docs/en-US/docs/Web/HTTP/Reference/Status/404/index.html"

        let first = try space.buildBoth("first build")
        #expect(first.rendered == 8 && first.kept == 0)

        let unchanged = try space.buildBoth("no change")
        #expect(unchanged.rendered == 0, "nothing rendered again")
        #expect(unchanged.kept >= 8, "every page kept from the previous output")
        let inodeBefore = space.inode(page404)

        // A body edit: the page itself, and the landing page that lists its summary.
        try space.edit("en-us/web/http/reference/status/410/index.md") { $0.replacingOccurrences(of: "Gone for good.", with: "Gone, for good.") }
        let bodyEdit = try space.buildBoth("body edit of 410")
        #expect(bodyEdit.rendered == 2, "410 and the status landing page, not \(bodyEdit.rendered)")
        #expect(space.inode(page404) == inodeBefore, "an unchanged page is the same file, linked")

        // A title edit of a page others link to: those pages render again.
        try space.edit("en-us/glossary/cache/index.md") { $0.replacingOccurrences(of: "title: Cache", with: "title: Web cache") }
        let titleEdit = try space.buildBoth("title edit of a linked page")
        #expect(titleEdit.rendered == 2, "the glossary page and 404, which links it; not \(titleEdit.rendered)")

        // An image appears beside a page that names it: the page now shows the local copy.
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: space.content + "/en-us/web/http/reference/status/404/diagram.png"))
        let image = try space.buildBoth("an image appears")
        #expect(image.rendered == 1)

        // A rename with its redirect: pages linking the old slug follow it.
        try space.move("en-us/web/http/reference/status/507", to: "en-us/web/http/reference/status/507_storage")
        try space.edit("en-us/web/http/reference/status/507_storage/index.md") {
            $0.replacingOccurrences(of: "slug: Web/HTTP/Reference/Status/507", with: "slug: Web/HTTP/Reference/Status/507_storage")
        }
        try space.edit("en-us/_redirects.txt") {
            $0 + "/en-US/docs/Web/HTTP/Reference/Status/507\t/en-US/docs/Web/HTTP/Reference/Status/507_storage\n"
        }
        try space.buildBoth("rename with a redirect")

        // A deletion: links to it now lead to the live site; its translation loses its switcher.
        try space.remove("en-us/web/http/reference/status/410")
        try space.buildBoth("deletion of a linked page")
        try space.remove("fr/web/http/reference/status/404")
        try space.buildBoth("deletion of a translation")

        // A new page where a link already pointed.
        try TestSupport.write(["en-us/web/http/reference/status/410/index.md": Self.page("410 Gone", "Web/HTTP/Reference/Status/410", "Back.")],
                              under: space.content)
        try space.buildBoth("a new page")

        // Templates and strings: every page is made again.
        let template = space.templates + "/site/page.html.mustache"
        try Data((try String(contentsOfFile: template, encoding: .utf8) + "<!-- changed -->\n").utf8).write(to: URL(fileURLWithPath: template))
        let templateEdit = try space.buildBoth("template edit")
        #expect(templateEdit.rendered == templateEdit.pages)

        let unchangedAgain = try space.buildBoth("no change after all that")
        #expect(unchangedAgain.rendered == 0)
    }

    @Test("an unchanged file is recalled by its identity, a touched one by its bytes; only an edited one is parsed")
    func sourcesRecalled() throws {
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        // Files written within a second of a build are not trusted by their identity alone (a
        // write in the same clock tick would not show): date them an hour back.
        func age(_ relative: String, hours: Int) throws {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600 * Double(hours))],
                                                  ofItemAtPath: space.content + "/" + relative)
        }
        for relative in Self.content.keys { try age(relative, hours: 1) }
        let first = try space.buildBoth("first build")
        #expect(first.sourcesRead?.read == Self.content.keys.filter { $0.hasSuffix(".md") }.count)
        // With nothing changed, the caches would be written as they were read: they are left alone.
        let output = space.root + "/incremental/Output"
        let caches = [SourceCache.path(forOutput: output), BuildCache.path(forOutput: output)]
        func identities() throws -> [SourceCache.Identity] { try caches.map { try #require(SourceCache.Identity(path: $0)) } }
        let beforeUnchanged = try identities()
        let unchanged = try space.buildBoth("nothing changed")
        #expect(unchanged.sourcesRead?.read == 0 && unchanged.sourcesRead?.parsed == 0, "\(String(describing: unchanged.sourcesRead))")
        #expect(try identities() == beforeUnchanged, "an unchanged build rewrote a cache file")

        try age("en-us/glossary/cache/index.md", hours: 2)
        let touched = try space.buildBoth("a file touched, its bytes unchanged")
        #expect(touched.sourcesRead?.read == 1 && touched.sourcesRead?.parsed == 0, "\(String(describing: touched.sourcesRead))")
        #expect(touched.rendered == 0)

        try space.edit("en-us/glossary/cache/index.md") { $0.replacingOccurrences(of: "title: Cache", with: "title: Caches") }
        try age("en-us/glossary/cache/index.md", hours: 3)
        let edited = try space.buildBoth("a title edited")
        #expect(edited.sourcesRead?.read == 1 && edited.sourcesRead?.parsed == 1, "\(String(describing: edited.sourcesRead))")
        let page = try String(contentsOfFile: space.root + "/incremental/Output/docs/en-US/docs/Glossary/Cache/index.html", encoding: .utf8)
        #expect(page.contains("Caches"), "the page shows the new title")
        // An edit changes both: the file's entry and the page's render.
        for (before, after) in zip(beforeUnchanged, try identities()) { #expect(before != after) }

        // A cache written by another erratum binary, or damaged, is a clean load, never a wrong one.
        let sources = SourceCache.path(forOutput: space.root + "/incremental/Output")
        var bytes = try #require(FileManager.default.contents(atPath: sources))
        bytes.removeLast(3)
        try bytes.write(to: URL(fileURLWithPath: sources))
        let damaged = try space.buildBoth("damaged sources cache")
        #expect(damaged.sourcesRead?.parsed == first.sourcesRead?.read)
    }

    @Test("the coverage report follows the git history and the pages' outlines, and is kept when only prose changed")
    func coverageFollowsHistory() throws {
        let root = try TestSupport.temporaryFolder("incremental-git")
        defer { TestSupport.cleanUp(root) }
        var repository = try GitFixture(at: root + "/content")
        let english = "en-us/web/http/reference/status/404/index.md"
        let source = try repository.commit("English page", write: [
            english: CoverageDocs.page("404 Not Found", slug: "Web/HTTP/Reference/Status/404", body: CoverageDocs.sections(["A"])),
        ])
        try TestSupport.write([
            "fr/web/http/reference/status/404/index.md": CoverageDocs.page(
                "404 Introuvable", slug: "Web/HTTP/Reference/Status/404", sourceCommit: source, body: CoverageDocs.sections(["A"])),
        ], under: repository.root)
        try repository.commit("French page")
        // An English edit left uncommitted: the translation is not behind any commit yet.
        try TestSupport.write([english: CoverageDocs.page("404 Not Found", slug: "Web/HTTP/Reference/Status/404",
                                                          body: CoverageDocs.sections(["A"], extra: "More.\n"))],
                              under: repository.root)
        func build(_ output: String, cache: Bool) throws -> String {
            var options = BuildOptions(contentRoots: [repository.root], templatesRoot: TestSupport.templatesRoot,
                                       outputPath: output, errorsRoot: "/srv/errors", codes: [404])
            options.cache = cache
            _ = try Builder(options: options).build()
            return try String(contentsOfFile: output + "/coverage.json", encoding: .utf8)
        }
        let before = try build(root + "/incremental", cache: true)
        #expect(try build(root + "/incremental", cache: true) == before)
        // The same bytes on disk, one more commit: the page is now one commit behind.
        try repository.commit("English edit")
        let after = try build(root + "/incremental", cache: true)
        #expect(after != before, "the report is made again when only the history changed")
        TestSupport.cleanUp(root + "/clean")
        #expect(after == (try build(root + "/clean", cache: false)))

        // Prose alone changes no outline: the report is kept, the very file of the last build.
        func inode() -> UInt64 {
            var status = stat()
            return lstat(root + "/incremental/coverage.json", &status) == 0 ? UInt64(status.st_ino) : 0
        }
        let french = repository.root + "/fr/web/http/reference/status/404/index.md"
        try Data((try String(contentsOfFile: french, encoding: .utf8) + "Une phrase de plus.\n").utf8)
            .write(to: URL(fileURLWithPath: french))
        let kept = inode()
        #expect(try build(root + "/incremental", cache: true) == after)
        #expect(inode() == kept, "the report is not made again for prose")
        // A new heading is drift: the report follows it.
        try Data((try String(contentsOfFile: french, encoding: .utf8) + "\n## B\n\nTexte.\n").utf8)
            .write(to: URL(fileURLWithPath: french))
        let drifted = try build(root + "/incremental", cache: true)
        #expect(drifted != after)
        TestSupport.cleanUp(root + "/clean")
        #expect(drifted == (try build(root + "/clean", cache: false)))
    }

    @Test("a cache from another build environment or a damaged one is ignored")
    func damagedCache() throws {
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        try space.buildBoth("first build")
        let cache = BuildCache.path(forOutput: space.root + "/incremental/Output")
        var bytes = try #require(FileManager.default.contents(atPath: cache))
        bytes.removeLast(7)
        try bytes.write(to: URL(fileURLWithPath: cache))
        let afterDamage = try space.buildBoth("damaged cache")
        #expect(afterDamage.rendered == afterDamage.pages, "a truncated cache is a clean build")

        // A page edited in the output by hand is not taken for the build's own.
        let page = space.root + "/incremental/Output/docs/en-US/docs/Glossary/Cache/index.html"
        let handle = try #require(FileHandle(forWritingAtPath: page))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("<!-- edited by hand -->".utf8))
        try handle.close()
        try space.buildBoth("a page edited in place")
    }

    @Test("a build killed while updating the spare tree leaves nothing of it in the next output")
    func killedWhileUpdatingSpare() throws {
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        try space.buildBoth("first build")
        try space.buildBoth("second build: the first becomes the spare")
        let writer = OutputWriter(destination: space.root + "/incremental/Output")
        #expect(FileManager.default.fileExists(atPath: writer.spare + "/docs/index.html"), "the spare holds a whole build")
        // Unchanged pages are one file shared by both trees, not a copy.
        let page = "/docs/en-US/docs/Glossary/Cache/index.html"
        var inSpare = stat(), inOutput = stat()
        #expect(lstat(writer.spare + page, &inSpare) == 0 && lstat(writer.destination + page, &inOutput) == 0)
        #expect(inSpare.st_ino == inOutput.st_ino)

        // What a kill in the middle of an update leaves: the marker, and files of a build that
        // never finished.
        try Data("half-written".utf8).write(to: URL(fileURLWithPath: writer.spare + "/docs/stray.html"))
        try Data("half-written".utf8).write(to: URL(fileURLWithPath: writer.spare + page))
        #expect(FileManager.default.createFile(atPath: writer.updatingMarker, contents: Data()))
        try space.buildBoth("after a killed update")
        #expect(!FileManager.default.fileExists(atPath: writer.destination + "/docs/stray.html"))
        #expect(!FileManager.default.fileExists(atPath: writer.updatingMarker), "a finished build removes the marker")

        // A page edited in the spare without the marker (by hand) is still caught by its inode and time.
        try space.buildBoth("spare rebuilt")
        try Data("edited by hand".utf8).write(to: URL(fileURLWithPath: writer.spare + page))
        try space.buildBoth("a spare page edited by hand")
    }

    @Test("every field of a page's context changes its fingerprint")
    func contextFingerprint() throws {
        let words = SitePageContext.Words(languages: "a", onThisPage: "b", breadcrumbs: "c", sidebar: "d", license: "e", source: "f",
                                          home: "g", search: "h", searchPlaceholder: "i", searchNone: "j", moved: "k", skipToContent: "l")
        let chrome = SitePageContext.Chrome(root: "../", stylesheet: "s", script: "j", searchIndex: "x", searchHref: "y", homeHref: "z")
        func digest(_ context: SitePageContext) -> Digest {
            var hasher = StableHasher()
            context.combineFields(into: &hasher, skipping: SitePageContext.renderFields)
            return hasher.finalize()
        }
        let base = SitePageContext(lang: "en-US", title: "T", content: "<p>x</p>", chrome: chrome, breadcrumbs: [], words: words)
        let variants = [
            SitePageContext(lang: "fr", title: "T", content: "", chrome: chrome, breadcrumbs: [], words: words),
            SitePageContext(lang: "en-US", title: "U", content: "", chrome: chrome, breadcrumbs: [], words: words),
            SitePageContext(lang: "en-US", title: "T", content: "", chrome: chrome,
                            languages: [.init(tag: "fr", name: "Français", href: "x", current: false)], breadcrumbs: [], words: words),
            SitePageContext(lang: "en-US", title: "T", content: "", chrome: chrome, notice: .init(text: "n", linkText: "l", href: "h"),
                            breadcrumbs: [], words: words),
            SitePageContext(lang: "en-US", title: "T", content: "", chrome: chrome, breadcrumbs: [.init(title: "A", href: "b", current: true)],
                            words: words),
            SitePageContext(lang: "en-US", title: "T", content: "", chrome: chrome, breadcrumbs: [], sidebar: "<li>", words: words),
            SitePageContext(lang: "en-US", title: "T", content: "", chrome: chrome, breadcrumbs: [], sourceURL: "https://x", words: words),
        ]
        for variant in variants { #expect(digest(variant) != digest(base)) }
        #expect(digest(SitePageContext(lang: "en-US", title: "T", content: "<p>other</p>", chrome: chrome, breadcrumbs: [], words: words))
            == digest(base), "the body is left to the render's own fingerprint")
        #expect(digest(SitePageContext(lang: "en-US", title: "T", content: "", chrome: chrome, breadcrumbs: [],
                                       toc: [.init(title: "A", href: "#a", current: false)], words: words))
            == digest(base), "so are the contents, made from the render's headings")
        #expect(SitePageContext.renderFields.isSubset(of: Set(SitePageContext.fields.map(\.key))))
        // Every field of the context is in its table, once, so every field is fingerprinted.
        #expect(SitePageContext.fields.count == Mirror(reflecting: base).children.count)
        #expect(Set(SitePageContext.fields.map(\.key)).count == SitePageContext.fields.count)
    }

    @Test("every front-matter field is in a document's fingerprint")
    func frontMatterFingerprint() {
        let base = FrontMatter(title: "T", slug: "S")
        #expect(Mirror(reflecting: base).children.count == 10, "a new field must be added to FrontMatter.combine(into:)")
        var changed = base
        changed.originalSlug = "Old"
        var a = StableHasher(), b = StableHasher()
        base.combine(into: &a)
        changed.combine(into: &b)
        #expect(a.finalize() != b.finalize())
    }

    @Test("fingerprints are stable across runs and frame their values")
    func stableDigest() {
        // A fixed value, the same in every process (Swift's Hasher is not): changing the hash
        // function invalidates every cache, so it must be deliberate (and bump BuildCache.format).
        #expect(Digest.of(Array("erratum".utf8)).description == "d68b72481b7f36336e6a7d14e3c1677a")
        var ab = StableHasher(), a = StableHasher()
        ab.combine("ab"); ab.combine("c")
        a.combine("a"); a.combine("bc")
        #expect(ab.finalize() != a.finalize())
        #expect(Digest.of(Array("x".utf8)) == Digest.of(Array("x".utf8)))
        // A long fixed value: its words are loaded eight bytes at a time.
        #expect(Digest.of(Array("erratum, a static-site generator for error pages".utf8)).description
                == "22dbbc6d1c993e9e8ae331c2f4c95b94")
    }

    @Test("bytes in memory and bytes one at a time give the same fingerprint, at every length")
    func contiguousDigest() {
        let bytes = (0..<70).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for length in 0...bytes.count {
            let prefix = Array(bytes.prefix(length))
            let oneAtATime = Digest.of(prefix.lazy.map { $0 })   // no contiguous storage
            #expect(Digest.of(prefix) == oneAtATime, "length \(length)")
            #expect(prefix.withUnsafeBytes { Digest.of($0) } == oneAtATime, "length \(length), raw")
            var text = StableHasher(), array = StableHasher()
            text.combine(String(decoding: prefix.map { $0 & 0x7F }, as: UTF8.self))
            array.combine(bytes: prefix.map { $0 & 0x7F })
            #expect(text.finalize() == array.finalize(), "length \(length), text")
        }
    }
}
