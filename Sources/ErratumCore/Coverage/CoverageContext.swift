import Foundation
import Mustache

/// What the coverage templates see (`coverage/coverage.json`, `coverage/index.html`): every
/// value ready to print, and a `last` flag on list items so JSON can place its commas.
struct CoverageContext: Sendable, TemplateFields {
    /// A list item that knows whether it is the last.
    struct Item<Value: Sendable>: Sendable, MustacheParent {
        let value: Value
        let last: Bool

        func child(named name: String) -> Any? {
            switch name {
            case "value": value
            case "last": last
            default: nil
            }
        }
    }

    /// A number that may be absent (`null` in JSON); a wrapper so that 0 still renders.
    struct Count: Sendable, TemplateFields {
        let value: Int
        static let fields: Fields = ["value": \Self.value]
    }

    struct Totals: Sendable, TemplateFields {
        let reference, translated, moved, missing, orphaned, upToDate, outdated, unknown: Int
        let noSourceCommit, drifting, partlyTranslated: Int
        let percentTranslated, percentUpToDate: String
        /// Widths of the bar's parts, in percent of the English documents.
        let barUpToDate, barOutdated, barUnknown, barMissing: String
        /// Asides shown only when they count something.
        let movedNote, noSourceCommitNote: String?
        static let fields: Fields = [
            "reference": \Self.reference,
            "translated": \Self.translated,
            "moved": \Self.moved,
            "missing": \Self.missing,
            "orphaned": \Self.orphaned,
            "upToDate": \Self.upToDate,
            "outdated": \Self.outdated,
            "unknown": \Self.unknown,
            "noSourceCommit": \Self.noSourceCommit,
            "drifting": \Self.drifting,
            "partlyTranslated": \Self.partlyTranslated,
            "percentTranslated": \Self.percentTranslated,
            "percentUpToDate": \Self.percentUpToDate,
            "barUpToDate": \Self.barUpToDate,
            "barOutdated": \Self.barOutdated,
            "barUnknown": \Self.barUnknown,
            "barMissing": \Self.barMissing,
            "movedNote": \Self.movedNote,
            "noSourceCommitNote": \Self.noSourceCommitNote,
        ]
    }

    struct Section: Sendable, TemplateFields {
        let name: String
        let totals: Totals
        let last: Bool
        static let fields: Fields = [
            "name": \Self.name,
            "totals": \Self.totals,
            "last": \Self.last,
        ]
    }

    struct Commit: Sendable, TemplateFields {
        let hash, shortHash, date, day, subject, path: String
        let added, deleted: Int
        let last: Bool
        static let fields: Fields = [
            "hash": \Self.hash,
            "shortHash": \Self.shortHash,
            "date": \Self.date,
            "day": \Self.day,
            "subject": \Self.subject,
            "path": \Self.path,
            "added": \Self.added,
            "deleted": \Self.deleted,
            "last": \Self.last,
        ]
    }

    struct DriftItem: Sendable, TemplateFields {
        let kind, subject, message: String
        let sourceLines: [Item<Int>]
        let translationLines: [Item<Int>]
        /// The lines as text; nil when there are none (Mustache reads an empty string as present).
        let sourceLinesText, translationLinesText: String?
        let last: Bool
        static let fields: Fields = [
            "kind": \Self.kind,
            "subject": \Self.subject,
            "message": \Self.message,
            "sourceLines": \Self.sourceLines,
            "translationLines": \Self.translationLines,
            "sourceLinesText": \Self.sourceLinesText,
            "translationLinesText": \Self.translationLinesText,
            "last": \Self.last,
        ]
    }

