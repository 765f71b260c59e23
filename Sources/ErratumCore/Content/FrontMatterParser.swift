import Foundation

import Yams

/// Splits a document into YAML front matter and Markdown body, and decodes the front matter.
///
/// Every problem is reported at the file's own line and column: YAML positions are
/// shifted by the opening `---` line, so an editor jumps to the right character.
public struct FrontMatterParser: Sendable {
    /// The result of parsing one file.
    public struct Parsed: Sendable {
        /// The decoded front matter.
        public var frontMatter: FrontMatter
        /// The Markdown after the closing `---`.
        public var body: String
        /// The 1-based file line the body starts on.
        public var bodyLine: Int
        /// Where the body starts in the text parsed, in UTF-8 bytes.
        public var bodyOffset: Int = 0
        /// Warnings that do not stop the document from loading (unknown keys).
        public var warnings: [Diagnostic]
    }

    /// Keys MDN documents use. `original_slug` (a translation's slug before its page moved) is
    /// read; `translation_of` and `tags` are legacy keys, accepted and ignored.
    static let knownKeys: Set<String> = [
        "title", "short-title", "slug", "page-type", "spec-urls", "browser-compat",
        "sidebar", "status", "l10n", "original_slug", "translation_of", "tags",
    ]

    /// The file name shown in diagnostics.
    public let path: String

    /// Creates a parser for the file shown as `path`.
    public init(path: String) { self.path = path }

    /// Parses `text`, the whole file with `\n` line ends.
    ///
    /// - Throws: `DiagnosticError` with code `front-matter` when the front matter is missing,
    ///   unclosed, not valid YAML or uses YAML anchors and aliases; `front-matter-type` when a
    ///   value has the wrong type or `title`/`slug` is missing; `invalid-slug` when a slug would
    ///   leave its locale's folder.
    public func parse(_ text: String) throws(DiagnosticError) -> Parsed {
        // Line by line up to the closing '---' only: the body is taken whole, not split and
        // joined again (bodies run to megabytes).
        var rest = text[...]
        func nextLine() -> Substring? {
            guard !rest.isEmpty || rest.startIndex != text.endIndex else { return nil }
            let end = rest.firstIndex(of: "\n") ?? rest.endIndex
            let line = rest[..<end]
            rest = end == rest.endIndex ? text[text.endIndex...] : rest[rest.index(after: end)...]
            return line
        }
        guard let first = nextLine(), first.trimmingTrailingSpaces == "---" else {
            throw DiagnosticError(.frontMatter, "document does not start with front matter ('---' on the first line)",
                                  at: location(1, 1))
        }
        var yamlLines: [Substring] = []
        var closed = false
        while let line = nextLine() {
            if line.trimmingTrailingSpaces == "---" {
                closed = true
                break
            }
            yamlLines.append(line)
        }
        guard closed else {
            throw DiagnosticError(.frontMatter, "front matter is not closed by '---'", at: location(1, 1))
        }
        let closing = yamlLines.count + 1
        let yaml = yamlLines.joined(separator: "\n")
        let body = String(rest)

        if let anchor = YAMLAliases.first(in: yaml) {
            throw DiagnosticError(.frontMatter, "front matter uses \(anchor.message)",
                                  at: location(anchor.line + 2, anchor.column))
        }
        let root: Node?
        do {
            root = try YAMLText.composeStrings(yaml)
        } catch let error as YamlError {
            throw DiagnosticError(.frontMatter, "front matter is not valid YAML: \(Self.problem(of: error))",
                                  at: Self.mark(of: error).map { location(yamlMark: $0) } ?? location(2, 1))
        } catch {
            throw DiagnosticError(.frontMatter, "front matter is not valid YAML: \(error)", at: location(2, 1))
        }
        var decoder = Decoder(parser: self)
        let frontMatter = try decoder.decode(root)
        return Parsed(frontMatter: frontMatter, body: body, bodyLine: closing + 2,
                      bodyOffset: text.utf8.distance(from: text.startIndex, to: rest.startIndex), warnings: decoder.warnings)
    }

    func location(_ line: Int, _ column: Int) -> FileLocation {
        FileLocation(file: path, line: line, column: column)
    }

    /// YAML starts on the file's second line.
    func location(yamlMark mark: Mark) -> FileLocation {
        location(mark.line + 1, mark.column)
    }

    private static func mark(of error: YamlError) -> Mark? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): mark
        case let .duplicatedKeysInMapping(_, context): context.mark
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _),
             let .composer(context, problem, _, _):
            context.map { "\(problem) (\($0.text))" } ?? problem
        case let .duplicatedKeysInMapping(duplicates, _):
            "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))"
        case let .reader(problem, _, _, _):
            problem
        default:
            "\(error)"
        }
    }
}

extension FrontMatterParser {
    /// Walks the composed YAML tree into `FrontMatter`, keeping each node's position.
    private struct Decoder {
        let parser: FrontMatterParser
        var warnings: [Diagnostic] = []

