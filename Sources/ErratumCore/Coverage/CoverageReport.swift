import Foundation

/// What a translator asks first — "what do I update?" — answered offline from the content and its
/// git history: for each locale against en-US, the documents missing, moved, orphaned, outdated,
/// of unknown freshness and drifting, and the state of the UI strings.
public struct CoverageReport: Sendable {
    /// The version of the JSON form (`coverage.json`); see `templates/coverage/coverage.schema.json`.
    public static let version = 3

    /// How many English documents there are.
    public let referenceDocuments: Int
    /// Every other locale, by tag.
    public let locales: [LocaleCoverage]
    /// Every UI strings language but English, by tag.
    public let strings: [StringsCoverage]
    /// The repositories whose history was read (their top folders, relative to the current
    /// folder: `.`, `../content`), empty without history.
    public let repositories: [String]
    /// The commits those histories hold.
    public let commits: Int
    /// Why there is no history, when there is none.
    public let historyUnavailable: String?
    /// How many folders of a slug name its section.
    public let sectionDepth: Int
    /// Findings while measuring: a `l10n.sourceCommit` not in the history, history not readable
    /// (and, from `survey`, what loading the content found).
    public internal(set) var diagnostics: [Diagnostic]

    /// Measures a catalog against its English documents.
    ///
    /// - Parameters:
    ///   - history: the English documents' git history (`ContentHistory.read`).
    ///   - strings: the UI strings and their history; nil leaves them out.
    ///   - locales: the locales to report; nil means every locale but English.
    ///   - sectionDepth: how many folders of a slug name its section (1: `Web`, 2: `Web/HTTP`).
    ///   - changes: the pages whose English changes since their translation to read
    ///     (`TranslatedPage.changes`): one `git cat-file` per repository and a diff per page.
    public init(catalog: Catalog, history: ContentHistory, strings: StringsSources? = nil,
                locales: [ContentLocale]? = nil, sectionDepth: Int = 1, changes: ChangesWanted = .none) {
        let byLocale = Dictionary(grouping: catalog.allDocuments, by: \.locale)
        let english = (byLocale[.english] ?? []).sorted { $0.slug.lowercased() < $1.slug.lowercased() }
        let chosen = (locales ?? Array(byLocale.keys)).filter { $0 != .english }
        var diagnostics = history.diagnostics + (strings?.diagnostics ?? [])
        var measure = Measure(catalog: catalog, history: history, sectionDepth: sectionDepth)

        referenceDocuments = english.count
        self.sectionDepth = max(1, sectionDepth)
        var measured = Set(chosen).sorted().map { locale in
            measure.locale(locale, documents: byLocale[locale] ?? [], english: english)
        }
        if changes != .none { Self.readChanges(changes, into: &measured, history: history) }
        self.locales = measured
        diagnostics += measure.diagnostics
        if let strings {
            let languages = locales.map { Set($0.map(strings.strings.language(for:))) }
            self.strings = strings.coverage(languages: languages)
        } else {
            self.strings = []
        }
        repositories = history.repositoryTops.map(DisplayPath.relativeToCurrentFolder)
        commits = history.commitCount
        historyUnavailable = history.unavailableReason
        self.diagnostics = diagnostics.sorted()
    }

    /// Fills in the English changes of every outdated page, and why pages of unknown freshness
    /// have none.
    static func readChanges(_ wanted: ChangesWanted, into locales: inout [LocaleCoverage], history: ContentHistory) {
        var positions: [(locale: Int, page: Int)] = []
        var requests: [SourceChangesReader.Request] = []
        for (localeIndex, locale) in locales.enumerated() {
            for (pageIndex, page) in locale.pages.enumerated() {
                if case .upToDate = page.freshness { continue }
                if case let .page(slug) = wanted, !page.isNamed(slug) { continue }
                positions.append((localeIndex, pageIndex))
                requests.append(SourceChangesReader.Request(translation: page.translation, source: page.source))
            }
        }
        for (position, result) in zip(positions, SourceChangesReader.read(requests, history: history)) {
            switch result {
            case let .success(changes): locales[position.locale].pages[position.page].changes = changes
            case let .failure(unavailable): locales[position.locale].pages[position.page].changesUnavailable = unavailable.reason
            }
        }
    }

    /// The report as JSON (schema: `templates/coverage/coverage.schema.json`).
    ///
    /// - Throws: `DiagnosticError` (`template`) when `coverage/coverage.json.mustache` is missing.
    public func json(templates: TemplateLibrary, links: CoverageLinks) throws(DiagnosticError) -> String {
        try templates.render("coverage/coverage.json", CoverageContext(self, links: links))
    }

