/// An English commit that changed a translation's source after the translation was made.
public struct EnglishCommit: Sendable, Hashable {
    /// The full hash.
    public let hash: String
    /// The committer date, ISO 8601.
    public let date: String
    /// The first line of the commit message.
    public let subject: String
    /// The English file's path in that commit, relative to its repository (older before a rename).
    public let path: String
    /// Lines added to the file.
    public let added: Int
    /// Lines deleted from the file.
    public let deleted: Int
}

/// How a translation stands against the English history since it was made.
public enum Freshness: Sendable, Hashable {
    /// No English commit touched the source after the translation's `l10n.sourceCommit`.
    case upToDate
    /// These English commits touched the source after it, newest first.
    case outdated([EnglishCommit])
    /// Git cannot tell.
    case unknown(UnknownReason)

    /// Why a translation's freshness is unknown.
    public enum UnknownReason: String, Sendable, Hashable {
        /// The translation has no `l10n.sourceCommit` (MDN's translators want these first).
        case noSourceCommit = "no-source-commit"
        /// The `l10n.sourceCommit` names no commit of the English repository's history.
        case sourceCommitNotInHistory = "source-commit-not-in-history"
        /// There is no git history for the English file (no git, no repository, or not committed).
        case noHistory = "no-history"
    }

    /// `up-to-date`, `outdated` or `unknown`.
    public var name: String {
        switch self {
        case .upToDate: "up-to-date"
        case .outdated: "outdated"
        case .unknown: "unknown"
        }
    }

    /// The commits behind, when known.
    public var commitsBehind: Int? {
        switch self {
        case .upToDate: 0
        case let .outdated(commits): commits.count
        case .unknown: nil
        }
    }

    /// The lines those commits changed in the English file, when known.
    public var linesChanged: Int? {
        switch self {
        case .upToDate: 0
        case let .outdated(commits): commits.reduce(0) { $0 + $1.added + $1.deleted }
        case .unknown: nil
        }
    }
}

/// A translation of an English document, with everything a translator needs to judge it.
public struct TranslatedPage: Sendable {
    /// The translation.
    public let translation: Document
    /// Its English source (same slug, or where that slug now redirects).
    public let source: Document
    /// The section it belongs to: the first folder(s) of the English slug.
    public let section: String
    /// Whether the translation sits at an old slug that redirects to the source.
    public let isMoved: Bool
    /// Whether it is fresh, outdated or unknown.
    public let freshness: Freshness
    /// Structural differences from the source.
    public let drift: [Drift]
    /// Headings of the source and of the translation.
    public let headings: (source: Int, translation: Int)
    /// Whether sections of the source are missing (the translation has fewer headings).
    public let isPartlyTranslated: Bool
    /// Share of the source's headings matched in the translation (1 without headings).
    public let translatedShare: Double
    /// 1-based position in the locale's priority order.
    public internal(set) var rank = 0
    /// What changed in English since the translation's `l10n.sourceCommit`, for an outdated
    /// page when the report reads the changes.
    public internal(set) var changes: SourceChanges?
    /// Why an outdated page, or one of unknown freshness, shows no changes.
    public internal(set) var changesUnavailable: String?

    /// Whether a translator has anything to do: partly translated, unknown, outdated or drifting.
    public var needsUpdate: Bool {
        if case .upToDate = freshness { return !drift.isEmpty }
        return true
    }

    /// Why the page needs work, most pressing first: `partly-translated`, the unknown reason,
    /// `outdated`, `drifting`.
    public var reasons: [String] {
        var reasons: [String] = []
        if isPartlyTranslated { reasons.append("partly-translated") }
        switch freshness {
        case let .unknown(reason): reasons.append(reason.rawValue)
        case .outdated: reasons.append("outdated")
        case .upToDate: break
        }
        if !drift.isEmpty { reasons.append("drifting") }
        return reasons
    }
}

extension TranslatedPage {
    /// The order MDN's translators asked for: partly translated pages (least translated first),
    /// then pages without a sourceCommit, other unknowns, the most commits behind, drift only,
    /// and up-to-date pages last; ties by section and slug.
    static func priorityOrder(_ lhs: TranslatedPage, _ rhs: TranslatedPage) -> Bool {
        let left = lhs.priorityKey, right = rhs.priorityKey
        if left.group != right.group { return left.group < right.group }
        if left.share != right.share { return left.share < right.share }
        if left.behind != right.behind { return left.behind > right.behind }
        if left.lines != right.lines { return left.lines > right.lines }
        if lhs.drift.count != rhs.drift.count { return lhs.drift.count > rhs.drift.count }
        if lhs.section != rhs.section { return lhs.section < rhs.section }
        return lhs.translation.slug.lowercased() < rhs.translation.slug.lowercased()
    }

    private var priorityKey: (group: Int, share: Double, behind: Int, lines: Int) {
        let group: Int
        if isPartlyTranslated {
            group = 0
        } else {
            switch freshness {
            case .unknown(.noSourceCommit): group = 1
            case .unknown: group = 2
            case .outdated: group = 3
            case .upToDate: group = drift.isEmpty ? 5 : 4
            }
        }
        return (group, isPartlyTranslated ? translatedShare : 1, freshness.commitsBehind ?? 0, freshness.linesChanged ?? 0)
    }
}
