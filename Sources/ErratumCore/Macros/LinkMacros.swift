import Foundation

/// `{{HTTPStatus(code, text, anchor, no_code)}}`, `{{HTTPHeader(…)}}`, `{{HTTPMethod(…)}}`:
/// a link to an HTTP reference page, the text in `<code>` unless `no_code` is set.
struct HTTPReferenceMacro: Macro {
    let names: [String]
    let section: String
    let what: String

    static let status = HTTPReferenceMacro(names: ["httpstatus"], section: "Status", what: "a status code")
    static let header = HTTPReferenceMacro(names: ["httpheader"], section: "Headers", what: "a header name")
    static let method = HTTPReferenceMacro(names: ["httpmethod"], section: "Methods", what: "a method name")

    /// MDN's `(name: AnyArg, display, anchor, no_code: AnyArg)`.
    var parameters: [MacroParameter] {
        [.required(what, .any), .optional("the link text", .string), .optional("an anchor", .string), .optional("no_code", .any)]
    }
    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let name = try required(call, 0, what)
        var text = call.argument(1) ?? name
        let url = call.url("/\(context.document.locale.tag)/docs/Web/HTTP/Reference/\(section)/\(name)", anchorArgument: 2)
        if let anchor = call.argument(2) {
            // MDN appends the anchor to the text as well.
            text += "." + (anchor.hasPrefix("#") ? String(anchor.dropFirst()) : anchor)
        }
        let inner = call.flag(3) ? HTMLText.escapeText(text) : "<code>\(HTMLText.escapeText(text))</code>"
        return MacroOutput(html: context.links.anchor(url, innerHTML: inner))
    }
}

/// `{{Glossary(term, text)}}`: a link to a glossary entry, in plain text.
struct GlossaryMacro: Macro {
    let names = ["glossary"]
    let parameters: [MacroParameter] = [.required("a glossary term", .string), .optional("the link text", .string)]

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
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
    let parameters: [MacroParameter] = []

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        MacroOutput(html: "", isBlock: true)
    }
}

/// `{{RFC(number, content, section)}}`: a link to an RFC on the IETF datatracker.
struct RFCMacro: Macro {
    let names = ["rfc"]
    let parameters: [MacroParameter] = [.required("an RFC number", .any), .optional("the link text", .string),
                                        .optional("a section", .any)]

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let number = try required(call, 0, "an RFC number")
        guard Int(number) != nil else { throw MacroError("RFC needs a number as argument 1, found '\(number)'") }
        var href = "https://datatracker.ietf.org/doc/html/rfc\(number)"
        var text = "RFC \(number)"
        if let section = call.argument(2) {
            href += "#section-\(section)"
            text += ", \(context.word(mdn: "Common.section", "macros.section", "section")) \(section)"
        }
        if let content = call.argument(1) { text += ": \(content)" }
        return MacroOutput(html: "<a href=\"\(HTMLText.escapeAttribute(href))\" class=\"external\" target=\"_blank\">\(HTMLText.escapeText(text))</a>")
    }
}

/// `{{HTMLElement(name, text, anchor)}}` and `{{SVGElement(name)}}`: a link to an element's
/// page, `<name>` in `<code>` unless other text is given.
struct ElementMacro: Macro {
    let names: [String]
    let path: String

    static let html = ElementMacro(names: ["htmlelement"], path: "Web/HTML/Reference/Elements")
    static let svg = ElementMacro(names: ["svgelement"], path: "Web/SVG/Reference/Element")

    /// MDN's `htmlelement(name, display, anchor, _)` and `svgelement(name, _)`.
    var parameters: [MacroParameter] {
        names == ["svgelement"]
            ? [.required("an element name", .string), .optional("(unused)", .any)]
            : [.required("an element name", .string), .optional("the link text", .string), .optional("an anchor", .string),
               .optional("(unused)", .any)]
    }
    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let name = try required(call, 0, "an element name")
        let url = call.url("/\(context.document.locale.tag)/docs/\(path)/\(name.lowercased())", anchorArgument: 2)
        let inner = call.argument(1).map(HTMLText.escapeText) ?? "<code>&lt;\(HTMLText.escapeText(name))&gt;</code>"
        return MacroOutput(html: context.links.anchor(url, innerHTML: inner))
    }
}

