import Yams

/// Finds YAML anchors (`&name`) and aliases (`*name`) before a document is composed.
///
/// Yams composes an alias by sharing the anchored node, so a "billion laughs" document costs
/// little memory to load — but anything that walks the tree walks every copy, and Yams itself
/// hashes a mapping's keys to find duplicates, so one alias used as a key makes composing
/// take exponential time. MDN's front matter, sidebars and strings files never use anchors,
/// so Erratum refuses them outright instead of bounding the expansion.
///
/// The scan reads YAML's indicators the way its scanner does: `&` and `*` count only where a
/// node starts (after indentation, `- `, `? `, `: `, or `[`, `{` and `,` in flow context),
/// never inside quoted scalars, plain scalars, block scalars or comments.
enum YAMLAliases {
    /// One anchor or alias: what it is, and its 0-based line and 1-based column in the text.
    struct Finding: Sendable, Hashable {
        /// `&name` or `*name`, as written.
        var token: String
        /// Whether it is an alias (`*`) rather than an anchor (`&`).
        var isAlias: Bool
        /// The 0-based line.
        var line: Int
        /// The 1-based column, in Unicode scalars.
        var column: Int

        /// The end of a diagnostic's sentence, after "front matter uses".
        var message: String {
            "the YAML \(isAlias ? "alias" : "anchor") '\(token)'; anchors and aliases are not accepted "
                + "(MDN's files use none, and a few lines of them can expand into gigabytes)"
        }
    }

    /// The first anchor or alias in `yaml`, or nil when it has none.
    static func first(in yaml: String) -> Finding? {
        // Nearly every file has neither character: skip the scan.
        guard yaml.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "*") }) else { return nil }
        var flowDepth = 0
        var quote: Unicode.Scalar?
        var blockScalarParent: Int?
        var atNodeStart = false
        for (lineNumber, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let scalars = Array(line.unicodeScalars)
            let indent = scalars.prefix { $0 == " " }.count
            if let parent = blockScalarParent {
                if indent == scalars.count || indent > parent { continue }
                blockScalarParent = nil
            }
            if quote == nil, flowDepth == 0 { atNodeStart = true }
            var index = 0
            var previous: Unicode.Scalar = " "
            lineLoop: while index < scalars.count {
                let scalar = scalars[index]
                let next: Unicode.Scalar = index + 1 < scalars.count ? scalars[index + 1] : " "
                defer {
                    previous = scalar
                    index += 1
                }
                if let open = quote {
                    if open == "\"", scalar == "\\" {
                        index += 1
                    } else if scalar == open {
                        if open == "'", next == "'" { index += 1 } else { quote = nil }
                    }
                    continue
                }
                if scalar == " " || scalar == "\t" { continue }
                if scalar == "#", previous == " " || previous == "\t" { break lineLoop }
                let separated = next == " " || next == "\t"
                if atNodeStart {
                    switch scalar {
                    case "*", "&":
                        let name = scalars[(index + 1)...].prefix { !" \t,[]{}".unicodeScalars.contains($0) }
                        var token = String(scalar)
                        token.unicodeScalars.append(contentsOf: name)
                        return Finding(token: token, isAlias: scalar == "*", line: lineNumber, column: index + 1)
                    case "\"", "'":
                        quote = scalar
                        atNodeStart = false
                    case "-", "?", ":":
                        // An indicator keeps the node start; the same character starting a word
                        // (`-1`, `?x`) begins a plain scalar.
                        if !separated { atNodeStart = false }
                    case "[", "{":
                        flowDepth += 1
                    case "]", "}":
                        flowDepth = max(0, flowDepth - 1)
                        atNodeStart = false
                    case "|", ">":
                        guard flowDepth == 0 else { atNodeStart = false; continue }
                        blockScalarParent = indent
                        break lineLoop
                    case "!":
                        // A tag stands before the node it tags.
                        while index + 1 < scalars.count, scalars[index + 1] != " " { index += 1 }
                    default:
                        atNodeStart = false
                    }
                } else if scalar == ":", separated || (flowDepth > 0 && ",[]{}".unicodeScalars.contains(next)) {
                    atNodeStart = true
                } else if flowDepth > 0, scalar == "," {
                    atNodeStart = true
                } else if flowDepth > 0, scalar == "]" || scalar == "}" {
                    flowDepth -= 1
                }
            }
        }
        return nil
    }
}

/// Composes YAML text into a node tree with Yams, its settings made once: `Parser.Encoding.default`
/// reads the process environment and `Constructor.default` builds its tables on every call,
/// which together cost a fifth of parsing a document's front matter.
enum YAMLText {
    // Never changed after it is made; the parser only reads it.
    nonisolated(unsafe) private static let constructor = Constructor.default

    static func compose(_ text: String) throws -> Node? {
        try Yams.compose(yaml: text, .default, constructor, .utf8)
    }

    /// Composes text whose every value is read as a string (front matter): no scalar is
    /// matched against the core schema's patterns for numbers, booleans, dates and null, which
    /// Yams does with a regular expression per scalar, twice (once more for the duplicate-key
    /// check) — half of parsing a document's front matter. `nullWords` tells a plain null.
    static func composeStrings(_ text: String) throws -> Node? {
        try Yams.compose(yaml: text, .basic, constructor, .utf8)
    }

    /// The plain scalars YAML's core schema reads as null.
    static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]
}

extension Node.Scalar {
    /// Whether the core schema reads this scalar as null, whatever the resolver composed it with.
    var isNull: Bool {
        (style == .plain && YAMLText.nullWords.contains(string)) || tag.description == Tag.Name.null.rawValue
    }
}
