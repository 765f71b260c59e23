import Foundation
import Testing
@testable import ErratumCore

/// Coverage from real git history: an mdn/content-style repository for en-US and a
/// translated-content-style one for fr and de, built with the git command line.
@Suite("Coverage from git history")
struct CoverageGitTests {
    /// The two repositories and the hashes the assertions name.
    struct Setup {
        let folder: String
        let english: String
        let translated: String
        /// en-US commits, oldest first: c[0] adds the pages … c[5] touches only the README.
        let c: [String]
        let report: CoverageReport
    }

    static let alphaBody = """
        Alpha sends {{HTTPStatus("404")}} and {{Glossary("HTTP")}}.

        ## Syntax

        ```http
        GET / HTTP/1.1
        ```

        ## See also

        - [Beta](/en-US/docs/Web/Beta)

        """

    static let gammaBody = """
        Gamma uses {{Glossary("HTTP")}}.

        ## Example

        ```http
        GET / HTTP/1.1
        ```

        ```js
        fetch("/");
        ```

        """

    /// en-US: c0 adds seven pages; c1 edits Alpha (+2) and Old-Beta (+1); c2 moves Web/Old-Beta to
    /// Web/Beta (slug line changed); c3 edits Alpha (1 line); c4 edits Beta (+3); c5 edits the
    /// README only. fr translates six of them (one at an old slug), has one orphan; de one page.
    static func setUp(_ folder: String) throws -> Setup {
        var english = try GitFixture(at: folder + "/content")
        let en = "files/en-us/"
        var c: [String] = []
        c.append(try english.commit("Add the pages", write: [
            "README.md": "mdn/content-style repository\n",
            en + "_redirects.txt": "# From\tTo\n/en-US/docs/Glossary/Epsilon-Old\t/en-US/docs/Glossary/Epsilon\n",
            en + "web/alpha/index.md": CoverageDocs.page("Alpha", slug: "Web/Alpha", body: alphaBody),
            en + "web/old-beta/index.md": CoverageDocs.page("Beta", slug: "Web/Old-Beta", body: "Beta.\n"),
            en + "web/gamma/index.md": CoverageDocs.page("Gamma", slug: "Web/Gamma", body: gammaBody),
            en + "web/delta/index.md": CoverageDocs.page("Delta", slug: "Web/Delta", body: "Delta.\n"),
            en + "glossary/epsilon/index.md": CoverageDocs.page("Epsilon", slug: "Glossary/Epsilon", body: "Epsilon.\n"),
            en + "web/zeta/index.md": CoverageDocs.page("Zeta", slug: "Web/Zeta",
                                                        body: CoverageDocs.sections(["One", "Two", "Three"])),
            en + "web/eta/index.md": CoverageDocs.page("Eta", slug: "Web/Eta", body: "Eta.\n"),
        ]))
        c.append(try english.commit("Explain Alpha and Beta", write: [
            en + "web/alpha/index.md": CoverageDocs.page("Alpha", slug: "Web/Alpha", body: alphaBody + "More.\nEven more.\n"),
            en + "web/old-beta/index.md": CoverageDocs.page("Beta", slug: "Web/Old-Beta", body: "Beta.\nSecond line.\n"),
        ]))
        c.append(try english.commit("Move Web/Old-Beta to Web/Beta", write: [
            en + "web/beta/index.md": CoverageDocs.page("Beta", slug: "Web/Beta", body: "Beta.\nSecond line.\n"),
            en + "_redirects.txt": "# From\tTo\n/en-US/docs/Glossary/Epsilon-Old\t/en-US/docs/Glossary/Epsilon\n"
                + "/en-US/docs/Web/Old-Beta\t/en-US/docs/Web/Beta\n",
        ], move: [(en + "web/old-beta/index.md", en + "web/beta/index.md")]))
        c.append(try english.commit("Reword Alpha", write: [
            en + "web/alpha/index.md": CoverageDocs.page("Alpha", slug: "Web/Alpha",
                                                         body: alphaBody + "More, reworded.\nEven more.\n"),
        ]))
        c.append(try english.commit("Add to Beta", write: [
            en + "web/beta/index.md": CoverageDocs.page("Beta", slug: "Web/Beta", body: "Beta.\nSecond line.\nA\nB\nC\n"),
        ]))
        c.append(try english.commit("Reword the README", write: ["README.md": "An mdn/content-style repository\n"]))

        var translated = try GitFixture(at: folder + "/translated")
        let fr = "files/fr/", de = "files/de/"
        try translated.commit("Translate", write: [
            // Behind by c3 and c1; same structure, links written in French.
            fr + "web/alpha/index.md": CoverageDocs.page("Alpha", slug: "Web/Alpha", sourceCommit: c[0], body: """
                Alpha envoie {{HTTPStatus("404")}} et {{Glossary("HTTP")}}.

                ## Syntaxe

                ```http
                GET / HTTP/1.1
                ```

                ## Voir aussi

                - [Bêta](/fr/docs/Web/Beta#top)

                """),
            // Translated before the move: c1 (at the old path), c2 (the move) and c4 are after it.
            fr + "web/beta/index.md": CoverageDocs.page("Bêta", slug: "Web/Beta", sourceCommit: c[0], originalSlug: "Web/Old-Beta",
                                                        body: "Bêta.\n"),
            // An abbreviated hash of a commit that touched no en-US file: up to date, but drifting.
            fr + "web/gamma/index.md": CoverageDocs.page("Gamma", slug: "Web/Gamma", sourceCommit: String(c[5].prefix(10)), body: """
                Gamma utilise {{Glossary("HTTP")}} ({{Glossary("HTTP")}}).

                ## Exemple

                ```http
                GET / HTTP/1.1
                ```

                """),
            // At the old slug, which redirects: translated, marked moved.
            fr + "glossary/epsilon-old/index.md": CoverageDocs.page("Epsilon", slug: "Glossary/Epsilon-Old", sourceCommit: c[0],
                                                                    body: "Epsilon.\n"),
            // No sourceCommit, and one of three sections.
            fr + "web/zeta/index.md": CoverageDocs.page("Zeta", slug: "Web/Zeta", body: CoverageDocs.sections(["Un"])),
            fr + "web/eta/index.md": CoverageDocs.page("Eta", slug: "Web/Eta", sourceCommit: "0123456789abcdef0123456789abcdef01234567",
                                                       body: "Eta.\n"),
            fr + "web/theta/index.md": CoverageDocs.page("Thêta", slug: "Web/Theta", sourceCommit: c[0], body: "Thêta.\n"),
            // c4 only touched Beta: Alpha is up to date at c4.
            de + "web/alpha/index.md": CoverageDocs.page("Alpha", slug: "Web/Alpha", sourceCommit: c[4], body: alphaBody
                .replacingOccurrences(of: "/en-US/", with: "/de/")),
        ])
        let report = try CoverageReport.survey(contentRoots: [folder + "/content/files", folder + "/translated/files"],
                                               templates: .builtIn, changes: .all)
        return Setup(folder: folder, english: english.root, translated: translated.root, c: c, report: report)
    }

