import Foundation

/// Runs the whole pipeline: load, resolve, render, make the products, write them atomically.
public struct Builder: Sendable {
    /// The options of this build.
    public let options: BuildOptions

    /// Creates a builder.
    public init(options: BuildOptions) { self.options = options }

    /// Builds everything and swaps it into the output folder, once no other build holds it
    /// (`OutputLock`).
    ///
    /// - Throws: `DiagnosticError` with every diagnostic found (warnings included) when any is an
    ///   error (or any warning, with `strict`); the output folder is then left as it was.
    public func build() throws(DiagnosticError) -> BuildReport {
        let lock = try OutputLock.acquire(forOutput: options.outputPath, wait: options.waitsForOtherBuild,
                                          cancellation: options.cancellation, waiting: options.waitingForOtherBuild)
        defer { lock.release() }
        let started = ContinuousClock.now
        var phases = PhaseClock()
        var diagnostics: [Diagnostic] = []
        func failIfErrors() throws(DiagnosticError) {
            let failing = diagnostics.contains { $0.severity == .error || (options.strict && $0.severity == .warning) }
            if failing { throw DiagnosticError(diagnostics.sorted()) }
        }

        let templateFiles = try TemplateFiles(overrides: options.templatesRoot, builtIn: options.builtInTemplates)
        let templates = try TemplateLibrary(files: templateFiles)
        let strings = try Self.loadStrings(from: templateFiles)

        let history = ContentHistory.start(roots: options.contentRoots) // coverage's git log runs meanwhile
        // The strings' line history (git blame's work) is read meanwhile too.
        let stringsReading = Background { [strings] in StringsSources.read(strings, files: templateFiles) }
        var loader = ContentLoader(roots: options.contentRoots, bodies: .onDisk)
        let sourcesPath = SourceCache.path(forOutput: options.outputPath)
        loader.sources = options.cache ? SourceCache.read(from: sourcesPath) : nil
        let (content, loadDiagnostics) = try loader.load()
        diagnostics += loadDiagnostics
        try failIfErrors()
        try phases.end("load", cancellation: options.cancellation)

        let catalog = Catalog(content)
        let renderer = DocumentRenderer(catalog: catalog, strings: strings, style: .offline(liveBase: options.liveBase))
        let environment = environmentDigest(templates: templateFiles, l10n: catalog.l10n)
        let cachePath = BuildCache.path(forOutput: options.outputPath)
        let previous = options.cache ? BuildCache.read(from: cachePath, environment: environment) : nil
        let settings = try errorPageSettings(strings: strings)
        let errorsRoot = options.errorsRoot ?? Self.absolute(options.outputPath.appendingPathComponent("errors"))
        let writer = OutputWriter(destination: options.outputPath)
        let previousOutput = options.cache ? writer.previousOutput() : nil
        let finishedHistory = history.finish()
        try phases.end("catalog", cancellation: options.cancellation)

        // From here on every file goes to disk as soon as it is made; the output is swapped in
        // at the end, or the transaction is abandoned and the output left as it was.
        let transaction = try writer.begin(previous: previousOutput)
        var recordStream: RenderRecordStream?
        do throws(DiagnosticError) {
            let reuse = previousOutput.map { PageReuse(previous: $0, render: { renderer.render($0) }) }
            let site = Site(catalog: catalog, strings: strings, liveBase: options.liveBase,
                            sourceCommitDay: { finishedHistory.day(ofCommit: $0) })
            let sidebars = PageSidebars(site: site)
            for file in try site.assetFiles(templates: templates) { try transaction.write(file) }
            let structure = catalog.structureDigest(sourceCommitDay: { finishedHistory.day(ofCommit: $0) })
            // Each new render's record goes to the renders cache as its page is written.
            let records = options.cache
                ? RenderRecordStream(path: cachePath, environment: environment, previous: previous?.renders ?? RenderRecords()) : nil
            recordStream = records
            // What the rest of the build needs of the pages, counted in a scope of their own: the
            // outcomes, and the warnings each holds (a quarter of a million at MDN's size), go
            // once collected.
            let (pageCount, renderedCount, everyPageKept): (Int, Int, Bool)
            do {
                let outcomes = try Self.pages(catalog.allDocuments, with: renderer, environment: environment, previous: previous,
                                              structure: structure, records: records, progress: options.progress,
                                              cancellation: options.cancellation) { page, kept throws(DiagnosticError) -> Digest? in
                    // Nothing the page shows changed: the previous output's file is this page.
                    let path = Site.pagePath(of: page.rendered.document)
                    if let kept, let reuse, reuse.previous.hasFile(path, key: kept) {
                        try transaction.write(.previous(path, key: kept))
                        for file in try site.imageFiles(of: page.rendered) { try transaction.write(file) }
                        return kept
                    }
                    let (files, key) = try site.pageFiles(page, sidebars: sidebars, templates: templates, reuse: reuse)
                    for file in files { try transaction.write(file) }
                    return key
                }
                diagnostics += outcomes.flatMap(\.diagnostics)
                pageCount = outcomes.count
                renderedCount = outcomes.count(where: \.rendered)
                everyPageKept = outcomes.allSatisfy { !$0.rendered && $0.keptKey }
            }
            try failIfErrors()
            // What only pages needed goes before the site-wide products are made in its place.
            sidebars.forget()
            catalog.forgetResolutions()
            try phases.end("pages", cancellation: options.cancellation)

            // The site-wide products, each made again only when what it shows changed.
            var products = ProductWriter(transaction: transaction, previous: previous, reuse: reuse, recording: options.cache,
                                         cancellation: options.cancellation)
            var summaries = StableHasher()
            summaries.combine(structure)
            summaries.combine(catalog.summariesDigest())
            _ = try products.write("site-index", input: summaries.finalize()) { () throws(DiagnosticError) in
                try site.indexFiles(templates: templates)
            }
            _ = try products.write("redirect-stubs", input: structure) {
                (emit: ([OutputFile]) throws(DiagnosticError) -> Void) throws(DiagnosticError) in
                // Stubs never replace a page or index page: those paths are taken first. A thousand
                // stubs at a time: MDN's tables hold tens of thousands a locale.
                try site.redirectFiles(templates: templates, taken: transaction.paths, emit: emit)
            }
            try phases.end("site", cancellation: options.cancellation)
            var errorInputs = StableHasher()
            errorInputs.combine(structure)
            settings.combine(into: &errorInputs)
            errorInputs.combine(errorsRoot)
            let errorInput = errorInputs.finalize()
            // The bodies, once made; HAProxy's errorfiles are the same bodies with their heads.
            var madeBodies: [OutputFile]?
            func bodies() throws(DiagnosticError) -> [OutputFile] {
                if let madeBodies { return madeBodies }
                let made = try ErrorPages(settings: settings, strings: strings, catalog: catalog).files(templates: templates)
                madeBodies = made
                return made
            }
            let errorBodies = try products.write("error-pages", input: errorInput) { () throws(DiagnosticError) in try bodies() }
            let configs = try products.write("server-configs", input: errorInput) { () throws(DiagnosticError) in
                let configs = ServerConfigs(settings: settings, errorsRoot: errorsRoot)
                return try configs.files(templates: templates) + configs.haproxyFiles(bodies: bodies())
            }
            madeBodies = nil
            try phases.end("errors", cancellation: options.cancellation)
            // Coverage reads every page's outline (headings, code blocks, macros, links) and the
            // history: made again when any of them changed, not when only prose did.
            let stringsSources = stringsReading.value
            var coverageInputs = StableHasher()
            coverageInputs.combine(structure)
            // A document loaded without its outline digest (no source cache) counts by its bytes.
            for document in catalog.allDocuments { coverageInputs.combine(document.outlineDigest ?? document.sourceDigest) }
            finishedHistory.combine(into: &coverageInputs)
            stringsSources.combine(into: &coverageInputs)
            _ = try products.write("coverage", input: coverageInputs.finalize()) {
                (emit: ([OutputFile]) throws(DiagnosticError) -> Void) throws(DiagnosticError) in
                try CoverageReport(catalog: catalog, history: finishedHistory, strings: stringsSources, changes: .all)
                    .files(templates: templates, emit: emit)
            }
            try phases.end("coverage", cancellation: options.cancellation)
            // The caches are written on a thread of their own while the new tree is swapped in.
            // They record renders by their inputs, so they hold whether or not the swap succeeds.
            var cacheWriting: Background<Void>?
            if let records {
                let productRecords = products.records
                // A cache that would be written as it was read is left as it is.
                let unchanged = previous.map { previous in
                    previous.structure == structure && !products.madeAgain && previous.products.count == productRecords.count
                        && previous.renders.count == pageCount && everyPageKept
                } ?? false
                let sources = loader.sources
                cacheWriting = Background {
                    if unchanged { records.discard() } else { try? records.finish(structure: structure, products: productRecords) }
                    if let sources, !sources.isUnchanged { try? sources.write(to: sourcesPath) }
                }
            }
            let manifest: OutputManifest
            do {
                manifest = try transaction.commit(cancellation: options.cancellation)
            } catch {
                _ = cacheWriting?.value
                throw error
            }
            phases.end("swap")
            if let cacheWriting {
                _ = cacheWriting.value
                phases.end("cache")
            }
            if !options.freesMemoryWhenDone {
                ProcessMemory.keepUntilExit((catalog, renderer, previous, previousOutput, loader, products, transaction, manifest, site))
            }
            var report = BuildReport(
                documents: catalog.allDocuments.count,
                locales: Set(catalog.allDocuments.map(\.locale)).count,
                pages: pageCount,
                errorBodies: errorBodies,
                serverConfigs: configs,
                files: manifest.entries.count,
                diagnostics: diagnostics.sorted(),
                seconds: (ContinuousClock.now - started).seconds,
                phases: phases.phases,
                rendered: renderedCount,
                kept: manifest.entries.count - transaction.madeCount,
                sourcesRead: loader.sources?.readAndParsed
            )
            if options.reportsOutputChanges {
                report.changedFiles = previousOutput?.current.map { Self.changes(from: $0, to: manifest) }
                report.documentPages = Dictionary(catalog.allDocuments.map { ($0.path, Site.pagePath(of: $0)) },
                                                  uniquingKeysWith: { first, _ in first })
            }
            if options.retainsPreviewState {
                report.previewState = PreviewState(catalog: catalog, renderer: renderer, site: site, templates: templates,
                                                   output: options.outputPath)
            }
            return report
        } catch {
            recordStream?.discard()
            transaction.abandon()
            throw DiagnosticError((diagnostics + error.diagnostics).sorted())
        }
    }

