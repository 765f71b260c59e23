import Foundation
import Synchronization

/// What one build leaves for the next, so that the next renders only what changed.
///
/// For each document: the fingerprint of its source, the questions its render asked of the
/// catalog and the disk (`Dependency`) with the fingerprint of their answers, and what the
/// rest of the build needs from the render besides its HTML (sidebar, warnings, images). Its
/// headings are not kept: they show only in the page's contents, which a recalled render's
/// page never needs without rendering again (`Site.pageFiles`).
///
/// It lives in the cache folder beside the output (`.Output.cache/renders` for `Output`), one
/// file written while the pages are made (`RenderRecordStream`) and moved into place after the
/// output is swapped in; the output files' manifests are the writer's (`OutputWriter`,
/// `PreviousOutput`). Anything unreadable, from another format or another build environment
/// (templates, strings, options, the erratum binary) is ignored: the build is then a clean one.
struct BuildCache: Sendable {
    /// Bumped whenever the format or anything the fingerprints cover changes meaning.
    static let format = 5

    /// The fingerprint of everything every page depends on (see `Builder.environment`).
    var environment: Digest
    /// The catalog's `structureDigest` when this cache was written.
    var structure: Digest?
    /// Each document's render, by the document's path.
    var renders = RenderRecords()
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
        guard var reader = ByteReader(contentsOf: path) else { return nil }
        return try? reader.cache(environment: environment)
    }
}

/// The previous build's render records, decoded one at a time when asked: a build holds the
/// cache file's bytes and where each record starts, not the records (at MDN's size, decoded,
/// they took more memory than the rest of the build).
struct RenderRecords: Sendable {
    /// A reader of the whole file, its string table read lazily.
    private let reader: ByteReader?
    /// Where each record starts, by its path's hash: a number, not a copy of each path. A
    /// record found by a hash is checked against the path asked for; were two paths to share a
    /// hash, the one not kept would only render again.
    private let starts: [Int: Int]
    /// The warnings' texts and files, one instance each however many records name them.
    private let shared = SharedStrings()

    /// How many records the file holds.
    let count: Int
    /// How many strings its table had when a build last wrote it afresh rather than on top of
    /// an earlier table (`RenderRecordStream`).
    let freshTableCount: Int

    init() {
        reader = nil
        starts = [:]
        count = 0
        freshTableCount = 0
    }

    init(reader: ByteReader, starts: [Int: Int], count: Int, freshTableCount: Int) {
        self.reader = reader
        self.starts = starts
        self.count = count
        self.freshTableCount = freshTableCount
    }

    /// The file's table, as bytes, for a new file to start its table with.
    var tableStrings: (count: Int, strings: ArraySlice<UInt8>)? { reader?.tableStrings }

    /// Copies the record of `path` into `writer`, its page key replaced, its bytes otherwise
    /// as they are: its strings keep their indices, so `writer`'s table must start with this
    /// file's. False when there is no such record.
    func copy(_ path: String, pageKey: Digest?, into writer: inout ByteWriter) -> Bool {
        guard var reader, let start = starts[path.hashValue] else { return false }
        do {
            try reader.seek(to: start)
            let pathIndex = try reader.int()
            guard try reader.tableString(pathIndex) == path else { return false }
            let digests = reader.offset
            try reader.skip(48)
            let fingerprints = reader.bytes(from: digests)
            if try reader.int() != 0 { _ = try reader.digest() }
            let tail = reader.offset
            try reader.skipRecordTail()
            writer.write(pathIndex)
            writer.append(fingerprints)
            writer.write(pageKey == nil ? 0 : 1)
            if let pageKey { writer.write(pageKey) }
            writer.append(reader.bytes(from: tail))
            return true
        } catch {
            return false
        }
    }

    /// The record of the document at `path`.
    subscript(path: String) -> BuildCache.RenderRecord? {
        guard var reader, let start = starts[path.hashValue] else { return nil }
        do {
            try reader.seek(to: start)
            let (recorded, record) = try reader.renderRecord(sharing: shared)
            return recorded == path ? record : nil
        } catch {
            return nil
        }
    }
}