    struct Page: Sendable, TemplateFields {
        let rank: Int
        let slug, sourceSlug, section, source, translation, sourceHref, translationHref: String
        let moved, needsUpdate, partlyTranslated: Bool
        let reasons: [Item<String>]
        let why: String
        let state: String
        let unknownReason: String?
        let sourceCommit: String?
        let commitsBehind: Count?
        let linesChanged: Count?
        let newestChange: String?
        let newestDay: String
        /// Sort keys for the HTML table (a missing number sorts as -1).
        let behindSort, linesSort: Int
        let headingsSource, headingsTranslation: Int
        let commits: [Commit]
        let drift: [DriftItem]
        /// Whether there are commits or drift to show, and a line announcing them.
        let details: Bool
        let summary: String
        let sourceCommitShort: String
        /// Whether the page has English changes to show.
        let hasChanges: Bool
        /// The English changes as JSON (`SourceChanges.json`): for the JSON report and an HTML
        /// report that carries them itself; nil when the changes are in a folder beside it.
        let changes: String?
        /// Why an outdated or unknown page has none (a sentence), nil otherwise.
        let changesUnavailable: String?
        /// What the changes' disclosure says: `English changes: 4 places, +13 −2 lines`.
        let changesSummary: String
        /// An id for the page's diff, unique in the report.
        let changesID: String
        /// The script of the changes folder that holds them (`CoverageReport.changeScripts`).
        let changesChunk: String
        let last: Bool
        static let fields: Fields = [
            "rank": \Self.rank,
            "slug": \Self.slug,
            "sourceSlug": \Self.sourceSlug,
            "section": \Self.section,
            "source": \Self.source,
            "translation": \Self.translation,
            "sourceHref": \Self.sourceHref,
            "translationHref": \Self.translationHref,
            "moved": \Self.moved,
            "needsUpdate": \Self.needsUpdate,
            "partlyTranslated": \Self.partlyTranslated,
            "reasons": \Self.reasons,
            "why": \Self.why,
            "state": \Self.state,
            "unknownReason": \Self.unknownReason,
            "sourceCommit": \Self.sourceCommit,
            "commitsBehind": \Self.commitsBehind,
            "linesChanged": \Self.linesChanged,
            "newestChange": \Self.newestChange,
            "newestDay": \Self.newestDay,
            "behindSort": \Self.behindSort,
            "linesSort": \Self.linesSort,
            "headingsSource": \Self.headingsSource,
            "headingsTranslation": \Self.headingsTranslation,
            "commits": \Self.commits,
            "drift": \Self.drift,
            "details": \Self.details,
            "summary": \Self.summary,
            "sourceCommitShort": \Self.sourceCommitShort,
            "hasChanges": \Self.hasChanges,
            "changes": \Self.changes,
            "changesUnavailable": \Self.changesUnavailable,
            "changesSummary": \Self.changesSummary,
            "changesID": \Self.changesID,
            "changesChunk": \Self.changesChunk,
            "last": \Self.last,
        ]
    }

    struct Listed: Sendable, TemplateFields {
        let slug, section, path, href: String
        let last: Bool
        static let fields: Fields = [
            "slug": \Self.slug,
            "section": \Self.section,
            "path": \Self.path,
            "href": \Self.href,
            "last": \Self.last,
        ]
    }

    struct Locale: Sendable, TemplateFields {
        let locale: String
        let totals: Totals
        let sections: [Section]
        let pages: [Page]
        let toUpdate: [Page]
        let toUpdateCount: Int
        let missing: [Listed]
        let orphaned: [Listed]
        let last: Bool
        static let fields: Fields = [
            "locale": \Self.locale,
            "totals": \Self.totals,
            "sections": \Self.sections,
            "pages": \Self.pages,
            "toUpdate": \Self.toUpdate,
            "toUpdateCount": \Self.toUpdateCount,
            "missing": \Self.missing,
            "orphaned": \Self.orphaned,
            "last": \Self.last,
        ]
    }

    struct StringKey: Sendable, TemplateFields {
        let key: String
        let line: Int
        let referenceLine: Count?
        let englishCommit: String?
        let englishDay: String
        let last: Bool
        static let fields: Fields = [
            "key": \Self.key,
            "line": \Self.line,
            "referenceLine": \Self.referenceLine,
            "englishCommit": \Self.englishCommit,
            "englishDay": \Self.englishDay,
            "last": \Self.last,
        ]
    }

    struct Strings: Sendable, TemplateFields {
        let language, file, reference: String
        let history: Bool
        let missing, extra: [StringKey]
        let changed: [StringKey]
        let changedCount: Count?
        let last: Bool
        static let fields: Fields = [
            "language": \Self.language,
            "file": \Self.file,
            "reference": \Self.reference,
            "history": \Self.history,
            "missing": \Self.missing,
            "extra": \Self.extra,
            "changed": \Self.changed,
            "changedCount": \Self.changedCount,
            "last": \Self.last,
        ]
    }

