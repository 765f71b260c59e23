import Foundation
import Testing
@testable import ErratumCore

/// Paths and helpers shared by the tests.
enum TestSupport {
    /// The repository root (this file is Tests/ErratumCoreTests/TestSupport.swift).
    static let repoRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    static var contentRoot: String { repoRoot + "/content" }
    static var templatesRoot: String { repoRoot + "/templates" }
    static var fixtures: String { repoRoot + "/Tests/ErratumCoreTests/Fixtures" }

    /// A fresh empty folder, removed by the caller with `cleanUp`.
    static func temporaryFolder(_ name: String = #function) throws -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let path = NSTemporaryDirectory() + "erratum-\(safe)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func cleanUp(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The names in a folder, but the build cache beside an output folder (`.Output.cache`),
    /// which a successful build leaves on purpose, and the lock file every build leaves
    /// (`.Output.lock`).
    static func entries(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            !$0.hasPrefix(".") || !($0.hasSuffix(".cache") || $0.hasSuffix(".lock"))
        }
    }

    /// Writes files (relative path → text) under a folder.
    static func write(_ files: [String: String], under root: String) throws {
        for (relative, text) in files {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    /// Every file below a folder with its bytes, by relative path.
    static func snapshot(_ root: String) -> [String: Data] {
        var result: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return result }
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = root + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = FileManager.default.contents(atPath: path)
            }
        }
        return result
    }

    /// The paths whose bytes differ between two snapshots (or that only one has), sorted: what a
    /// failed comparison prints, instead of both trees whole.
    static func differences(_ one: [String: Data], _ other: [String: Data]) -> [String] {
        Set(one.keys).union(other.keys).filter { one[$0] != other[$0] }.sorted()
    }

    /// The built-in content, loaded into a catalog.
    static func builtInCatalog() throws -> Catalog {
        let (content, diagnostics) = try ContentLoader(roots: [contentRoot]).load()
        #expect(diagnostics.isEmpty, "built-in content loads cleanly: \(diagnostics)")
        return Catalog(content)
    }

    /// The built-in strings.
    static func builtInStrings() throws -> StringsCatalog {
        try Builder.loadStrings(from: TemplateFiles(overrides: templatesRoot, builtIn: false))
    }

    /// A document made from Markdown, for renderer tests.
    static func document(_ body: String, locale: ContentLocale = .english, slug: String = "Web/Test",
                         frontMatter: FrontMatter? = nil) -> Document {
        Document(locale: locale, frontMatter: frontMatter ?? FrontMatter(title: "Test", slug: slug),
                 body: body, bodyLine: 5, path: "test/\(locale.folder)/index.md")
    }

    /// Compares text with a golden file in Fixtures/; `ERRATUM_RECORD_GOLDENS=1` rewrites it.
    /// A missing golden fails the test.
    static func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = fixtures + "/golden/" + name
        if ProcessInfo.processInfo.environment["ERRATUM_RECORD_GOLDENS"] == "1" {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let expected = try #require(FileManager.default.contents(atPath: path),
                                    "golden \(name) is missing; record it with ERRATUM_RECORD_GOLDENS=1",
                                    sourceLocation: sourceLocation)
        #expect(actual == String(decoding: expected, as: UTF8.self), "differs from golden \(name)", sourceLocation: sourceLocation)
    }
}