    @Test("counts every class of fr and de exactly")
    func totals() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try Self.setUp(folder)
        let report = setup.report
        #expect(report.referenceDocuments == 7)
        #expect(report.historyUnavailable == nil)
        #expect(report.commits == 6)
        #expect(report.locales.map(\.locale.tag) == ["de", "fr"])

        let fr = try CoverageDocs.locale(report, "fr").totals
        #expect(fr.reference == 7)
        #expect(fr.translated == 6)
        #expect(fr.moved == 1)
        #expect(fr.missing == 1)
        #expect(fr.orphaned == 1)
        #expect(fr.upToDate == 2)
        #expect(fr.outdated == 2)
        #expect(fr.unknown == 2)
        #expect(fr.noSourceCommit == 1)
        #expect(fr.drifting == 2)
        #expect(fr.partlyTranslated == 1)
        #expect(CoverageContext.percent(fr.percentTranslated) == "85.7")
        #expect(CoverageContext.percent(fr.percentUpToDate) == "28.6")

        let de = try CoverageDocs.locale(report, "de").totals
        #expect([de.reference, de.translated, de.upToDate, de.outdated, de.unknown, de.missing, de.orphaned]
                == [7, 1, 1, 0, 0, 6, 0] as [Int])

        let frCoverage = try CoverageDocs.locale(report, "fr")
        #expect(frCoverage.missing.map(\.slug) == ["Web/Delta"])
        #expect(frCoverage.orphaned.map(\.slug) == ["Web/Theta"])
        #expect(frCoverage.sections.map(\.name) == ["Glossary", "Web"])
        let glossary = frCoverage.sections[0].totals, web = frCoverage.sections[1].totals
        #expect((glossary.reference, glossary.translated, glossary.moved, glossary.upToDate) == (1, 1, 1, 1))
        #expect([web.reference, web.translated, web.missing, web.orphaned, web.upToDate, web.outdated, web.unknown, web.drifting]
                == [6, 5, 1, 1, 1, 2, 2, 2] as [Int])
    }

    @Test("lists the English commits after sourceCommit, following a rename, with lines and the newest date")
    func outdated() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try Self.setUp(folder)
        let c = setup.c

        let alpha = try CoverageDocs.page(setup.report, "fr", "Web/Alpha")
        guard case let .outdated(alphaCommits) = alpha.freshness else {
            Issue.record("Alpha should be outdated, is \(alpha.freshness)")
            return
        }
        #expect(alphaCommits.map(\.hash) == [c[3], c[1]])
        #expect(alphaCommits.map(\.subject) == ["Reword Alpha", "Explain Alpha and Beta"])
        #expect(alphaCommits.map { [$0.added, $0.deleted] } == [[1, 1], [2, 0]])
        #expect(alpha.freshness.commitsBehind == 2)
        #expect(alpha.freshness.linesChanged == 4)
        #expect(alphaCommits.first?.date == "2024-01-05T00:00:00+00:00")
        #expect(alpha.drift.isEmpty, "links to /fr/docs/Web/Beta#top and /en-US/docs/Web/Beta are one target: \(alpha.drift)")

        let beta = try CoverageDocs.page(setup.report, "fr", "Web/Beta")
        guard case let .outdated(betaCommits) = beta.freshness else {
            Issue.record("Beta should be outdated, is \(beta.freshness)")
            return
        }
        #expect(betaCommits.map(\.hash) == [c[4], c[2], c[1]])
        #expect(betaCommits.map(\.path) == ["files/en-us/web/beta/index.md", "files/en-us/web/beta/index.md",
                                            "files/en-us/web/old-beta/index.md"])
        #expect(beta.freshness.linesChanged == 3 + 2 + 1)
        #expect(!beta.isMoved, "the translation is at the new slug")

        let gamma = try CoverageDocs.page(setup.report, "fr", "Web/Gamma")
        #expect(gamma.freshness == .upToDate)
        let epsilon = try CoverageDocs.page(setup.report, "fr", "Glossary/Epsilon-Old")
        #expect(epsilon.freshness == .upToDate)
        #expect(epsilon.isMoved)
        #expect(epsilon.source.slug == "Glossary/Epsilon")
        #expect(try CoverageDocs.page(setup.report, "de", "Web/Alpha").freshness == .upToDate)
    }

    @Test("says unknown without a sourceCommit, and for a sourceCommit outside the history with a diagnostic at its position")
    func unknown() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try Self.setUp(folder)
        #expect(try CoverageDocs.page(setup.report, "fr", "Web/Zeta").freshness == .unknown(.noSourceCommit))
        #expect(try CoverageDocs.page(setup.report, "fr", "Web/Eta").freshness == .unknown(.sourceCommitNotInHistory))

        let warnings = setup.report.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.code == .sourceCommitNotInHistory)
        #expect(warning.location == FileLocation(file: folder + "/translated/files/fr/web/eta/index.md", line: 5, column: 17))
        #expect(warning.message.contains("'0123456789abcdef0123456789abcdef01234567'"))
    }

    @Test("lists drift with its lines in both files, and marks a page with fewer sections partly translated")
    func drift() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try Self.setUp(folder)

        // The English front matter is 4 lines and a blank, so bodies start on line 6 (line 8 in
        // translations, whose l10n block adds two).
        let gamma = try CoverageDocs.page(setup.report, "fr", "Web/Gamma")
        #expect(gamma.drift.map(\.kind) == [.codeBlocks, .macros])
        #expect(gamma.drift[0].sourceLines == [14])
        #expect(gamma.drift[0].translationLines == [])
        #expect(gamma.drift[1].subject == "glossary")
        #expect(gamma.drift[1].sourceLines == [6])
        #expect(gamma.drift[1].translationLines == [8, 8])
        #expect(!gamma.isPartlyTranslated)

        let zeta = try CoverageDocs.page(setup.report, "fr", "Web/Zeta")
        #expect(zeta.isPartlyTranslated)
        #expect(zeta.headings.source == 3)
        #expect(zeta.headings.translation == 1)
        #expect(zeta.drift.map(\.kind) == [.sections])
        #expect(zeta.drift[0].sourceLines == [12, 16])
        #expect(zeta.drift[0].translationLines == [])
    }

    @Test("orders pages to update: partly translated, unknown, most commits behind, drift, up to date")
    func priorities() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try Self.setUp(folder)
        let fr = try CoverageDocs.locale(setup.report, "fr")
        #expect(fr.pages.map(\.translation.slug)
                == ["Web/Zeta", "Web/Eta", "Web/Beta", "Web/Alpha", "Web/Gamma", "Glossary/Epsilon-Old"])
        #expect(fr.pages.map(\.rank) == [1, 2, 3, 4, 5, 6])
        #expect(fr.pages.map(\.needsUpdate) == [true, true, true, true, true, false])
        #expect(fr.pages[0].reasons == ["partly-translated", "no-source-commit", "drifting"])
    }

    @Test("follows a history with a merge: a side branch's commit is behind a sourceCommit on main")
    func merges() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var repository = try GitFixture(at: folder + "/repo")
        let base = try repository.commit("Base", write: [
            "files/en-us/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", body: "A.\n"),
            "files/en-us/web/b/index.md": CoverageDocs.page("B", slug: "Web/B", body: "B.\n"),
        ])
        try repository.git("checkout", "-q", "-b", "side")
        let side = try repository.commit("Side edits A", write: [
            "files/en-us/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", body: "A.\nSide.\n"),
        ])
        try repository.git("checkout", "-q", "main")
        let main = try repository.commit("Main edits B", write: [
            "files/en-us/web/b/index.md": CoverageDocs.page("B", slug: "Web/B", body: "B.\nMain.\n"),
        ])
        try repository.git("merge", "-q", "--no-edit", "side", date: 9)
        let merge = try repository.git("rev-parse", "HEAD")
        try repository.commit("Translate", write: [
            "files/fr/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", sourceCommit: main, body: "A.\n"),
            "files/fr/web/b/index.md": CoverageDocs.page("B", slug: "Web/B", sourceCommit: base, body: "B.\n"),
            "files/de/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", sourceCommit: merge, body: "A.\n"),
        ])
        let report = try CoverageReport.survey(contentRoots: [folder + "/repo/files"], templates: .builtIn)
        let a = try CoverageDocs.page(report, "fr", "Web/A")
        guard case let .outdated(commits) = a.freshness else {
            Issue.record("fr Web/A should be behind by the side branch's commit, is \(a.freshness)")
            return
        }
        #expect(commits.map(\.hash) == [side])
        let b = try CoverageDocs.page(report, "fr", "Web/B")
        guard case let .outdated(bCommits) = b.freshness else {
            Issue.record("fr Web/B should be behind by main's commit, is \(b.freshness)")
            return
        }
        #expect(bCommits.map(\.hash) == [main])
        #expect(try CoverageDocs.page(report, "de", "Web/A").freshness == .upToDate)
    }

    @Test("a history ceiling keeps coverage from a repository around the content: content in a checkout's subfolder has none")
    func ceiling() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var repository = try GitFixture(at: folder + "/outer")
        try repository.commit("Unrelated", write: ["README": "An outer repository.\n"])
        // Content inside the outer work tree, never committed to it.
        try TestSupport.write([
            "outer/corpus/files/en-us/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", body: "A.\n"),
            "outer/corpus/files/fr/web/a/index.md": CoverageDocs.page("A", slug: "Web/A", sourceCommit: "abc1234", body: "A.\n"),
        ], under: folder)
        let content = folder + "/outer/corpus/files"
        let surrounded = try CoverageReport.survey(contentRoots: [content], templates: .builtIn)
        #expect(surrounded.historyUnavailable == nil, "without a ceiling git finds the outer repository")
        #expect(try CoverageDocs.page(surrounded, "fr", "Web/A").freshness == .unknown(.sourceCommitNotInHistory))
        let bounded = try CoverageReport.survey(contentRoots: [content], templates: .builtIn, historyCeiling: [folder + "/outer/corpus"])
        #expect(bounded.historyUnavailable?.contains("not in a git repository") == true)
        #expect(try CoverageDocs.page(bounded, "fr", "Web/A").freshness == .unknown(.noHistory))
    }
}
