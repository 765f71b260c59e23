import Foundation

/// HTML read as a flat sequence of elements and text, for comparing two renderings element
/// by element: attribute order and the whitespace between block elements do not count, every
/// tag name, attribute value and word of text does (and all whitespace inside `<pre>`).
struct HTMLElements: Equatable {
    enum Token: Equatable, CustomStringConvertible {
        case open(String, [String: String])
        case close(String)
        case text(String)

        var description: String {
            switch self {
            case let .open(name, attributes):
                let pairs = attributes.keys.sorted().map { "\($0)=\"\(attributes[$0] ?? "")\"" }
                return "<" + ([name] + pairs).joined(separator: " ") + ">"
            case let .close(name): return "</\(name)>"
            case let .text(text): return "text \"\(text)\""
            }
        }
    }

    let tokens: [Token]

    /// Elements without an end tag.
    private static let voidElements: Set<String> = ["br", "hr", "img", "input", "meta", "link", "wbr", "source"]

    init(_ html: String) {
        var tokens: [Token] = []
        var preDepth = 0
        var rest = html[...]
        while !rest.isEmpty {
            if rest.hasPrefix("<!--") {
                let end = rest.range(of: "-->")?.upperBound ?? rest.endIndex
                rest = rest[end...]
            } else if rest.hasPrefix("</") {
                let end = rest.firstIndex(of: ">") ?? rest.endIndex
                let name = rest[rest.index(rest.startIndex, offsetBy: 2)..<end].trimmingCharacters(in: .whitespaces).lowercased()
                if name == "pre" { preDepth = max(0, preDepth - 1) }
                tokens.append(.close(name))
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
            } else if rest.hasPrefix("<"), let (token, after) = Self.startTag(rest) {
                tokens.append(token)
                if case let .open(name, _) = token {
                    if name == "pre" { preDepth += 1 }
                    if Self.voidElements.contains(name) { tokens.append(.close(name)) }
                }
                rest = after
            } else {
                let next = rest.dropFirst().firstIndex(of: "<") ?? rest.endIndex
                let raw = String(rest[..<next])
                let text = preDepth > 0 ? raw : raw.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                if !text.isEmpty {
                    // Keep one space where words meet markup: "a <b>" and "a<b>" differ.
                    let spaced = preDepth > 0 ? text
                        : (raw.first?.isWhitespace == true ? " " : "") + text + (raw.last?.isWhitespace == true ? " " : "")
                    tokens.append(.text(spaced))
                }
                rest = rest[next...]
            }
        }
        self.tokens = Self.trimBlockWhitespace(tokens)
    }

    /// Reads `<name attr="v" …>` (or `/>`); nil when this `<` starts no tag.
    private static func startTag(_ html: Substring) -> (Token, Substring)? {
        var index = html.index(after: html.startIndex)
        let nameStart = index
        while index < html.endIndex, html[index].isLetter || html[index].isNumber { index = html.index(after: index) }
        guard index > nameStart else { return nil }
        let name = html[nameStart..<index].lowercased()
        var attributes: [String: String] = [:]
        while index < html.endIndex {
            while index < html.endIndex, html[index].isWhitespace || html[index] == "/" { index = html.index(after: index) }
            guard index < html.endIndex else { break }
            if html[index] == ">" { return (.open(name, attributes), html[html.index(after: index)...]) }
            let attributeStart = index
            while index < html.endIndex, !html[index].isWhitespace, !"=>/".contains(html[index]) { index = html.index(after: index) }
            let attribute = html[attributeStart..<index].lowercased()
            guard index < html.endIndex, html[index] == "=" else { attributes[attribute] = ""; continue }
            index = html.index(after: index)
            guard index < html.endIndex else { break }
            let quote = html[index]
            if quote == "\"" || quote == "'" {
                let valueStart = html.index(after: index)
                let valueEnd = html[valueStart...].firstIndex(of: quote) ?? html.endIndex
                attributes[attribute] = String(html[valueStart..<valueEnd])
                index = valueEnd < html.endIndex ? html.index(after: valueEnd) : valueEnd
            } else {
                let valueStart = index
                while index < html.endIndex, !html[index].isWhitespace, html[index] != ">" { index = html.index(after: index) }
                attributes[attribute] = String(html[valueStart..<index])
            }
        }
        return nil
    }

    /// Block-level elements: whitespace next to their tags is layout, not content.
    private static let blockElements: Set<String> = [
        "p", "div", "section", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td",
        "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "figure", "hr", "br",
    ]

    /// Trims text where it touches a block element's tag, and drops what is left empty.
    private static func trimBlockWhitespace(_ tokens: [Token]) -> [Token] {
        func isBlock(_ token: Token?) -> Bool {
            switch token {
            case let .open(name, _)?, let .close(name)?: blockElements.contains(name)
            default: token == nil
            }
        }
        var result: [Token] = []
        var insidePre = 0
        for (index, token) in tokens.enumerated() {
            if case .open("pre", _) = token { insidePre += 1 }
            if case .close("pre") = token { insidePre -= 1 }
            guard insidePre == 0, case var .text(text) = token else { result.append(token); continue }
            if isBlock(index > 0 ? tokens[index - 1] : nil), text.first == " " { text.removeFirst() }
            if isBlock(index + 1 < tokens.count ? tokens[index + 1] : nil), text.last == " " { text.removeLast() }
            if !text.isEmpty { result.append(.text(text)) }
        }
        return result
    }

    /// Where two renderings first differ: the element path and the two tokens, or nil.
    static func firstDifference(expected: String, actual: String) -> String? {
        let left = HTMLElements(expected).tokens
        let right = HTMLElements(actual).tokens
        var path: [String] = []
        for index in 0..<max(left.count, right.count) {
            let want = index < left.count ? left[index] : nil
            let got = index < right.count ? right[index] : nil
            if want != got {
                let context = path.isEmpty ? "(top level)" : path.joined(separator: " > ")
                return "element \(index) at \(context): expected \(want.map(String.init(describing:)) ?? "end of document"), "
                    + "found \(got.map(String.init(describing:)) ?? "end of document")"
            }
            switch want {
            case let .open(name, attributes)?:
                path.append(attributes["id"].map { "\(name)#\($0)" } ?? name)
            case let .close(name)?:
                if let last = path.lastIndex(where: { $0 == name || $0.hasPrefix(name + "#") }) { path.removeSubrange(last...) }
            default: break
            }
        }
        return nil
    }
}