    /// Loads what pages are made of, and nothing more, for a preview to make each page on its
    /// first request while its first build runs (`PreviewState.file(at:)`): templates, strings,
    /// every document's front matter, the catalog. Documents are read without the outline
    /// digests a build's source cache keeps (a cmark parse of every body, three quarters of a
    /// first build's loading), and nothing is written.
    ///
    /// - Throws: `DiagnosticError` when the templates or strings cannot be loaded or a content
    ///   root does not exist. Problems of single files do not throw: their documents are left
    ///   out, and the problems kept in the state (`siteProblems`, or over their pages).
    public func preview() throws(DiagnosticError) -> PreviewState {
        let templateFiles = try TemplateFiles(overrides: options.templatesRoot, builtIn: options.builtInTemplates)
        let templates = try TemplateLibrary(files: templateFiles)
        let strings = try Self.loadStrings(from: templateFiles)
        let history = ContentHistory.start(roots: options.contentRoots)
        let (content, problems) = try ContentLoader(roots: options.contentRoots, bodies: .onDisk).load()
        let catalog = Catalog(content)
        let renderer = DocumentRenderer(catalog: catalog, strings: strings, style: .offline(liveBase: options.liveBase))
        let finishedHistory = history.finish()
        let site = Site(catalog: catalog, strings: strings, liveBase: options.liveBase,
                        sourceCommitDay: { finishedHistory.day(ofCommit: $0) })
        return PreviewState(catalog: catalog, renderer: renderer, site: site, templates: templates, output: options.outputPath,
                            errorSettings: try? errorPageSettings(strings: strings),
                            errorsRoot: options.errorsRoot ?? Self.absolute(options.outputPath.appendingPathComponent("errors")),
                            loadProblems: problems)
    }

