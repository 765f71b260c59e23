import Foundation

/// Heading and term ids by MDN's rule (rari's `anchorize`), de-duplicated per page.
public struct HeadingIDs: Sendable {
    private var taken: Set<String> = []
    /// Where the search for a free id last ended, per id asked for. Ids are never given back,
    /// so the next search for the same id can start there: without it, a page with n headings
    /// of the same text walks 1 + 2 + … + n candidates (a 10 MB page took minutes).
    private var searchEnd: [String: String] = [:]

    /// Creates an empty id set for one page.
    public init() {}

    /// The characters MDN deletes from heading text before it becomes an id.
    static let deleted: Set<Character> = Set("*<>\"$#%&+,/:;=?@[]^`{|}~')(\\")

    /// The id MDN derives from a heading's text, before de-duplication.
    ///
    /// Deletes ``*<>"$#%&+,/:;=?@[]^`{|}~')(\``, trims, lower-cases, and turns each run of
    /// white space into one `_`; an empty result is `sect`.
    public static func slug(_ text: String) -> String {
        let kept = String(text.filter { !deleted.contains($0) })
        let lowered = kept.trimming(.whitespaceAndNewline).lowercased()
        var result = ""
        var inSpace = false
        for character in lowered {
            if character == " " || character == "\t" || character == "\n" || character == "\r" || character == "\u{0C}" {
                if !inSpace { result.append("_") }
                inSpace = true
            } else {
                result.append(character)
                inSpace = false
            }
        }
        return result.isEmpty ? "sect" : result
    }

    /// Claims an id for `text`: its slug, or the next free `_2`, `_3`… when taken.
    ///
    /// As in MDN, a slug that already ends in `_<digits>` is counted on from there, so a
    /// second "Step 1" becomes `step_2`.
    public mutating func claim(_ text: String) -> String {
        claim(id: Self.slug(text))
    }

    /// Claims a ready-made id, de-duplicating it the same way.
    public mutating func claim(id: String) -> String {
        let asked = id.lowercased()
        var candidate = searchEnd[asked] ?? asked
        while taken.contains(candidate) {
            if let underscore = candidate.lastIndex(of: "_"),
               case let digits = candidate[candidate.index(after: underscore)...],
               !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let number = Int(digits) {
                candidate = "\(candidate[..<underscore])_\(number + 1)"
            } else {
                candidate += "_2"
            }
        }
        taken.insert(candidate)
        searchEnd[asked] = candidate
        return candidate
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Set where Element == Character {
    static let whitespaceAndNewline: Set<Character> = [" ", "\t", "\n", "\r", "\u{0C}"]
}
