import Foundation

/// One locale's `_redirects.txt`: old URL → new URL, matched case-insensitively.
public struct Redirects: Sendable {
    private var targets: [String: String] = [:]
    /// Each source as written (keys are folded to lower case for matching).
    private var sources: [String: String] = [:]
    private var lines: [String: FileLocation] = [:]

    /// The number of redirects.
    public var count: Int { targets.count }

    /// Creates an empty table.
    public init() {}

    /// Parses the `FROM<TAB>TO` lines of a `_redirects.txt`; `#` starts a comment line.
    ///
    /// Malformed lines are returned as diagnostics and skipped, so one bad line does not lose
    /// the rest of the table.
    public static func parse(_ text: String, path: String) -> (Redirects, [Diagnostic]) {
        var table = Redirects()
        var problems: [Diagnostic] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingTrailingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            let location = FileLocation(file: path, line: index + 1, column: 1)
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                problems.append(Diagnostic(.error, .redirects,
                                           "a redirect line must be 'FROM<TAB>TO', found \(fields.count) field(s)",
                                           at: location))
                continue
            }
            // The source names the stub written for it; '..' would name one outside the locale.
            if let bad = fields[0].split(separator: "/").first(where: { $0 == ".." || $0 == "." }) {
                problems.append(Diagnostic(.error, .redirects,
                                           "redirect source '\(fields[0])' has a '\(bad)' segment; a source is a page's URL, such as /en-US/docs/Web/Old",
                                           at: location))
                continue
            }
            table.add(from: String(fields[0]), to: String(fields[1]), at: location)
        }
        return (table, problems)
    }

    /// Adds or replaces a redirect.
    public mutating func add(from: String, to: String, at location: FileLocation? = nil) {
        targets[Self.key(from)] = to
        sources[Self.key(from)] = from
        if let location { lines[Self.key(from)] = location }
    }

    /// Where the redirect from `url` is written.
    public func location(of url: String) -> FileLocation? { lines[Self.key(url)] }

    /// The target of `url`, if it redirects; the fragment is not part of the match.
    public func target(of url: String) -> String? {
        targets[Self.key(url)]
    }

    /// All redirects, sorted by source, as written.
    public var entries: [(from: String, to: String)] {
        targets.sorted { $0.key < $1.key }.map { (from: sources[$0.key] ?? $0.key, to: $0.value) }
    }

    private static func key(_ url: String) -> String { url.lowercased() }
}
