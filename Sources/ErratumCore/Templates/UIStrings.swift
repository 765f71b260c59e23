import Yams

/// One language's UI strings from `templates/strings/<lang>.yaml`, flattened to dotted keys
/// (`errors.507.title`), each remembering the line it was written on.
public struct UIStrings: Sendable {
    /// The language tag of the file, e.g. `en`, `fr`, `pt-BR`.
    public let language: String
    /// The file the strings came from.
    public let path: String
    private let values: [String: Entry]
    /// Where each mapping (a prefix of keys, such as `errors.status`) is written.
    private let sections: [String: Entry]

    struct Entry: Sendable {
        var text: String
        var line: Int
        var column: Int
    }

    /// Creates a strings table from already-flattened values (tests, built-in fallbacks).
    public init(language: String, path: String = "<memory>", values: [String: String]) {
        self.language = language
        self.path = path
        self.values = values.mapValues { Entry(text: $0, line: 1, column: 1) }
        self.sections = [:]
    }

    /// Parses a strings file.
    ///
    /// - Throws: `DiagnosticError` (`strings`) when the file is not YAML, or a value is not a
    ///   string or a mapping.
    public init(language: String, path: String, yaml: String) throws(DiagnosticError) {
        self.language = language
        self.path = path
        if let anchor = YAMLAliases.first(in: yaml) {
            throw DiagnosticError(.strings, "strings file uses \(anchor.message)",
                                  at: FileLocation(file: path, line: anchor.line + 1, column: anchor.column))
        }
        let root: Node?
        do {
            root = try YAMLText.compose(yaml)
        } catch {
            throw DiagnosticError(.strings, "strings file is not valid YAML: \(error)",
                                  at: FileLocation(file: path, line: 1, column: 1))
        }
        var values: [String: Entry] = [:]
        var sections: [String: Entry] = [:]
        if let root {
            try Self.flatten(root, prefix: "", into: &values, sections: &sections, path: path)
        }
        self.values = values
        self.sections = sections
    }

    private static func flatten(_ node: Node, prefix: String, into values: inout [String: Entry],
                                sections: inout [String: Entry], path: String) throws(DiagnosticError) {
        switch node {
        case let .mapping(mapping):
            for (key, value) in mapping {
                let name = key.scalar?.string ?? ""
                let child = prefix.isEmpty ? name : "\(prefix).\(name)"
                if case .mapping = value {
                    sections[child] = Entry(text: "", line: key.mark?.line ?? 1, column: key.mark?.column ?? 1)
                }
                try flatten(value, prefix: child, into: &values, sections: &sections, path: path)
            }
        case let .scalar(scalar):
            values[prefix] = Entry(text: scalar.string, line: scalar.mark?.line ?? 1, column: scalar.mark?.column ?? 1)
        default:
            throw DiagnosticError(.strings, "'\(prefix)' must be a string or a mapping of strings",
                                  at: FileLocation(file: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1))
        }
    }

    /// The text for a dotted key, if this file has it.
    public subscript(_ key: String) -> String? { values[key]?.text }

    /// Every key, sorted.
    public var keys: [String] { values.keys.sorted() }

    /// Where a key is written in the file.
    public func location(of key: String) -> FileLocation? {
        values[key].map { FileLocation(file: path, line: $0.line, column: $0.column) }
    }

    /// Where a missing key belongs: the deepest mapping above it that the file has, else 1:1.
    public func nearestLocation(of key: String) -> FileLocation {
        var prefix = key
        while let dot = prefix.lastIndex(of: ".") {
            prefix = String(prefix[..<dot])
            if let entry = sections[prefix] {
                return FileLocation(file: path, line: entry.line, column: entry.column)
            }
        }
        return FileLocation(file: path, line: 1, column: 1)
    }
}

/// The strings of every language, with English as the fallback for a missing key.
public struct StringsCatalog: Sendable {
    /// Every language's strings, by tag.
    public let languages: [String: UIStrings]
    /// The language whose strings fill the gaps of the others.
    public let fallback: String

    /// Creates a catalog.
    public init(languages: [String: UIStrings], fallback: String = "en") {
        self.languages = languages
        self.fallback = fallback
    }

    /// The best strings file for a content locale: its full tag (`pt-BR`), then its language (`pt`).
    public func language(for locale: ContentLocale) -> String {
        if languages[locale.tag] != nil { return locale.tag }
        if languages[locale.language] != nil { return locale.language }
        return fallback
    }

    /// The text of `key` in `language`, falling back to English; nil when neither has it.
    public func text(_ key: String, language: String) -> String? {
        languages[language]?[key] ?? languages[fallback]?[key]
    }

    /// The text of `key` for a content locale.
    public func text(_ key: String, locale: ContentLocale) -> String? {
        text(key, language: language(for: locale))
    }
}