        mutating func decode(_ root: Node?) throws(DiagnosticError) -> FrontMatter {
            guard let root else {
                throw DiagnosticError(.frontMatterType, "front matter is empty; 'title' and 'slug' are required",
                                      at: parser.location(1, 1))
            }
            guard case let .mapping(mapping) = root else {
                throw typeError(root, key: nil, expected: "a mapping of keys to values")
            }
            var title: String?
            var slug: String?
            var result = FrontMatter(title: "", slug: "")
            for (keyNode, value) in mapping {
                let key = keyNode.scalar?.string ?? ""
                switch key {
                case "title": title = try string(value, key: key)
                case "slug": slug = try pagePath(value, key: key)
                case "short-title": result.shortTitle = try string(value, key: key)
                case "page-type": result.pageType = try string(value, key: key)
                case "sidebar": result.sidebar = try string(value, key: key)
                case "spec-urls": result.specURLs = try strings(value, key: key)
                case "browser-compat": result.browserCompat = try strings(value, key: key)
                case "status": result.status = try strings(value, key: key)
                case "l10n": result.sourceCommit = try l10n(value)
                case "original_slug": result.originalSlug = try pagePath(value, key: key).trimming(["/"])
                default:
                    if !FrontMatterParser.knownKeys.contains(key) {
                        warnings.append(Diagnostic(.warning, .unknownKey, unknownKeyMessage(key),
                                                   at: keyNode.mark.map(parser.location(yamlMark:))))
                    }
                }
            }
            guard let title, !title.isEmpty else {
                throw DiagnosticError(.frontMatterType, "front matter has no 'title'", at: parser.location(1, 1))
            }
            guard let slug, !slug.isEmpty else {
                throw DiagnosticError(.frontMatterType, "front matter has no 'slug'", at: parser.location(1, 1))
            }
            result.title = title
            result.slug = slug.trimming(["/"])
            return result
        }

        private func unknownKeyMessage(_ key: String) -> String {
            // A near miss such as `ln10:` silently loses a translation's sourceCommit; name the key meant.
            let nearest = FrontMatterParser.knownKeys
                .map { (key: $0, distance: editDistance(key.lowercased(), $0)) }
                .filter { $0.distance <= 2 && $0.distance < $0.key.count }
                .min { ($0.distance, $0.key) < ($1.distance, $1.key) }
            if let nearest {
                return "unknown front-matter key '\(key)'; did you mean '\(nearest.key)'?"
            }
            return "unknown front-matter key '\(key)'"
        }

        private func string(_ node: Node, key: String) throws(DiagnosticError) -> String {
            // An empty value is null; a written `null` or `~` is taken as its text, as before.
            guard case let .scalar(scalar) = node, !(scalar.string.isEmpty && scalar.isNull) else {
                throw typeError(node, key: key, expected: "a string")
            }
            return scalar.string
        }

        /// A slug: the page's path below its locale's `docs/`, which becomes folders of the
        /// output. A `..` or `.` segment, an empty one or a control character would put the page
        /// somewhere else (or nowhere), so each is refused at the value. Slashes at either end
        /// are dropped, as before: `/Web/HTTP/` is `Web/HTTP`, still inside the locale.
        private func pagePath(_ node: Node, key: String) throws(DiagnosticError) -> String {
            let value = try string(node, key: key)
            let at = node.mark.map(parser.location(yamlMark:)) ?? parser.location(1, 1)
            let segments = value.trimming(["/"]).split(separator: "/", omittingEmptySubsequences: false)
            let problem: String? = if let bad = segments.first(where: { $0 == ".." || $0 == "." }) {
                "has a '\(bad)' segment"
            } else if segments.contains(where: \.isEmpty), !value.trimming(["/"]).isEmpty {
                "has an empty segment ('//')"
            } else if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                "holds a control character"
            } else {
                nil
            }
            guard let problem else { return value }
            let shown = String(value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
            throw DiagnosticError(.invalidSlug, "'\(key)' value '\(shown)' \(problem); a slug names a page below its "
                                  + "locale's docs/, such as 'Web/HTTP/Reference/Status/404'", at: at)
        }

        private func strings(_ node: Node, key: String) throws(DiagnosticError) -> [String] {
            switch node {
            case let .scalar(scalar) where !scalar.string.isEmpty:
                return [scalar.string]
            case let .sequence(sequence):
                var values: [String] = []
                for item in sequence {
                    values.append(try string(item, key: key))
                }
                return values
            default:
                throw typeError(node, key: key, expected: "a string or a list of strings")
            }
        }

        private mutating func l10n(_ node: Node) throws(DiagnosticError) -> String? {
            guard case let .mapping(mapping) = node else {
                throw typeError(node, key: "l10n", expected: "a mapping with 'sourceCommit'")
            }
            var commit: String?
            for (keyNode, value) in mapping {
                let key = keyNode.scalar?.string ?? ""
                if key == "sourceCommit" {
                    commit = try string(value, key: "l10n.sourceCommit")
                } else {
                    warnings.append(Diagnostic(.warning, .unknownKey, "unknown key 'l10n.\(key)'; MDN knows only 'l10n.sourceCommit'",
                                               at: keyNode.mark.map(parser.location(yamlMark:))))
                }
            }
            return commit
        }

        private func typeError(_ node: Node, key: String?, expected: String) -> DiagnosticError {
            let found = switch node {
            case .scalar(let scalar) where scalar.string.isEmpty: "nothing"
            case .scalar: "a scalar"
            case .mapping: "a mapping"
            case .sequence: "a list"
            case .alias: "an alias (aliases are not allowed in front matter)"
            }
            let subject = key.map { "'\($0)' must be" } ?? "front matter must be"
            return DiagnosticError(.frontMatterType, "\(subject) \(expected), found \(found)",
                                   at: node.mark.map(parser.location(yamlMark:)) ?? parser.location(1, 1))
        }
    }
}

extension Substring {
    var trimmingTrailingSpaces: Substring {
        var end = endIndex
        while end > startIndex, let last = self[..<end].last, last == " " || last == "\t" || last == "\r" {
            end = index(before: end)
        }
        return self[..<end]
    }
}

extension String {
    func trimming(_ set: Set<Character>) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}

/// The Damerau–Levenshtein distance between two short strings (a swap of neighbours costs 1).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}
