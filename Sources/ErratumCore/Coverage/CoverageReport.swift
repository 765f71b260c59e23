/// Which documents each locale has and lacks, against en-US.
public struct CoverageReport: Sendable {
    /// One locale's coverage.
    public struct LocaleCoverage: Sendable {
        /// The locale.
        public let locale: String
        /// Slugs of English documents this locale has translated.
        public let translated: [String]
        /// Slugs of English documents this locale lacks.
        public let missing: [String]
        /// Slugs this locale has that no English document matches.
        public let orphaned: [String]
        /// Translated ÷ English documents, in whole percent (rounded down).
        public let percent: Int
    }

    /// How many English documents there are.
    public let englishDocuments: Int
    /// Every other locale, by tag.
    public let locales: [LocaleCoverage]

    /// Measures a catalog.
    public init(catalog: Catalog) {
        let english = catalog.allDocuments.filter { $0.locale == .english }
        let englishSlugs = Set(english.map { $0.slug.lowercased() })
        englishDocuments = english.count
        let others = Set(catalog.allDocuments.map(\.locale)).subtracting([.english]).sorted()
        locales = others.map { locale in
            let own = catalog.allDocuments.filter { $0.locale == locale }
            var translatedSlugs: Set<String> = []
            var orphaned: [String] = []
            for document in own {
                if let source = catalog.englishSource(of: document) {
                    translatedSlugs.insert(source.slug.lowercased())
                } else {
                    orphaned.append(document.slug)
                }
            }
            let translated = english.filter { translatedSlugs.contains($0.slug.lowercased()) }.map(\.slug)
            let missing = english.filter { !translatedSlugs.contains($0.slug.lowercased()) }.map(\.slug)
            let percent = englishSlugs.isEmpty ? 100 : translated.count * 100 / englishSlugs.count
            return LocaleCoverage(locale: locale.tag, translated: translated, missing: missing,
                                  orphaned: orphaned.sorted(), percent: percent)
        }
    }

    /// The report as `coverage.json`.
    ///
    /// - Throws: `DiagnosticError` (`template`) when the template is missing.
    public func files(templates: TemplateLibrary) throws(DiagnosticError) -> [OutputFile] {
        [OutputFile(path: "coverage.json", text: try templates.render("coverage/coverage.json", CoverageContext(self)))]
    }
}

/// The coverage template's view: lists carry a `last` flag so the template can place commas.
struct CoverageContext: Sendable {
    struct Item: Sendable {
        let value: String
        let last: Bool
    }

    struct Locale: Sendable {
        let locale: String
        let percent: Int
        let translatedCount: Int
        let translated: [Item]
        let missing: [Item]
        let orphaned: [Item]
        let last: Bool
    }

    let reference: String
    let englishDocuments: Int
    let locales: [Locale]

    init(_ report: CoverageReport) {
        func items(_ values: [String]) -> [Item] {
            values.enumerated().map { Item(value: $0.element, last: $0.offset == values.count - 1) }
        }
        reference = ContentLocale.english.tag
        englishDocuments = report.englishDocuments
        locales = report.locales.enumerated().map { index, locale in
            Locale(locale: locale.locale, percent: locale.percent, translatedCount: locale.translated.count,
                   translated: items(locale.translated), missing: items(locale.missing),
                   orphaned: items(locale.orphaned), last: index == report.locales.count - 1)
        }
    }
}
