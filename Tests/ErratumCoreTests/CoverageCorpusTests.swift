import Foundation
import Testing
@testable import ErratumCore

/// Coverage of MDN's own files (../shared/corpus/mdn/files): en-US and fr status pages, the
/// whole German tree, and no git history — whatever repository the corpus happens to sit in:
/// git looks no higher than the corpus itself.
@Suite("Coverage of the MDN corpus")
struct CoverageCorpusTests {
    static let corpus = URL(fileURLWithPath: TestSupport.repoRoot).deletingLastPathComponent()
        .appendingPathComponent("shared/corpus/mdn/files").path
    static let status = "web/http/reference/status"

    /// The status page folders of a locale, as listed on disk: the test's own answer.
    static func statusFolders(_ locale: String) throws -> Set<String> {
        let folder = corpus + "/" + locale + "/" + status
        return Set(try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { FileManager.default.fileExists(atPath: folder + "/" + $0 + "/index.md") })
    }

    @Test("finds fr's and de's missing and orphaned status pages, and says unknown for every git-based class")
    func corpus() throws {
        try #require(FileManager.default.fileExists(atPath: Self.corpus + "/de/web/http"), "the test corpus is missing at \(Self.corpus)")
        let report = try CoverageReport.survey(contentRoots: [Self.corpus], templates: .builtIn, historyCeiling: [Self.corpus])
        #expect(report.historyUnavailable?.contains("not in a git repository") == true)
        #expect(report.referenceDocuments == 64)

        let english = try Self.statusFolders("en-us")
        #expect(english.count == 61)
        func isStatus(_ slug: String) -> Bool { slug.lowercased().hasPrefix("web/http/reference/status/") }
        for tag in ["fr", "de"] {
            let locale = try CoverageDocs.locale(report, tag)
            let translated = try Self.statusFolders(tag)
            let missing = locale.missing.filter { isStatus($0.slug) }.map { String($0.slug.split(separator: "/").last ?? "") }
            let orphaned = locale.orphaned.filter { isStatus($0.slug) }.map { String($0.slug.split(separator: "/").last ?? "") }
            #expect(Set(missing) == english.subtracting(translated), "\(tag) missing status pages")
            #expect(Set(orphaned) == translated.subtracting(english), "\(tag) orphaned status pages")
            #expect(locale.pages.filter { isStatus($0.source.slug) }.count == english.intersection(translated).count)

            // No history: not one page is up to date or outdated.
            #expect(locale.totals.upToDate == 0)
            #expect(locale.totals.outdated == 0)
            #expect(locale.totals.unknown == locale.totals.translated)
            for page in locale.pages {
                let expected: Freshness = page.translation.frontMatter.sourceCommit == nil ? .unknown(.noSourceCommit) : .unknown(.noHistory)
                #expect(page.freshness == expected, "\(page.translation.path)")
            }
        }
        let fr = try CoverageDocs.locale(report, "fr")
        #expect(fr.missing.map(\.slug) == ["Web/HTTP/Reference/Headers/Retry-After"])
        #expect(fr.orphaned.isEmpty)
        #expect(fr.totals.translated == 63)
        let de = try CoverageDocs.locale(report, "de")
        #expect(de.missing.isEmpty)
        #expect(de.totals.translated == 64)
        #expect(de.orphaned.count > 14_000, "the German tree beyond web/http/reference/status has no English source here")
        #expect(!report.diagnostics.contains { $0.code == .sourceCommitNotInHistory })
    }
}
