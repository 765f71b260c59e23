/// Makes a document's raw HTML inert: `<script>` elements become visible text, event-handler
/// (`on…`) and `srcdoc` attributes are removed, and so is any attribute whose value is a
/// `javascript:` or `vbscript:` URL.
///
/// MDN's linter rejects these constructs; a build must still never hand a reader a page that
/// runs code from the content. The scan follows the tokenizer of the HTML standard (tags,
/// quoted and unquoted attribute values, comments, raw-text elements) so that it sees a tag
/// exactly where a browser does. Whatever it cannot close within one raw HTML node (a tag, a
/// comment, a `<textarea>` whose end tag is in another node) is escaped: a browser would
/// otherwise read on into the next node, where this scan no longer looks.
enum UnsafeHTML {
    /// One construct that was neutralised.
    struct Finding: Sendable, Hashable {
        /// A sentence saying what would have run and what was done instead.
        var message: String
        /// The tag it was found in, as written (for locating it in the source).
        var tag: String
        /// The text within `tag` that the diagnostic points at.
        var token: String
        /// The 1-based line of the Markdown the renderer saw, 0 when unknown. Tables there take
        /// one line each, so the tag is on this line of the source or a later one.
        var line = 0
    }

    /// Schemes a browser runs as script when it follows or loads the URL.
    static let scriptSchemes = ["javascript:", "vbscript:"]

    /// Attributes whose value a browser follows or loads as a URL.
    static let urlAttributes: Set<String> = [
        "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite", "codebase",
        "dynsrc", "lowsrc", "ping", "manifest", "longdesc", "usemap", "icon", "archive", "classid", "profile", "to", "from", "by",
    ]

    /// Attributes that list URLs among other things (`srcset`, SVG animation `values`, a
    /// `meta` refresh's `content`): a script URL anywhere in them counts.
    static let urlListAttributes: Set<String> = ["srcset", "values", "content"]

    /// Elements whose content a browser reads as text up to their end tag.
    private static let rawTextElements: Set<String> = ["style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"]

    /// `html` with every dangerous construct made inert, and what was changed.
    static func neutralise(_ html: String) -> (html: String, findings: [Finding]) {
        // Almost all raw HTML is harmless and unremarkable: leave it byte for byte.
        let scalars = Array(html.unicodeScalars)
        var scanner = Scan(scalars: scalars)
        scanner.run(upTo: scalars.count)
        guard scanner.changed else { return (html, scanner.findings) }
        var result = ""
        result.unicodeScalars.append(contentsOf: scanner.output)
        return (result, scanner.findings)
    }