    let version: Int
    let reference: String
    let referenceDocuments: Int
    /// "document" or "documents".
    let documentsWord: String
    let historyAvailable: Bool
    let repositories: [Item<String>]
    let commits: Int
    let historyNote: String?
    let sectionDepth: Int
    let locales: [Locale]
    let strings: [Strings]
    let hasStrings: Bool
    /// Where the HTML report's changes are, relative to it; nil when each page carries its own.
    let changesFolder: String?

    init(_ report: CoverageReport, links style: CoverageLinks, changesFolder: String? = nil) {
        self.changesFolder = changesFolder
        let links = style.maker()
        version = CoverageReport.version
        reference = ContentLocale.english.tag
        referenceDocuments = report.referenceDocuments
        documentsWord = report.referenceDocuments == 1 ? "document" : "documents"
        historyAvailable = report.historyUnavailable == nil
        repositories = Self.items(report.repositories)
        commits = report.commits
        historyNote = report.historyUnavailable
        sectionDepth = report.sectionDepth
        locales = report.locales.enumerated().map { index, locale in
            let pages = locale.pages.enumerated().map {
                Self.page($1, links: links, last: $0 == locale.pages.count - 1, changesInline: changesFolder == nil)
            }
            // The same values, not rebuilt; their `last` flags are those of `pages` (HTML does not use them).
            let toUpdate = pages.filter(\.needsUpdate)
            return Locale(
                locale: locale.locale.tag,
                totals: Self.totals(locale.totals),
                sections: locale.sections.enumerated().map {
                    Section(name: $1.name, totals: Self.totals($1.totals), last: $0 == locale.sections.count - 1)
                },
                pages: pages,
                toUpdate: toUpdate,
                toUpdateCount: toUpdate.count,
                missing: locale.missing.enumerated().map {
                    Listed(slug: $1.slug, section: CoverageReport.section(of: $1.slug, depth: report.sectionDepth),
                           path: $1.path, href: links.href($1), last: $0 == locale.missing.count - 1)
                },
                orphaned: locale.orphaned.enumerated().map {
                    Listed(slug: $1.slug, section: CoverageReport.section(of: $1.slug, depth: report.sectionDepth),
                           path: $1.path, href: links.href($1), last: $0 == locale.orphaned.count - 1)
                },
                last: index == report.locales.count - 1)
        }
        strings = report.strings.enumerated().map { index, strings in
            func keys(_ entries: [StringsCoverage.Entry]) -> [StringKey] {
                entries.enumerated().map {
                    StringKey(key: $1.key, line: $1.location.line, referenceLine: nil, englishCommit: nil, englishDay: "",
                              last: $0 == entries.count - 1)
                }
            }
            let changed = (strings.changed ?? []).enumerated().map {
                StringKey(key: $1.key, line: $1.location.line, referenceLine: Count(value: $1.englishLocation.line),
                          englishCommit: $1.englishCommit?.hash, englishDay: String(($1.englishCommit?.date ?? "uncommitted").prefix(10)),
                          last: $0 == (strings.changed?.count ?? 0) - 1)
            }
            return Strings(language: strings.language, file: strings.path, reference: strings.englishPath,
                           history: strings.changed != nil, missing: keys(strings.missing), extra: keys(strings.extra),
                           changed: changed, changedCount: strings.changed.map { Count(value: $0.count) },
                           last: index == report.strings.count - 1)
        }
        hasStrings = !report.strings.isEmpty
    }

    static func items<Value: Sendable>(_ values: [Value]) -> [Item<Value>] {
        values.enumerated().map { Item(value: $0.element, last: $0.offset == values.count - 1) }
    }

