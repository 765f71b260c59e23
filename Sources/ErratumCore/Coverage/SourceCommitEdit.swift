/// Sets a translation's `l10n.sourceCommit` in its front matter, changing nothing else: the one
/// value replaced where it is written, or, when there is none, the `l10n:` block (or its
/// `sourceCommit:` line) added in MDN's form, with the file's own line ends.
public enum SourceCommitEdit {
    /// Why a file cannot be edited.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// `text` with its front matter's `l10n.sourceCommit` set to `hash`.
    ///
    /// - Throws: `Refusal` when the text has no front matter, or writes `l10n` in a form this
    ///   edit does not rewrite (a flow mapping `l10n: {…}`).
    public static func set(_ hash: String, in text: String) throws(Refusal) -> String {
        // Lines as they are, line ends included, so that joining them gives the text back.
        var lines: [Substring] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex { $0 == "\n" || $0 == "\r\n" }.map { text.index(after: $0) } ?? text.endIndex
            lines.append(text[start..<end])
            start = end
        }
        let lineEnd = text.contains("\r\n") ? "\r\n" : "\n"
        func content(_ line: Substring) -> Substring {
            var line = line
            while let last = line.last, last == "\n" || last == "\r\n" || last == "\r" { line.removeLast() }
            return line
        }
        // A byte-order mark before the first `---` stays where it is.
        guard let first = lines.first, content(first).drop(while: { $0 == "\u{FEFF}" }).trimmingCharacters(in: .whitespaces) == "---",
              let closing = lines.indices.dropFirst().first(where: { content(lines[$0]).trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw Refusal("it has no front matter (a '---' line, the YAML, and a closing '---' line)")
        }
        let isIndented = { (line: Substring) in line.first == " " || line.first == "\t" }
        guard let block = (1..<closing).first(where: { !isIndented(lines[$0]) && content(lines[$0]).hasPrefix("l10n:") }) else {
            // No l10n block: MDN writes it last.
            lines.insert(Substring("l10n:" + lineEnd + "  sourceCommit: " + hash + lineEnd), at: closing)
            return lines.joined()
        }
        let after = content(lines[block]).dropFirst("l10n:".count).trimmingCharacters(in: .whitespaces)
        guard after.isEmpty || after.hasPrefix("#") else {
            throw Refusal("its l10n is written on one line ('\(content(lines[block]))'); write it as a block to have it set")
        }
        var children = block + 1
        while children < closing, isIndented(lines[children]) || content(lines[children]).trimmingCharacters(in: .whitespaces).isEmpty {
            let line = content(lines[children])
            let key = line.drop { $0 == " " || $0 == "\t" }
            if key.hasPrefix("sourceCommit:") {
                let valueStart = key.index(key.startIndex, offsetBy: "sourceCommit:".count)
                let spaced = key[valueStart...].prefix { $0 == " " || $0 == "\t" }
                var rest = key[spaced.endIndex...]
                // The old value, quoted or plain; a comment after it stays.
                if let quote = rest.first, quote == "\"" || quote == "'" {
                    rest = rest.dropFirst().drop { $0 != quote }.dropFirst()
                } else {
                    rest = rest.drop { $0 != " " && $0 != "\t" }
                }
                let ending = lines[children][line.endIndex...]
                lines[children] = Substring(line[..<key.startIndex] + "sourceCommit:" + (spaced.isEmpty ? " " : spaced) + hash + rest + ending)
                return lines.joined()
            }
            children += 1
        }
        // A block without sourceCommit: the line goes first, indented as its first child.
        let indentation = (block + 1 < closing && isIndented(lines[block + 1]))
            ? String(lines[block + 1].prefix { $0 == " " || $0 == "\t" }) : "  "
        lines.insert(Substring(indentation + "sourceCommit: " + hash + lineEnd), at: block + 1)
        return lines.joined()
    }
}
