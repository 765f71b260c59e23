import Foundation
import Mustache

/// The Mustache templates of a `TemplateFiles` set, by name (`errors/page.html` for
/// `errors/page.html.mustache`), and the non-template assets beside them.
///
/// Code builds typed contexts; templates decide every byte of markup, JSON and config.
public struct TemplateLibrary: Sendable {
    /// The files the templates came from.
    public let files: TemplateFiles
    private let library: MustacheLibrary
    private let names: Set<String>

    /// Loads every `*.mustache` file of `files`.
    ///
    /// - Throws: `DiagnosticError` (`template`) when a template does not parse; the position is
    ///   that of the parse error.
    public init(files: TemplateFiles) throws(DiagnosticError) {
        self.files = files
        Self.registerContentTypes
        var library = MustacheLibrary()
        var names: Set<String> = []
        var problems: [Diagnostic] = []
        for relative in files.paths where relative.hasSuffix(".mustache") {
            let path = files.location(relative)
            let name = String(relative.dropLast(".mustache".count))
            do {
                let text = try files.text(relative)
                let prefixed = name.hasSuffix(".html")
                do {
                    library.register(try MustacheTemplate(string: prefixed ? Self.prefix + text : text), named: name)
                    names.insert(name)
                } catch let error as MustacheTemplate.ParserError {
                    problems.append(Diagnostic(.error, .template, "template does not parse: \(error.error)",
                                               at: FileLocation(file: path,
                                                                  line: prefixed ? Self.templateLine(error.context.lineNumber) : error.context.lineNumber,
                                                                  column: error.context.columnNumber + 1)))
                } catch {
                    problems.append(Diagnostic(.error, .template, "template does not parse: \(error)",
                                               at: FileLocation(file: path, line: 1, column: 1)))
                }
            } catch {
                problems += error.diagnostics
            }
        }
        guard problems.isEmpty else { throw DiagnosticError(problems) }
        self.library = library
        self.names = names
    }

    /// Loads the built-in templates with those of a folder on top.
    ///
    /// - Throws: `DiagnosticError` (`template`) when the folder is missing or a template does not
    ///   parse.
    public init(overrides: String?) throws(DiagnosticError) {
        try self.init(files: TemplateFiles(overrides: overrides))
    }

    /// Renders the named template with a context.
    ///
    /// - Throws: `DiagnosticError` (`template`) when no template has that name.
    public func render(_ name: String, _ context: Any) throws(DiagnosticError) -> String {
        guard names.contains(name), let output = library.render(context, withTemplate: name) else {
            throw DiagnosticError(.template, "template '\(name).mustache' is missing from \(files.description)")
        }
        return output
    }

    /// The bytes of an asset (CSS, images) kept beside the templates.
    ///
    /// - Throws: `DiagnosticError` (`template`) when it is missing.
    public func asset(_ relative: String) throws(DiagnosticError) -> Data {
        guard let data = files.data(relative) else {
            throw DiagnosticError(.template, "asset '\(relative)' is missing from \(files.description)")
        }
        return data
    }

    /// Registers the content types once: `JSON` for `{{% CONTENT_TYPE: JSON}}` templates, and
    /// `HTML` replaced by `HTMLContentType`, which every HTML template starts with (`prefix`).
    private static let registerContentTypes: Void = {
        MustacheContentTypes.register(JSONContentType(), named: "JSON")
        MustacheContentTypes.register(HTMLContentType(), named: "HTML")
    }()

    /// The line put before the text of each template named `*.html`: Mustache escapes values for
    /// HTML unless a template says otherwise, and this makes it do so with `HTMLContentType`.
    /// A pragma alone on its line writes nothing, so the output is unchanged; parse errors are
    /// reported one line up (`templateLine`). Other templates are left as written, so that a
    /// partial still escapes as the template that includes it does.
    private static let prefix = "{{% CONTENT_TYPE: HTML}}\n"

    /// The line of the template file for a line of the prefixed text.
    private static func templateLine(_ line: Int) -> Int { max(1, line - 1) }
}

/// Escapes values for HTML as Mustache's own HTML content type does (the same five
/// characters), a byte at a time: its escaper looks each character up in a dictionary, and the
/// page template alone escapes some 2 KB of titles, links and words per page.
struct HTMLContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { HTMLText.escapeTemplateValue(text) }
}

/// Escapes values for the inside of a JSON string literal.
struct JSONContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<": result += "\\u003c" // safe to inline in HTML <script>
            case "\u{2028}": result += "\\u2028" // line separators end a JavaScript string in older engines
            case "\u{2029}": result += "\\u2029"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
