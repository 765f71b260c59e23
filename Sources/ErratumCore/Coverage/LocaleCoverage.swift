/// Counts of one locale, or of one section of it, against English.
public struct CoverageTotals: Sendable, Hashable {
    /// English documents.
    public var reference = 0
    /// English documents with a translation (moved ones included).
    public var translated = 0
    /// Translations at an old slug that redirects to their source.
    public var moved = 0
    /// English documents without a translation.
    public var missing = 0
    /// Translations whose English source is gone.
    public var orphaned = 0
    /// Translations no English commit touched since their sourceCommit.
    public var upToDate = 0
    /// Translations behind their source by at least one commit.
    public var outdated = 0
    /// Translations whose freshness git cannot tell.
    public var unknown = 0
    /// Translations without a sourceCommit (part of `unknown`).
    public var noSourceCommit = 0
    /// Translations whose structure differs from the source.
    public var drifting = 0
    /// Translations lacking sections of the source (part of `drifting`).
    public var partlyTranslated = 0

    /// Creates zero totals.
    public init() {}

    /// Translated ÷ English documents, in percent (100 without English documents).
    public var percentTranslated: Double { Self.percent(translated, of: reference) }
    /// Up-to-date translations ÷ English documents, in percent.
    public var percentUpToDate: Double { Self.percent(upToDate, of: reference) }

    static func percent(_ part: Int, of whole: Int) -> Double {
        whole == 0 ? 100 : Double(part) * 100 / Double(whole)
    }

    /// Counts one translated page.
    mutating func add(_ page: TranslatedPage) {
        translated += 1
        if page.isMoved { moved += 1 }
        switch page.freshness {
        case .upToDate: upToDate += 1
        case .outdated: outdated += 1
        case let .unknown(reason):
            unknown += 1
            if reason == .noSourceCommit { noSourceCommit += 1 }
        }
        if !page.drift.isEmpty { drifting += 1 }
        if page.isPartlyTranslated { partlyTranslated += 1 }
    }
}

/// One section (top folder) of a locale.
public struct SectionCoverage: Sendable {
    /// The section: the first folder(s) of the slugs, e.g. `Web`.
    public let name: String
    /// Its counts.
    public let totals: CoverageTotals
}

/// One locale's coverage against English.
public struct LocaleCoverage: Sendable {
    /// The locale.
    public let locale: ContentLocale
    /// Its counts.
    public let totals: CoverageTotals
    /// Counts per section, by name.
    public let sections: [SectionCoverage]
    /// Every translation of an English document, in priority order.
    public internal(set) var pages: [TranslatedPage]
    /// English documents without a translation, by slug.
    public let missing: [Document]
    /// Translations whose English source is gone even through redirects, by slug.
    public let orphaned: [Document]
}