    /// Every error body, made in memory (nothing is written): the templates and strings, and
    /// the content when there is some (for links to its reference pages; without it they go
    /// to the live site).
    ///
    /// - Throws: `DiagnosticError` when the templates, strings or content cannot be loaded, or
    ///   a strings file lacks a key.
    public func errorBodies() throws(DiagnosticError) -> ErrorBodies {
        let templateFiles = try TemplateFiles(overrides: options.templatesRoot, builtIn: options.builtInTemplates)
        let templates = try TemplateLibrary(files: templateFiles)
        let strings = try Self.loadStrings(from: templateFiles)
        var content = ContentSet(documents: [], redirects: [:])
        if !options.contentRoots.isEmpty {
            let (loaded, problems) = try ContentLoader(roots: options.contentRoots, bodies: .onDisk).load()
            let errors = problems.filter { $0.severity == .error }
            if !errors.isEmpty { throw DiagnosticError(errors) }
            content = loaded
        }
        let pages = ErrorPages(settings: try errorPageSettings(strings: strings), strings: strings, catalog: Catalog(content))
        return ErrorBodies(files: try pages.files(templates: templates))
    }

    /// The paths added, changed (made from another key) or removed between two outputs, sorted.
    static func changes(from old: OutputManifest, to new: OutputManifest) -> [String] {
        var changed = new.entries.compactMap { path, entry in old.entries[path]?.key == entry.key ? nil : path }
        changed += old.entries.keys.filter { new.entries[$0] == nil }
        return changed.sorted()
    }

