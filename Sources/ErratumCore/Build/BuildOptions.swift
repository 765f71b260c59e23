/// Everything a build is told: where the inputs are, where the output goes, what to make.
public struct BuildOptions: Sendable {
    /// Content roots in MDN's layout (`<root>/<locale>/…/index.md`).
    public var contentRoots: [String]
    /// A folder whose files override the built-in templates, strings and assets file by file
    /// (`*.mustache`, `strings/<lang>.yaml`, `site/erratum.css`); nil for the built-in set.
    public var templatesRoot: String?
    /// Whether the built-in templates are used under `templatesRoot`; without them that
    /// folder must hold every file.
    public var builtInTemplates = true
    /// The output folder, replaced as a whole when the build succeeds.
    public var outputPath: String
    /// Where the error bodies will live on the server; nil means the absolute path of
    /// `<output>/errors`.
    public var errorsRoot: String?
    /// Error codes to make; nil means every 4xx and 5xx code of the IANA registry.
    public var codes: [Int]?
    /// Languages for the error pages; nil means every strings file, English first.
    public var languages: [String]?
    /// The site reference links in error pages and offline pages point to for pages outside
    /// the content.
    public var liveBase: String
    /// Where error pages link a status's reference page: a site serving MDN-style URLs
    /// (`<base>/<locale>/docs/<slug>`), such as the offline site on an intranet; nil means
    /// `liveBase`.
    public var referenceBase: String?
    /// Whether warnings fail the build.
    public var strict: Bool
    /// Whether the build reads and writes its cache beside the output folder, to render only
    /// what changed since the previous build (see `BuildCache`).
    public var cache = true
    /// Stops the build early when cancelled (the command line cancels on SIGINT and SIGTERM).
    public var cancellation: BuildCancellation?
    /// Whether a build finding another build of the same output running waits for it to finish
    /// (the default) or fails at once with `output-locked` (see `OutputLock`).
    public var waitsForOtherBuild = true
    /// Told once, with the other build's process id when known, that this build waits for it.
    public var waitingForOtherBuild: (@Sendable (_ holder: Int32?) -> Void)?
    /// Whether the build frees what it held (catalog, caches, records) when it returns. A
    /// process that exits right after the build, as `erratum build` does, sets it to false:
    /// the system takes the memory back at once, where freeing a large tree's millions of
    /// objects one by one takes a tenth of a second or more. A long-lived process (`erratum
    /// serve`, tests) keeps the default.
    public var freesMemoryWhenDone = true
    /// Whether the report says which output files changed and which page each document has
    /// (`BuildReport.changedFiles`, `.documentPages`), for a preview that reloads what changed.
    public var reportsOutputChanges = false
    /// Whether the report keeps what a preview needs to render edited pages before the next
    /// build (`BuildReport.previewState`).
    public var retainsPreviewState = false
    /// Told how many documents are rendered, of how many, as rendering goes (from any thread).
    public var progress: (@Sendable (_ rendered: Int, _ total: Int) -> Void)?

    /// Creates options; the defaults are `content/`, the built-in templates and `Output/`.
    public init(
        contentRoots: [String] = ["content"], templatesRoot: String? = nil, outputPath: String = "Output",
        errorsRoot: String? = nil, codes: [Int]? = nil, languages: [String]? = nil,
        liveBase: String = "https://developer.mozilla.org", referenceBase: String? = nil, strict: Bool = false
    ) {
        self.contentRoots = contentRoots
        self.templatesRoot = templatesRoot
        self.outputPath = outputPath
        self.errorsRoot = errorsRoot
        self.codes = codes
        self.languages = languages
        self.liveBase = liveBase
        self.referenceBase = referenceBase
        self.strict = strict
    }
}

/// What a successful build made.
public struct BuildReport: Sendable {
    /// Documents loaded.
    public var documents: Int
    /// Locales with at least one document.
    public var locales: Int
    /// Site pages written.
    public var pages: Int
    /// Error bodies written (codes × languages × formats).
    public var errorBodies: Int
    /// Server config files written (nginx, Apache, type-maps).
    public var serverConfigs: Int
    /// Every file written.
    public var files: Int
    /// Warnings and notes (a successful build has no errors).
    public var diagnostics: [Diagnostic]
    /// Wall-clock seconds.
    public var seconds: Double
    /// Wall-clock seconds of each phase, in the order they ran.
    public var phases: [Phase] = []
    /// Documents rendered by this build; the others' renders were recalled from the cache.
    public var rendered: Int = 0
    /// Files linked from the previous output rather than made again.
    public var kept: Int = 0
    /// Documents whose files were read (the others were recalled by their identity), and of
    /// those, parsed (their bytes were new); nil when the build used no cache.
    public var sourcesRead: (read: Int, parsed: Int)?
    /// With `reportsOutputChanges`: the output files (relative paths) this build added,
    /// changed or removed, sorted; nil when there was no earlier output to compare with.
    public var changedFiles: [String]?
    /// With `reportsOutputChanges`: each document's page (`docs/…/index.html`), by the
    /// document's path.
    public var documentPages: [String: String] = [:]
    /// With `retainsPreviewState`: the catalog, renderer and templates of this build.
    public var previewState: PreviewState?

    /// One step of the build and how long it took.
    public struct Phase: Sendable {
        /// What the step did: `load`, `pages`, `site`, `coverage`, `swap`…
        public var name: String
        /// Wall-clock seconds.
        public var seconds: Double
        /// The process's resident memory when the step ended, and the most it had held by
        /// then, in bytes (from `/proc/self/status`; nil where it cannot be read).
        public var residentBytes: Int? = nil
        public var peakResidentBytes: Int? = nil
    }

    /// The number of warnings.
    public var warnings: Int { diagnostics.filter { $0.severity == .warning }.count }
}
