import Foundation

/// What one build leaves for the next, so that the next renders only what changed.
///
/// For each document: the fingerprint of its source, the questions its render asked of the
/// catalog and the disk (`Dependency`) with the fingerprint of their answers, and what the
/// rest of the build needs from the render besides its HTML (sidebar, headings, warnings,
/// images).
///
/// It lives in the cache folder beside the output (`.Output.cache/renders` for `Output`), one
/// file written atomically after the output is swapped in; the output files' manifests are
/// the writer's (`OutputWriter`, `PreviousOutput`). Anything unreadable, from another format or
/// another build environment (templates, strings, options, the erratum binary) is ignored:
/// the build is then a clean one.
struct BuildCache: Sendable {
    /// Bumped whenever the format or anything the fingerprints cover changes meaning.
    static let format = 4

    /// The fingerprint of everything every page depends on (see `Builder.environment`).
    var environment: Digest
    /// The catalog's `structureDigest` when this cache was written.
    var structure: Digest?
    /// Each document's render, by the document's path.
    var renders: [String: RenderRecord] = [:]
    /// The site-wide products (index pages, redirect stubs, error pages…), by name.
    var products: [String: ProductRecord] = [:]

    /// The files one site-wide product made, and the fingerprint of what it was made from.
    struct ProductRecord: Sendable {
        var input: Digest
        var files: [(path: String, key: Digest)]
    }

    /// One document's render, minus its HTML.
    struct RenderRecord: Sendable {
        /// `Document.contentDigest` of the document rendered.
        var source: Digest
        var dependencies: [Dependency]
        /// `Catalog.answers(to: dependencies)` when it rendered.
        var answers: Digest
        /// The same for the dependencies that can change while the catalog's structure does
        /// not (`Dependency.dependsOnMoreThanStructure`).
        var volatileAnswers: Digest
        /// The key of the page made from this render (render, page context, environment).
        var pageKey: Digest?
        var sidebar: String?
        var headings: [MarkdownRenderer.Heading]
        var diagnostics: [Diagnostic]
        var assets: [RenderedDocument.Asset]

        /// The fingerprint of the render: equal renders have equal keys.
        var key: Digest {
            var hasher = StableHasher()
            hasher.combine(source)
            hasher.combine(answers)
            return hasher.finalize()
        }
    }

    /// The cache file of an output folder: `<parent>/.<name>.cache/renders`.
    static func path(forOutput output: String) -> String {
        OutputWriter(destination: output).cacheFolder.appendingPathComponent("renders")
    }

    /// Reads the cache, or nil when there is none usable for this environment.
    static func read(from path: String, environment: Digest) -> BuildCache? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var reader = ByteReader(data)
        return try? reader.cache(environment: environment)
    }

    /// Writes the cache beside the output: a temporary file, then a rename over the old one.
    func write(to path: String) throws(DiagnosticError) {
        var writer = ByteWriter()
        writer.write(self)
        try OutputWriter.replace(path, with: writer.data)
    }
}

/// What a build can take unchanged from earlier builds: the current output and the spare
/// tree (the build before it), each with its manifest.
struct PreviousOutput: Sendable {
    /// The output folder.
    var output: String
    /// The output's files, when known.
    var current: OutputManifest?
    /// The spare tree.
    var spareFolder: String
    /// The spare's files, when it is known to be complete.
    var spare: OutputManifest?
    /// Whether the last build that wrote finished (its marker is gone): only then may its
    /// trees be taken as complete.
    var trusted: Bool

    /// Whether an earlier build's file at `path`, made from `key`, is still on disk.
    func hasFile(_ path: String, key: Digest) -> Bool {
        source(of: path, key: key) != nil
    }

    /// Where an earlier build's file at `path`, made from `key`, is.
    func source(of path: String, key: Digest) -> String? {
        if current?.intactEntry(path, in: output)?.key == key { return output.appendingPathComponent(path) }
        if spare?.intactEntry(path, in: spareFolder)?.key == key { return spareFolder.appendingPathComponent(path) }
        return nil
    }
}

/// The output files of one build: for each path, the key it was made from and the file's
/// identity on disk when it was written.
struct OutputManifest: Sendable {
    struct Entry: Sendable, Equatable {
        /// What the file was made from (a page's inputs) or, for other files, its bytes.
        var key: Digest
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int64
        var modifiedNanoseconds: Int64
    }

    var entries: [String: Entry] = [:]

    /// The entry of the file `relative` inside `output`, if the file there is still the one
    /// this manifest describes: same inode, size and modification time.
    func intactEntry(_ relative: String, in output: String) -> Entry? {
        guard let entry = entries[relative], let now = Self.identity(of: output.appendingPathComponent(relative), key: entry.key),
              now == entry else { return nil }
        return entry
    }

    /// The identity of a regular file, or nil when there is none at `path`.
    static func identity(of path: String, key: Digest) -> Entry? {
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return identity(status, key: key)
    }