    /// Writes the site-wide products (index pages, redirect stubs, error pages, configs): each is
    /// made again only when the fingerprint of what it is made from changed, or when one of its
    /// files is no longer as the previous build wrote it; otherwise its files are kept.
    struct ProductWriter {
        let transaction: OutputTransaction
        let previous: BuildCache?
        let reuse: PageReuse?
        let cancellation: BuildCancellation?
        /// What this build made, for the next one.
        private(set) var records: [String: BuildCache.ProductRecord] = [:]
        /// Whether any product was made again rather than kept.
        private(set) var madeAgain = false

        /// Whether the records are kept for a cache; without one, a product's files are
        /// counted, not listed (MDN's redirect stubs alone are 140,000 paths at 8 locales).
        let recording: Bool

        init(transaction: OutputTransaction, previous: BuildCache?, reuse: PageReuse?, recording: Bool = true,
             cancellation: BuildCancellation?) {
            self.transaction = transaction
            self.previous = previous
            self.reuse = reuse
            self.recording = recording
            self.cancellation = cancellation
        }

        /// Writes the product `name`, made by `make` unless `input` is the previous build's.
        ///
        /// - Returns: how many files it has.
        mutating func write(_ name: String, input: Digest,
                            make: () throws(DiagnosticError) -> [OutputFile]) throws(DiagnosticError) -> Int {
            try write(name, input: input) { (emit: ([OutputFile]) throws(DiagnosticError) -> Void) throws(DiagnosticError) in
                try emit(make())
            }
        }

        /// Writes the product `name`, whose files `make` hands over in batches (each written and
        /// let go before the next is made), unless `input` is the previous build's.
        ///
        /// - Returns: how many files it has.
        mutating func write(_ name: String, input: Digest,
                            make: (_ emit: ([OutputFile]) throws(DiagnosticError) -> Void) throws(DiagnosticError) -> Void)
            throws(DiagnosticError) -> Int {
            var written: [(path: String, key: Digest)] = []
            var count = 0
            let transaction = transaction
            let cancellation = cancellation
            let recording = recording
            func emit(_ files: [OutputFile]) throws(DiagnosticError) {
                let keys = try Parallel.map(files, cancellation: cancellation) { file throws(DiagnosticError) in try transaction.write(file) }
                count += files.count
                if recording { written += zip(files, keys).map { ($0.path, $1) } }
            }
            if let record = previous?.products[name], record.input == input, let reuse,
               record.files.allSatisfy({ reuse.previous.hasFile($0.path, key: $0.key) }) {
                try emit(record.files.map { OutputFile.previous($0.path, key: $0.key) })
            } else {
                madeAgain = true
                try make(emit)
            }
            if recording { records[name] = BuildCache.ProductRecord(input: input, files: written) }
            return count
        }
    }