/// `{{CSP(directive)}}`: a link to a Content-Security-Policy directive.
struct CSPMacro: Macro {
    let names = ["csp"]
    let parameters: [MacroParameter] = [.required("a directive", .string)]

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let directive = try required(call, 0, "a directive")
        let url = "/\(context.document.locale.tag)/docs/Web/HTTP/Reference/Headers/Content-Security-Policy/\(directive)"
        return MacroOutput(html: context.links.anchor(url, innerHTML: "<code>\(HTMLText.escapeText(directive))</code>"))
    }
}

/// `{{jsxref(name, text, anchor, no_code)}}`: a link to the JavaScript reference, found among
/// the sections MDN files it under.
struct JSRefMacro: Macro {
    let names = ["jsxref"]
    let parameters: [MacroParameter] = [.required("a JavaScript name", .string), .optional("the link text", .string),
                                        .optional("an anchor", .string), .optional("no_code", .any)]
    static let sections = ["Global_Objects/", "", "Operators/", "Statements/", "Global_Objects/Intl/", "Global_Objects/Temporal/"]

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let name = try required(call, 0, "a JavaScript name")
        let path = name.replacingOccurrences(of: "()", with: "").replacingOccurrences(of: ".prototype.", with: ".")
            .replacingOccurrences(of: ".", with: "/")
        let base = "/\(context.document.locale.tag)/docs/Web/JavaScript/Reference/"
        let candidates = Self.sections.map { base + $0 + path }
        let url = call.url(candidates.first(where: context.catalog.exists) ?? candidates[0], anchorArgument: 2)
        let text = HTMLText.escapeText(call.argument(1) ?? name)
        return MacroOutput(html: context.links.anchor(url, innerHTML: call.flag(3) ? text : "<code>\(text)</code>"))
    }
}

/// `{{cssxref(name, text, anchor)}}`: a link to the CSS reference; the page kind follows
/// from the name (`<type>` value, `:pseudo` selector, `@rule`, `function()`, property).
struct CSSRefMacro: Macro {
    let names = ["cssxref"]
    let parameters: [MacroParameter] = [.required("a CSS name", .string), .optional("the link text", .string),
                                        .optional("an anchor", .string)]

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let raw = try required(call, 0, "a CSS name")
        let name = raw.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        let base = "/\(context.document.locale.tag)/docs/Web/CSS/Reference/"
        var display = name
        let candidates: [String]
        if name.hasPrefix("<"), name.hasSuffix(">") {
            let type = String(name.dropFirst().dropLast())
            candidates = ["Values/\(type)_value", "Values/\(type)"]
        } else if name.hasPrefix(":") {
            candidates = ["Selectors/\(name)"]
        } else if name.hasPrefix("@") {
            candidates = ["At-rules/\(name)"]
        } else if name.hasSuffix("()") {
            let function = String(name.dropLast(2))
            candidates = ["Values/\(function)_function", "Values/\(function)"]
        } else {
            candidates = ["Properties/\(name)", "Values/\(name)", "Selectors/\(name)"]
        }
        if call.argument(1) == nil, candidates.first?.hasSuffix("_function") == true, !display.hasSuffix("()") { display += "()" }
        let url = call.url(candidates.map { base + $0 }.first(where: context.catalog.exists) ?? base + candidates[0],
                           anchorArgument: 2)
        let text = HTMLText.escapeText(call.argument(1) ?? display)
        return MacroOutput(html: context.links.anchor(url, innerHTML: "<code>\(text)</code>"))
    }
}