    static func identity(_ status: stat, key: Digest) -> Entry {
        Entry(key: key, inode: UInt64(status.st_ino), size: Int64(status.st_size),
              modifiedSeconds: Int64(status.st_mtim.tv_sec), modifiedNanoseconds: Int64(status.st_mtim.tv_nsec))
    }
}

/// The cache's byte format: little-endian integers, length-prefixed UTF-8 strings.
struct ByteWriter {
    /// An array, not `Data`: a cache is millions of small appends, and `Data`'s are slow.
    private var bytes: [UInt8] = []

    /// Strings written by index (`write(interned:)`), in the order first written.
    private(set) var table: [String] = []
    private var indices: [String: Int] = [:]

    /// What was written.
    var data: Data { Data(bytes) }

    /// Writes a string that recurs (a link's URL, a file's path, a warning's text) as its index
    /// in this writer's table, which is written ahead of it (`write(tableOf:)`): a site's pages
    /// link the same URLs thousands of times, and read back they share one copy.
    mutating func write(interned text: String) {
        if let index = indices[text] { return write(index) }
        indices[text] = table.count
        write(table.count)
        table.append(text)
    }

    /// Writes `other`'s string table, then its bytes.
    mutating func write(tableAndBytesOf other: ByteWriter) {
        write(other.table.count)
        for text in other.table { write(text) }
        bytes += other.bytes
    }

    mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }

    mutating func write(_ text: String) {
        write(text.utf8.count)
        bytes.append(contentsOf: text.utf8)
    }

    mutating func write(_ text: String?) {
        write(text == nil ? 0 : 1)
        if let text { write(text) }
    }

    mutating func write(_ digest: Digest) {
        write(digest.high)
        write(digest.low)
    }

    mutating func write(_ cache: BuildCache) {
        write("erratum-cache")
        write(BuildCache.format)
        write(cache.environment)
        write(cache.structure == nil ? 0 : 1)
        if let structure = cache.structure { write(structure) }
        write(cache.products.count)
        for (name, product) in cache.products.sorted(by: { $0.key < $1.key }) {
            write(name)
            write(product.input)
            write(product.files.count)
            for file in product.files {
                write(file.path)
                write(file.key)
            }
        }
        var body = ByteWriter()
        body.write(cache.renders.count)
        for (path, record) in cache.renders.sorted(by: { $0.key < $1.key }) {
            body.write(interned: path)
            body.write(record.source)
            body.write(record.answers)
            body.write(record.volatileAnswers)
            body.write(record.pageKey == nil ? 0 : 1)
            if let pageKey = record.pageKey { body.write(pageKey) }
            body.write(record.dependencies.count)
            for dependency in record.dependencies {
                switch dependency {
                case let .resolve(url):
                    body.write(0)
                    body.write(interned: url)
                case let .children(slug, locale):
                    body.write(1)
                    body.write(interned: slug)
                    body.write(interned: locale.tag)
                case let .file(path):
                    body.write(2)
                    body.write(interned: path)
                }
            }
            body.write(record.sidebar)
            body.write(record.headings.count)
            for heading in record.headings {
                body.write(heading.level)
                body.write(heading.id)
                body.write(heading.html)
            }
            body.write(record.diagnostics.count)
            for diagnostic in record.diagnostics {
                body.write(diagnostic.severity.rawValue)
                body.write(interned: diagnostic.code.rawValue)
                body.write(interned: diagnostic.message)
                body.write(diagnostic.location == nil ? 0 : 1)
                if let location = diagnostic.location {
                    body.write(interned: location.file)
                    body.write(location.line)
                    body.write(location.column)
                }
            }
            body.write(record.assets.count)
            for asset in record.assets {
                body.write(asset.source)
                body.write(asset.path)
            }
        }
        write(tableAndBytesOf: body)
    }

    /// Writes a manifest, its paths through the string table (the output's and the spare's
    /// are mostly the same paths), in no particular order: sorting tens of thousands of paths
    /// cost more than writing them.
    mutating func write(_ manifest: OutputManifest) {
        write(manifest.entries.count)
        for (path, entry) in manifest.entries {
            write(interned: path)
            write(entry.key)
            write(entry.inode)
            write(Int(entry.size))
            write(Int(entry.modifiedSeconds))
            write(Int(entry.modifiedNanoseconds))
        }
    }

    mutating func write(current: OutputManifest, spare: OutputManifest?) {
        write("erratum-files")
        write(BuildCache.format)
        var body = ByteWriter()
        body.write(current)
        body.write(spare == nil ? 0 : 1)
        if let spare { body.write(spare) }
        write(tableAndBytesOf: body)
    }
}

/// Reads what `ByteWriter` wrote; any inconsistency throws, and the cache is then ignored.
struct ByteReader {
    struct Malformed: Error {}

    /// An array, not `Data`: reading `Data` byte by byte costs a bounds check and a call each.
    private let data: [UInt8]
    private var offset: Int

