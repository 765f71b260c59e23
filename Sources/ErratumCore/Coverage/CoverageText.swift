import Foundation

/// The report as text for a terminal no wider than 100 columns: totals per locale and section,
/// the pages to update in priority order, the missing and orphaned pages, the UI strings.
public enum CoverageText {
    /// The widest line written, in characters.
    public static let width = 100

    /// Renders the report; `limit` caps each list (0 for no cap).
    public static func render(_ report: CoverageReport, limit: Int = 20) -> String {
        var lines: [String] = []
        let history = report.historyUnavailable.map { "history: unknown (\($0))" }
            ?? "history: \(report.commits) commit\(report.commits == 1 ? "" : "s") in \(report.repositories.joined(separator: ", "))"
        let documents = "\(report.referenceDocuments) document\(report.referenceDocuments == 1 ? "" : "s")"
        lines.append("Coverage against \(ContentLocale.english.tag): \(documents)")
        lines.append(fit(history, width))
        lines.append("")

        let columns: [(String, Int)] = [("locale/section", 20), ("en-US", 6), ("translated", 12), ("up to date", 12),
                                         ("outdated", 8), ("unknown", 7), ("missing", 7), ("orphaned", 8), ("drifting", 8)]
        lines.append(row(columns.map { ($0.0, $0.1) }, alignLeft: [0]))
        for locale in report.locales {
            lines.append(totalsRow(locale.locale.tag, locale.totals, columns: columns))
            if locale.sections.count > 1 {
                for section in locale.sections {
                    lines.append(totalsRow("  " + section.name, section.totals, columns: columns))
                }
            }
        }

        for locale in report.locales {
            let tag = locale.locale.tag
            let toUpdate = locale.pages.filter(\.needsUpdate)
            lines.append("")
            let shown = limit > 0 ? Array(toUpdate.prefix(limit)) : toUpdate
            var heading = "\(tag): \(toUpdate.count) of \(locale.pages.count) translation\(locale.pages.count == 1 ? "" : "s") to update"
            if shown.count < toUpdate.count { heading += " (first \(shown.count); --limit 0 shows all)" }
            lines.append(fit(heading, width))
            if !shown.isEmpty {
                let pageColumns: [(String, Int)] = [("#", 4), ("page", 30), ("why", 37), ("behind", 6), ("lines", 5), ("newest", 10)]
                lines.append("  " + row(pageColumns, alignLeft: [1, 2, 5]))
                for page in shown {
                    let newest: String
                    if case let .outdated(commits) = page.freshness, let first = commits.first {
                        newest = String(first.date.prefix(10))
                    } else {
                        newest = ""
                    }
                    let cells = [String(page.rank), page.translation.slug, why(page),
                                 page.freshness.commitsBehind.map(String.init) ?? "?",
                                 page.freshness.linesChanged.map(String.init) ?? "?", newest]
                    lines.append("  " + row(zip(cells, pageColumns.map(\.1)).map { ($0, $1) }, alignLeft: [1, 2, 5]))
                }
            }
            lines += list("\(tag): missing", locale.missing.map(\.slug), limit: limit)
            lines += list("\(tag): orphaned", locale.orphaned.map(\.slug), limit: limit)
        }

        if !report.strings.isEmpty {
            lines.append("")
            lines.append("UI strings against \(report.strings.first.map { ($0.englishPath as NSString).lastPathComponent } ?? "en.yaml"):")
            for strings in report.strings {
                let changed = strings.changed.map { String($0.count) } ?? "unknown"
                lines.append(fit("  \(strings.language): \(strings.missing.count) missing, \(strings.extra.count) extra, "
                                 + "\(changed) changed in English since translated (\(strings.path))", width))
                var entries = strings.missing.map { ("missing  \($0.key)", $0.location) }
                entries += strings.extra.map { ("extra    \($0.key)", $0.location) }
                entries += (strings.changed ?? []).map { ("changed  \($0.key)", $0.location) }
                let shownEntries = limit > 0 ? Array(entries.prefix(limit)) : entries
                for (text, location) in shownEntries {
                    lines.append(fit("    \(text)  \(location.file):\(location.line)", width))
                }
                if shownEntries.count < entries.count { lines.append("    … and \(entries.count - shownEntries.count) more") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Why a page needs work, in a few words.
    public static func why(_ page: TranslatedPage) -> String {
        var parts: [String] = []
        if page.isPartlyTranslated {
            parts.append("partial \(page.headings.translation)/\(page.headings.source) sections")
        }
        switch page.freshness {
        case .unknown(.noSourceCommit): parts.append("no sourceCommit")
        case .unknown(.sourceCommitNotInHistory): parts.append("unknown sourceCommit")
        case .unknown(.noHistory): parts.append("no history")
        case let .outdated(commits): parts.append("\(commits.count) commit\(commits.count == 1 ? "" : "s") behind")
        case .upToDate: break
        }
        if page.isMoved { parts.append("moved") }
        let kinds = Drift.Kind.allCases.filter { kind in page.drift.contains { $0.kind == kind } && !(kind == .sections && page.isPartlyTranslated) }
        if !kinds.isEmpty { parts.append("drift: " + kinds.map(\.rawValue).joined(separator: ", ")) }
        return parts.isEmpty ? "up to date" : parts.joined(separator: "; ")
    }

    private static func totalsRow(_ name: String, _ totals: CoverageTotals, columns: [(String, Int)]) -> String {
        // A section holding only orphans has no English page to be a share of.
        func share(_ count: Int, _ percent: Double) -> String {
            "\(count) " + (totals.reference == 0 ? "     –" : String(format: "%5.1f%%", percent))
        }
        let cells = [name, String(totals.reference), share(totals.translated, totals.percentTranslated),
                     share(totals.upToDate, totals.percentUpToDate), String(totals.outdated), String(totals.unknown),
                     String(totals.missing), String(totals.orphaned), String(totals.drifting)]
        return row(zip(cells, columns.map(\.1)).map { ($0, $1) }, alignLeft: [0])
    }

    private static func list(_ title: String, _ slugs: [String], limit: Int) -> [String] {
        guard !slugs.isEmpty else { return [] }
        let shown = limit > 0 ? Array(slugs.prefix(limit)) : slugs
        var lines = ["\(title) (\(slugs.count))"]
        lines += shown.map { fit("    " + $0, width) }
        if shown.count < slugs.count { lines.append("    … and \(slugs.count - shown.count) more") }
        return lines
    }

    /// Cells padded to their widths, separated by one space; text cut with `…` when too long.
    static func row(_ cells: [(String, Int)], alignLeft: Set<Int>) -> String {
        cells.enumerated().map { index, cell in
            let text = fit(cell.0, cell.1)
            let padding = String(repeating: " ", count: max(0, cell.1 - text.count))
            return alignLeft.contains(index) ? text + padding : padding + text
        }.joined(separator: " ").trimmingTrailingSpaces()
    }

    /// The text cut to `width` characters, ending in `…` when cut.
    static func fit(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
