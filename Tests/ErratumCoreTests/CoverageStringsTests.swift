import Foundation
import Testing
@testable import ErratumCore

/// Coverage of one repository holding both the docs and the UI strings, and of content
/// without any git history.
@Suite("Coverage of UI strings and of content without history")
struct CoverageStringsTests {
    static let english = """
        # English
        site:
          title: Hello
          greeting: Welcome
          farewell: Goodbye
        errors:
          gone: It is gone

        """

    static let french = """
        site:
          title: Bonjour
          greeting: Bienvenue
          farewell: Au revoir
          extra-key: En trop

        """

    @Test("finds missing and extra keys, and the English texts changed after their translation, committed or not")
    func strings() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var repository = try GitFixture(at: folder + "/site")
        let first = try repository.commit("Start", write: [
            "templates/strings/en.yaml": Self.english,
            "templates/strings/fr.yaml": Self.french,
            "content/en-us/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", body: "A.\n"),
        ])
        try repository.commit("English: a warmer greeting", write: [
            "templates/strings/en.yaml": Self.english.replacingOccurrences(of: "Welcome", with: "Welcome back"),
            "content/en-us/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", body: "A.\nMore.\n"),
            "content/fr/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", sourceCommit: first, body: "A.\n"),
            "content/fr/web/b/index.md": CoverageDocs.page("B", slug: "Web/B", body: "B.\n"),
        ])
        var english = Self.english.replacingOccurrences(of: "Welcome", with: "Welcome back")
        english = english.replacingOccurrences(of: "Goodbye", with: "Goodbye now")
        try repository.commit("English: a longer farewell", write: ["templates/strings/en.yaml": english])
        try repository.commit("French: the farewell follows", write: [
            "templates/strings/fr.yaml": Self.french.replacingOccurrences(of: "Au revoir", with: "Au revoir maintenant"),
        ])
        // Two lines above every key: line numbers shift, no key changes.
        english = "# Erratum's strings\n# (English)\n" + english
        try repository.commit("English: a header", write: ["templates/strings/en.yaml": english])
        // Not committed: counts as the newest change.
        try TestSupport.write(["templates/strings/en.yaml": english.replacingOccurrences(of: "Hello", with: "Hello there")],
                              under: repository.root)

        let report = try CoverageReport.survey(contentRoots: [repository.root + "/content"], templates: TemplateFiles(overrides: repository.root + "/templates", builtIn: false))
        let fr = try #require(report.strings.first)
        #expect(report.strings.map(\.language) == ["fr"])
        #expect(fr.missing.map(\.key) == ["errors.gone"])
        #expect(fr.missing.first?.location.line == 9)
        #expect(fr.missing.first?.location.file.hasSuffix("templates/strings/en.yaml") == true)
        #expect(fr.extra.map(\.key) == ["site.extra-key"])
        #expect(fr.extra.first?.location.line == 5)
        let changed = try #require(fr.changed)
        #expect(changed.map(\.key) == ["site.greeting", "site.title"])
        #expect(changed.map(\.location.line) == [3, 2])
        #expect(changed.map(\.englishLocation.line) == [6, 5])
        #expect(changed.first?.englishCommit?.subject == "English: a warmer greeting")
        #expect(changed.last?.englishCommit == nil, "the title's change is not committed")

        // The docs of the same repository: one commit behind, one orphan.
        let page = try CoverageDocs.page(report, "fr", "Web/A")
        #expect(page.freshness.commitsBehind == 1)
        #expect(try CoverageDocs.locale(report, "fr").orphaned.map(\.slug) == ["Web/B"])
    }

    @Test("without git history: missing and orphaned still counted, the git classes unknown, a note says why")
    func noHistory() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try TestSupport.write([
            "content/en-us/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", body: CoverageDocs.sections(["X", "Y"])),
            "content/en-us/web/c/index.md": CoverageDocs.page("C", slug: "Web/C", body: "C.\n"),
            "content/fr/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", sourceCommit: "abc1234", body: CoverageDocs.sections(["X"])),
            "content/fr/web/b/index.md": CoverageDocs.page("B", slug: "Web/B", body: "B.\n"),
            "templates/strings/en.yaml": Self.english,
            "templates/strings/fr.yaml": Self.french,
        ], under: folder)
        let report = try CoverageReport.survey(contentRoots: [folder + "/content"], templates: TemplateFiles(overrides: folder + "/templates", builtIn: false),
                                               historyCeiling: [folder])
        #expect(report.historyUnavailable?.contains("not in a git repository") == true)
        #expect(report.repositories.isEmpty)
        let fr = try CoverageDocs.locale(report, "fr")
        #expect(fr.missing.map(\.slug) == ["Web/C"])
        #expect(fr.orphaned.map(\.slug) == ["Web/B"])
        #expect(fr.pages.map(\.freshness) == [.unknown(.noHistory)])
        #expect(fr.pages.first?.isPartlyTranslated == true)
        #expect([fr.totals.upToDate, fr.totals.outdated, fr.totals.unknown] == [0, 0, 1] as [Int])
        #expect(report.diagnostics.contains { $0.code == .gitHistory && $0.severity == .note })
        #expect(!report.diagnostics.contains { $0.severity == .warning })
        let strings = try #require(report.strings.first)
        #expect(strings.changed == nil)
        #expect(strings.missing.map(\.key) == ["errors.gone"])
    }
}