    init(_ data: Data) {
        self.data = [UInt8](data)
        offset = 0
    }

    mutating func uint64() throws(Malformed) -> UInt64 {
        guard data.endIndex - offset >= 8 else { throw Malformed() }
        let value = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        offset += 8
        return UInt64(littleEndian: value)
    }

    mutating func int() throws(Malformed) -> Int { Int(Int64(bitPattern: try uint64())) }

    /// Whether every byte has been read.
    var atEnd: Bool { offset == data.endIndex }

    /// A count of things that follow, each taking at least one byte.
    mutating func count() throws(Malformed) -> Int {
        let count = try int()
        guard count >= 0, count <= data.endIndex - offset else { throw Malformed() }
        return count
    }

    mutating func string() throws(Malformed) -> String {
        let length = try count()
        defer { offset += length }
        return String(decoding: data[offset..<(offset + length)], as: UTF8.self)
    }

    mutating func optionalString() throws(Malformed) -> String? {
        try int() == 0 ? nil : try string()
    }

    /// The strings that `interned()` reads by index, as `ByteWriter.write(tableAndBytesOf:)` wrote them.
    private var table: [String] = []

    mutating func readTable() throws(Malformed) {
        var strings: [String] = []
        for _ in 0..<(try count()) { strings.append(try string()) }
        table = strings
    }

    /// A string written with `ByteWriter.write(interned:)`.
    mutating func interned() throws(Malformed) -> String {
        let index = try int()
        guard table.indices.contains(index) else { throw Malformed() }
        return table[index]
    }

    mutating func digest() throws(Malformed) -> Digest {
        Digest(high: try uint64(), low: try uint64())
    }

    mutating func cache(environment: Digest) throws(Malformed) -> BuildCache? {
        guard try string() == "erratum-cache", try int() == BuildCache.format, try digest() == environment else { return nil }
        var cache = BuildCache(environment: environment)
        cache.structure = try int() == 0 ? nil : try digest()
        for _ in 0..<(try count()) {
            let name = try string()
            let input = try digest()
            var files: [(path: String, key: Digest)] = []
            for _ in 0..<(try count()) { files.append((try string(), try digest())) }
            cache.products[name] = BuildCache.ProductRecord(input: input, files: files)
        }
        try readTable()
        for _ in 0..<(try count()) {
            let path = try interned()
            let source = try digest()
            let answers = try digest()
            let volatileAnswers = try digest()
            let pageKey = try int() == 0 ? nil : try digest()
            var dependencies: [Dependency] = []
            for _ in 0..<(try count()) {
                switch try int() {
                case 0: dependencies.append(.resolve(try interned()))
                case 1: dependencies.append(.children(slug: try interned(), locale: ContentLocale(tag: try interned())))
                case 2: dependencies.append(.file(try interned()))
                default: throw Malformed()
                }
            }
            let sidebar = try optionalString()
            var headings: [MarkdownRenderer.Heading] = []
            for _ in 0..<(try count()) {
                headings.append(.init(level: try int(), id: try string(), html: try string()))
            }
            var diagnostics: [Diagnostic] = []
            for _ in 0..<(try count()) {
                guard let severity = Severity(rawValue: try string()) else { throw Malformed() }
                let code = DiagnosticCode(rawValue: try interned())
                let message = try interned()
                let location = try int() == 0 ? nil : FileLocation(file: try interned(), line: try int(), column: try int())
                diagnostics.append(Diagnostic(severity, code, message, at: location))
            }
            var assets: [RenderedDocument.Asset] = []
            for _ in 0..<(try count()) {
                assets.append(.init(source: try string(), path: try string()))
            }
            cache.renders[path] = .init(source: source, dependencies: dependencies, answers: answers,
                                        volatileAnswers: volatileAnswers, pageKey: pageKey, sidebar: sidebar,
                                        headings: headings, diagnostics: diagnostics, assets: assets)
        }
        guard offset == data.endIndex else { throw Malformed() }
        return cache
    }

    mutating func manifest() throws(Malformed) -> OutputManifest {
        var manifest = OutputManifest()
        let count = try count()
        manifest.entries.reserveCapacity(count)
        for _ in 0..<count {
            let path = try interned()
            manifest.entries[path] = .init(key: try digest(), inode: try uint64(), size: Int64(try int()),
                                           modifiedSeconds: Int64(try int()), modifiedNanoseconds: Int64(try int()))
        }
        return manifest
    }

    /// The output's manifest and the spare's, as `ByteWriter.write(current:spare:)` wrote them.
    mutating func manifests() throws(Malformed) -> (OutputManifest, OutputManifest?) {
        guard try string() == "erratum-files", try int() == BuildCache.format else { throw Malformed() }
        try readTable()
        let current = try manifest()
        let spare = try int() == 0 ? nil : try manifest()
        guard offset == data.endIndex else { throw Malformed() }
        return (current, spare)
    }
}
