/// The markup MDN readers see for a heading: h2 and h3 carry a self-link (as MDN's
/// front end draws them), deeper headings only an id.
enum HeadingMarkup {
    /// The heading element for a level, id and inner HTML.
    static func html(level: Int, id: String, inner: String) -> String {
        let escapedID = HTMLText.escapeAttribute(id)
        // A heading that already holds a link cannot be wrapped in another: nested <a> is invalid.
        guard level <= 3, !inner.contains("<a ") else {
            return "<h\(level) id=\"\(escapedID)\">\(inner)</h\(level)>"
        }
        return "<h\(level) id=\"\(escapedID)\"><a class=\"heading-anchor\" href=\"#\(escapedID)\">\(inner)</a></h\(level)>"
    }
}
