import Foundation

/// `{{HTTPStatus(code, text, anchor, no_code)}}`: a link to a status code's reference page.
struct HTTPStatusMacro: Macro {
    let names = ["httpstatus"]

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        try expectAtMost(4, call)
        let code = try required(call, 0, "a status code")
        var text = call.argument(1) ?? code
        var url = "/\(context.document.locale.tag)/docs/Web/HTTP/Reference/Status/\(code)"
        if let anchor = call.argument(2) {
            // MDN appends the anchor to the text as well.
            url += "#\(anchor)"
            text += ".\(anchor)"
        }
        let noCode = call.arguments.count > 3 && call.arguments[3] != .bool(false) && call.argument(3) != nil
        let inner = noCode ? HTMLText.escapeText(text) : "<code>\(HTMLText.escapeText(text))</code>"
        return MacroOutput(html: context.links.anchor(url, innerHTML: inner))
    }
}

/// `{{Glossary(term, text)}}`: a link to a glossary entry, in plain text.
struct GlossaryMacro: Macro {
    let names = ["glossary"]

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        try expectAtMost(2, call)
        let term = try required(call, 0, "a glossary term")
        let words = term.split(whereSeparator: { $0 == " " }).joined(separator: " ")
        let url = "/\(context.document.locale.tag)/docs/Glossary/\(words.replacingOccurrences(of: " ", with: "_"))"
        let text = call.argument(1) ?? term
        return MacroOutput(html: context.links.anchor(url, innerHTML: HTMLText.escapeText(text)))
    }
}

/// `{{HTTPSidebar}}`: the HTTP sidebar. It writes nothing in the body; the page's sidebar is
/// chosen from the call (as front matter `sidebar: http` does).
struct HTTPSidebarMacro: Macro {
    let names = ["httpsidebar"]

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        MacroOutput(html: "", isBlock: true)
    }
}
