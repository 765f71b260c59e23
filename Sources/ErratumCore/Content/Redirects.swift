import Foundation

/// One locale's `_redirects.txt`: old URL → new URL, matched case-insensitively.
public struct Redirects: Sendable {
    /// A redirect's target and where it is written (`files[file]`, line, column).
    private struct Entry: Sendable {
        var to: String
        var file: Int32
        var line: Int32
        var column: Int32
    }

    /// By source as written, compared and hashed without case: MDN's tables hold tens of
    /// thousands of redirects a locale, so each keeps one copy of its source, not a lower-cased
    /// one beside it, and a file index rather than a location.
    private var table: [FoldedKey: Entry] = [:]
    /// The files the redirects are written in; `Entry.file` is an index, -1 for none.
    private var files: [String] = []

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
        var file: Int32 = -1
        if let location {
            if let known = files.lastIndex(of: location.file) {
                file = Int32(known)
            } else {
                file = Int32(files.count)
                files.append(location.file)
            }
        }
        let entry = Entry(to: to, file: file, line: Int32(clamping: location?.line ?? 0),
                          column: Int32(clamping: location?.column ?? 0))
        // A new key replaces the old one too: the source is kept as last written.
        table.removeValue(forKey: FoldedKey(from))
        table[FoldedKey(from)] = entry
    }

    /// Adds or replaces every redirect of `other`, with the place it is written.
    public mutating func merge(_ other: Redirects) {
        if table.isEmpty, files.isEmpty { return self = other }
        let offset = Int32(files.count)
        files += other.files
        table.reserveCapacity(table.count + other.table.count)
        for (key, var entry) in other.table {
            if entry.file >= 0 { entry.file += offset }
            table.removeValue(forKey: key)
            table[key] = entry
        }
    }

    /// Where the redirect from `url` is written.
    public func location(of url: String) -> FileLocation? {
        guard let entry = table[FoldedKey(url)], entry.file >= 0 else { return nil }
        return FileLocation(file: files[Int(entry.file)], line: Int(entry.line), column: Int(entry.column))
    }

    /// The target of `url`, if it redirects; the fragment is not part of the match.
    public func target(of url: String) -> String? {
        table[FoldedKey(url)]?.to
    }

    /// The redirect whose source is `url` (compared case-insensitively), with its source as
    /// written in the table.
    public func redirect(of url: String) -> (from: String, to: String)? {
        guard let index = table.index(forKey: FoldedKey(url)) else { return nil }
        return (table[index].key.text, table[index].value.to)
    }

    /// All redirects, sorted by source, as written.
    public var entries: [(from: String, to: String)] {
        table.map { (key: $0.key.folded, from: $0.key.text, to: $0.value.to) }
            .sorted { $0.key < $1.key }
            .map { (from: $0.from, to: $0.to) }
    }
}

/// A URL as a key that ignores case as `lowercased()` does. ASCII text, nearly every URL, is
/// folded byte by byte without making a lower-cased copy; other text goes through
/// `lowercased()`. Both hash the bytes of the lower-cased text, so equal keys hash alike.
struct FoldedKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    /// The text in lower case.
    var folded: String { text.lowercased() }

    private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    static func == (left: FoldedKey, right: FoldedKey) -> Bool {
        var leftText = left.text
        var rightText = right.text
        let ascii: Bool? = leftText.withUTF8 { leftBytes in
            rightText.withUTF8 { rightBytes in
                guard leftBytes.allSatisfy({ $0 < 0x80 }), rightBytes.allSatisfy({ $0 < 0x80 }) else { return nil }
                guard leftBytes.count == rightBytes.count else { return false }
                for index in 0..<leftBytes.count where fold(leftBytes[index]) != fold(rightBytes[index]) { return false }
                return true
            }
        }
        return ascii ?? (left.folded == right.folded)
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        let hashed: Bool = text.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { folded in
                for index in 0..<bytes.count { folded[index] = Self.fold(bytes[index]) }
                hasher.combine(bytes: UnsafeRawBufferPointer(folded))
            }
            return true
        }
        guard !hashed else { return }
        var lower = folded
        lower.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
