/// MDN's markup for fenced code: `<pre class="brush: LANG notranslate">` inside a
/// `code-example` wrapper that names the language.
enum CodeExample {
    /// The HTML for a code block with the given info string and literal text.
    static func html(info: String, code: String) -> String {
        var text = code
        if text.hasPrefix("\n") { text.removeFirst() }
        let escaped = HTMLText.escapeText(text)
        let words = info.split(whereSeparator: { $0 == " " || $0 == "\t" })
            .map(String.init)
            .filter { $0 != "-nolint" }
            .map { $0.hasSuffix("-nolint") ? String($0.dropLast("-nolint".count)) : $0 }
        guard let language = words.first else {
            return "<pre class=\"notranslate\">\(escaped)</pre>"
        }
        let classes = HTMLText.escapeAttribute((["brush:"] + words + ["notranslate"]).joined(separator: " "))
        if language == "plain" {
            return "<pre class=\"\(classes)\">\(escaped)</pre>"
        }
        let pre = "<pre class=\"\(classes)\"><code>\(escaped)</code></pre>"
        if words.contains("hidden") || words.contains(where: { $0.hasPrefix("interactive-example") }) {
            return "<div class=\"code-example\">\(pre)</div>"
        }
        return "<div class=\"code-example\"><div class=\"example-header\"><span class=\"language-name\">"
            + HTMLText.escapeText(language) + "</span></div>" + pre + "</div>"
    }
}
