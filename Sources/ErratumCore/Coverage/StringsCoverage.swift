import Foundation

/// One language's UI strings (`templates/strings/<lang>.yaml`) against English.
public struct StringsCoverage: Sendable {
    /// A key and where it is written.
    public struct Entry: Sendable, Hashable {
        /// The dotted key, e.g. `errors.status.507.title`.
        public let key: String
        /// Where it is written (in English for missing keys, in the translation otherwise).
        public let location: FileLocation
    }

    /// A key whose English text changed after its translation was last written.
    public struct Changed: Sendable, Hashable {
        /// The dotted key.
        public let key: String
        /// Where the translation is.
        public let location: FileLocation
        /// Where the English text is.
        public let englishLocation: FileLocation
        /// The commit that last changed the English text; nil when the change is not committed yet.
        public let englishCommit: EnglishCommit?
    }

    /// The language tag, e.g. `fr`.
    public let language: String
    /// The translation's file.
    public let path: String
    /// The English file.
    public let englishPath: String
    /// English keys the translation lacks (English is shown in their place).
    public let missing: [Entry]
    /// Keys English does not have: a typo or a key English dropped.
    public let extra: [Entry]
    /// Keys whose English changed after the translation; nil without git history.
    public let changed: [Changed]?
}

/// The UI strings files and their line history, as read from disk and git.
public struct StringsSources: Sendable {
    /// Every language's strings.
    public let strings: StringsCatalog
    /// Each language's file text, for the line ranges of keys.
    let texts: [String: String]
    /// The languages whose file is on disk (in the override folder), not built in.
    let onDisk: Set<String>
    /// Where the folder is in git, and the files' line history; nil without history.
    let history: (location: GitLocation, lines: LineHistory)?
    /// Notes about history that could not be read.
    public let diagnostics: [Diagnostic]

    /// Reads the texts of `strings`' files and the history of those on disk (one `git
    /// rev-parse`, one `git log -p`, one `git diff`). Built-in files have no history, and
    /// neither has a translation compared with a built-in English.
    public static func read(_ strings: StringsCatalog, files: TemplateFiles) -> StringsSources {
        var texts: [String: String] = [:]
        var onDisk: Set<String> = []
        for language in strings.languages.keys {
            let relative = "strings/\(language).yaml"
            texts[language] = try? files.text(relative)
            if files.isOverridden(relative) { onDisk.insert(language) }
        }
        guard onDisk.contains(strings.fallback), let overrides = files.overrides else {
            return StringsSources(strings: strings, texts: texts, onDisk: onDisk, history: nil, diagnostics: [])
        }
        let folder = overrides.appendingPathComponent("strings")
        do throws(GitError) {
            let location = try GitLocation.of(folder)
            let paths = onDisk.map { location.prefix + $0 + ".yaml" }.sorted()
            let lines = try LineHistory.read(location, files: paths)
            return StringsSources(strings: strings, texts: texts, onDisk: onDisk, history: (location, lines), diagnostics: [])
        } catch {
            let note = Diagnostic(.note, .gitHistory, ContentHistory.reason(error, folder: folder)
                                  + "; which UI strings changed in English since their translation cannot be told")
            return StringsSources(strings: strings, texts: texts, onDisk: onDisk, history: nil, diagnostics: [note])
        }
    }

    /// Compares every language but English with English; `languages` limits which.
    ///
    /// A translated key is *changed* when the last commit that touched its English lines is
    /// newer than (not an ancestor of) the last commit that touched its translated lines —
    /// `git blame` for the two ranges, without a blame process. Uncommitted edits count as
    /// newest.
    func coverage(languages: Set<String>?) -> [StringsCoverage] {
        let fallback = strings.fallback
        guard let english = strings.languages[fallback] else { return [] }
        let englishRanges = Self.keyRanges(english, text: texts[fallback])
        var ancestries: [Int: Ancestry] = [:]
        return strings.languages.keys.sorted().filter { language in language != fallback && languages?.contains(language) != false }
            .compactMap { language in
                guard let table = strings.languages[language] else { return nil }
                let englishKeys = Set(english.keys), keys = Set(table.keys)
                let missing = english.keys.filter { !keys.contains($0) }.map {
                    StringsCoverage.Entry(key: $0, location: english.location(of: $0) ?? english.nearestLocation(of: $0))
                }
                let extra = table.keys.filter { !englishKeys.contains($0) }.map {
                    StringsCoverage.Entry(key: $0, location: table.location(of: $0) ?? table.nearestLocation(of: $0))
                }
                var changed: [StringsCoverage.Changed]?
                if let (location, lines) = history, onDisk.contains(language) {
                    let ranges = Self.keyRanges(table, text: texts[language])
                    let englishFile = location.prefix + (english.path as NSString).lastPathComponent
                    let file = location.prefix + (table.path as NSString).lastPathComponent
                    changed = table.keys.filter(englishKeys.contains).compactMap { key in
                        guard let englishRange = englishRanges[key], let range = ranges[key] else { return nil }
                        let englishChange = lines.lastChange(of: englishRange, in: englishFile)
                        let change = lines.lastChange(of: range, in: file)
                        let isNewer: Bool
                        switch (englishChange, change) {
                        case (_, .uncommitted): isNewer = false
                        case (.uncommitted, .commit): isNewer = true
                        case let (.commit(englishIndex), .commit(index)):
                            let ancestry = ancestries[index] ?? lines.graph.ancestry(of: index)
                            ancestries[index] = ancestry
                            isNewer = !ancestry.contains(englishIndex)
                        }
                        guard isNewer, let location = table.location(of: key), let englishLocation = english.location(of: key) else { return nil }
                        var commit: EnglishCommit?
                        if case let .commit(index) = englishChange {
                            let found = lines.graph.commits[index]
                            commit = EnglishCommit(hash: found.hash, date: found.date, subject: found.subject,
                                                   path: englishFile, added: 0, deleted: 0)
                        }
                        return StringsCoverage.Changed(key: key, location: location, englishLocation: englishLocation, englishCommit: commit)
                    }
                }
                return StringsCoverage(language: language, path: table.path, englishPath: english.path,
                                       missing: missing, extra: extra, changed: changed)
            }
    }

    /// Each key's lines: the line its value starts on, and the lines after it that are indented
    /// deeper (a folded or multi-line value).
    static func keyRanges(_ table: UIStrings, text: String?) -> [String: ClosedRange<Int>] {
        let lines = text.map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? []
        func indent(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }
        var ranges: [String: ClosedRange<Int>] = [:]
        for key in table.keys {
            guard let start = table.location(of: key)?.line else { continue }
            var end = start
            if start >= 1, start <= lines.count {
                let depth = indent(lines[start - 1])
                while end < lines.count {
                    let next = lines[end]
                    guard !next.trimmingCharacters(in: .whitespaces).isEmpty, indent(next) > depth else { break }
                    end += 1
                }
            }
            ranges[key] = start...end
        }
        return ranges
    }
}
