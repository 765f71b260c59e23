import Foundation
import Synchronization

/// What loading made of each `index.md` in the previous build, so that an unchanged file is
/// not read and parsed again: its front matter, summary, body position and warnings, recalled
/// by the file's identity (device, inode, size, modification and change times), as git's
/// index and make recall a file. A file whose identity changed but whose bytes did not (a
/// `touch`, a checkout rewriting the same text) is read and hashed, and its parse recalled.
///
/// It lives in the cache folder beside the output (`.Output.cache/sources`) and is written
/// after the output is swapped in. A cache from another erratum binary or format is ignored.
final class SourceCache: Sendable {
    /// The file's identity on disk.
    struct Identity: Sendable, Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var modifiedNanoseconds: Int64
        var changed: Int64
        var changedNanoseconds: Int64

        /// The identity of a regular file (links followed, as the loader reads through them).
        init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int64(status.st_size)
            modified = Int64(status.st_mtim.tv_sec)
            modifiedNanoseconds = Int64(status.st_mtim.tv_nsec)
            changed = Int64(status.st_ctim.tv_sec)
            changedNanoseconds = Int64(status.st_ctim.tv_nsec)
        }

        init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, modifiedNanoseconds: Int64, changed: Int64,
             changedNanoseconds: Int64) {
            self.device = device
            self.inode = inode
            self.size = size
            self.modified = modified
            self.modifiedNanoseconds = modifiedNanoseconds
            self.changed = changed
            self.changedNanoseconds = changedNanoseconds
        }

        /// Whether the file may change later without its identity showing it: a write within
        /// the file system's clock tick of `moment`, when it was read (git's "racy" entries).
        func isRacy(readAt moment: timespec) -> Bool {
            modified >= Int64(moment.tv_sec) - 1
        }
    }

    struct Entry: Sendable {
        var identity: Identity
        /// Whether the identity alone may be trusted next time (see `Identity.isRacy`).
        var trusted: Bool
        var file: LoadedFile
    }

    /// Bumped whenever the format or the meaning of a parse changes.
    static let format = 4

    /// The previous load's entries, let go once this load is done (`finishLoading`).
    private let previous: Mutex<[String: Entry]>
    private let previousCount: Int
    private let current = Mutex<[String: Entry]>([:])
    /// Files read this load, and of those, parsed (their bytes new to the cache); entries that
    /// differ from the previous load's.
    private let counts = Mutex((read: 0, parsed: 0, changed: 0))
    /// When this load began: a file modified since then (or within the second before) is not
    /// remembered by its identity, only by its bytes.
    private let started: timespec

    /// A cache recalling `previous` (empty for a first build).
    init(previous: [String: Entry] = [:]) {
        previousCount = previous.count
        self.previous = Mutex(previous)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        started = now
    }

    /// The cache file of an output folder: `<parent>/.<name>.cache/sources`.
    static func path(forOutput output: String) -> String {
        OutputWriter(destination: output).cacheFolder.appendingPathComponent("sources")
    }

    /// Loads `path` as a document of `locale`, from the previous build when the file is the one
    /// it loaded, and notes it for the next build.
    func load(_ path: String, locale: ContentLocale, bodies: ContentLoader.Bodies) throws(DiagnosticError) -> LoadedFile {
        let identity = Identity(path: path)
        let old = previous.withLock { $0[path] }
        if let identity, let entry = old, entry.trusted, entry.identity == identity,
           entry.file.document.locale == locale, bodies == .onDisk {
            remember(identity: identity, file: entry.file, old: old)
            return entry.file
        }
        let text = try SourceText.read(path)
        let digest = LoadedFile.digest(of: text)
        var file: LoadedFile
        if let entry = old, entry.file.document.sourceDigest == digest, entry.file.document.locale == locale {
            file = entry.file
            counts.withLock { $0.read += 1 }
        } else {
            file = try LoadedFile(path: path, locale: locale, text: text, digest: digest, bodies: .onDisk, outlines: true)
            counts.withLock { $0.read += 1; $0.parsed += 1 }
        }
        if bodies == .held { file.document = try file.document.holdingBody() }
        if let identity { remember(identity: identity, file: file, old: old) }
        return file
    }

    /// Lets the previous load's entries go: every file has been loaded.
    func finishLoading() {
        previous.withLock { $0 = [:] }
    }

    /// How many files this load read, and how many of those it parsed.
    var readAndParsed: (read: Int, parsed: Int) { counts.withLock { ($0.read, $0.parsed) } }

    /// Notes a file's entry, by its document's path (the string the document holds).
    private func remember(identity: Identity, file: LoadedFile, old: Entry?) {
        var kept = file
        kept.document = kept.document.leavingBody()
        let entry = Entry(identity: identity, trusted: !identity.isRacy(readAt: started), file: kept)
        if let old, old.identity == identity, old.trusted == entry.trusted,
           old.file.document.sourceDigest == file.document.sourceDigest {
            // The same entry as the previous load's: the file need not be written again.
        } else {
            counts.withLock { $0.changed += 1 }
        }
        current.withLock { $0[kept.document.path] = entry }
    }

    /// Whether this load noted exactly what the previous one did, so that writing the cache
    /// would write the same entries again.
    var isUnchanged: Bool {
        counts.withLock { $0.changed } == 0 && current.withLock { $0.count } == previousCount
    }

    /// Reads the cache, or an empty one when there is none usable.
    static func read(from path: String) -> SourceCache {
        guard var reader = ByteReader(contentsOf: path) else { return SourceCache() }
        return (try? reader.sourceCache()).map { SourceCache(previous: $0) } ?? SourceCache()
    }

    /// Writes what this load noted, a megabyte at a time to a temporary file that is then
    /// renamed over the old one.
    func write(to path: String) throws(DiagnosticError) {
        let sources = current.withLock { $0 }
        let file = try CacheFileWriter(path: path)
        file.writer.write("erratum-sources")
        file.writer.write(SourceCache.format)
        file.writer.write(SourceCache.binaryIdentity.count)
        for number in SourceCache.binaryIdentity { file.writer.write(number) }
        for (path, entry) in sources {
            file.writer.write(path, entry)
            try file.flushIfFull()
        }
        try file.finish { $0.write(sources.count) }
    }

    /// A fingerprint of the erratum binary, so that a new parser does not recall old parses.
    static let binaryIdentity: [Int] = {
        var binary = stat()
        guard stat("/proc/self/exe", &binary) == 0 else { return [] }
        return [Int(binary.st_size), Int(binary.st_mtim.tv_sec), Int(binary.st_mtim.tv_nsec)]
    }()
}

