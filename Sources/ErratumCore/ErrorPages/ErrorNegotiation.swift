/// Which error body answers a request: RFC 9110 proactive negotiation of the format
/// (`Accept`, §12.5.1) and the language (`Accept-Language`, §12.5.4) among the bodies built.
///
/// Every server Erratum runs itself chooses here (the preview's 404s, `erratum serve-errors`),
/// and the njs configuration for nginx follows the same rules:
///
/// - Each item's weight is its `q` (`0` to `1`, at most three decimals); an item whose `q` is
///   malformed, or whose value is not a media range or language range, is ignored, as if the
///   client had not sent it. `q=0` means "not this".
/// - A format's weight comes from the most specific range that names it (`type/subtype`, then
///   `type/*`, then `*/*`; the first of equals). A language's from the most specific range that
///   matches it: the tag itself, then a longer range of the tag (`fr-CA` for `fr`, as RFC 4647's
///   lookup falls back), then a shorter one (`pt` for `pt-BR`), then `*`.
/// - The heaviest wins; a tie goes to the one the client named first, and a tie on the same
///   item (a wildcard) to the server's order: HTML, JSON, problem+json; the languages as given,
///   the default first.
/// - An error is answered whatever the headers say: what accepts none of the formats gets
///   HTML, what accepts none of the languages the default language (never 406).
public struct ErrorNegotiation: Sendable, Equatable {
    /// An error body's format: the files `erratum build` writes, with their suffix and media type.
    public typealias Format = ErrorPages.Format

    /// The language chosen.
    public let language: String
    /// The format chosen.
    public let format: Format

    /// Chooses among `languages` (the first is the default) for the two headers.
    public init(accept: String?, acceptLanguage: String?, languages: [String]) {
        format = Self.format(accept)
        language = Self.language(acceptLanguage, among: languages) ?? languages.first ?? "en"
    }

    /// One item of a header's list: its value in lower case, its weight in thousandths, its
    /// place in the list.
    struct Item: Equatable {
        let value: Substring
        let weight: Int
        let position: Int
    }

    /// The items of a header list (`a;q=0.5, b`), malformed ones left out; `isValue` tells a
    /// well-formed value.
    static func items(_ header: Substring, isValue: (Substring) -> Bool) -> [Item] {
        var items: [Item] = []
        for (position, element) in header.split(separator: ",", omittingEmptySubsequences: true).enumerated() {
            var parts = element.split(separator: ";", omittingEmptySubsequences: false).makeIterator()
            guard let first = parts.next() else { continue }
            let value = trimmed(first)
            guard !value.isEmpty, isValue(value) else { continue }
            var weight = 1000
            var wellFormed = true
            // Parameters before `q` belong to the range (`text/html;level=1`); `q` ends them.
            while let parameter = parts.next() {
                let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2, trimmed(pair[0]).lowercased() == "q" else { continue }
                guard let parsed = qvalue(trimmed(pair[1])) else {
                    wellFormed = false
                    break
                }
                weight = parsed
                break
            }
            if wellFormed { items.append(Item(value: Substring(value.lowercased()), weight: weight, position: position)) }
        }
        return items
    }

    /// RFC 9110's `qvalue`: `0`, `0.` and up to three digits, `1`, `1.` and up to three zeros; in
    /// thousandths.
    static func qvalue(_ text: Substring) -> Int? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var weight = first == UInt8(ascii: "1") ? 1000 : 0
        guard bytes.count > 1 else { return weight }
        guard bytes[1] == UInt8(ascii: "."), bytes.count <= 5 else { return nil }
        var scale = 100
        for byte in bytes.dropFirst(2) {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            if first == UInt8(ascii: "1"), byte != UInt8(ascii: "0") { return nil }
            weight += Int(byte - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return weight
    }

    static func trimmed(_ text: Substring) -> Substring {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        guard let start = text.firstIndex(where: { !isSpace($0) }), let end = text.lastIndex(where: { !isSpace($0) }) else {
            return text[text.endIndex...]
        }
        return text[start...end]
    }

    /// A token of RFC 9110 (`tchar`).
    static func isToken(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }

    /// `type/subtype`, `type/*` or `*/*`.
    static func isMediaRange(_ text: Substring) -> Bool {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, isToken(parts[0]), isToken(parts[1]) else { return false }
        return parts[0] != "*" || parts[1] == "*"
    }

    /// `*`, or subtags of one to eight letters and digits joined by `-` (the first letters only).
    static func isLanguageRange(_ text: Substring) -> Bool {
        if text == "*" { return true }
        let subtags = text.split(separator: "-", omittingEmptySubsequences: false)
        return subtags.enumerated().allSatisfy { index, subtag in
            (1...8).contains(subtag.utf8.count) && subtag.utf8.allSatisfy { byte in
                let letter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                return letter || (index > 0 && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte))
            }
        }
    }

    /// The format for an `Accept` header (absent: HTML).
    public static func format(_ accept: String?) -> Format {
        guard let accept else { return .html }
        let ranges = items(Substring(accept), isValue: isMediaRange)
        var best: (format: Format, weight: Int, position: Int)?
        for format in Format.allCases {
            let type = format.mediaType.split(separator: ";")[0]
            let major = type.split(separator: "/")[0]
            // The most specific range naming the type, the first of equals.
            let deciding = ranges.first { $0.value == type }
                ?? ranges.first { $0.value.hasSuffix("/*") && $0.value.dropLast(2) == major }
                ?? ranges.first { $0.value == "*/*" }
            guard let deciding, deciding.weight > 0 else { continue }
            if best == nil || deciding.weight > best!.weight || (deciding.weight == best!.weight && deciding.position < best!.position) {
                best = (format, deciding.weight, deciding.position)
            }
        }
        return best?.format ?? .html
    }

    /// The language for an `Accept-Language` header among `languages` (in the server's order),
    /// or nil when it accepts none of them.
    public static func language(_ header: String?, among languages: [String]) -> String? {
        guard let header else { return nil }
        let ranges = items(Substring(header), isValue: isLanguageRange)
        var best: (language: String, weight: Int, position: Int)?
        for language in languages {
            let tag = Substring(language.lowercased())
            let deciding = ranges.first { $0.value == tag }
                ?? ranges.first { $0.value.hasPrefix(tag + "-") }
                ?? ranges.first { tag.hasPrefix($0.value + "-") }
                ?? ranges.first { $0.value == "*" }
            guard let deciding, deciding.weight > 0 else { continue }
            if best == nil || deciding.weight > best!.weight || (deciding.weight == best!.weight && deciding.position < best!.position) {
                best = (language, deciding.weight, deciding.position)
            }
        }
        return best?.language
    }
}
