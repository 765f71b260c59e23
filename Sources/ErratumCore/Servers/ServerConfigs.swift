import Foundation

/// nginx, Apache httpd and Caddy configuration that serves the error bodies in the client's
/// language and format while keeping the real status.
///
/// The files are meant to be included unchanged: `nginx/erratum-http.conf` in `http {}`,
/// `nginx/erratum-server.conf` in each `server {}`, `apache/erratum.conf` at server or vhost
/// level, and one type-map per code in `errors/` beside the language folders;
/// `caddy/erratum.caddy` in each site block and `caddy/erratum-upstream.caddy` in each
/// `reverse_proxy` block.
public struct ServerConfigs: Sendable {
    /// The URL prefix under which the servers serve the error bodies internally.
    public static let urlPrefix = "/.erratum"

    /// Codes Apache httpd 2.4 refuses in `ErrorDocument` ("Unsupported HTTP response code"):
    /// its status table has no 425 Too Early, so Apache never sends one itself.
    static let unsupportedByApache: Set<Int> = [425]

    let settings: ErrorPageSettings
    /// The absolute folder the error bodies live in on the server.
    let errorsRoot: String

    /// Creates the product.
    public init(settings: ErrorPageSettings, errorsRoot: String) {
        self.settings = settings
        self.errorsRoot = errorsRoot
    }

    /// The config files and type-maps.
    ///
    /// - Throws: `DiagnosticError` (`template`) when a template is missing.
    public func files(templates: TemplateLibrary) throws(DiagnosticError) -> [OutputFile] {
        let context = self.context()
        var files = [
            OutputFile(path: "nginx/erratum-http.conf", text: try templates.render("nginx/erratum-http.conf", context)),
            OutputFile(path: "nginx/erratum-server.conf", text: try templates.render("nginx/erratum-server.conf", context)),
            OutputFile(path: "nginx/erratum-http-njs.conf", text: try templates.render("nginx/erratum-http-njs.conf", context)),
            OutputFile(path: "nginx/erratum-negotiation.js", text: try templates.render("nginx/erratum-negotiation.js", context)),
            OutputFile(path: "apache/erratum.conf", text: try templates.render("apache/erratum.conf", context)),
            OutputFile(path: "caddy/erratum.caddy", text: try templates.render("caddy/erratum.caddy", context)),
            OutputFile(path: "caddy/erratum-upstream.caddy", text: try templates.render("caddy/erratum-upstream.caddy", context)),
            OutputFile(path: "haproxy/erratum.cfg", text: try templates.render("haproxy/erratum.cfg", context)),
            OutputFile(path: "haproxy/erratum.lua", text: try templates.render("haproxy/erratum.lua", context)),
        ]
        for code in context.codes {
            files.append(OutputFile(path: "errors/\(code.code).var", text: try templates.render("apache/type-map.var", code)))
        }
        return files
    }

    /// The codes HAProxy 2.6 takes in `errorfile` (any other is "not handled").
    static let haproxyErrorfileCodes: Set<Int> = [400, 401, 403, 404, 405, 407, 408, 410, 413, 421, 422, 425, 429, 500, 501, 502, 503, 504]

    /// HAProxy's errorfiles (`haproxy/<language>/<code><suffix>.http`): each body of `bodies`
    /// (`errors/<language>/<code><suffix>`) whose code HAProxy takes, as the whole raw response
    /// HAProxy sends.
    public func haproxyFiles(bodies: [OutputFile]) -> [OutputFile] {
        bodies.compactMap { body in
            let parts = body.path.split(separator: "/")
            guard parts.count == 3, parts[0] == "errors", let (code, format) = ErrorBodies.parse(name: parts[2]),
                  Self.haproxyErrorfileCodes.contains(code), settings.codes.contains(code) else { return nil }
            let data = body.contents
            let head = "HTTP/1.1 \(code) \(HTTPStatusRegistry.reason(for: code) ?? "Error")\r\n"
                + "Content-Type: \(format.mediaType)\r\nContent-Language: \(parts[1])\r\n"
                + "Vary: Accept, Accept-Language\r\nCache-Control: no-store\r\nContent-Length: \(data.count)\r\n\r\n"
            return OutputFile(path: "haproxy/\(parts[1])/\(parts[2]).http", contents: Data(head.utf8) + data)
        }
    }

