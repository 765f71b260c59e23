/// What a macro needs to know about the page it is expanded on.
public struct MacroContext: Sendable {
    /// The document being rendered (with inherited front matter).
    public let document: Document
    /// Every document, for link resolution.
    public let catalog: Catalog
    /// Writes links from this page.
    public let links: LinkWriter
    /// Localized words, by dotted key.
    public let strings: StringsCatalog

    /// Creates a context.
    public init(document: Document, catalog: Catalog, links: LinkWriter, strings: StringsCatalog) {
        self.document = document
        self.catalog = catalog
        self.links = links
        self.strings = strings
    }

    /// A localized word for this page's locale, falling back to English, then to `fallback`.
    public func word(_ key: String, _ fallback: String) -> String {
        strings.text(key, locale: document.locale) ?? fallback
    }

    /// A word MDN localizes in `jsondata/L10n-*.json` (`mdnKey`, e.g. `Template.optional`):
    /// the content's own text in this locale, else ours in this language (`key`), else the
    /// content's English, else ours in English, else `fallback`.
    public func word(mdn mdnKey: String, _ key: String, _ fallback: String) -> String {
        strings.word(mdn: mdnKey, key, fallback, locale: document.locale, l10n: catalog.l10n)
    }
}

extension StringsCatalog {
    /// A word MDN localizes in `jsondata/L10n-*.json` (`mdnKey`, e.g. `Common.summary`): as
    /// MDN's build does, the content's text in `locale`, else the content's English; only
    /// where the content has no such key, ours (`key`) in the locale's language, else
    /// `fallback`. The result is HTML, as MDN's is.
    public func word(mdn mdnKey: String, _ key: String, _ fallback: String, locale: ContentLocale,
                     l10n: L10nStrings) -> String {
        if let text = l10n.text(mdnKey, locale: locale) ?? l10n.text(mdnKey, locale: .english) { return text }
        return self.text(key, locale: locale) ?? fallback
    }
}

/// The HTML a macro expands to.
public struct MacroOutput: Sendable, Hashable {
    /// The HTML, exactly as MDN writes it.
    public var html: String
    /// Whether it is block content (a table, a banner), which replaces the paragraph it
    /// stands alone in rather than sitting inside it.
    public var isBlock: Bool

    /// Creates an output.
    public init(html: String, isBlock: Bool = false) {
        self.html = html
        self.isBlock = isBlock
    }
}

/// Why a call could not be expanded; the message is shown with the call's position.
public struct MacroError: Error, Sendable, Hashable {
    /// A sentence naming the macro and what is wrong.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
}

/// One parameter of a macro, typed as MDN's build types it: a string, an integer, or any
/// value (`AnyArg`). An empty string counts as absent.
public struct MacroParameter: Sendable, Hashable {
    /// What a parameter accepts.
    public enum Kind: Sendable, Hashable {
        case string, integer, any
    }

    /// What the parameter is, as a diagnostic names it ("a glossary term").
    public let name: String
    /// What it accepts.
    public let kind: Kind
    /// Whether the call must give it.
    public let isRequired: Bool

    /// A parameter the call must give.
    public static func required(_ name: String, _ kind: Kind) -> MacroParameter {
        MacroParameter(name: name, kind: kind, isRequired: true)
    }

    /// A parameter the call may leave out.
    public static func optional(_ name: String, _ kind: Kind) -> MacroParameter {
        MacroParameter(name: name, kind: kind, isRequired: false)
    }
}

extension MacroCall {
    /// Checks the arguments against a macro's parameters, as MDN's build does: a missing
    /// required argument or one of the wrong type fails the call (`error`); arguments past
    /// the last parameter are ignored by MDN, and only warned about here (`ignored`).
    func check(against parameters: [MacroParameter]) -> (error: MacroError?, ignored: String?) {
        var ignored: String?
        if arguments.count > parameters.count {
            let takes = parameters.isEmpty ? "takes no arguments" : "takes at most \(parameters.count) argument\(parameters.count == 1 ? "" : "s")"
            ignored = "\(name) \(takes), found \(arguments.count); MDN ignores the rest"
        }
        for (index, parameter) in parameters.enumerated() {
            let given = index < arguments.count ? arguments[index] : nil
            guard let given, given != .string("") else {
                if parameter.isRequired { return (MacroError("\(name) needs \(parameter.name) as argument \(index + 1)"), ignored) }
                continue
            }
            let problem: String? = switch (parameter.kind, given) {
            case (.string, .string), (.any, _): nil
            case (.integer, let .number(value)) where value.rounded() == value: nil
            case (.string, _): "must be a string"
            case (.integer, _): "must be an integer"
            }
            if let problem {
                return (MacroError("\(name) argument \(index + 1) (\(parameter.name)) \(problem), found \(given)"), ignored)
            }
        }
        return (nil, ignored)
    }
}

/// A KumaScript macro Erratum implements.
public protocol Macro: Sendable {
    /// The names it answers to, folded (lower case, `_` for `-`).
    var names: [String] { get }
    /// Its parameters in order, typed as MDN's build declares them; calls are checked
    /// against them before `expand`.
    var parameters: [MacroParameter] { get }
    /// Expands one call.
    ///
    /// - Throws: `MacroError` for a call whose arguments cannot work (missing or wrong type).
    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput
}

extension Macro {
    /// The `index`th argument, required to be present and non-empty.
    func required(_ call: MacroCall, _ index: Int, _ what: String) throws(MacroError) -> String {
        guard let value = call.argument(index) else {
            throw MacroError("\(call.name) needs \(what) as argument \(index + 1)")
        }
        return value
    }

}

/// The macros Erratum knows, by folded name.
public struct MacroRegistry: Sendable {
    private var macros: [String: any Macro] = [:]

    /// The registry with every built-in macro.
    public static let standard = MacroRegistry([
        HTTPReferenceMacro.status, HTTPReferenceMacro.header, HTTPReferenceMacro.method,
        GlossaryMacro(), RFCMacro(), ElementMacro.html, ElementMacro.svg, CSPMacro(), JSRefMacro(), CSSRefMacro(),
        SpecificationsMacro(), CompatMacro(), HTTPSidebarMacro(), SubpagesWithSummariesMacro(),
        BadgeMacro.experimental, BadgeMacro.deprecated, BadgeMacro.nonStandard, OptionalMacro(),
        BannerMacro.deprecated, BannerMacro.nonStandard, BannerMacro.secureContext, BannerMacro.seeCompatTable,
    ])

    /// Creates a registry from macros.
    public init(_ macros: [any Macro]) {
        for macro in macros {
            for name in macro.names { self.macros[name] = macro }
        }
    }

    /// Every name a macro answers to, sorted (tests call each one).
    var names: [String] { macros.keys.sorted() }

    /// The macro for a call, if known.
    public func macro(for call: MacroCall) -> (any Macro)? {
        macros[call.normalizedName]
    }

    /// The visible marker for a call no macro answers, in MDN's form.
    public static func unsupported(_ call: MacroCall) -> MacroOutput {
        MacroOutput(html: "<s>unsupported templ: \(HTMLText.escapeText(call.normalizedName))</s>")
    }
}
