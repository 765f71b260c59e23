import Testing
@testable import ErratumCore

/// The table examples of the GitHub Flavored Markdown spec (0.29-gfm, examples 198–205).
/// Alignment is written as MDN writes it, `style="text-align:…"`, where the spec shows `align`.
@Suite("GFM pipe tables")
struct PipeTableTests {
    /// The HTML, without MDN's `table-container` figure around each table (tested on its own).
    func render(_ markdown: String) -> String {
        var ids = HeadingIDs()
        return MarkdownRenderer().render(markdown, ids: &ids).html
            .replacingOccurrences(of: TableContainer.open, with: "").replacingOccurrences(of: TableContainer.close, with: "")
    }

    @Test("each table sits in MDN's scrolling figure, as does a table written as raw HTML, nested ones too")
    func tableContainer() {
        var ids = HeadingIDs()
        let html = MarkdownRenderer().render("| a |\n| - |\n| 1 |\n", ids: &ids).html
        #expect(html.hasPrefix("<figure class=\"table-container\"><table>\n") && html.hasSuffix("</table></figure>\n"))
        #expect(TableContainer.wrapTables(in: "<TABLE class=x><tr><td><table><tr><td>1</td></tr></table></td></tr></TABLE >\n<tablex>")
            == "<figure class=\"table-container\"><table class=x><tr><td><figure class=\"table-container\"><table><tr><td>1</td></tr>"
            + "</table></figure></td></tr></table></figure>\n<tablex>")
    }

    func table(head: [String], rows: [[String]], styles: [String?]? = nil) -> String {
        func cells(_ tag: String, _ values: [String]) -> String {
            values.enumerated().map { index, value in
                let style = styles?[index].map { " style=\"\($0)\"" } ?? ""
                return "<\(tag)\(style)>\(value)</\(tag)>\n"
            }.joined()
        }
        var html = "<table>\n<thead>\n<tr>\n" + cells("th", head) + "</tr>\n</thead>\n"
        if !rows.isEmpty {
            html += "<tbody>\n" + rows.map { "<tr>\n" + cells("td", $0) + "</tr>\n" }.joined() + "</tbody>\n"
        }
        return html + "</table>\n"
    }

    @Test("example 198: a simple table")
    func simple() {
        #expect(render("| foo | bar |\n| --- | --- |\n| baz | bim |\n") == table(head: ["foo", "bar"], rows: [["baz", "bim"]]))
    }

    @Test("example 199: alignment, and pipes at the row ends are optional")
    func alignment() {
        #expect(render("| abc | defghi |\n:-: | -----------:\nbar | baz\n")
            == table(head: ["abc", "defghi"], rows: [["bar", "baz"]], styles: ["text-align:center", "text-align:right"]))
    }

    @Test("example 200: escaped pipes, also inside code and emphasis")
    func escapedPipes() {
        #expect(render("| f\\|oo  |\n| ------ |\n| b `\\|` az |\n| b **\\|** im |\n")
            == table(head: ["f|oo"], rows: [["b <code>|</code> az"], ["b <strong>|</strong> im"]]))
    }

    @Test("example 201: a block quote ends the table")
    func endedByBlock() {
        #expect(render("| abc | def |\n| --- | --- |\n| bar | baz |\n> bar\n")
            == table(head: ["abc", "def"], rows: [["bar", "baz"]]) + "<blockquote>\n<p>bar</p>\n</blockquote>\n")
    }

    @Test("example 202: a line without pipes is a row; a blank line ends the table")
    func endedByBlankLine() {
        #expect(render("| abc | def |\n| --- | --- |\n| bar | baz |\nbar\n\nbar\n")
            == table(head: ["abc", "def"], rows: [["bar", "baz"], ["bar", ""]]) + "<p>bar</p>\n")
    }

    @Test("example 203: a delimiter row of another width makes no table")
    func widthMismatch() {
        #expect(render("| abc | def |\n| --- |\n| bar |\n") == "<p>| abc | def |\n| --- |\n| bar |</p>\n")
    }

    @Test("example 204: short rows are padded, long rows cut")
    func ragged() {
        #expect(render("| abc | def |\n| --- | --- |\n| bar |\n| bar | baz | boo |\n")
            == table(head: ["abc", "def"], rows: [["bar", ""], ["bar", "baz"]]))
    }

    @Test("example 205: a table without body rows has no tbody")
    func headerOnly() {
        #expect(render("| abc | def |\n| --- | --- |\n") == table(head: ["abc", "def"], rows: []))
    }

    @Test("tables inside fenced code stay code; tables in list items stay in the item")
    func context() {
        #expect(render("```\n| a | b |\n| - | - |\n```\n") == "<pre class=\"notranslate\">| a | b |\n| - | - |\n</pre>\n")
        #expect(render("- item\n\n  | a |\n  | - |\n  | 1 |\n")
            == "<ul>\n<li>\n<p>item</p>\n" + table(head: ["a"], rows: [["1"]]) + "</li>\n</ul>\n")
    }

    @Test("cells are inline Markdown, never blocks")
    func inlineOnly() {
        #expect(render("| h |\n| - |\n| # not a heading |\n| - not a list |\n| *em* |\n")
            == table(head: ["h"], rows: [["# not a heading"], ["- not a list"], ["<em>em</em>"]]))
    }
}