    func context() -> ServerConfigContext {
        let languages = settings.languages.map {
            ServerConfigContext.Language(tag: $0, isDefault: $0 == settings.defaultLanguage)
        }
        let codes = settings.codes.map { code in
            ServerConfigContext.Code(code: code, variants: settings.languages.flatMap { language in
                ErrorPages.Format.allCases.map { format in
                    ServerConfigContext.Variant(uri: "\(language)/\(code)\(format.suffix)", type: format.mediaType,
                                                language: language, quality: format == .html ? "1.0" : "0.9")
                }
            })
        }
        let haproxyRoot = (errorsRoot as NSString).deletingLastPathComponent.appendingPathComponent("haproxy")
        let haproxyCodes = settings.codes.filter(Self.haproxyErrorfileCodes.contains)
        let haproxySections = settings.languages.flatMap { language in
            ErrorPages.Format.allCases.map { format in
                ServerConfigContext.Section(name: "erratum-\(language)-\(format == .problem ? "problem" : format.rawValue)", files: haproxyCodes.map {
                    ServerConfigContext.Errorfile(code: $0, path: "\(haproxyRoot)/\(language)/\($0)\(format.suffix).http")
                })
            }
        }
        return ServerConfigContext(
            errorsRoot: errorsRoot,
            haproxyRoot: haproxyRoot,
            haproxySections: haproxySections,
            haproxyCodes: haproxyCodes.map(String.init).joined(separator: ", "),
            haproxySkipped: settings.codes.filter { !Self.haproxyErrorfileCodes.contains($0) }.map(String.init).joined(separator: ", "),
            caddyRoot: (errorsRoot as NSString).deletingLastPathComponent.appendingPathComponent("caddy"),
            nginxRoot: (errorsRoot as NSString).deletingLastPathComponent.appendingPathComponent("nginx"),
            codeList: settings.codes.map(String.init).joined(separator: ", "),
            codeWords: settings.codes.map(String.init).joined(separator: " "),
            apacheCodes: codes.filter { !Self.unsupportedByApache.contains($0.code) },
            apacheSkipped: codes.map(\.code).filter(Self.unsupportedByApache.contains).map(String.init).joined(separator: ", "),
            prefix: Self.urlPrefix,
            defaultLanguage: settings.defaultLanguage,
            languages: languages,
            languageAlternatives: settings.languages.map { $0.replacingOccurrences(of: "-", with: "\\-") }.joined(separator: "|"),
            languagePriority: settings.languages.joined(separator: " "),
            primaryLanguagesOnly: !settings.languages.contains { $0.contains("-") },
            codes: codes
        )
    }
}

/// What the server config templates see.
struct ServerConfigContext: Sendable, TemplateFields {
    struct Language: Sendable, TemplateFields {
        let tag: String
        let isDefault: Bool

        static let fields: Fields = ["tag": \Self.tag, "isDefault": \Self.isDefault]
    }

    struct Variant: Sendable, TemplateFields {
        let uri: String
        let type: String
        let language: String
        let quality: String

        static let fields: Fields = ["uri": \Self.uri, "type": \Self.type, "language": \Self.language, "quality": \Self.quality]
    }

    struct Code: Sendable, TemplateFields {
        let code: Int
        let variants: [Variant]

        static let fields: Fields = ["code": \Self.code, "variants": \Self.variants]
    }

    struct Errorfile: Sendable, TemplateFields {
        let code: Int
        let path: String

        static let fields: Fields = ["code": \Self.code, "path": \Self.path]
    }

    struct Section: Sendable, TemplateFields {
        let name: String
        let files: [Errorfile]

        static let fields: Fields = ["name": \Self.name, "files": \Self.files]
    }

    let errorsRoot: String
    /// Where the HAProxy files are, beside the errors folder.
    let haproxyRoot: String
    /// One http-errors section per language and format.
    let haproxySections: [Section]
    /// The codes HAProxy takes in errorfiles, and those it does not, for its comments.
    let haproxyCodes: String
    let haproxySkipped: String
    /// Where the Caddy files are, beside the errors folder, for their comments.
    let caddyRoot: String
    /// Where the nginx files are, beside the errors folder: njs loads its module from there.
    let nginxRoot: String
    /// `400, 401, …`: the codes, for a CEL list.
    let codeList: String
    /// `400 401 …`: the codes, for a directive's arguments.
    let codeWords: String
    /// The codes Apache accepts in `ErrorDocument`.
    let apacheCodes: [Code]
    /// The codes left out of the Apache config, for its comment ("" when none).
    let apacheSkipped: String
    let prefix: String
    let defaultLanguage: String
    let languages: [Language]
    /// `en|fr|de`, for a regular expression.
    let languageAlternatives: String
    let languagePriority: String
    /// No language has a region or script subtag, so a client's subtags can be dropped.
    let primaryLanguagesOnly: Bool
    let codes: [Code]

    static let fields: Fields = [
        "errorsRoot": \Self.errorsRoot, "haproxyRoot": \Self.haproxyRoot, "haproxySections": \Self.haproxySections,
        "haproxyCodes": \Self.haproxyCodes, "haproxySkipped": \Self.haproxySkipped, "caddyRoot": \Self.caddyRoot, "nginxRoot": \Self.nginxRoot, "codeList": \Self.codeList, "codeWords": \Self.codeWords, "apacheCodes": \Self.apacheCodes, "apacheSkipped": \Self.apacheSkipped,
        "prefix": \Self.prefix, "defaultLanguage": \Self.defaultLanguage, "languages": \Self.languages,
        "languageAlternatives": \Self.languageAlternatives, "languagePriority": \Self.languagePriority,
        "primaryLanguagesOnly": \Self.primaryLanguagesOnly, "codes": \Self.codes,
    ]
}
