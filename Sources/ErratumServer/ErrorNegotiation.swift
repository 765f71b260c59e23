import ErratumCore
import Foundation

/// Which of the built error bodies answers a request: the language from `Accept-Language`
/// among those built, the format from `Accept` — as the nginx and Apache configs choose.
public struct ErrorNegotiation: Sendable, Equatable {
    /// An error body's format: the files `erratum build` writes, with their suffix and media type.
    public typealias Format = ErrorPages.Format

    /// The language folder chosen.
    public let language: String
    /// The format chosen.
    public let format: Format

    /// Chooses among `languages` (the first is the default) for the two headers.
    public init(accept: String?, acceptLanguage: String?, languages: [String]) {
        format = Self.format(accept)
        language = Self.language(acceptLanguage, among: languages) ?? languages.first ?? "en"
    }

    /// The media ranges of a header with their `q`, in order.
    static func ranges(_ header: String?) -> [(value: String, q: Double)] {
        (header ?? "").split(separator: ",").compactMap { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let value = parts.first, !value.isEmpty else { return nil }
            var q = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                q = Double(parameter.dropFirst(2)) ?? 0
            }
            return (value.lowercased(), q)
        }
    }

    static func format(_ accept: String?) -> Format {
        let ranges = Self.ranges(accept)
        guard !ranges.isEmpty else { return .html }
        func quality(_ type: String) -> Double {
            let subtypeWildcard = String(type.split(separator: "/")[0]) + "/*"
            if let exact = ranges.first(where: { $0.value == type }) { return exact.q }
            if let wildcard = ranges.first(where: { $0.value == subtypeWildcard }) { return wildcard.q }
            return ranges.first(where: { $0.value == "*/*" })?.q ?? 0
        }
        // The most specific wins a tie: problem+json over json over HTML only when asked by name.
        let html = quality("text/html"), json = quality("application/json"), problem = quality("application/problem+json")
        let named = Set(ranges.map(\.value))
        if problem > 0, problem >= html, problem >= json, named.contains("application/problem+json") || html == 0 && json == 0 { return .problem }
        if json > 0, json >= html, named.contains("application/json") || html == 0 { return .json }
        return .html
    }

    static func language(_ header: String?, among languages: [String]) -> String? {
        var best: (language: String, q: Double)?
        for (tag, q) in ranges(header) where q > 0 {
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            let match = languages.first { $0.lowercased() == tag } ?? languages.first { $0.lowercased() == primary }
                ?? (tag == "*" ? languages.first : nil)
            if let match, q > (best?.q ?? 0) { best = (match, q) }
        }
        return best?.language
    }
}