    /// The report as one HTML page: inline style and script, no network. Without
    /// `changesFolder` it carries every page's English changes itself; with it, they are in
    /// that folder (relative to the page: `changeScripts()`), loaded when a page's are opened,
    /// so that a report of thousands of diffs loads as fast as one without.
    ///
    /// - Throws: `DiagnosticError` (`template`) when `coverage/index.html.mustache` is missing.
    public func html(templates: TemplateLibrary, links: CoverageLinks, changesFolder: String? = nil) throws(DiagnosticError) -> String {
        try templates.render("coverage/index.html", CoverageContext(self, links: links, changesFolder: changesFolder))
    }

    /// How many pages' changes one script of the changes folder holds.
    static let changesPerScript = 100

    /// The scripts of the changes folder (`<locale>-<n>.js`), each holding the English changes
    /// of up to `changesPerScript` pages of one locale, by rank.
    public func changeScripts() -> [(name: String, text: String)] {
        var scripts: [(name: String, text: String)] = []
        for locale in locales {
            let withChanges = locale.pages.filter { $0.changes != nil }
            for chunk in Dictionary(grouping: withChanges, by: Self.changesChunk(of:)).sorted(by: { $0.value[0].rank < $1.value[0].rank }) {
                var text = "(window.erratumChanges = window.erratumChanges || {})[\(SourceChanges.string(chunk.key))] = {\n"
                for (index, page) in chunk.value.enumerated() {
                    guard let changes = page.changes else { continue }
                    text += (index == 0 ? "" : ",\n") + SourceChanges.string(Self.changesID(of: page)) + ": "
                        + changes.json(translationFile: ChangesText.localPath(of: page.translation))
                }
                scripts.append((chunk.key + ".js", text + "\n};\n"))
            }
        }
        return scripts
    }

    /// A page's changes' id in the report: `changes-fr-12`.
    static func changesID(of page: TranslatedPage) -> String {
        "changes-\(page.translation.locale.tag)-\(page.rank)"
    }

    /// The script of the changes folder holding a page's changes: `fr-0` for ranks 1–100.
    static func changesChunk(of page: TranslatedPage) -> String {
        "\(page.translation.locale.tag.lowercased())-\((page.rank - 1) / changesPerScript)"
    }

    /// `coverage.json` and `coverage/index.html` for a build, linking the offline site's pages.
    ///
    /// - Throws: `DiagnosticError` (`template`) when a coverage template is missing.
    public func files(templates: TemplateLibrary) throws(DiagnosticError) -> [OutputFile] {
        var made: [OutputFile] = []
        try files(templates: templates) { (files: [OutputFile]) throws(DiagnosticError) in made += files }
        return made
    }

    /// The same files, handed to `emit` one at a time: for MDN's whole tree each is tens of
    /// megabytes, so the JSON is written and let go before the HTML is made.
    func files(templates: TemplateLibrary, emit: ([OutputFile]) throws(DiagnosticError) -> Void) throws(DiagnosticError) {
        try emit([OutputFile(path: "coverage.json", text: try json(templates: templates, links: .site(reportFolder: "")))])
        try emit(changeScripts().map { OutputFile(path: "coverage/changes/" + $0.name, text: $0.text) })
        try emit([OutputFile(path: "coverage/index.html", text: try html(templates: templates, links: .site(reportFolder: "coverage"),
                                                                     changesFolder: "changes"))])
    }

    /// The section of a slug: its first `depth` folders.
    static func section(of slug: String, depth: Int) -> String {
        slug.split(separator: "/").prefix(max(1, depth)).joined(separator: "/")
    }
}

/// The pages of a report whose English changes are read.
public enum ChangesWanted: Sendable, Hashable {
    /// None: the report says how far behind pages are, not what changed.
    case none
    /// Every outdated page.
    case all
    /// The translations of one page, named by its slug or its English source's.
    case page(String)
}

extension TranslatedPage {
    /// Whether `slug` names this translation or its English source (any case).
    public func isNamed(_ slug: String) -> Bool {
        let wanted = slug.trimmingCharacters(in: CharacterSet(charactersIn: "/")).lowercased()
        return translation.slug.lowercased() == wanted || source.slug.lowercased() == wanted
    }
}

/// The work of measuring, with what it caches across pages: the ancestry of each sourceCommit
/// and the outline of each English document.
private struct Measure {
    let catalog: Catalog
    let history: ContentHistory
    let sectionDepth: Int
    var diagnostics: [Diagnostic] = []
    private var ancestries: [String: [Int: Ancestry]] = [:]
    private var outlines: [DocumentKey: DocumentOutline] = [:]
    private let links: LinkNormalizer

    init(catalog: Catalog, history: ContentHistory, sectionDepth: Int) {
        self.catalog = catalog
        links = LinkNormalizer(catalog: catalog)
        self.history = history
        self.sectionDepth = sectionDepth
    }

