import Foundation
import Testing
@testable import ErratumCore

/// Content roots as users lay them out: locale folders, folders below them, `sidebars/` and
/// `jsondata/` given as symbolic links; links that loop; roots with nothing in them.
@Suite("Content roots as users give them")
struct ContentRootTests {
    static let corpusFiles = CorpusTests.corpus

    /// A build of a root into its own output, the way two builds compare byte for byte.
    static func build(_ root: String, into output: String) throws -> BuildReport {
        var options = BuildOptions(contentRoots: [root], templatesRoot: TestSupport.templatesRoot, outputPath: output,
                                   errorsRoot: "/srv/errors")
        options.cache = false
        return try Builder(options: options).build()
    }

    static func link(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    @Test("locale folders, folders below them, sidebars/ and jsondata/ given as links build what the real folders build")
    func linkedFolders() throws {
        try #require(FileManager.default.fileExists(atPath: Self.corpusFiles + "/sidebars"), "the corpus is at ../shared/corpus")
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let fileManager = FileManager.default
        // The real layout: the built-in content with the corpus' sidebars and UI words.
        let real = folder + "/real/files"
        try fileManager.createDirectory(atPath: folder + "/real", withIntermediateDirectories: true)
        try fileManager.copyItem(atPath: TestSupport.contentRoot, toPath: real)
        for part in ["sidebars", "jsondata"] {
            try fileManager.copyItem(atPath: Self.corpusFiles + "/" + part, toPath: real + "/" + part)
        }
        // The same through links: `de` is a link to a folder elsewhere whose `web` is itself a
        // link, as a translated-content checkout is linked into an mdn/content one.
        let linked = folder + "/linked/files"
        let elsewhere = folder + "/translated-content/files"
        try fileManager.createDirectory(atPath: linked, withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: elsewhere + "/de", withIntermediateDirectories: true)
        try fileManager.copyItem(atPath: TestSupport.contentRoot + "/en-us", toPath: linked + "/en-us")
        try fileManager.copyItem(atPath: TestSupport.contentRoot + "/fr", toPath: linked + "/fr")
        try fileManager.copyItem(atPath: TestSupport.contentRoot + "/de/_redirects.txt", toPath: elsewhere + "/de/_redirects.txt")
        try fileManager.copyItem(atPath: TestSupport.contentRoot + "/de/web", toPath: folder + "/de-web")
        try Self.link(elsewhere + "/de/web", to: "../../../de-web")
        try Self.link(linked + "/de", to: elsewhere + "/de")
        try Self.link(linked + "/sidebars", to: Self.corpusFiles + "/sidebars")
        try Self.link(linked + "/jsondata", to: Self.corpusFiles + "/jsondata")

        let (realContent, realDiagnostics) = try ContentLoader(roots: [real]).load()
        let (linkedContent, linkedDiagnostics) = try ContentLoader(roots: [linked]).load()
        #expect(realContent.documents.count == 3)
        #expect(linkedContent.documents.map(\.id) == realContent.documents.map(\.id))
        #expect(linkedContent.documents.map(\.path).contains(linked + "/de/web/http/reference/status/507/index.md"),
                "paths go through the link, as the user gave them: \(linkedContent.documents.map(\.path))")
        #expect(linkedContent.redirects[ContentLocale(tag: "de")]?.entries.count == realContent.redirects[ContentLocale(tag: "de")]?.entries.count)
        #expect(!linkedContent.sidebars.isEmpty && linkedContent.sidebars.keys.sorted() == realContent.sidebars.keys.sorted())
        func words(_ table: L10nStrings) -> Digest {
            var hasher = StableHasher()
            table.combine(into: &hasher)
            return hasher.finalize()
        }
        #expect(words(linkedContent.l10n) != words(L10nStrings()), "UI words are read through the link")
        #expect(words(linkedContent.l10n) == words(realContent.l10n), "the same UI words through the link")
        #expect(realDiagnostics.map(\.code) == linkedDiagnostics.map(\.code))

        let realReport = try Self.build(real, into: folder + "/out-real/Output")
        let linkedReport = try Self.build(linked, into: folder + "/out-linked/Output")
        #expect(linkedReport.documents == 3 && realReport.documents == 3)
        // The coverage report names the files by the root they were found in: the same report
        // once the roots' names are set aside.
        func snapshot(_ output: String, root: String) -> [String: Data] {
            TestSupport.snapshot(output).mapValues { data in
                Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: root, with: "<root>").utf8)
            }
        }
        let realFiles = snapshot(folder + "/out-real/Output", root: real)
        let linkedFiles = snapshot(folder + "/out-linked/Output", root: linked)
        #expect(linkedFiles.count == realFiles.count)
        let differing = TestSupport.differences(linkedFiles, realFiles)
        #expect(differing.isEmpty, "the same files, byte for byte; these differ: \(differing.prefix(5))")
    }

    @Test("a link back to a folder holding it ends the walk with one link-loop warning naming it, and the build succeeds")
    func linkLoops() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let root = folder + "/content"
        try TestSupport.write(["en-us/web/x/index.md": "---\ntitle: X\nslug: Web/X\n---\n\nText.\n"], under: root)
        // Below a locale, to an ancestor; a locale folder that is the root itself; and a
        // relative link two levels up.
        try Self.link(root + "/en-us/web/x/back", to: root + "/en-us")
        try Self.link(root + "/fr", to: root)
        try Self.link(root + "/en-us/web/up", to: "../..")

        let (content, diagnostics) = try ContentLoader(roots: [root]).load()
        #expect(content.documents.map(\.slug) == ["Web/X"])
        let loops = diagnostics.filter { $0.code == .linkLoop }.map(\.description).sorted()
        #expect(loops == [
            "warning: symbolic link '\(root)/en-us/web/up' leads back to '\(root)', a folder that holds it; it is not followed [link-loop]",
            "warning: symbolic link '\(root)/en-us/web/x/back' leads back to '\(root)/en-us', a folder that holds it; it is not followed [link-loop]",
            "warning: symbolic link '\(root)/fr' leads back to '\(root)', a folder that holds it; it is not followed [link-loop]",
        ])
        #expect(diagnostics.count == loops.count, "\(diagnostics)")

        // The executable too, under a time limit: a walk that followed the loop would not end.
        let run = try ErratumRun.run(["build", "--content", root, "--templates", TestSupport.templatesRoot,
                                      "--output", folder + "/Output", "--codes", "404"], in: folder, timeLimit: .seconds(120))
        #expect(run.killedBecause == nil)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.diagnosticLines.filter { $0.hasSuffix("[link-loop]") }.count == 3, "\(run.output)")
        #expect(run.output.contains("built 1 document in 1 locale"), "\(run.output)")
    }

    @Test("a build that finds no document warns where it looked and what it expects; --strict fails it")
    func noDocuments() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let empty = folder + "/empty"
        let localesOnly = folder + "/translated"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try TestSupport.write(["de/_redirects.txt": "", "fr/web/readme.txt": "no index.md\n", "README.md": "text\n"], under: localesOnly)

        let (_, diagnostics) = try ContentLoader(roots: [empty]).load()
        #expect(diagnostics.map(\.description) == [
            "warning: found no document in the content root '\(empty)': documents are read from <root>/<locale>/<slug>/index.md, "
                + "with locale folders named like en-us, fr or zh-cn; '\(empty)' has no locale folder [no-documents]",
        ])
        let (_, both) = try ContentLoader(roots: [empty, localesOnly]).load()
        #expect(both.map(\.description) == [
            "warning: found no document in the content roots '\(empty)', '\(localesOnly)': documents are read from "
                + "<root>/<locale>/<slug>/index.md, with locale folders named like en-us, fr or zh-cn; '\(empty)' has no locale folder; "
                + "'\(localesOnly)' has locale folders de, fr with no <slug>/index.md below [no-documents]",
        ])
        // One document anywhere is enough to be quiet.
        let (_, built) = try ContentLoader(roots: [empty, TestSupport.contentRoot]).load()
        #expect(!built.contains { $0.code == .noDocuments })

        let arguments = ["build", "--content", empty, "--templates", TestSupport.templatesRoot, "--output", folder + "/Output",
                         "--codes", "404"]
        let run = try ErratumRun.run(arguments, in: folder)
        #expect(run.status == 0, "a warning: the error pages and server configs are still made")
        #expect(run.diagnosticLines.count == 1 && run.diagnosticLines.first?.hasSuffix("[no-documents]") == true, "\(run.output)")
        #expect(run.output.contains("built 0 documents in 0 locales"), "\(run.output)")
        let strict = try ErratumRun.run(arguments + ["--strict"], in: folder)
        #expect(strict.status == 1, "\(strict.output)")
    }

    @Test("the content walk finds every index.md the enumerator found on MDN's German tree")
    func walkMatchesEnumerator() throws {
        let german = Self.corpusFiles + "/de"
        try #require(FileManager.default.fileExists(atPath: german + "/web/http"), "the corpus is at ../shared/corpus")
        var expected: [String] = []
        let enumerator = try #require(FileManager.default.enumerator(atPath: german))
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix("/index.md") { expected.append(relative) }
        }
        let (found, loops) = ContentTree.indexFiles(under: german)
        #expect(loops.isEmpty)
        #expect(found.count > 14_000)
        #expect(found == expected.sorted())
    }
}
