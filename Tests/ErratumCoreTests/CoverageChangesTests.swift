import Foundation
import Testing
@testable import ErratumCommands
@testable import ErratumCore

/// What changed in English since each translation, from real git repositories: a page edited
/// in three commits (one a rename), a sourceCommit on a merged branch, the sections each
/// change falls in, and pages that can have no diff.
@Suite("Coverage: the English changes since each translation")
struct CoverageChangesTests {
    struct Setup {
        let folder: String
        /// en-US commits by name.
        let commits: [String: String]
        let report: CoverageReport
    }

    /// A section: a heading and eight lines of prose, so that changes in two sections never
    /// share a hunk.
    static func section(_ title: String, _ words: String, changed: (Int, String)? = nil) -> String {
        var lines = (1...8).map { "\(words) line \($0)." }
        if let (index, text) = changed { lines[index] = text }
        return "## \(title)\n\n" + lines.joined(separator: "\n") + "\n\n"
    }

    static func guide(slug: String, syntax: String? = nil, examples: String? = nil, security: Bool = false,
                      compatibility: String? = nil) -> String {
        var body = "A guide to the server.\n\n"
        body += section("Syntax", "Syntax", changed: syntax.map { (3, $0) })
        body += section("Examples", "Example", changed: (4, examples ?? "The server could not find the requested resource."))
        if security { body += section("Security", "Security") }
        body += section("See also", "See")
        body += section("Browser compatibility", "Compat", changed: compatibility.map { (2, $0) })
        return CoverageDocs.page("Guide", slug: slug, body: body)
    }

    /// Other's body: three lines far enough apart for git to merge changes to each.
    static func other(_ a: String, _ b: String, _ c: String) -> String {
        [a, "1", "2", "3", b, "4", "5", "6", c].joined(separator: "\n") + "\n"
    }

    static func setUp(_ folder: String) throws -> Setup {
        var english = try GitFixture(at: folder + "/content")
        let en = "files/en-us/"
        var commits: [String: String] = [:]
        commits["add"] = try english.commit("Add the guide and Other", write: [
            en + "web/guide/index.md": guide(slug: "Web/Guide"),
            en + "web/other/index.md": CoverageDocs.page("Other", slug: "Web/Other", body: other("A", "B", "C")),
            en + "web/eta/index.md": CoverageDocs.page("Eta", slug: "Web/Eta", body: "Eta.\n"),
        ])
        // A branch from here changes Other's B; main changes its A; the branch is merged.
        try english.git("checkout", "-q", "-b", "side")
        commits["side"] = try english.commit("Other: B on the side branch", write: [
            en + "web/other/index.md": CoverageDocs.page("Other", slug: "Web/Other", body: other("A", "B on side", "C")),
        ])
        try english.git("checkout", "-q", "main")
        commits["examples"] = try english.commit("Guide: reword an example; Other: A on main", write: [
            en + "web/guide/index.md": guide(slug: "Web/Guide", examples: "The server cannot find the resource you asked for."),
            en + "web/other/index.md": CoverageDocs.page("Other", slug: "Web/Other", body: other("A on main", "B", "C")),
        ])
        try english.git("merge", "-q", "--no-ff", "-m", "Merge the side branch", "side", date: 10)
        commits["move"] = try english.commit("Move Web/Guide to Web/Handbook", write: [
            en + "web/handbook/index.md": guide(slug: "Web/Handbook", examples: "The server cannot find the resource you asked for."),
            en + "_redirects.txt": "# From\tTo\n/en-US/docs/Web/Guide\t/en-US/docs/Web/Handbook\n",
        ], move: [(en + "web/guide/index.md", en + "web/handbook/index.md")])
        commits["sections"] = try english.commit("Handbook: a security section, new syntax and compatibility; Other: C", write: [
            en + "web/handbook/index.md": guide(slug: "Web/Handbook", syntax: "Syntax, now with a query string.",
                                               examples: "The server cannot find the resource you asked for.", security: true,
                                               compatibility: "Every browser supports it."),
            en + "web/other/index.md": CoverageDocs.page("Other", slug: "Web/Other", body: other("A on main", "B on side", "C new")),
        ])

        var translated = try GitFixture(at: folder + "/translated")
        let fr = "files/fr/"
        var french = "Un guide du serveur.\n\n"
        french += section("Syntaxe", "Syntaxe") + section("Exemples", "Exemple") + section("Voir aussi", "Voir")
        try translated.commit("Translate", write: [
            // Made from the first English text, before the move; no compatibility section.
            fr + "web/handbook/index.md": CoverageDocs.page("Guide", slug: "Web/Handbook", sourceCommit: commits["add"], body: french),
            // Made from the side branch's text, before it was merged.
            fr + "web/other/index.md": CoverageDocs.page("Autre", slug: "Web/Other", sourceCommit: commits["side"], body: "A\nB\nC\n"),
            fr + "web/eta/index.md": CoverageDocs.page("Eta", slug: "Web/Eta", sourceCommit: "0123456789abcdef0123456789abcdef01234567",
                                                       body: "Eta.\n"),
        ])
        let history = ContentHistory.read(roots: [folder + "/content/files", folder + "/translated/files"], ceiling: [folder])
        let (content, _) = try ContentLoader(roots: [folder + "/content/files", folder + "/translated/files"]).load()
        let report = CoverageReport(catalog: Catalog(content), history: history, changes: .all)
        return Setup(folder: folder, commits: commits, report: report)
    }