    /// What a build keeps of one page once it is written (its record has gone to the cache).
    struct PageOutcome: Sendable {
        /// Whether the page's key is the one the previous build's cache recorded.
        var keptKey: Bool
        /// The render's warnings.
        var diagnostics: [Diagnostic]
        /// Whether the document was rendered (not recalled from the cache).
        var rendered: Bool
    }

    /// Renders every document on all cores, or recalls its render from `previous`, and hands
    /// each page to `emit` (which writes it and returns its key) before letting its HTML go;
    /// what is kept of each comes back in the documents' order.
    ///
    /// While the catalog's `structure` is the previous build's, only the answers that can change
    /// without it (child pages' bodies, files) are asked again, and a recalled render's page is
    /// offered to `emit` with its previous key, to be kept without making its context. Each
    /// page's record goes to `records`; without it (a build writing no cache) renders note no
    /// dependencies and pages get no key.
    static func pages(_ documents: [Document], with renderer: DocumentRenderer, environment: Digest, previous: BuildCache?,
                      structure: Digest, records: RenderRecordStream?, progress: (@Sendable (Int, Int) -> Void)? = nil,
                      cancellation: BuildCancellation? = nil,
                      emit: @Sendable (SitePage, _ kept: Digest?) throws(DiagnosticError) -> Digest?)
        throws(DiagnosticError) -> [PageOutcome] {
        let catalog = renderer.catalog
        let sameStructure = previous?.structure == structure
        // A page's key covers the environment too: a template edit changes every page.
        @Sendable func renderKey(_ record: BuildCache.RenderRecord) -> Digest {
            var hasher = StableHasher()
            hasher.combine(environment)
            hasher.combine(record.key)
            return hasher.finalize()
        }
        return try Parallel.map(documents, progress: progress, cancellation: cancellation) { document throws(DiagnosticError) -> PageOutcome in
            let source = document.contentDigest
            if var record = previous?.renders[document.path], record.source == source,
               sameStructure
                ? catalog.answers(to: record.dependencies.filter(\.dependsOnMoreThanStructure)) == record.volatileAnswers
                : catalog.answers(to: record.dependencies) == record.answers {
                let recalled = RenderedDocument(document: document, html: "", headings: [], sidebar: record.sidebar,
                                                diagnostics: record.diagnostics, assets: record.assets)
                let before = record.pageKey
                record.pageKey = try emit(SitePage(rendered: recalled, renderKey: renderKey(record), hasHTML: false),
                                          sameStructure ? record.pageKey : nil)
                records?.recall(document.path, pageKey: record.pageKey)
                return PageOutcome(keptKey: record.pageKey == before, diagnostics: record.diagnostics,
                                   rendered: false)
            }
            guard let records else {
                // No cache to write: nothing to note, fingerprint or key.
                let rendered = renderer.render(document)
                _ = try emit(SitePage(rendered: rendered, renderKey: nil, hasHTML: true), nil)
                return PageOutcome(keptKey: false, diagnostics: rendered.diagnostics, rendered: true)
            }
            let log = DependencyLog()
            let rendered = renderer.render(document, recordingInto: log)
            let dependencies = log.dependencies
            var record = BuildCache.RenderRecord(
                source: source, dependencies: dependencies, answers: catalog.answers(to: dependencies),
                volatileAnswers: catalog.answers(to: dependencies.filter(\.dependsOnMoreThanStructure)),
                sidebar: rendered.sidebar, diagnostics: rendered.diagnostics, assets: rendered.assets)
            record.pageKey = try emit(SitePage(rendered: rendered, renderKey: renderKey(record), hasHTML: true), nil)
            records.add(record, path: document.path)
            return PageOutcome(keptKey: false, diagnostics: record.diagnostics, rendered: true)
        }
    }

