/// `erratum coverage --diff`: what changed in English since a translation, for a terminal —
/// the commits, then a unified diff whose hunk headers say where each change goes in the
/// translation, with changed words highlighted when colour is on.
public enum ChangesText {
    /// ANSI colours, as git's own diff uses them.
    private enum Style {
        static let reset = "\u{1B}[m", bold = "\u{1B}[1m", red = "\u{1B}[31m", green = "\u{1B}[32m", yellow = "\u{1B}[33m",
                   cyan = "\u{1B}[36m", reverse = "\u{1B}[7m", noReverse = "\u{1B}[27m"
    }

    /// The English changes of `page`, or, when it has none, why.
    public static func render(_ page: TranslatedPage, color: Bool) -> String {
        func paint(_ text: String, _ style: String) -> String { color ? style + text + Style.reset : text }
        let title = "\(page.translation.slug) (\(page.translation.locale.tag))"
        let translationFile = DisplayPath.relativeToCurrentFolder(page.translation.path)
        var lines: [String] = []
        switch page.freshness {
        case .upToDate:
            return paint(title, Style.bold) + ": up to date: no English commit since its sourceCommit "
                + (page.translation.frontMatter.sourceCommit ?? "") + "\n"
        case let .unknown(reason):
            let why = page.changesUnavailable ?? reason.rawValue
            return paint(title, Style.bold) + ": how far it is behind is unknown: \(why)\n"
        case let .outdated(commits):
            let since = page.changes.map { " since \($0.from.prefix(10))" } ?? ""
            lines.append(paint(title, Style.bold) + ": \(commits.count) English commit\(commits.count == 1 ? "" : "s")\(since), "
                         + "the translation's sourceCommit")
            for commit in commits {
                lines.append("  \(commit.date.prefix(10))  \(paint(String(commit.hash.prefix(10)), Style.yellow))  \(commit.subject)")
            }
        }
        guard let changes = page.changes else {
            lines.append("No diff: \(page.changesUnavailable ?? "the English changes were not read").")
            return lines.joined(separator: "\n") + "\n"
        }
        var english = "English:     \(DisplayPath.relativeToCurrentFolder(page.source.path))"
        if let fromPath = changes.fromPath, fromPath != changes.path {
            english += " (\(fromPath) at \(changes.from.prefix(10)))"
        } else if changes.fromPath == nil {
            english += " (not yet written at \(changes.from.prefix(10)))"
        }
        lines.append(english)
        lines.append("Translation: \(translationFile)")
        lines.append("When done:   erratum coverage --mark-updated \(translationFile)")
        for (hunk, place) in zip(changes.diff.hunks, changes.places) {
            lines.append("")
            let range = "@@ -\(hunk.oldStart),\(hunk.oldCount) +\(hunk.newStart),\(hunk.newCount) @@"
            lines.append(paint(range, Style.cyan) + " " + describe(place, in: page))
            for line in hunk.lines {
                switch line.kind {
                case .context: lines.append(" " + line.text)
                case .removed: lines.append(colored("-", line, Style.red, color: color))
                case .added: lines.append(colored("+", line, Style.green, color: color))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Examples → Exemples (line 41 of fr/web/…/index.md)`.
    public static func describe(_ place: SectionPlace, in page: TranslatedPage) -> String {
        let file = localPath(of: page.translation)
        let translation = "\(place.translation) (line \(place.translationLine) of \(file))"
        return place.isExact ? "\(place.english) → \(translation)"
            : "\(place.english) → no such section in the translation; nearest before it: \(translation)"
    }

    /// A document's path from its locale folder on (`fr/web/http/index.md`).
    static func localPath(of document: Document) -> String {
        let folder = document.locale.folder
        for marker in ["/files/\(folder)/", "/\(folder)/"] {
            if let range = document.path.range(of: marker) {
                return String(document.path[document.path.index(after: range.lowerBound)...]).replacingOccurrences(of: "files/", with: "",
                                                                                                                    options: .anchored)
            }
        }
        return DisplayPath.relativeToCurrentFolder(document.path)
    }

    /// A changed line in its colour, its changed words in reverse video.
    private static func colored(_ sign: String, _ line: TextDiff.Line, _ style: String, color: Bool) -> String {
        guard color else { return sign + line.text }
        guard !line.words.isEmpty else { return style + sign + line.text + Style.reset }
        let units = Array(line.text.utf16)
        var result = style + sign
        var position = 0
        for range in line.words {
            result += String(decoding: units[position..<range.lowerBound], as: UTF16.self)
            result += Style.reverse + String(decoding: units[range], as: UTF16.self) + Style.noReverse
            position = range.upperBound
        }
        return result + String(decoding: units[position...], as: UTF16.self) + Style.reset
    }
}