    /// The URL a browser would see in an attribute value: character references decoded,
    /// ASCII whitespace and controls removed, lower case.
    static func normalisedURL(_ value: String) -> String {
        var decoded = ""
        var rest = Substring(value)
        while let ampersand = rest.firstIndex(of: "&") {
            decoded += rest[..<ampersand]
            rest = rest[rest.index(after: ampersand)...]
            if rest.first == "#" {
                let body = rest.dropFirst()
                let isHex = body.first == "x" || body.first == "X"
                let digits = (isHex ? body.dropFirst() : body).prefix { isHex ? $0.isHexDigit : $0.isASCIIDigit }
                if !digits.isEmpty, let code = UInt32(digits.prefix(8), radix: isHex ? 16 : 10), let scalar = Unicode.Scalar(code) {
                    decoded.unicodeScalars.append(scalar)
                    rest = rest[digits.endIndex...]
                    if rest.first == ";" { rest = rest.dropFirst() }
                    continue
                }
            }
            let name = rest.prefix { $0.isLetter || $0.isNumber }
            let named: [String: String] = ["colon": ":", "tab": "\t", "newline": "\n", "amp": "&", "lpar": "(", "rpar": ")"]
            if let replacement = named[name.lowercased()] {
                decoded += replacement
                rest = rest[name.endIndex...]
                if rest.first == ";" { rest = rest.dropFirst() }
            } else {
                decoded += "&"
            }
        }
        decoded += rest
        return String(decoded.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }.map(Character.init)).lowercased()
    }

    /// Why an attribute must go, or nil when it may stay.
    static func problem(attribute name: String, value: String?) -> String? {
        if name.hasPrefix("on"), name.count > 2, name != "open" {
            return "the event-handler attribute '\(name)' would run code in every reader's browser; it is removed"
        }
        if name == "srcdoc" {
            return "the 'srcdoc' attribute holds a page of its own that could run code; it is removed"
        }
        guard let value else { return nil }
        let isURL = urlAttributes.contains(name), listsURLs = urlListAttributes.contains(name)
        guard isURL || listsURLs else { return nil }
        let url = normalisedURL(value)
        if let scheme = scriptSchemes.first(where: { url.hasPrefix($0) || (listsURLs && url.contains($0)) }) {
            return "the '\(name)' value '\(scheme)…' would run code when followed; the attribute is removed"
        }
        return nil
    }

    private struct Scan {
        let scalars: [Unicode.Scalar]
        var output: [Unicode.Scalar] = []
        var findings: [Finding] = []
        var changed = false
        var index = 0

        init(scalars: [Unicode.Scalar]) {
            self.scalars = scalars
            output.reserveCapacity(scalars.count)
        }

        func at(_ position: Int) -> Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        func isLetter(_ scalar: Unicode.Scalar?) -> Bool {
            guard let scalar, scalar.isASCII else { return false }
            return (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
        }

        func isSpace(_ scalar: Unicode.Scalar?) -> Bool {
            scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\u{0C}" || scalar == "\r"
        }

        func text(_ range: Range<Int>) -> String {
            var string = ""
            string.unicodeScalars.append(contentsOf: scalars[range])
            return string
        }

        /// Whether `name` (lower case) starts at `position`, case-insensitively.
        func matches(_ name: String, at position: Int) -> Bool {
            var cursor = position
            for expected in name.unicodeScalars {
                guard let scalar = at(cursor), scalar.properties.lowercaseMapping == String(expected) else { return false }
                cursor += 1
            }
            return true
        }

        /// The first `</name` followed by space, `/` or `>` at or after `position`.
        func endTag(_ name: String, from position: Int, before limit: Int) -> Int? {
            var cursor = position
            while cursor + 1 < limit {
                if scalars[cursor] == "<", scalars[cursor + 1] == "/", matches(name, at: cursor + 2) {
                    let after = at(cursor + 2 + name.unicodeScalars.count)
                    if after == nil || isSpace(after) || after == "/" || after == ">" { return cursor }
                }
                cursor += 1
            }
            return nil
        }

        /// Copies `range` escaped as text, so a browser shows it instead of parsing it.
        mutating func escape(_ range: Range<Int>) {
            for scalar in scalars[range] {
                switch scalar {
                case "<": output += "&lt;".unicodeScalars
                case ">": output += "&gt;".unicodeScalars
                case "&": output += "&amp;".unicodeScalars
                default: output.append(scalar)
                }
            }
            changed = true
        }

        mutating func run(upTo limit: Int) {
            while index < limit {
                let scalar = scalars[index]
                guard scalar == "<" else {
                    output.append(scalar)
                    index += 1
                    continue
                }
                let next = at(index + 1)
                if next == "!" {
                    markupDeclaration(limit: limit)
                } else if next == "?" || (next == "/" && !isLetter(at(index + 2)) && at(index + 2) != ">") {
                    bogusComment(limit: limit)
                } else if isLetter(next) || (next == "/" && isLetter(at(index + 2))) {
                    tag(limit: limit)
                } else {
                    output.append(scalar)
                    index += 1
                }
            }
        }

        /// `<!--…-->`, `<!DOCTYPE …>`, `<![CDATA[…]]>`: comments stay; CDATA (text in SVG,
        /// a bogus comment in HTML) is escaped, as the two readings end in different places.
        mutating func markupDeclaration(limit: Int) {
            let start = index
            if at(start + 2) == "-", at(start + 3) == "-" {
                var cursor = start + 4
                // `<!-->` and `<!--->` end at once.
                if at(cursor) == ">" { return copy(start..<cursor + 1) }
                if at(cursor) == "-", at(cursor + 1) == ">" { return copy(start..<cursor + 2) }
                while cursor < limit {
                    if scalars[cursor] == "-", at(cursor + 1) == "-" {
                        if at(cursor + 2) == ">" { return copy(start..<cursor + 3) }
                        if at(cursor + 2) == "!", at(cursor + 3) == ">" { return copy(start..<cursor + 4) }
                    }
                    cursor += 1
                }
                // Never closed here: a browser would read the following nodes as comment.
                findings.append(Finding(message: "a comment is not closed with '-->' before its raw HTML ends; it is shown as text",
                                        tag: "<!--", token: "<!--"))
                escape(start..<start + 4)
                index = start + 4
                return
            }
            if matches("[cdata[", at: start + 2) {
                findings.append(Finding(message: "a CDATA section ends in one place for HTML and another for SVG; it is shown as text",
                                        tag: "<![CDATA[", token: "<![CDATA["))
                escape(start..<start + 2)
                index = start + 2
                return
            }
            bogusComment(limit: limit)
        }

        /// `<?…>`, `<!…>`, `</ …>`: a comment up to the first `>`.
        mutating func bogusComment(limit: Int) {
            let start = index
            var cursor = start + 2
            while cursor < limit, scalars[cursor] != ">" { cursor += 1 }
            if cursor < limit { return copy(start..<cursor + 1) }
            findings.append(Finding(message: "a '\(text(start..<start + 2))' declaration is not closed with '>' before its raw HTML ends; it is shown as text",
                                    tag: text(start..<start + 2), token: text(start..<start + 2)))
            escape(start..<start + 2)
            index = start + 2
        }

        mutating func copy(_ range: Range<Int>) {
            output += scalars[range]
            index = range.upperBound
        }

        /// A start or end tag, read attribute by attribute as a browser reads it.
        mutating func tag(limit: Int) {
            let start = index
            let isEnd = at(start + 1) == "/"
            var cursor = start + (isEnd ? 2 : 1)
            let nameStart = cursor
            while cursor < limit, !isSpace(scalars[cursor]), scalars[cursor] != "/", scalars[cursor] != ">" { cursor += 1 }
            let name = text(nameStart..<cursor).lowercased()
            var kept: [Unicode.Scalar] = Array(scalars[start..<cursor])
            var tagFindings: [(message: String, token: String)] = []
            var closed = false
            while cursor < limit {
                let spaceStart = cursor
                while cursor < limit, isSpace(scalars[cursor]) || scalars[cursor] == "/" { cursor += 1 }
                guard cursor < limit else { break }
                if scalars[cursor] == ">" {
                    kept += scalars[spaceStart...cursor]
                    cursor += 1
                    closed = true
                    break
                }
                // An attribute: its name runs to space, `/`, `>` or `=` (a leading `=` belongs to it).
                let attributeStart = cursor
                cursor += 1
                while cursor < limit, !isSpace(scalars[cursor]), !["/", ">", "="].contains(scalars[cursor]) { cursor += 1 }
                let attributeName = text(attributeStart..<cursor).lowercased()
                var probe = cursor
                while probe < limit, isSpace(scalars[probe]) { probe += 1 }
                var value: String?
                var quoted = true
                if probe < limit, scalars[probe] == "=" {
                    probe += 1
                    while probe < limit, isSpace(scalars[probe]) { probe += 1 }
                    if probe < limit, scalars[probe] == "\"" || scalars[probe] == "'" {
                        let quote = scalars[probe]
                        var end = probe + 1
                        while end < limit, scalars[end] != quote { end += 1 }
                        guard end < limit else { cursor = limit; break }
                        value = text(probe + 1..<end)
                        cursor = end + 1
                    } else {
                        var end = probe
                        while end < limit, !isSpace(scalars[end]), scalars[end] != ">" { end += 1 }
                        value = text(probe..<end)
                        quoted = false
                        cursor = end
                    }
                }
                var problem = isEnd ? nil : UnsafeHTML.problem(attribute: attributeName, value: value)
                // Quotes where a browser does not read them as quotes (`a"b=…`, `x=a"b`) are
                // where two readings of a tag drift apart; such attributes go too.
                if problem == nil, !isEnd,
                   attributeName.contains(where: { "\"'<`".contains($0) })
                    || (!quoted && value?.contains(where: { "\"'<`=".contains($0) }) == true) {
                    problem = "the attribute '\(attributeName)' is malformed (a quote or '<' outside a quoted value); it is removed"
                }
                if let problem {
                    tagFindings.append((problem, text(attributeStart..<min(cursor, limit))))
                } else {
                    kept += scalars[spaceStart..<cursor]
                }
            }
            guard closed else {
                // A tag cut off at the end of the node: a browser would read on into what follows.
                findings.append(Finding(message: "a tag is not closed with '>' before its raw HTML ends; it is shown as text",
                                        tag: text(start..<limit), token: text(start..<min(limit, nameStart + name.unicodeScalars.count))))
                escape(start..<limit)
                index = limit
                return
            }
            let tagText = text(start..<cursor)
            for finding in tagFindings {
                findings.append(Finding(message: finding.message, tag: tagText, token: finding.token))
            }
            if isEnd || name == "script" || name == "plaintext" || !rawTextElements.contains(name) {
                if !isEnd, name == "script" || name == "plaintext" {
                    // The element and everything up to its end tag become visible text.
                    let end = name == "plaintext" ? nil : endTag(name, from: cursor, before: limit)
                    var stop = limit
                    if let end {
                        stop = end
                        while stop < limit, scalars[stop] != ">" { stop += 1 }
                        stop = min(limit, stop + 1)
                    }
                    findings.append(Finding(message: "a <\(name)> element would run in every reader's browser; it is shown as text",
                                            tag: tagText, token: "<" + text(nameStart..<nameStart + name.unicodeScalars.count)))
                    escape(start..<stop)
                    index = stop
                    return
                }
                output += kept
                if kept.count != cursor - start { changed = true }
                index = cursor
                return
            }
            // A raw-text element: its content is text for a browser (in HTML; tags in SVG), up to
            // the first end tag of its name, which must be in this node.
            guard let end = endTag(name, from: cursor, before: limit) else {
                findings.append(Finding(message: "a <\(name)> element is not closed in the same HTML block; a browser would read what follows as its text, so it is shown as text",
                                        tag: tagText, token: "<" + text(nameStart..<nameStart + name.unicodeScalars.count)))
                escape(start..<cursor)
                index = cursor
                return
            }
            output += kept
            if kept.count != cursor - start { changed = true }
            index = cursor
            run(upTo: end)
        }
    }
}