/// The renders cache (`BuildCache`) written while the pages are made: each new render's record
/// goes to the file (`CacheFileWriter`) once its page is written, so that a build holds no
/// record for the next one. A record recalled unchanged from the previous cache is only noted,
/// and written at the end if the cache is written at all: a build that changed nothing leaves
/// the old file as it is. A cache that cannot be written is given up quietly: the next build is
/// then a clean one.
///
/// The file: a header (`erratum-cache`, the format, the environment), the records, then the
/// string table and a trailer with the structure, the products, the number of records and the
/// table's size when last written afresh.
final class RenderRecordStream: Sendable {
    private struct State {
        var file: CacheFileWriter?
        var broken = false
        var count = 0
        /// Records recalled from the previous cache, with their pages' keys now.
        var recalled: [(path: String, pageKey: Digest?)] = []
    }

    private let path: String
    private let environment: Digest
    private let previous: RenderRecords
    /// Whether the new file's table starts with the previous file's, so that recalled records
    /// are copied as bytes rather than decoded and encoded again (the strings of new renders
    /// are added after it, some perhaps twice). Once the table has grown to twice what it was
    /// when last written afresh, the next file is written afresh, dropping the strings no
    /// record names any more.
    private let appendsToPrevious: Bool
    private let state = Mutex(State())

    /// A stream to the cache file at `path`; recalled records come from `previous`.
    init(path: String, environment: Digest, previous: RenderRecords = RenderRecords()) {
        self.path = path
        self.environment = environment
        self.previous = previous
        if previous.count > 0, let table = previous.tableStrings, table.count <= 2 * max(previous.freshTableCount, 1) {
            appendsToPrevious = true
        } else {
            appendsToPrevious = false
        }
    }

    /// Writes a new render's record.
    func add(_ record: BuildCache.RenderRecord, path: String) {
        state.withLock { state in append(record, path: path, to: &state) }
    }

    /// Notes a record recalled from the previous cache, to be written if the cache is.
    func recall(_ path: String, pageKey: Digest?) {
        state.withLock { $0.recalled.append((path, pageKey)) }
    }

    /// Ends the cache with the recalled records and the trailer, and moves it over the old one.
    func finish(structure: Digest?, products: [String: BuildCache.ProductRecord]) throws(DiagnosticError) {
        try state.withLock { (state: inout State) throws(DiagnosticError) in
            for (path, pageKey) in state.recalled {
                if appendsToPrevious, let file = open(&state) {
                    if previous.copy(path, pageKey: pageKey, into: &file.writer) {
                        state.count += 1
                        flush(file, &state)
                        continue
                    }
                }
                guard var record = previous[path] else { continue }
                record.pageKey = pageKey
                append(record, path: path, to: &state)
            }
            state.recalled = []
            guard let file = open(&state) else { return }
            let count = state.count
            let freshTableCount = appendsToPrevious ? previous.freshTableCount : file.writer.table.count
            state.file = nil
            try file.finish { writer in
                writer.write(structure == nil ? 0 : 1)
                if let structure { writer.write(structure) }
                writer.write(products.count)
                for (name, product) in products {
                    writer.write(name)
                    writer.write(product.input)
                    writer.write(product.files.count)
                    for file in product.files {
                        writer.write(file.path)
                        writer.write(file.key)
                    }
                }
                writer.write(count)
                writer.write(freshTableCount)
            }
        }
    }

    /// Gives the cache up: the old file stays as it is.
    func discard() {
        state.withLock { state in
            state.file?.discard()
            state.file = nil
            state.recalled = []
        }
    }

    private func append(_ record: BuildCache.RenderRecord, path: String, to state: inout State) {
        guard let file = open(&state) else { return }
        file.writer.write(record, path: path)
        state.count += 1
        flush(file, &state)
    }

    private func flush(_ file: CacheFileWriter, _ state: inout State) {
        do {
            try file.flushIfFull()
        } catch {
            file.discard()
            state.file = nil
            state.broken = true
        }
    }

    private func open(_ state: inout State) -> CacheFileWriter? {
        if let file = state.file { return file }
        guard !state.broken,
              let file = try? CacheFileWriter(path: path, base: appendsToPrevious ? previous.tableStrings : nil) else {
            state.broken = true
            return nil
        }
        file.writer.write("erratum-cache")
        file.writer.write(BuildCache.format)
        file.writer.write(environment)
        state.file = file
        return file
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
    var spare: SpareManifest?
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
        Self.intact(entries[relative], relative, in: output)
    }

