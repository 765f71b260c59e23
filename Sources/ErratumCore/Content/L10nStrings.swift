import Foundation

/// MDN's localized UI words from a content root's `jsondata/L10n-*.json`
/// (`{key: {locale: text}}`), addressed as `File.key`, e.g. `Template.optional`.
public struct L10nStrings: Sendable {
    private var values: [String: [String: String]] = [:]

    /// Creates an empty table.
    public init() {}

    /// Reads every `L10n-*.json` in a folder; files that do not parse are reported.
    static func load(folder: String) -> (L10nStrings, [Diagnostic]) {
        var table = L10nStrings()
        var problems: [Diagnostic] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix("L10n-") && $0.hasSuffix(".json") }.sorted()
        for name in names {
            let path = folder.appendingPathComponent(name)
            let file = String(name.dropFirst("L10n-".count).dropLast(".json".count))
            guard let data = FileManager.default.contents(atPath: path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                problems.append(Diagnostic(.warning, .sourceIO, "not a JSON object of localized strings",
                                           at: FileLocation(file: path, line: 1, column: 1)))
                continue
            }
            table.add(object, file: file)
        }
        return (table, problems)
    }

    /// Reads one `L10n-<file>.json` given as text.
    static func parse(json: String, file: String) throws -> L10nStrings {
        var table = L10nStrings()
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return table }
        table.add(object, file: file)
        return table
    }

    /// Every string, in a fixed order, for the build cache's fingerprint.
    func combine(into hasher: inout StableHasher) {
        hasher.combine(values.count)
        for (key, byLocale) in values.sorted(by: { $0.key < $1.key }) {
            hasher.combine(key)
            hasher.combine(byLocale.count)
            for (locale, text) in byLocale.sorted(by: { $0.key < $1.key }) {
                hasher.combine(locale)
                hasher.combine(text)
            }
        }
    }

    private mutating func add(_ object: [String: Any], file: String) {
        for (key, value) in object {
            guard let byLocale = value as? [String: Any] else { continue }
            values["\(file).\(key)"] = byLocale.compactMapValues { $0 as? String }
        }
    }

    /// Adds another table's keys (a later content root wins).
    mutating func merge(_ other: L10nStrings) {
        values.merge(other.values) { $1 }
    }

    /// The text of `key` in exactly this locale, if the table has it.
    public func text(_ key: String, locale: ContentLocale) -> String? {
        values[key]?[locale.tag]
    }

    /// Whether the table has the key at all.
    public func contains(_ key: String) -> Bool { values[key] != nil }
}