    @Test("a page edited in three commits, one a rename: the diff from its sourceCommit's file to the newest, each hunk placed")
    func threeCommitsAndARename() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try Self.setUp(folder)
        let page = try CoverageDocs.page(setup.report, "fr", "Web/Handbook")
        guard case let .outdated(behind) = page.freshness else {
            Issue.record("Web/Handbook should be outdated: \(page.freshness)")
            return
        }
        #expect(behind.map(\.hash) == [setup.commits["sections"], setup.commits["move"], setup.commits["examples"]])
        let changes = try #require(page.changes, "\(page.changesUnavailable ?? "")")
        #expect(changes.from == setup.commits["add"] && changes.to == setup.commits["sections"])
        #expect(changes.fromPath == "files/en-us/web/guide/index.md" && changes.path == "files/en-us/web/handbook/index.md")

        // Four hunks: the slug, the syntax line, the example (with the security section after
        // it) and the compatibility line.
        let hunks = changes.diff.hunks
        #expect(hunks.count == 4, "\(hunks.map { $0.lines.filter { $0.kind != .context }.map(\.text) })")
        guard hunks.count == 4 else { return }
        #expect(hunks[0].lines.filter { $0.kind != .context }.map(\.text) == ["slug: Web/Guide", "slug: Web/Handbook"])
        let example = hunks[2].lines.filter { $0.kind != .context }
        #expect(example.first?.text == "The server could not find the requested resource." && example.first?.kind == .removed)
        #expect(example.contains { $0.kind == .added && $0.text == "## Security" })
        let changedWords = example.first.map { line in line.words.map { String(decoding: Array(line.text.utf16)[$0], as: UTF16.self) } }
        #expect(changedWords == ["could not", " requested"])