    /// `entry`, if the file `relative` inside `output` is still the one it describes.
    static func intact(_ entry: Entry?, _ relative: String, in output: String) -> Entry? {
        guard let entry, let now = identity(of: output.appendingPathComponent(relative), key: entry.key), now == entry else {
            return nil
        }
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

/// The spare tree's files: the output's manifest and what differs from it. The spare is the
/// build before the output, and shares most of its files (hard links), so after a rebuild that
/// changed little this holds a few entries beside the output's dictionary, not a copy of it.
struct SpareManifest: Sendable {
    /// The output's manifest.
    let base: OutputManifest
    /// The spare's entries where they differ from the output's; nil where the spare has none.
    let differing: [String: OutputManifest.Entry?]

    init(base: OutputManifest, differing: [String: OutputManifest.Entry?] = [:]) {
        self.base = base
        self.differing = differing
    }

    /// The spare's entry for `path`.
    func entry(_ path: String) -> OutputManifest.Entry? {
        if let entry = differing[path] { return entry }
        return base.entries[path]
    }

    /// The entry of the file `relative` inside the spare `folder`, if the file there is still
    /// the one it describes.
    func intactEntry(_ relative: String, in folder: String) -> OutputManifest.Entry? {
        OutputManifest.intact(entry(relative), relative, in: folder)
    }

    /// Every path the spare has.
    var paths: [String] {
        base.entries.keys.filter { differing[$0] == nil } + differing.compactMap { $0.value == nil ? nil : $0.key }
    }
}

extension ByteWriter {
    /// One document's render record, its strings through the string table.
    mutating func write(_ record: BuildCache.RenderRecord, path: String) {
        write(interned: path)
        write(record.source)
        write(record.answers)
        write(record.volatileAnswers)
        write(record.pageKey == nil ? 0 : 1)
        if let pageKey = record.pageKey { write(pageKey) }
        write(record.dependencies.count)
        for dependency in record.dependencies {
            switch dependency {
            case let .resolve(url):
                write(0)
                write(interned: url)
            case let .children(slug, locale):
                write(1)
                write(interned: slug)
                write(interned: locale.tag)
            case let .file(path):
                write(2)
                write(interned: path)
            }
        }
        write(record.sidebar)
        write(record.diagnostics.count)
        for diagnostic in record.diagnostics {
            write(diagnostic.severity.rawValue)
            write(interned: diagnostic.code.rawValue)
            write(interned: diagnostic.message)
            write(diagnostic.location == nil ? 0 : 1)
            if let location = diagnostic.location {
                write(interned: location.file)
                write(location.line)
                write(location.column)
            }
        }
        write(record.assets.count)
        for asset in record.assets {
            write(asset.source)
            write(asset.path)
        }
    }
}

extension CacheFileWriter {
    private func write(_ path: String, _ entry: OutputManifest.Entry) throws(DiagnosticError) {
        writer.write(path)
        writer.write(entry.key)
        writer.write(entry.inode)
        writer.write(Int(entry.size))
        writer.write(Int(entry.modifiedSeconds))
        writer.write(Int(entry.modifiedNanoseconds))
        try flushIfFull()
    }

    /// Writes the output's manifest and the spare's, as `ByteReader.manifests()` reads them: the
    /// spare as what differs from the output. The spare is the build before, most of whose
    /// files the output shares, so after a rebuild that changed little it is a few entries.
    /// In no particular order: sorting tens of thousands of paths cost more than writing them.
    static func write(current: OutputManifest, spare: OutputManifest?, to path: String) throws(DiagnosticError) {
        let file = try CacheFileWriter(path: path)
        file.writer.write("erratum-files")
        file.writer.write(BuildCache.format)
        for (path, entry) in current.entries { try file.write(path, entry) }
        var changed = 0
        var removed = 0
        if let spare {
            for (path, entry) in spare.entries where current.entries[path] != entry {
                try file.write(path, entry)
                changed += 1
            }
            for path in current.entries.keys where spare.entries[path] == nil {
                file.writer.write(path)
                removed += 1
                try file.flushIfFull()
            }
        }
        try file.finish { trailer in
            trailer.write(current.entries.count)
            trailer.write(spare == nil ? 0 : 1)
            trailer.write(changed)
            trailer.write(removed)
        }
    }
}

extension ByteReader {
    mutating func cache(environment: Digest) throws(Malformed) -> BuildCache? {
        guard try string() == "erratum-cache", try int() == BuildCache.format, try digest() == environment else { return nil }
        let bodyStart = offset
        let bodyEnd = try openTrailer(lazily: true)
        var cache = BuildCache(environment: environment)
        cache.structure = try int() == 0 ? nil : try digest()
        for _ in 0..<(try count()) {
            let name = try string()
            let input = try digest()
            var files: [(path: String, key: Digest)] = []
            for _ in 0..<(try count()) { files.append((try string(), try digest())) }
            cache.products[name] = BuildCache.ProductRecord(input: input, files: files)
        }
        let records = try int()
        let freshTableCount = try int()
        guard atFooter, records >= 0, records <= bodyEnd - bodyStart, freshTableCount >= 0 else { throw Malformed() }
        // Every record is read once, so that a damaged file is found now, not halfway through
        // the build; only where each starts is kept.
        let lazy = self
        try seek(to: bodyStart)
        var starts: [Int: Int] = [:]
        starts.reserveCapacity(records)
        for _ in 0..<records {
            let start = offset
            starts[try renderRecord().0.hashValue] = start
        }
        guard offset == bodyEnd else { throw Malformed() }
        cache.renders = RenderRecords(reader: lazy, starts: starts, count: records, freshTableCount: freshTableCount)
        return cache
    }

    /// One document's render record, as `ByteWriter.write(_:path:)` wrote it.
    mutating func renderRecord(sharing shared: SharedStrings? = nil) throws(Malformed) -> (String, BuildCache.RenderRecord) {
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
        var diagnostics: [Diagnostic] = []
        for _ in 0..<(try count()) {
            guard let severity = Severity(rawValue: try string()) else { throw Malformed() }
            func text() throws(Malformed) -> String {
                if let shared { return try interned(sharing: shared) }
                return try interned()
            }
            let code = DiagnosticCode(rawValue: try text())
            let message = try text()
            let location = try int() == 0 ? nil : FileLocation(file: try text(), line: try int(), column: try int())
            diagnostics.append(Diagnostic(severity, code, message, at: location))
        }
        var assets: [RenderedDocument.Asset] = []
        for _ in 0..<(try count()) {
            assets.append(.init(source: try string(), path: try string()))
        }
        return (path, BuildCache.RenderRecord(source: source, dependencies: dependencies, answers: answers,
                                              volatileAnswers: volatileAnswers, pageKey: pageKey, sidebar: sidebar,
                                              diagnostics: diagnostics, assets: assets))
    }

    /// Moves past what follows a record's page key, as `ByteWriter.write(_:path:)` wrote it.
    mutating func skipRecordTail() throws(Malformed) {
        for _ in 0..<(try count()) {
            switch try int() {
            case 0, 2: _ = try int()
            case 1: _ = try int(); _ = try int()
            default: throw Malformed()
            }
        }
        if try int() != 0 { try skipString() }
        for _ in 0..<(try count()) {
            try skipString()
            _ = try int()
            _ = try int()
            if try int() != 0 { _ = try int(); _ = try int(); _ = try int() }
        }
        for _ in 0..<(try count()) {
            try skipString()
            try skipString()
        }
    }

    private mutating func manifestEntry() throws(Malformed) -> (String, OutputManifest.Entry) {
        (try string(), .init(key: try digest(), inode: try uint64(), size: Int64(try int()),
                             modifiedSeconds: Int64(try int()), modifiedNanoseconds: Int64(try int())))
    }

    /// The output's manifest and the spare's, as `CacheFileWriter.write(current:spare:to:)` wrote
    /// them: the spare as the output's with what differs.
    mutating func manifests() throws(Malformed) -> (OutputManifest, SpareManifest?) {
        guard try string() == "erratum-files", try int() == BuildCache.format else { throw Malformed() }
        let bodyStart = offset
        let bodyEnd = try openTrailer()
        let currentCount = try int()
        let hasSpare = try int() == 1
        let changedCount = try int()
        let removedCount = try int()
        // Each entry takes at least 22 bytes (a path, a digest, four numbers), a removed path one.
        guard atFooter, currentCount >= 0, changedCount >= 0, removedCount >= 0,
              (currentCount + changedCount) * 22 + removedCount <= bodyEnd - bodyStart else {
            throw Malformed()
        }
        try seek(to: bodyStart)
        var current = OutputManifest()
        current.entries.reserveCapacity(currentCount)
        for _ in 0..<currentCount {
            let (path, entry) = try manifestEntry()
            current.entries[path] = entry
        }
        var differing: [String: OutputManifest.Entry?] = [:]
        for _ in 0..<changedCount {
            let (path, entry) = try manifestEntry()
            differing[path] = .some(entry)
        }
        for _ in 0..<removedCount { differing[try string()] = .some(nil) }
        guard offset == bodyEnd else { throw Malformed() }
        return (current, hasSpare ? SpareManifest(base: current, differing: differing) : nil)
    }
}
