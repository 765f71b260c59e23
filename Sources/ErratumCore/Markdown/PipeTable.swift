/// GFM pipe tables, which libcmark does not parse: found in the Markdown source before
/// cmark sees it, each replaced by a placeholder line, and rendered to HTML with every cell's
/// inline Markdown going through cmark on its own.
struct PipeTable: Sendable, Hashable {
    enum Alignment: Sendable, Hashable {
        case none, left, center, right

        var style: String? {
            switch self {
            case .none: nil
            case .left: "text-align:left"
            case .center: "text-align:center"
            case .right: "text-align:right"
            }
        }
    }

    /// Header cells, as raw Markdown.
    var header: [String]
    /// One alignment per column.
    var alignments: [Alignment]
    /// Body rows, each padded or cut to the header's width.
    var rows: [[String]]

    /// Finds tables in `markdown` outside fenced code. Returns the Markdown with each table
    /// replaced by one line `marker(index)` (indented as the table was) and the tables in order.
    static func extract(from markdown: String, marker: (Int) -> String) -> (String, [PipeTable]) {
        guard mayHoldTable(markdown) else { return (markdown, []) }
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        var output: [Substring] = []
        var tables: [PipeTable] = []
        var fence: (character: Character, count: Int)?
        var index = 0
        var previousBlank = true
        while index < lines.count {
            let line = lines[index]
            if let open = fence {
                output.append(line)
                if Self.fenceMarker(line).map({ $0.character == open.character && $0.count >= open.count }) == true,
                   line.drop(while: { $0 == " " }).drop(while: { $0 == open.character }).allSatisfy({ $0 == " " || $0 == "\t" }) {
                    fence = nil
                }
                index += 1
                continue
            }
            if let opening = Self.fenceMarker(line) {
                fence = opening
                output.append(line)
                index += 1
                previousBlank = false
                continue
            }
            // A table starts with a header row and a delimiter row of the same width. (A header
            // row may also interrupt a paragraph in GFM; MDN's tables always follow a blank line,
            // and requiring one keeps prose with pipes from turning into tables.)
            if previousBlank, index + 1 < lines.count, line.utf8.contains(UInt8(ascii: "|")),
               let header = Self.cells(line), let alignments = Self.delimiter(lines[index + 1]),
               header.count == alignments.count {
                let indent = String(line.prefix { $0 == " " })
                var rows: [[String]] = []
                var next = index + 2
                // Rows go on until a blank line or the start of another block; a line without a
                // pipe is a one-cell row (GFM).
                while next < lines.count, !lines[next].allSatisfy({ $0 == " " || $0 == "\t" }),
                      !Self.startsBlock(lines[next]) {
                    let cells = Self.cells(lines[next]) ?? [String(lines[next].trimmingSpaces)]
                    rows.append((0..<header.count).map { $0 < cells.count ? cells[$0] : "" })
                    next += 1
                }
                output.append(Substring(indent + marker(tables.count)))
                tables.append(PipeTable(header: header, alignments: alignments, rows: rows))
                index = next
                previousBlank = false
                continue
            }
            previousBlank = line.allSatisfy { $0 == " " || $0 == "\t" }
            output.append(line)
            index += 1
        }
        guard !tables.isEmpty else { return (markdown, []) }
        return (output.joined(separator: "\n"), tables)
    }

    /// The HTML, with each cell's Markdown rendered by `inline`.
    func html(inline: (String) -> String) -> String {
        func cell(_ tag: String, _ text: String, _ column: Int) -> String {
            let style = alignments[column].style.map { " style=\"\($0)\"" } ?? ""
            return "<\(tag)\(style)>\(inline(text))</\(tag)>\n"
        }
        var html = "<table>\n<thead>\n<tr>\n"
        for (column, text) in header.enumerated() { html += cell("th", text, column) }
        html += "</tr>\n</thead>\n"
        if !rows.isEmpty {
            html += "<tbody>\n"
            for row in rows {
                html += "<tr>\n"
                for (column, text) in row.enumerated() { html += cell("td", text, column) }
                html += "</tr>\n"
            }
            html += "</tbody>\n"
        }
        return html + "</table>"
    }

