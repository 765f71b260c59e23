import Foundation
import Yams

/// One of MDN's sidebar files (`files/sidebars/<name>.yaml`): a tree of entries and, per
/// locale, the words that replace entry titles (`l10n: { de: { Guides: Anleitungen } }`).
public struct SidebarDefinition: Sendable, Hashable {
    /// One entry, as MDN's build reads it.
    public struct Entry: Sendable, Hashable {
        /// How the entry finds its children.
        public enum Kind: Sendable, Hashable {
            /// A link (or a title) with the children written under it.
            case plain
            /// A section heading, with the children written under it.
            case section
            /// The pages directly below `path`, sorted by title.
            case listSubPages(path: String)
        }

        /// What kind of entry it is.
        public var kind: Kind
        /// The page it links (`/Web/HTTP`, locale-less, or a full `/en-US/…` path); nil for a
        /// bare title.
        public var link: String?
        /// The title, itself a key into the sidebar's `l10n` words; nil takes the page's title.
        public var title: String?
        /// Whether the children fold into a `<details>` (`closed` or `open`); nil when not.
        public var details: String?
        /// Whether the titles are set in `<code>`.
        public var code: Bool
        /// The entries written under this one.
        public var children: [Entry]
    }

    /// The sidebar's name (its file name without `.yaml`).
    public var name: String
    /// The entries, in order.
    public var entries: [Entry]
    /// Localized titles: locale tag → title key → words.
    public var words: [String: [String: String]]

    /// The words for a title key in a locale, else in English, else the key itself (MDN's rule).
    public func title(_ key: String, locale: ContentLocale) -> String {
        words[locale.tag]?[key] ?? words[ContentLocale.english.tag]?[key] ?? key
    }

    /// Reads a sidebar file; malformed entries are reported at their line and left out.
    static func parse(_ text: String, name: String, path: String) -> (SidebarDefinition?, [Diagnostic]) {
        if let anchor = YAMLAliases.first(in: text) {
            return (nil, [Diagnostic(.error, .sidebar, "sidebar '\(name)' uses \(anchor.message)",
                                     at: FileLocation(file: path, line: anchor.line + 1, column: anchor.column))])
        }
        let root: Node?
        do {
            root = try YAMLText.compose(text)
        } catch {
            return (nil, [Diagnostic(.error, .sidebar, "sidebar '\(name)' is not valid YAML: \(error)",
                                     at: FileLocation(file: path, line: 1, column: 1))])
        }
        guard let mapping = root?.mapping, let list = mapping["sidebar"]?.sequence else {
            return (nil, [Diagnostic(.error, .sidebar, "sidebar '\(name)' has no 'sidebar:' list",
                                     at: FileLocation(file: path, line: 1, column: 1))])
        }
        var problems: [Diagnostic] = []
        func location(_ node: Node) -> FileLocation {
            FileLocation(file: path, line: (node.mark?.line ?? 0) + 1, column: node.mark.map { $0.column } ?? 1)
        }
        func entries(_ sequence: Node.Sequence) -> [Entry] {
            sequence.compactMap { node -> Entry? in
                if let link = node.string {
                    return Entry(kind: .plain, link: link, title: nil, details: nil, code: false, children: [])
                }
                guard let fields = node.mapping else {
                    problems.append(Diagnostic(.warning, .sidebar, "a sidebar entry must be a link or a mapping", at: location(node)))
                    return nil
                }
                let link = fields["link"]?.string
                let kind: Entry.Kind
                switch fields["type"]?.string {
                case nil, "default"?: kind = .plain
                case "section"?: kind = .section
                case "listSubPages"?, "listSubPagesGrouped"?:
                    guard let path = fields["path"]?.string ?? link else {
                        problems.append(Diagnostic(.warning, .sidebar, "a listSubPages entry needs a 'path'", at: location(node)))
                        return nil
                    }
                    kind = .listSubPages(path: path)
                case let other?:
                    problems.append(Diagnostic(.warning, .sidebar, "sidebar entry type '\(other)' is not supported; left out",
                                               at: location(node)))
                    return nil
                }
                return Entry(kind: kind, link: link, title: fields["title"]?.string, details: fields["details"]?.string,
                             code: fields["code"]?.bool ?? false,
                             children: fields["children"]?.sequence.map(entries) ?? [])
            }
        }
        var words: [String: [String: String]] = [:]
        for (locale, table) in mapping["l10n"]?.mapping ?? [:] {
            guard let tag = locale.string, let table = table.mapping else { continue }
            var localized: [String: String] = [:]
            for (key, value) in table {
                if let key = key.string, let value = value.string { localized[key] = value }
            }
            words[tag] = localized
        }
        return (SidebarDefinition(name: name, entries: entries(list), words: words), problems)
    }
}

extension DiagnosticCode {
    /// A sidebar file (`sidebars/<name>.yaml`) that cannot be read, or an entry left out.
    public static let sidebar = Self(rawValue: "sidebar")
}
