import Foundation

/// `{{Specifications}}`: MDN's build leaves a `bc-specs` block naming the page's
/// `browser-compat` queries and `spec-urls` for its reader to fill in; Erratum fills it with
/// the table of specifications from `spec-urls`. Specifications that only the compatibility
/// data knows (a page with `browser-compat` and no `spec-urls`) are on the live page.
struct SpecificationsMacro: Macro {
    let names = ["specifications"]
    let parameters: [MacroParameter] = []

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let frontMatter = context.document.frontMatter
        let urls = frontMatter.specURLs
        let block = "<div class=\"bc-specs\" data-bcd-query=\"\(HTMLText.escapeAttribute(frontMatter.browserCompat.joined(separator: ",")))\""
            + " data-spec-urls=\"\(HTMLText.escapeAttribute(urls.joined(separator: ",")))\">"
        guard !urls.isEmpty else {
            guard !frontMatter.browserCompat.isEmpty else {
                let text = context.word("macros.no-specification", "No specification is listed for this feature.")
                return MacroOutput(html: block + "<p>\(HTMLText.escapeText(text))</p></div>", isBlock: true)
            }
            let text = context.word("macros.specification-live", "The specifications are listed with the compatibility data, on MDN:")
            let link = context.word("macros.specification-link", "specifications")
            let href = context.links.livePage(fragment: "specifications")
            return MacroOutput(html: block + "<p>\(HTMLText.escapeText(text)) <a class=\"external\" href=\"\(HTMLText.escapeAttribute(href))\">"
                + "\(HTMLText.escapeText(link))</a></p></div>", isBlock: true)
        }
        let header = context.word("macros.specification", "Specification")
        let unknown = context.word("macros.unknown-specification", "Unknown specification")
        var rows = ""
        // The URLs come from front matter: only web addresses become links.
        if let bad = urls.first(where: { url in !["https://", "http://"].contains { url.lowercased().hasPrefix($0) } }) {
            throw MacroError("Specifications: spec-urls entry '\(bad)' is not an http or https URL")
        }
        for url in urls {
            let (base, hash) = Catalog.split(url)
            let title = SpecificationTitles.title(for: base) ?? unknown
            var inner = HTMLText.escapeText(title)
            // MDN's readers (yari's table, fred's list) set the fragment apart in <small>.
            if let hash, !hash.isEmpty { inner += "<br /><small># \(HTMLText.escapeText(hash))</small>" }
            rows += "<tr><td><a class=\"external\" href=\"\(HTMLText.escapeAttribute(url))\" rel=\"noopener\" target=\"_blank\">\(inner)</a></td></tr>"
        }
        let html = block + "<table class=\"standard-table\"><thead><tr><th scope=\"col\">\(HTMLText.escapeText(header))</th></tr></thead>"
            + "<tbody>\(rows)</tbody></table></div>"
        return MacroOutput(html: html, isBlock: true)
    }
}

/// Titles of the specifications MDN's HTTP pages cite, by URL without fragment.
enum SpecificationTitles {
    static func title(for url: String) -> String? {
        var key = url.lowercased()
        if key.hasSuffix("/") { key.removeLast() }
        if key.hasSuffix(".html") { key.removeLast(5) }
        for prefix in ["https://", "http://"] where key.hasPrefix(prefix) { key.removeFirst(prefix.count) }
        if let rfc = rfcNumber(in: key) { return rfcTitles[rfc] }
        return otherTitles[key]
    }

    /// `www.rfc-editor.org/rfc/rfc9110`, `datatracker.ietf.org/doc/html/rfc9110`,
    /// `httpwg.org/specs/rfc9110` all name RFC 9110.
    private static func rfcNumber(in key: String) -> Int? {
        guard let range = key.range(of: "rfc", options: .backwards) else { return nil }
        let digits = key[range.upperBound...].prefix { $0.isASCIIDigit }
        guard !digits.isEmpty, key[range.upperBound...].count == digits.count else { return nil }
        guard key.hasPrefix("www.rfc-editor.org/") || key.hasPrefix("rfc-editor.org/")
            || key.hasPrefix("datatracker.ietf.org/") || key.hasPrefix("httpwg.org/")
            || key.hasPrefix("tools.ietf.org/") else { return nil }
        return Int(digits)
    }

    private static let rfcTitles: [Int: String] = [
        2295: "Transparent Content Negotiation in HTTP",
        2518: "HTTP Extensions for Distributed Authoring -- WEBDAV",
        4918: "HTTP Extensions for Web Distributed Authoring and Versioning (WebDAV)",
        5842: "Binding Extensions to Web Distributed Authoring and Versioning (WebDAV)",
        6585: "Additional HTTP Status Codes",
        7538: "The Hypertext Transfer Protocol Status Code 308 (Permanent Redirect)",
        7725: "An HTTP Status Code to Report Legal Obstacles",
        8297: "An HTTP Status Code for Indicating Hints",
        8470: "Using Early Data in HTTP",
        9110: "HTTP Semantics",
        9111: "HTTP Caching",
        9112: "HTTP/1.1",
        9113: "HTTP/2",
        9114: "HTTP/3",
    ]

    private static let otherTitles: [String: String] = [
        "fetch.spec.whatwg.org": "Fetch Standard",
        "html.spec.whatwg.org/multipage": "HTML Standard",
    ]
}
