/// What the error pages are made for: which codes, which languages, where they link.
public struct ErrorPageSettings: Sendable {
    /// The status codes, ascending.
    public var codes: [Int]
    /// The languages (strings files), the default language first.
    public var languages: [String]
    /// The site that reference links point to, e.g. `https://developer.mozilla.org`.
    public var referenceBase: String

    /// Creates settings.
    public init(codes: [Int], languages: [String], referenceBase: String) {
        self.codes = codes
        self.languages = languages
        self.referenceBase = referenceBase
    }

    /// The language served when a client asks for none of ours.
    public var defaultLanguage: String { languages.first ?? "en" }
}

/// The error bodies: for every language and code, an HTML page, a JSON body and an
/// RFC 9457 problem+json body under `errors/<lang>/`.
public struct ErrorPages: Sendable {
    /// The formats written for each code and language, with their file suffix and media type.
    public enum Format: String, Sendable, CaseIterable {
        case html
        case json
        case problem

        /// The file name suffix after the code.
        public var suffix: String {
            switch self {
            case .html: ".html"
            case .json: ".json"
            case .problem: ".problem.json"
            }
        }

        /// The media type served.
        public var mediaType: String {
            switch self {
            case .html: "text/html; charset=utf-8"
            case .json: "application/json"
            case .problem: "application/problem+json"
            }
        }
    }

    let settings: ErrorPageSettings
    let strings: StringsCatalog
    let catalog: Catalog

    /// Creates the product.
    public init(settings: ErrorPageSettings, strings: StringsCatalog, catalog: Catalog) {
        self.settings = settings
        self.strings = strings
        self.catalog = catalog
    }

    /// Every error body as output files.
    ///
    /// - Throws: `DiagnosticError` (`strings`) naming each strings file, code and key that is
    ///   missing, all at once; (`template`) when a template is missing.
    public func files(templates: TemplateLibrary) throws(DiagnosticError) -> [OutputFile] {
        var files: [OutputFile] = []
        var problems: [Diagnostic] = []
        for language in settings.languages {
            guard let table = strings.languages[language] else {
                problems.append(Diagnostic(.error, .strings, "no strings file for language '\(language)' (templates/strings/\(language).yaml)"))
                continue
            }
            for code in settings.codes {
                let page: ErrorPageContext
                do {
                    page = try context(code: code, language: language, table: table)
                } catch {
                    problems += error.diagnostics
                    continue
                }
                for format in Format.allCases {
                    let text = try templates.render("errors/\(format.rawValue)", page)
                    files.append(OutputFile(path: "errors/\(language)/\(code)\(format.suffix)", text: text))
                }
            }
        }
        guard problems.isEmpty else { throw DiagnosticError(problems) }
        return files
    }

    private func context(code: Int, language: String, table: UIStrings) throws(DiagnosticError) -> ErrorPageContext {
        var missing: [Diagnostic] = []
        func text(_ key: String) -> String {
            if let value = table[key] { return value }
            missing.append(Diagnostic(.error, .strings, "'\(table.path)' has no '\(key)' for status \(code)",
                                      at: table.nearestLocation(of: key)))
            return ""
        }
        let prefix = "errors.status.\(code)."
        let page = ErrorPageContext(
            lang: language,
            code: code,
            reason: HTTPStatusRegistry.reason(for: code) ?? "",
            title: text(prefix + "title"),
            message: text(prefix + "message"),
            advice: text(prefix + "advice"),
            label: text("errors.common.label"),
            referenceLabel: text("errors.common.reference"),
            referenceURL: referenceURL(code: code, language: language)
        )
        guard missing.isEmpty else { throw DiagnosticError(missing) }
        return page
    }

    /// The reference page for a code in the content: in the page's language if translated,
    /// else in English; nil when the content has none.
    private func referenceURL(code: Int, language: String) -> String? {
        let slug = "Web/HTTP/Reference/Status/\(code)"
        let locale = catalog.allDocuments.map(\.locale).first { $0.language == language } ?? .english
        for candidate in [locale, .english] {
            if case let .found(document, _) = catalog.resolve("/\(candidate.tag)/docs/\(slug)") {
                return settings.referenceBase + document.url
            }
        }
        return nil
    }
}

/// What an error body template sees (read through key paths: 351 bodies per build).
struct ErrorPageContext: Sendable, TemplateFields {
    /// The language tag, for `lang` and Content-Language.
    let lang: String
    /// The status code.
    let code: Int
    /// The registered English reason phrase.
    let reason: String
    /// The localized reason phrase (problem+json `title`).
    let title: String
    /// What happened, in a sentence.
    let message: String
    /// What the visitor can do.
    let advice: String
    /// The word before the code, e.g. "Error".
    let label: String
    /// The text of the reference link.
    let referenceLabel: String
    /// The reference page, when the content has one.
    let referenceURL: String?

    static let fields: Fields = [
        "lang": \Self.lang, "code": \Self.code, "reason": \Self.reason, "title": \Self.title, "message": \Self.message,
        "advice": \Self.advice, "label": \Self.label, "referenceLabel": \Self.referenceLabel, "referenceURL": \Self.referenceURL,
    ]
}
