import Foundation

/// Every error body of a build, in memory, by language, code and format: what
/// `erratum serve-errors` answers from.
public struct ErrorBodies: Sendable {
    /// The languages, the default first (English when there, then by name).
    public let languages: [String]
    /// The codes with a body in every language, ascending.
    public let codes: [Int]
    private let bodies: [String: [Int: [ErrorPages.Format: [UInt8]]]]

    /// The bodies among `files` (`errors/<language>/<code><suffix>`); other files are ignored.
    public init(files: [OutputFile]) {
        var bodies: [String: [Int: [ErrorPages.Format: [UInt8]]]] = [:]
        for file in files {
            let parts = file.path.split(separator: "/")
            guard parts.count == 3, parts[0] == "errors", let (code, format) = Self.parse(name: parts[2]) else { continue }
            bodies[String(parts[1]), default: [:]][code, default: [:]][format] = [UInt8](file.contents)
        }
        self.init(bodies: bodies)
    }

    private init(bodies: [String: [Int: [ErrorPages.Format: [UInt8]]]]) {
        // A code counts when every language has all three of its formats.
        let complete = bodies.mapValues { codes in Set(codes.filter { $0.value.count == ErrorPages.Format.allCases.count }.keys) }
        let codes = complete.values.reduce(complete.values.first ?? []) { $0.intersection($1) }
        self.codes = codes.sorted()
        self.bodies = bodies.mapValues { $0.filter { codes.contains($0.key) } }.filter { !$0.value.isEmpty }
        languages = self.bodies.keys.sorted { ($0 == "en" ? 0 : 1, $0) < ($1 == "en" ? 0 : 1, $1) }
    }

    /// The bodies `erratum build` wrote into an errors folder (`Output/errors`).
    ///
    /// - Throws: `DiagnosticError` (`source-io`) when the folder cannot be read or holds no
    ///   complete set of bodies.
    public init(folder: String) throws(DiagnosticError) {
        let fileManager = FileManager.default
        guard let languages = try? fileManager.contentsOfDirectory(atPath: folder) else {
            throw DiagnosticError(.sourceIO, "cannot read the error pages folder '\(folder)'")
        }
        var files: [OutputFile] = []
        for language in languages where !language.hasPrefix(".") {
            let languageFolder = folder.appendingPathComponent(language)
            for name in (try? fileManager.contentsOfDirectory(atPath: languageFolder)) ?? [] where Self.parse(name: Substring(name)) != nil {
                guard let data = fileManager.contents(atPath: languageFolder.appendingPathComponent(name)) else {
                    throw DiagnosticError(.sourceIO, "cannot read '\(languageFolder.appendingPathComponent(name))'")
                }
                files.append(OutputFile(path: "errors/\(language)/\(name)", contents: data))
            }
        }
        self.init(files: files)
        guard !codes.isEmpty else {
            throw DiagnosticError(.sourceIO, "'\(folder)' holds no error pages (<language>/<code>.html, .json and .problem.json); "
                                  + "erratum build writes them to Output/errors")
        }
    }

    /// The body of `code` in `language` and `format`.
    public func body(_ code: Int, language: String, format: ErrorPages.Format) -> Data? {
        bytes(code, language: language, format: format).map { Data($0) }
    }

    /// The bytes of the body of `code` in `language` and `format`, shared, not copied.
    public func bytes(_ code: Int, language: String, format: ErrorPages.Format) -> [UInt8]? {
        bodies[language]?[code]?[format]
    }

    /// The formats, the longest suffix first: `.problem.json` ends in `.json` too.
    private static let formatsBySuffix = ErrorPages.Format.allCases.sorted { $0.suffix.count > $1.suffix.count }

    /// `503.html` → (503, html); `503.problem.json` → (503, problem).
    public static func parse(name: Substring) -> (code: Int, format: ErrorPages.Format)? {
        for format in formatsBySuffix where name.hasSuffix(format.suffix) {
            let digits = name.dropLast(format.suffix.count)
            guard digits.count == 3, digits.allSatisfy(\.isASCII), let code = Int(digits) else { return nil }
            return (code, format)
        }
        return nil
    }
}
