import Foundation

/// One argument of a macro call, as MDN's KumaScript parser reads it.
public enum MacroArgument: Sendable, Hashable, CustomStringConvertible {
    /// A quoted string ('…', "…" or `…`), with escapes resolved.
    case string(String)
    /// A number such as `15` or `1.5`.
    case number(Double)
    /// `true` or `false`.
    case bool(Bool)

    /// The argument as text; numbers print without a trailing `.0`.
    public var text: String {
        switch self {
        case let .string(value): value
        case let .number(value): value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case let .bool(value): value ? "true" : "false"
        }
    }

    public var description: String {
        switch self {
        case let .string(value): "\"\(value)\""
        default: text
        }
    }
}

/// A `{{Name(args)}}` call found in a document's Markdown.
public struct MacroCall: Sendable, Hashable {
    /// The name as written, e.g. `HTTPStatus`.
    public var name: String
    /// The arguments in order.
    public var arguments: [MacroArgument]
    /// The exact source text, from `{{` to `}}`.
    public var source: String
    /// The UTF-8 offset range of the call in the Markdown body.
    public var range: Range<Int>
    /// The 0-based line within the body.
    public var line: Int
    /// The 1-based column (in Unicode scalars) of the opening `{{`.
    public var column: Int

    /// Creates a call.
    public init(name: String, arguments: [MacroArgument], source: String, range: Range<Int>, line: Int, column: Int) {
        self.name = name
        self.arguments = arguments
        self.source = source
        self.range = range
        self.line = line
        self.column = column
    }

    /// The name folded the way MDN matches it: case-insensitive, `-` equal to `_`.
    public var normalizedName: String {
        name.lowercased().replacingOccurrences(of: "-", with: "_")
    }

    /// Whether the `index`th argument is given and not false (MDN's `no_code`-style flags).
    public func flag(_ index: Int) -> Bool {
        index < arguments.count && arguments[index] != .bool(false) && argument(index) != nil
    }

    /// `url` with the `index`th argument appended as its fragment, when given (`#` optional).
    public func url(_ url: String, anchorArgument index: Int) -> String {
        guard let anchor = argument(index) else { return url }
        return url + (anchor.hasPrefix("#") ? anchor : "#\(anchor)")
    }

    /// The `index`th argument as text; an empty string counts as absent, as in MDN.
    public func argument(_ index: Int) -> String? {
        guard index < arguments.count else { return nil }
        let text = arguments[index].text
        return text.isEmpty ? nil : text
    }
}