    static func lineList(_ lines: [Int]) -> String? {
        lines.isEmpty ? nil : lines.map(String.init).joined(separator: ", ")
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func totals(_ totals: CoverageTotals) -> Totals {
        let whole = totals.reference
        func bar(_ part: Int) -> String { String(format: "%.2f", CoverageTotals.percent(part, of: whole)) }
        return Totals(
            reference: whole, translated: totals.translated, moved: totals.moved, missing: totals.missing,
            orphaned: totals.orphaned, upToDate: totals.upToDate, outdated: totals.outdated, unknown: totals.unknown,
            noSourceCommit: totals.noSourceCommit, drifting: totals.drifting, partlyTranslated: totals.partlyTranslated,
            percentTranslated: percent(totals.percentTranslated), percentUpToDate: percent(totals.percentUpToDate),
            barUpToDate: whole == 0 ? "0" : bar(totals.upToDate), barOutdated: whole == 0 ? "0" : bar(totals.outdated),
            barUnknown: whole == 0 ? "0" : bar(totals.unknown), barMissing: whole == 0 ? "0" : bar(totals.missing),
            movedNote: totals.moved == 0 ? nil : "\(totals.moved) at an old slug",
            noSourceCommitNote: totals.noSourceCommit == 0 ? nil : "\(totals.noSourceCommit) without sourceCommit")
    }

    static func page(_ page: TranslatedPage, links: LinkMaker, last: Bool, changesInline: Bool = true) -> Page {
        var commits: [EnglishCommit] = []
        var unknownReason: String?
        if case let .outdated(found) = page.freshness { commits = found }
        if case let .unknown(reason) = page.freshness { unknownReason = reason.rawValue }
        let newest = commits.first?.date
        var summary: [String] = []
        if !commits.isEmpty { summary.append("\(commits.count) commit\(commits.count == 1 ? "" : "s")") }
        if !page.drift.isEmpty { summary.append("\(page.drift.count) drift\(page.drift.count == 1 ? "" : "s")") }
        return Page(
            rank: page.rank, slug: page.translation.slug, sourceSlug: page.source.slug, section: page.section,
            source: page.source.path, translation: page.translation.path,
            sourceHref: links.href(page.source), translationHref: links.href(page.translation),
            moved: page.isMoved, needsUpdate: page.needsUpdate, partlyTranslated: page.isPartlyTranslated,
            reasons: items(page.reasons), why: CoverageText.why(page), state: page.freshness.name,
            unknownReason: unknownReason, sourceCommit: page.translation.frontMatter.sourceCommit,
            commitsBehind: page.freshness.commitsBehind.map(Count.init), linesChanged: page.freshness.linesChanged.map(Count.init),
            newestChange: newest, newestDay: newest.map { String($0.prefix(10)) } ?? "",
            behindSort: page.freshness.commitsBehind ?? -1, linesSort: page.freshness.linesChanged ?? -1,
            headingsSource: page.headings.source, headingsTranslation: page.headings.translation,
            commits: commits.enumerated().map { index, commit in
                Commit(hash: commit.hash, shortHash: String(commit.hash.prefix(10)), date: commit.date,
                       day: String(commit.date.prefix(10)), subject: commit.subject, path: commit.path,
                       added: commit.added, deleted: commit.deleted, last: index == commits.count - 1)
            },
            drift: page.drift.enumerated().map { index, drift in
                DriftItem(kind: drift.kind.rawValue, subject: drift.subject, message: drift.message,
                          sourceLines: items(drift.sourceLines), translationLines: items(drift.translationLines),
                          sourceLinesText: Self.lineList(drift.sourceLines),
                          translationLinesText: Self.lineList(drift.translationLines),
                          last: index == page.drift.count - 1)
            },
            details: !summary.isEmpty, summary: summary.joined(separator: " · "),
            sourceCommitShort: page.translation.frontMatter.sourceCommit.map { String($0.prefix(10)) } ?? "",
            hasChanges: page.changes != nil,
            changes: changesInline ? page.changes.map { $0.json(translationFile: ChangesText.localPath(of: page.translation)) } : nil,
            changesUnavailable: page.changesUnavailable,
            changesSummary: page.changes.map { changes in
                let places = changes.diff.hunks.count
                return "English changes: \(places) place\(places == 1 ? "" : "s"), +\(changes.diff.added) −\(changes.diff.removed) lines"
            } ?? "",
            changesID: CoverageReport.changesID(of: page),
            changesChunk: CoverageReport.changesChunk(of: page),
            last: last)
    }

    static let fields: Fields = [
        "version": \Self.version,
        "reference": \Self.reference,
        "referenceDocuments": \Self.referenceDocuments,
        "documentsWord": \Self.documentsWord,
        "historyAvailable": \Self.historyAvailable,
        "repositories": \Self.repositories,
        "commits": \Self.commits,
        "historyNote": \Self.historyNote,
        "sectionDepth": \Self.sectionDepth,
        "locales": \Self.locales,
        "strings": \Self.strings,
        "hasStrings": \Self.hasStrings,
        "changesFolder": \Self.changesFolder,
    ]
}