extension ByteWriter {
    mutating func write(_ diagnostic: Diagnostic) {
        write(diagnostic.severity.rawValue)
        write(interned: diagnostic.code.rawValue)
        write(interned: diagnostic.message)
        write(diagnostic.location == nil ? 0 : 1)
        if let file = diagnostic.location?.file { write(interned: file) }
        write(diagnostic.location?.line ?? 0)
        write(diagnostic.location?.column ?? 0)
    }

    mutating func write(_ texts: [String]) {
        write(texts.count)
        for text in texts { write(text) }
    }

    /// One file's entry; its locale, page type, sidebar and warnings' texts through the string
    /// table.
    mutating func write(_ path: String, _ entry: SourceCache.Entry) {
        write(path)
        let identity = entry.identity
        write(identity.device)
        write(identity.inode)
        write(Int(identity.size))
        write(Int(identity.modified))
        write(Int(identity.modifiedNanoseconds))
        write(Int(identity.changed))
        write(Int(identity.changedNanoseconds))
        write(entry.trusted ? 1 : 0)
        let document = entry.file.document
        write(interned: document.locale.tag)
        let front = document.frontMatter
        write(front.title)
        write(front.shortTitle)
        write(front.slug)
        write(interned: front.pageType)
        write(front.specURLs)
        write(front.browserCompat)
        write(interned: front.sidebar)
        write(front.status)
        write(front.sourceCommit)
        write(front.originalSlug)
        write(document.bodyLine)
        write(entry.file.bodyOffset)
        write(document.summary)
        write(document.sourceDigest)
        write(document.outlineDigest == nil ? 0 : 1)
        if let outline = document.outlineDigest { write(outline) }
        write(entry.file.warnings.count)
        for warning in entry.file.warnings { write(warning) }
    }
}

extension ByteReader {
    mutating func diagnostic() throws(Malformed) -> Diagnostic {
        guard let severity = Severity(rawValue: try string()) else { throw Malformed() }
        let code = DiagnosticCode(rawValue: try interned())
        let message = try interned()
        let file = try int() == 0 ? nil : try interned()
        let line = try int()
        let column = try int()
        return Diagnostic(severity, code, message, at: file.map { FileLocation(file: $0, line: line, column: column) })
    }

    mutating func strings() throws(Malformed) -> [String] {
        var texts: [String] = []
        for _ in 0..<(try count()) { texts.append(try string()) }
        return texts
    }

    mutating func sourceCache() throws(Malformed) -> [String: SourceCache.Entry] {
        guard try string() == "erratum-sources", try int() == SourceCache.format else { throw Malformed() }
        var binary: [Int] = []
        for _ in 0..<(try count()) { binary.append(try int()) }
        guard binary == SourceCache.binaryIdentity else { throw Malformed() }
        let bodyStart = offset
        let bodyEnd = try openTrailer()
        let entryCount = try int()
        // Each entry takes more than 32 bytes (a path, seven numbers, a digest…).
        guard atFooter, entryCount >= 0, entryCount * 32 <= bodyEnd - bodyStart else { throw Malformed() }
        try seek(to: bodyStart)
        var entries: [String: SourceCache.Entry] = [:]
        entries.reserveCapacity(entryCount)
        for _ in 0..<entryCount {
            let path = try string()
            let identity = SourceCache.Identity(
                device: try uint64(), inode: try uint64(), size: Int64(try int()), modified: Int64(try int()),
                modifiedNanoseconds: Int64(try int()), changed: Int64(try int()), changedNanoseconds: Int64(try int()))
            let trusted = try int() == 1
            let locale = ContentLocale(tag: try interned())
            var front = FrontMatter(title: try string(), shortTitle: try optionalString(), slug: try string(),
                                    pageType: try optionalInterned(), specURLs: try strings(), browserCompat: try strings(),
                                    sidebar: try optionalInterned(), status: try strings(), sourceCommit: try optionalString())
            front.originalSlug = try optionalString()
            let bodyLine = try int()
            let bodyOffset = try int()
            let summary = try optionalString()
            let digest = try digest()
            let outline = try int() == 0 ? nil : try self.digest()
            var warnings: [Diagnostic] = []
            for _ in 0..<(try count()) { warnings.append(try diagnostic()) }
            let document = Document(locale: locale, frontMatter: front, body: nil, bodyLine: bodyLine, bodyOffset: bodyOffset,
                                    path: path, summary: summary, sourceDigest: digest, outlineDigest: outline)
            entries[path] = SourceCache.Entry(identity: identity, trusted: trusted,
                                              file: LoadedFile(document: document, bodyOffset: bodyOffset, warnings: warnings))
        }
        guard offset == bodyEnd else { throw Malformed() }
        return entries
    }
}
