import Foundation

/// Runs the whole pipeline: load, resolve, render, make the products, write them atomically.
public struct Builder: Sendable {
    /// The options of this build.
    public let options: BuildOptions

    /// Creates a builder.
    public init(options: BuildOptions) { self.options = options }

    /// Builds everything and swaps it into the output folder.
    ///
    /// - Throws: `DiagnosticError` with every diagnostic found (warnings included) when any is an
    ///   error (or any warning, with `strict`); the output folder is then left as it was.
    public func build() throws(DiagnosticError) -> BuildReport {
        let started = ContinuousClock.now
        var diagnostics: [Diagnostic] = []
        func failIfErrors() throws(DiagnosticError) {
            let failing = diagnostics.contains { $0.severity == .error || (options.strict && $0.severity == .warning) }
            if failing { throw DiagnosticError(diagnostics.sorted()) }
        }

        let templates = try TemplateLibrary(root: options.templatesRoot)
        let strings: StringsCatalog
        do {
            strings = try Self.loadStrings(from: options.templatesRoot.appendingPathComponent("strings"))
        } catch {
            diagnostics += error.diagnostics
            throw DiagnosticError(diagnostics)
        }

        let history = ContentHistory.start(roots: options.contentRoots) // coverage's git log runs meanwhile
        let (content, loadDiagnostics) = try ContentLoader(roots: options.contentRoots).load()
        diagnostics += loadDiagnostics
        try failIfErrors()

        let catalog = Catalog(content)
        let renderer = DocumentRenderer(catalog: catalog, strings: strings, style: .offline(liveBase: options.liveBase))
        let pages = Self.render(catalog.allDocuments, with: renderer, progress: options.progress)
        diagnostics += pages.flatMap(\.diagnostics)
        try failIfErrors()

        let settings = try errorPageSettings(strings: strings)
        let errorsRoot = options.errorsRoot ?? Self.absolute(options.outputPath.appendingPathComponent("errors"))
        var files: [OutputFile] = []
        do throws(DiagnosticError) {
            let finishedHistory = history.finish()
            files += try Site(catalog: catalog, strings: strings, liveBase: options.liveBase,
                              sourceCommitDay: { finishedHistory.day(ofCommit: $0) })
                .files(pages: pages, templates: templates)
            let errorBodies = try ErrorPages(settings: settings, strings: strings, catalog: catalog).files(templates: templates)
            files += errorBodies
            let configs = try ServerConfigs(settings: settings, errorsRoot: errorsRoot).files(templates: templates)
            files += configs
            files += try CoverageReport(catalog: catalog, history: finishedHistory, strings: StringsSources.read(strings))
                .files(templates: templates)
            try OutputWriter(destination: options.outputPath).write(files)
            return BuildReport(
                documents: catalog.allDocuments.count,
                locales: Set(catalog.allDocuments.map(\.locale)).count,
                pages: pages.count,
                errorBodies: errorBodies.count,
                serverConfigs: configs.count,
                files: files.count,
                diagnostics: diagnostics.sorted(),
                seconds: (ContinuousClock.now - started).seconds
            )
        } catch {
            throw DiagnosticError((diagnostics + error.diagnostics).sorted())
        }
    }

    /// Renders every document on all cores; the pages come back in the documents' order.
    static func render(_ documents: [Document], with renderer: DocumentRenderer,
                       progress: (@Sendable (Int, Int) -> Void)? = nil) -> [RenderedDocument] {
        // Rendering does not throw: its problems are diagnostics on the page.
        (try? Parallel.map(documents, progress: progress) { document throws(DiagnosticError) in renderer.render(document) }) ?? []
    }

    /// The codes and languages to make error pages for.
    func errorPageSettings(strings: StringsCatalog) throws(DiagnosticError) -> ErrorPageSettings {
        let fallback = strings.fallback
        let available = strings.languages.keys.sorted { $0 == fallback ? $1 != fallback : ($1 != fallback && $0 < $1) }
        let languages = options.languages ?? available
        for language in languages where strings.languages[language] == nil {
            throw DiagnosticError(.usage, "no strings file for language '\(language)'; add \(options.templatesRoot)/strings/\(language).yaml")
        }
        let codes = options.codes ?? HTTPStatusRegistry.errors.map(\.code)
        return ErrorPageSettings(codes: codes, languages: languages, referenceBase: options.referenceBase ?? options.liveBase)
    }

    /// Loads `strings/<lang>.yaml` files.
    static func loadStrings(from folder: String) throws(DiagnosticError) -> StringsCatalog {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        guard !names.isEmpty else {
            throw DiagnosticError(.strings, "no strings files (*.yaml) in '\(folder)'")
        }
        var languages: [String: UIStrings] = [:]
        var problems: [Diagnostic] = []
        for name in names {
            let path = folder.appendingPathComponent(name)
            let language = String(name.dropLast(".yaml".count))
            do {
                languages[language] = try UIStrings(language: language, path: path, yaml: try SourceText.read(path))
            } catch {
                problems += error.diagnostics
            }
        }
        guard problems.isEmpty else { throw DiagnosticError(problems) }
        guard languages["en"] != nil else {
            throw DiagnosticError(.strings, "'\(folder)' has no en.yaml; English is every other language's fallback")
        }
        return StringsCatalog(languages: languages)
    }

    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath.appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