        // Where each falls in the translation: its front matter, Syntaxe, Exemples, and for the
        // compatibility section, which has no counterpart, the nearest before it.
        let translationLines = try String(contentsOfFile: page.translation.path, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        func line(of heading: String) -> Int { (translationLines.firstIndex { $0 == "## \(heading)" } ?? -1) + 1 }
        let places = changes.places
        #expect(places[0] == SectionPlace(english: "front matter", translation: "front matter", translationLine: 1, isExact: true))
        #expect(places[1] == SectionPlace(english: "Syntax", translation: "Syntaxe", translationLine: line(of: "Syntaxe"), isExact: true))
        #expect(places[2] == SectionPlace(english: "Examples", translation: "Exemples", translationLine: line(of: "Exemples"),
                                          isExact: true))
        #expect(places[3] == SectionPlace(english: "Browser compatibility", translation: "Voir aussi",
                                          translationLine: line(of: "Voir aussi"), isExact: false))
        #expect(line(of: "Exemples") > 10)
    }

    @Test("a sourceCommit on a merged branch: the old text is that branch's, the merge's other side shows as changed")
    func mergedBranch() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try Self.setUp(folder)
        let page = try CoverageDocs.page(setup.report, "fr", "Web/Other")
        guard case let .outdated(behind) = page.freshness else {
            Issue.record("Web/Other should be outdated: \(page.freshness)")
            return
        }
        #expect(Set(behind.map(\.hash)) == [setup.commits["sections"], setup.commits["examples"]])
        let changes = try #require(page.changes, "\(page.changesUnavailable ?? "")")
        #expect(changes.from == setup.commits["side"] && changes.fromPath == changes.path)
        let changed = changes.diff.hunks.flatMap(\.lines).filter { $0.kind != .context }.map { "\($0.kind.rawValue)\($0.text)" }
        #expect(changed == ["-A", "+A on main", "-C", "+C new"], "B on side was already in the translation's text")
        #expect(changes.places.allSatisfy { $0.english == "introduction" && $0.translationLine == page.translation.bodyLine })
    }

    @Test("erratum coverage --diff prints the commits and the diff, each hunk placed in the translation; plain when not a terminal")
    func terminal() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try Self.setUp(folder)
        let output = folder + "/diff.txt"
        var command = try ErratumCommand.parseAsRoot([
            "coverage", "--content", folder + "/content/files", "--content", folder + "/translated/files",
            "--diff", "web/handbook", "--locale", "fr", "--output", output,
        ])
        try command.run()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let from = try #require(setup.commits["add"]).prefix(10)
        #expect(lines.first == "Web/Handbook (fr): 3 English commits since \(from), the translation's sourceCommit")
        #expect(lines.contains { $0.contains(String(try! #require(setup.commits["move"]).prefix(10))) && $0.hasSuffix("Move Web/Guide to Web/Handbook") })
        #expect(text.contains("(files/en-us/web/guide/index.md at \(from))"), "the path before the rename")
        #expect(text.contains("--mark-updated "))
        #expect(lines.contains { $0.hasPrefix("@@ -") && $0.hasSuffix("Examples → Exemples (line 21 of fr/web/handbook/index.md)") }, "\(text)")
        #expect(lines.contains { $0.hasSuffix("Browser compatibility → no such section in the translation; nearest before it: "
                                               + "Voir aussi (line 32 of fr/web/handbook/index.md)") })
        #expect(lines.contains("-The server could not find the requested resource.") && lines.contains("+## Security"))
        #expect(!text.contains("\u{1B}["), "no colour in a file")

        let colored = ChangesText.render(try CoverageDocs.page(setup.report, "fr", "Web/Handbook"), color: true)
        #expect(colored.contains("\u{1B}[31m-The server \u{1B}[7mcould not\u{1B}[27m find the\u{1B}[7m requested\u{1B}[27m resource.\u{1B}[m"))
        let eta = ChangesText.render(try CoverageDocs.page(setup.report, "fr", "Web/Eta"), color: false)
        #expect(eta == "Web/Eta (fr): how far it is behind is unknown: l10n.sourceCommit '0123456789abcdef0123456789abcdef01234567' "
                + "is not a commit of the English history\n")
        var missing = try ErratumCommand.parseAsRoot([
            "coverage", "--content", folder + "/content/files", "--content", folder + "/translated/files", "--diff", "Web/Nowhere",
        ])
        #expect(throws: (any Error).self) { try missing.run() }
    }

    @Test("an unknown sourceCommit gets no diff and says why; an up-to-date page none at all")
    func noDiff() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try Self.setUp(folder)
        let eta = try CoverageDocs.page(setup.report, "fr", "Web/Eta")
        #expect(eta.changes == nil)
        #expect(eta.changesUnavailable == "l10n.sourceCommit '0123456789abcdef0123456789abcdef01234567' is not a commit of the English history")
        let withoutChanges = CoverageReport(catalog: Catalog(try ContentLoader(roots: [folder + "/content/files",
                                                                                         folder + "/translated/files"]).load().0),
                                            history: .unavailable("no history wanted"), changes: .all)
        let handbook = try CoverageDocs.page(withoutChanges, "fr", "Web/Handbook")
        #expect(handbook.changes == nil && handbook.changesUnavailable == "no history wanted")
    }
}