    /// The fingerprint of what every page depends on besides its document and the catalog's
    /// answers: the cache format, the erratum binary, the templates and strings, MDN's UI
    /// words from the content and the options that shape pages.
    func environmentDigest(templates: TemplateFiles, l10n: L10nStrings) -> Digest {
        var hasher = StableHasher()
        hasher.combine("erratum build cache")
        hasher.combine(BuildCache.format)
        // A new erratum may render differently: its binary's size and time stand for its code.
        var binary = stat()
        if stat("/proc/self/exe", &binary) == 0 {
            hasher.combine(Int(binary.st_size))
            hasher.combine(Int(binary.st_mtim.tv_sec))
            hasher.combine(Int(binary.st_mtim.tv_nsec))
        }
        for relative in templates.paths {
            guard let data = templates.data(relative) else { continue }
            hasher.combine(relative)
            data.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
        l10n.combine(into: &hasher)
        hasher.combine(options.liveBase)
        hasher.combine(options.referenceBase)
        return hasher.finalize()
    }

    /// The codes and languages to make error pages for.
    func errorPageSettings(strings: StringsCatalog) throws(DiagnosticError) -> ErrorPageSettings {
        let fallback = strings.fallback
        let available = strings.languages.keys.sorted { $0 == fallback ? $1 != fallback : ($1 != fallback && $0 < $1) }
        let languages = options.languages ?? available
        for language in languages where strings.languages[language] == nil {
            throw DiagnosticError(.usage, "no strings file for language '\(language)'; add strings/\(language).yaml to "
                                  + (options.templatesRoot.map { "'\($0)'" } ?? "a templates folder (--templates)"))
        }
        let codes = options.codes ?? HTTPStatusRegistry.errors.map(\.code)
        return ErrorPageSettings(codes: codes, languages: languages, referenceBase: options.referenceBase ?? options.liveBase)
    }

    /// Loads the `strings/<lang>.yaml` files of a template set.
    public static func loadStrings(from files: TemplateFiles) throws(DiagnosticError) -> StringsCatalog {
        let paths = files.paths(in: "strings", suffix: ".yaml")
        guard !paths.isEmpty else {
            throw DiagnosticError(.strings, "no strings files (strings/*.yaml) in \(files.description)")
        }
        var languages: [String: UIStrings] = [:]
        var problems: [Diagnostic] = []
        for relative in paths {
            let language = String(relative.dropFirst("strings/".count).dropLast(".yaml".count))
            do {
                languages[language] = try UIStrings(language: language, path: files.location(relative), yaml: try files.text(relative))
            } catch {
                problems += error.diagnostics
            }
        }
        guard problems.isEmpty else { throw DiagnosticError(problems) }
        guard languages["en"] != nil else {
            throw DiagnosticError(.strings, "\(files.description) have no strings/en.yaml; English is every other language's fallback")
        }
        return StringsCatalog(languages: languages)
    }

    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath.appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }
}

/// Times the build's phases one after another, for `erratum build --timings`.
struct PhaseClock {
    private var last = ContinuousClock.now
    private(set) var phases: [BuildReport.Phase] = []

    /// Ends the phase that began where the previous one ended, and stops the build there if
    /// it was cancelled meanwhile.
    mutating func end(_ name: String, cancellation: BuildCancellation?) throws(DiagnosticError) {
        end(name)
        try cancellation?.check()
    }

    /// Ends the phase that began where the previous one ended.
    mutating func end(_ name: String) {
        let now = ContinuousClock.now
        let memory = Self.memory()
        // The kernel's high-water mark is brought up to date only on some events (an unmap, not
        // a page given back with madvise): read after the resident size fell, it can be below
        // what an earlier phase read. The peak so far is the larger.
        let peak = memory.map { max($0.peak, phases.last?.peakResidentBytes ?? 0) }
        phases.append(.init(name: name, seconds: (now - last).seconds, residentBytes: memory?.resident,
                            peakResidentBytes: peak))
        last = now
    }

    /// `VmRSS` and `VmHWM` of `/proc/self/status`, in bytes.
    static func memory() -> (resident: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func kibibytes(_ field: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        guard let resident = kibibytes("VmRSS"), let peak = kibibytes("VmHWM") else { return nil }
        return (resident * 1024, peak * 1024)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