    mutating func locale(_ locale: ContentLocale, documents: [Document], english: [Document]) -> LocaleCoverage {
        var pages: [TranslatedPage] = []
        var orphaned: [Document] = []
        for document in documents.sorted(by: { $0.slug.lowercased() < $1.slug.lowercased() }) {
            if let source = catalog.englishSource(of: document) {
                pages.append(page(document, source: source))
            } else {
                orphaned.append(document)
            }
        }
        pages.sort(by: TranslatedPage.priorityOrder)
        for index in pages.indices { pages[index].rank = index + 1 }

        let translatedIDs = Set(pages.map(\.source.id))
        let missing = english.filter { !translatedIDs.contains($0.id) }
        let depth = sectionDepth
        let section = { (slug: String) in CoverageReport.section(of: slug, depth: depth) }

        var totals = CoverageTotals()
        var sections: [String: CoverageTotals] = [:]
        for document in english { sections[section(document.slug), default: CoverageTotals()].reference += 1 }
        totals.reference = english.count
        // A source translated twice (at its slug and at an old one) counts once as translated.
        var counted: Set<DocumentKey> = []
        for page in pages where counted.insert(page.source.id).inserted {
            totals.add(page)
            sections[page.section, default: CoverageTotals()].add(page)
        }
        for document in missing {
            totals.missing += 1
            sections[section(document.slug), default: CoverageTotals()].missing += 1
        }
        for document in orphaned {
            totals.orphaned += 1
            sections[section(document.slug), default: CoverageTotals()].orphaned += 1
        }
        let sectionList = sections.keys.sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }
            .map { SectionCoverage(name: $0, totals: sections[$0] ?? CoverageTotals()) }
        return LocaleCoverage(locale: locale, totals: totals, sections: sectionList, pages: pages,
                              missing: missing, orphaned: orphaned)
    }

    private mutating func page(_ translation: Document, source: Document) -> TranslatedPage {
        let sourceOutline = outlines[source.id] ?? DocumentOutline(source, normalizer: links)
        outlines[source.id] = sourceOutline
        let comparison = OutlineComparison(source: sourceOutline, translation: DocumentOutline(translation, normalizer: links))
        return TranslatedPage(
            translation: translation, source: source,
            section: CoverageReport.section(of: source.slug, depth: sectionDepth),
            isMoved: translation.slug.lowercased() != source.slug.lowercased(),
            freshness: freshness(of: translation, source: source),
            drift: comparison.drift,
            headings: (comparison.sourceHeadings, comparison.translationHeadings),
            isPartlyTranslated: comparison.isPartial,
            translatedShare: comparison.translatedShare)
    }

    /// Which English commits touched the source after the translation's sourceCommit.
    private mutating func freshness(of translation: Document, source: Document) -> Freshness {
        guard let name = translation.frontMatter.sourceCommit?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            return .unknown(.noSourceCommit)
        }
        guard let (repository, path) = history.file(of: source) else { return .unknown(.noHistory) }
        let graph = repository.graph
        guard let commit = graph.commit(named: name) else {
            let shallow = repository.location.isShallow ? " (the clone is shallow: fetch its full history)" : ""
            diagnostics.append(Diagnostic(
                .warning, .sourceCommitNotInHistory,
                "l10n.sourceCommit '\(name)' is not a commit of the en-US history in '\(DisplayPath.relativeToCurrentFolder(repository.location.top))'\(shallow); "
                    + "how far '\(translation.slug)' is behind cannot be told",
                at: Self.sourceCommitLocation(in: translation)))
            return .unknown(.sourceCommitNotInHistory)
        }
        guard let changes = repository.changes[path], !changes.isEmpty else { return .unknown(.noHistory) }
        let ancestry = ancestries[repository.location.top]?[commit] ?? graph.ancestry(of: commit)
        ancestries[repository.location.top, default: [:]][commit] = ancestry
        let after = changes.filter { !ancestry.contains($0.commit) }.map { change in
            let found = graph.commits[change.commit]
            return EnglishCommit(hash: found.hash, date: found.date, subject: found.subject, path: change.path,
                                 added: change.added, deleted: change.deleted)
        }
        return after.isEmpty ? .upToDate : .outdated(after)
    }

    /// Where the `sourceCommit:` value is written in a translation's front matter.
    static func sourceCommitLocation(in document: Document) -> FileLocation {
        let fallback = FileLocation(file: document.path, line: 1, column: 1)
        guard let text = try? SourceText.read(document.path) else { return fallback }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(document.bodyLine).enumerated() {
            guard let key = line.range(of: "sourceCommit:") else { continue }
            let value = line[key.upperBound...].prefix { $0 == " " || $0 == "\"" || $0 == "'" }
            return FileLocation(file: document.path, line: index + 1,
                                column: line[..<value.endIndex].unicodeScalars.count + 1)
        }
        return fallback
    }
}