@Suite("Coverage: marking a translation updated")
struct MarkUpdatedTests {
    @Test("only the sourceCommit value changes: quoted, commented, CRLF, a block without it, no block at all")
    func edits() throws {
        let hash = "89abcdef0123456789abcdef0123456789abcdef"
        let crlf = "---\r\ntitle: Guide\r\nslug: Web/Guide\r\nl10n:\r\n  sourceCommit: 0123456789\r\n---\r\n\r\nBody.\r\n"
        #expect(try SourceCommitEdit.set(hash, in: crlf) == crlf.replacingOccurrences(of: "0123456789", with: hash))
        let quoted = "---\ntitle: A\nl10n:\n    sourceCommit: \"0123\"   # from the old repository\n---\nBody\n"
        #expect(try SourceCommitEdit.set(hash, in: quoted) == "---\ntitle: A\nl10n:\n    sourceCommit: \(hash)   # from the old repository\n---\nBody\n")
        let otherChild = "---\ntitle: A\nl10n:\n    priority: high\nslug: A\n---\nBody\n"
        #expect(try SourceCommitEdit.set(hash, in: otherChild)
                == "---\ntitle: A\nl10n:\n    sourceCommit: \(hash)\n    priority: high\nslug: A\n---\nBody\n")
        let none = "\u{FEFF}---\r\ntitle: A\r\nslug: A\r\n---\r\nBody\r\n"
        #expect(try SourceCommitEdit.set(hash, in: none) == "\u{FEFF}---\r\ntitle: A\r\nslug: A\r\nl10n:\r\n  sourceCommit: \(hash)\r\n---\r\nBody\r\n",
                "a byte-order mark, CRLF, and the block added last, in MDN's form")
        #expect(throws: SourceCommitEdit.Refusal.self) { try SourceCommitEdit.set(hash, in: "---\nl10n: {sourceCommit: x}\n---\n") }
        #expect(throws: SourceCommitEdit.Refusal.self) { try SourceCommitEdit.set(hash, in: "No front matter.\n") }
    }

    @Test("--mark-updated sets the English file's newest commit, keeping every other byte; each refusal says why and writes nothing")
    func markUpdated() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try CoverageChangesTests.setUp(folder)
        let roots = [folder + "/content/files", folder + "/translated/files"]
        let handbook = folder + "/translated/files/fr/web/handbook/index.md"
        let other = folder + "/translated/files/fr/web/other/index.md"
        // CRLF line ends, an existing l10n block.
        let original = try String(contentsOfFile: handbook, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n")
        try Data(original.utf8).write(to: URL(fileURLWithPath: handbook))
        // No l10n block at all, CRLF too.
        let withoutBlock = CoverageDocs.page("Autre", slug: "Web/Other", body: "A\n").replacingOccurrences(of: "\n", with: "\r\n")
        try Data(withoutBlock.utf8).write(to: URL(fileURLWithPath: other))

        let marked = try MarkUpdated.run(files: [handbook, other], contentRoots: roots, historyCeiling: [folder])
        #expect(marked.map(\.hash) == [setup.commits["sections"], setup.commits["sections"]])
        let newest = try #require(setup.commits["sections"])
        let from = try #require(setup.commits["add"])
        #expect(try String(contentsOfFile: handbook, encoding: .utf8) == original.replacingOccurrences(of: from, with: newest))
        #expect(try String(contentsOfFile: other, encoding: .utf8)
                == withoutBlock.replacingOccurrences(of: "slug: Web/Other\r\n", with: "slug: Web/Other\r\nl10n:\r\n  sourceCommit: \(newest)\r\n"))
        let report = CoverageReport(catalog: Catalog(try ContentLoader(roots: roots).load().0),
                                    history: ContentHistory.read(roots: roots, ceiling: [folder]))
        #expect(try CoverageDocs.page(report, "fr", "Web/Handbook").freshness == .upToDate)

        // Refusals: an English file, an orphan, an English file edited but not committed; a
        // good file given with them is not written either.
        let orphan = folder + "/translated/files/fr/web/gone/index.md"
        try Data(CoverageDocs.page("Parti", slug: "Web/Gone", sourceCommit: from, body: "Parti.\n").utf8).write(to: {
            try FileManager.default.createDirectory(atPath: folder + "/translated/files/fr/web/gone", withIntermediateDirectories: true)
            return URL(fileURLWithPath: orphan)
        }())
        let englishOther = folder + "/content/files/en-us/web/other/index.md"
        try Data((try String(contentsOfFile: englishOther, encoding: .utf8) + "Uncommitted.\n").utf8).write(to: URL(fileURLWithPath: englishOther))
        let eta = folder + "/translated/files/fr/web/eta/index.md"
        let etaBefore = try String(contentsOfFile: eta, encoding: .utf8)
        var reasons: [String] = []
        do {
            _ = try MarkUpdated.run(files: [eta, folder + "/content/files/en-us/web/eta/index.md", orphan, other, folder + "/nothing.md"],
                                    contentRoots: roots, historyCeiling: [folder])
            Issue.record("refused files were accepted")
        } catch {
            reasons = error.diagnostics.map { "\($0.code) \($0.message)" }
        }
        #expect(reasons.count == 4, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("mark-updated") && $0.contains("an English document") })
        #expect(reasons.contains { $0.contains("English page 'Web/Gone' does not exist") })
        #expect(reasons.contains { $0.contains("changes not committed") })
        #expect(reasons.contains { $0.contains("not a document of the content") })
        #expect(try String(contentsOfFile: eta, encoding: .utf8) == etaBefore, "nothing written when one file is refused")
    }
}
