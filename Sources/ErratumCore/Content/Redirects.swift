import Foundation

/// One locale's `_redirects.txt`: old URL → new URL, matched case-insensitively.
public struct Redirects: Sendable {
    private struct Entry: Sendable {
        /// The source as written (keys are folded to lower case for matching).
        var from: String
        var to: String
        var location: FileLocation?
    }

    private var table: [String: Entry] = [:]

    /// The number of redirects.
    public var count: Int { table.count }

    /// Creates an empty table.
    public init() {}

    /// Parses the `FROM<TAB>TO` lines of a `_redirects.txt`; `#` starts a comment line.
    ///
    /// Malformed lines are returned as diagnostics and skipped, so one bad line does not lose
    /// the rest of the table. MDN's tables run to tens of thousands of lines and are read on
    /// every build, so lines are cut as UTF-8 bytes (every separator is ASCII).
    public static func parse(_ text: String, path: String) -> (Redirects, [Diagnostic]) {
        var redirects = Redirects()
        var problems: [Diagnostic] = []
        let tab = UInt8(ascii: "\t")
        var lineNumber = 0
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine[...]
            while let last = line.last, last == UInt8(ascii: " ") || last == tab || last == UInt8(ascii: "\r") { line.removeLast() }
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            let fields = line.split(separator: tab, omittingEmptySubsequences: false)
            let location = FileLocation(file: path, line: lineNumber, column: 1)
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                problems.append(Diagnostic(.error, .redirects,
                                           "a redirect line must be 'FROM<TAB>TO', found \(fields.count) field(s)",
                                           at: location))
                continue
            }
            let from = String(Substring(fields[0])), to = String(Substring(fields[1]))
            // The source names the stub written for it; '..' would name one outside the locale.
            if let bad = from.split(separator: "/").first(where: { $0 == ".." || $0 == "." }) {
                problems.append(Diagnostic(.error, .redirects,
                                           "redirect source '\(from)' has a '\(bad)' segment; a source is a page's URL, such as /en-US/docs/Web/Old",
                                           at: location))
                continue
            }
            redirects.add(from: from, to: to, at: location)
        }
        return (redirects, problems)
    }

    /// Adds or replaces a redirect.
    public mutating func add(from: String, to: String, at location: FileLocation? = nil) {
        table[Self.key(from)] = Entry(from: from, to: to, location: location)
    }

    /// Adds or replaces every redirect of `other`, with the place it is written.
    public mutating func merge(_ other: Redirects) {
        if table.isEmpty { return table = other.table }
        table.merge(other.table) { _, new in new }
    }

    /// Where the redirect from `url` is written.
    public func location(of url: String) -> FileLocation? { table[Self.key(url)]?.location }

    /// The target of `url`, if it redirects; the fragment is not part of the match.
    public func target(of url: String) -> String? {
        table[Self.key(url)]?.to
    }

    /// All redirects, sorted by source, as written.
    public var entries: [(from: String, to: String)] {
        table.sorted { $0.key < $1.key }.map { (from: $0.value.from, to: $0.value.to) }
    }

    private static func key(_ url: String) -> String { url.lowercased() }
}