    /// The cells of a row: split on pipes not escaped with a backslash; the leading and
    /// trailing pipes are optional. `\|` becomes `|` in the cell. Nil for a line with no pipe.
    /// Whether some line could be a delimiter row: only spaces, tabs, pipes, colons and
    /// dashes, with a pipe and a dash. One byte pass; most documents have no table, and
    /// splitting every body into lines was a tenth of a build.
    static func mayHoldTable(_ markdown: String) -> Bool {
        var onlyDelimiterBytes = true, pipe = false, dash = false
        for byte in markdown.utf8 {
            switch byte {
            case UInt8(ascii: "\n"):
                if onlyDelimiterBytes, pipe, dash { return true }
                onlyDelimiterBytes = true
                pipe = false
                dash = false
            case UInt8(ascii: "|"): pipe = true
            case UInt8(ascii: "-"): dash = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ":"), UInt8(ascii: "\r"): break
            default: onlyDelimiterBytes = false
            }
        }
        return onlyDelimiterBytes && pipe && dash
    }

    static func cells(_ line: Substring) -> [String]? {
        var text = line.trimmingSpaces
        guard text.contains("|") else { return nil }
        if text.hasPrefix("|") { text.removeFirst() }
        if text.hasSuffix("|"), !text.hasSuffix("\\|") { text.removeLast() }
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character == "|" ? "|" : "\\")
                if character != "|" { current.append(character) }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                cells.append(String(Substring(current).trimmingSpaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        cells.append(String(Substring(current).trimmingSpaces))
        return cells
    }

    /// The alignments of a delimiter row (`| :-- | :-: | --: |`), or nil if it is not one.
    static func delimiter(_ line: Substring) -> [Alignment]? {
        guard let cells = cells(line), !cells.isEmpty else { return nil }
        var alignments: [Alignment] = []
        for cell in cells {
            let left = cell.hasPrefix(":"), right = cell.hasSuffix(":")
            let dashes = cell.dropFirst(left ? 1 : 0).dropLast(right && cell.count > 1 ? 1 : 0)
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            alignments.append(left && right ? .center : left ? .left : right ? .right : .none)
        }
        return alignments
    }

    /// Whether a line opens a block that ends a table: a quote, heading, list item, fence or
    /// thematic break.
    static func startsBlock(_ line: Substring) -> Bool {
        let text = line.trimmingSpaces
        guard let first = text.first else { return true }
        if fenceMarker(line) != nil || first == ">" || first == "#" { return true }
        if "-*+".contains(first), text.dropFirst().first == " " { return true }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, let after = text.dropFirst(digits.count).first, after == "." || after == ")",
           text.dropFirst(digits.count + 1).first == " " {
            return true
        }
        return false
    }

    /// Cell text made safe to render as inline content: a leading character that would start a
    /// block in cmark (`#`, `>`, `-`, `+`, `*`, `1.`) is escaped.
    static func inlineSource(_ cell: String) -> String {
        guard let first = cell.first else { return cell }
        let second = cell.dropFirst().first
        let thematicBreak = cell.count >= 3 && cell.allSatisfy { $0 == first || $0 == " " }
        if first == ">" || ("#-+*".contains(first) && (second == nil || second == " " || thematicBreak)) {
            return "\\" + cell
        }
        let digits = cell.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, let after = cell.dropFirst(digits.count).first, after == "." || after == ")" {
            return digits + "\\" + cell.dropFirst(digits.count)
        }
        return cell
    }

    /// A fence opening or closing line: up to three spaces, then three or more ` or ~.
    static func fenceMarker(_ line: Substring) -> (character: Character, count: Int)? {
        let indent = line.prefix { $0 == " " }.count
        guard indent < 4 else { return nil }
        let rest = line.dropFirst(indent)
        guard let first = rest.first, first == "`" || first == "~" else { return nil }
        let count = rest.prefix { $0 == first }.count
        return count >= 3 ? (first, count) : nil
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
