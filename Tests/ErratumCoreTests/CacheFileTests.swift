import Foundation
import Testing
@testable import ErratumCore

/// The caches' file format: what `ByteWriter` and `CacheFileWriter` write is read back as it
/// was, damage is refused rather than misread, and a cache given up leaves the old file.
@Suite("Cache files")
struct CacheFileTests {
    @Test("integers are varints of one byte per seven bits; every value reads back as written")
    func integers() throws {
        let values: [UInt64] = [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 35, UInt64(Int64.max), UInt64.max]
        var writer = ByteWriter()
        for value in values { writer.write(value) }
        writer.write(-1)
        writer.write(Int.min)
        writer.write(fixed: 0x0102_0304_0506_0708)
        writer.write(Digest(high: 42, low: UInt64.max))
        var reader = ByteReader(writer.bytes)
        for value in values { #expect(try reader.uint64() == value) }
        #expect(try reader.int() == -1)
        #expect(try reader.int() == Int.min)
        #expect(try reader.fixed64() == 0x0102_0304_0506_0708)
        #expect(try reader.digest() == Digest(high: 42, low: UInt64.max))
        #expect(reader.atEnd)

        func size(_ value: UInt64) -> Int {
            var one = ByteWriter()
            one.write(value)
            return one.bytes.count
        }
        #expect(size(127) == 1 && size(128) == 2 && size(16_383) == 2 && size(16_384) == 3 && size(.max) == 10)
        // A varint that never ends, or runs past 64 bits, is damage.
        var endless = ByteReader([UInt8](repeating: 0x80, count: 12))
        #expect(throws: ByteReader.Malformed.self) { try endless.uint64() }
    }

    @Test("strings, optional strings and interned strings read back, interned ones through the table")
    func strings() throws {
        var writer = ByteWriter()
        let texts = ["", "a", "Fehlercode 404 – nicht gefunden", "🙂 emoji", String(repeating: "x", count: 300)]
        for text in texts { writer.write(text) }
        writer.write(nil as String?)
        writer.write("present" as String?)
        for text in texts + texts { writer.write(interned: text) }
        writer.write(interned: nil as String?)
        #expect(writer.table == texts, "each interned string is in the table once, in first-written order")
        writer.writeTable()

        var reader = ByteReader(writer.bytes)
        for text in texts { #expect(try reader.string() == text) }
        #expect(try reader.optionalString() == nil)
        #expect(try reader.optionalString() == "present")
        let interned = reader.offset
        // The table sits after the indices; read it first, as a cache file's trailer is.
        for _ in 0..<(texts.count * 2) { _ = try reader.int() }
        #expect(try reader.int() == 0)
        for lazily in [false, true] {
            var tableReader = reader
            try tableReader.readTable(lazily: lazily)
            #expect(tableReader.atEnd)
            try tableReader.seek(to: interned)
            for text in texts + texts { #expect(try tableReader.interned() == text, "lazily: \(lazily)") }
            #expect(try tableReader.optionalInterned() == nil)
        }
    }

    /// Writes a cache file of `count` entries (a number, an interned name, 100 bytes), bigger
    /// than the writer's buffer when `count` is large.
    static func writeFile(_ path: String, count: Int) throws {
        let file = try CacheFileWriter(path: path)
        file.writer.write("test-cache")
        let filler = String(repeating: "z", count: 100)
        for index in 0..<count {
            file.writer.write(index)
            file.writer.write(interned: "name \(index % 1000)")
            file.writer.write(filler)
            try file.flushIfFull()
        }
        try file.finish { $0.write(count) }
    }

    /// Reads a file `writeFile` wrote, checking it all.
    static func readFile(_ path: String) throws -> Int {
        guard var reader = ByteReader(contentsOf: path) else { throw ByteReader.Malformed() }
        guard try reader.string() == "test-cache" else { throw ByteReader.Malformed() }
        let bodyStart = reader.offset
        let bodyEnd = try reader.openTrailer()
        let count = try reader.int()
        guard reader.atFooter, count >= 0 else { throw ByteReader.Malformed() }
        try reader.seek(to: bodyStart)
        for index in 0..<count {
            guard try reader.int() == index, try reader.interned() == "name \(index % 1000)", try reader.string().utf8.count == 100
            else { throw ByteReader.Malformed() }
        }
        guard reader.offset == bodyEnd else { throw ByteReader.Malformed() }
        return count
    }

    @Test("a cache file bigger than the write buffer reads back whole; any truncation is refused")
    func streamedFile() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let path = folder + "/cache"
        let count = 30_000
        try Self.writeFile(path, count: count)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size > 2 * CacheFileWriter.chunk, "the body went out in several chunks")
        #expect(try Self.readFile(path) == count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["cache"], "no temporary file is left")

        let bytes = try #require(FileManager.default.contents(atPath: path))
        for cut in [1, 7, 8, 9, 100, size / 2, size - 1] {
            try bytes.prefix(size - cut).write(to: URL(fileURLWithPath: path))
            #expect(throws: ByteReader.Malformed.self, "\(cut) bytes cut") { try Self.readFile(path) }
        }
        var flipped = bytes
        flipped[size - 3] ^= 0xFF
        try flipped.write(to: URL(fileURLWithPath: path))
        #expect(throws: ByteReader.Malformed.self, "a damaged footer") { try Self.readFile(path) }
    }

    @Test("a cache file given up, or never finished, leaves the old file and no temporary one")
    func discarded() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let path = folder + "/cache"
        try Self.writeFile(path, count: 10)
        do {
            let file = try CacheFileWriter(path: path)
            file.writer.write("test-cache")
            file.writer.write(String(repeating: "y", count: 3 * CacheFileWriter.chunk))
            try file.flushIfFull()
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 2, "the new file is being written beside")
            file.discard()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["cache"])
        do {
            let file = try CacheFileWriter(path: path)
            file.writer.write("test-cache")
            try file.flushIfFull()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["cache"], "a writer let go removes its file")
        #expect(try Self.readFile(path) == 10)
    }

    @Test("the spare's manifest is kept as what differs from the output's, and reads back whole")
    func manifests() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let path = folder + "/files"
        func entry(_ number: UInt64) -> OutputManifest.Entry {
            .init(key: Digest(high: number, low: ~number), inode: number, size: Int64(number) * 10,
                  modifiedSeconds: 1_700_000_000 + Int64(number), modifiedNanoseconds: Int64(number) * 1000)
        }
        var current = OutputManifest()
        for number in 1...2000 { current.entries["docs/page-\(number)/index.html"] = entry(UInt64(number)) }
        func entries(_ spare: SpareManifest?) -> [String: OutputManifest.Entry]? {
            spare.map { spare in Dictionary(uniqueKeysWithValues: spare.paths.map { ($0, spare.entry($0)!) }) }
        }
        func size() throws -> Int { try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) }

        try CacheFileWriter.write(current: current, spare: nil, to: path)
        let alone = try size()
        var reader = try #require(ByteReader(contentsOf: path))
        var (readCurrent, readSpare) = try reader.manifests()
        #expect(readCurrent.entries == current.entries && readSpare == nil)

        // After a rebuild that changed nothing, the spare is the output: a few bytes more.
        try CacheFileWriter.write(current: current, spare: current, to: path)
        #expect(try size() < alone + 16)
        reader = try #require(ByteReader(contentsOf: path))
        (readCurrent, readSpare) = try reader.manifests()
        #expect(readCurrent.entries == current.entries && entries(readSpare) == current.entries)
        #expect(readSpare?.differing.isEmpty == true, "the spare shares the output's entries")

        // One file changed, one only in the output, one only in the spare.
        var spare = current
        spare.entries["docs/page-7/index.html"] = entry(99_999)
        spare.entries["docs/page-8/index.html"] = nil
        spare.entries["docs/gone/index.html"] = entry(5)
        try CacheFileWriter.write(current: current, spare: spare, to: path)
        #expect(try size() < alone + 200)
        reader = try #require(ByteReader(contentsOf: path))
        (readCurrent, readSpare) = try reader.manifests()
        #expect(readCurrent.entries == current.entries && entries(readSpare) == spare.entries)

        let bytes = try #require(FileManager.default.contents(atPath: path))
        for cut in [1, 9, 40] {
            try bytes.prefix(bytes.count - cut).write(to: URL(fileURLWithPath: path))
            var damaged = try #require(ByteReader(contentsOf: path))
            #expect(throws: ByteReader.Malformed.self) { try damaged.manifests() }
        }
    }

    static func record(_ number: Int, key: UInt64, link: String = "Web") -> BuildCache.RenderRecord {
        BuildCache.RenderRecord(
            source: Digest(high: UInt64(number), low: 1),
            dependencies: [.resolve("/de/docs/\(link)/\(number % 7)"), .children(slug: "Web/\(number)", locale: ContentLocale(tag: "de")),
                           .file("img-\(number).png")],
            answers: Digest(high: 2, low: UInt64(number)), volatileAnswers: Digest(high: 3, low: UInt64(number)),
            pageKey: Digest(high: key, low: 0), sidebar: number % 2 == 0 ? "httpsidebar" : nil,
            diagnostics: [Diagnostic(.warning, .unknownMacro, "unknown macro 'X\(number % 3)'",
                                     at: FileLocation(file: "de/\(number)/index.md", line: number, column: 2))],
            assets: [.init(source: "/src/\(number).png", path: "\(number).png")])
    }

    static func same(_ left: BuildCache.RenderRecord?, _ right: BuildCache.RenderRecord) -> Bool {
        guard let left else { return false }
        return left.source == right.source && left.dependencies == right.dependencies && left.answers == right.answers
            && left.volatileAnswers == right.volatileAnswers && left.pageKey == right.pageKey && left.sidebar == right.sidebar
            && left.diagnostics == right.diagnostics && left.assets == right.assets
    }

    @Test("a rebuild's renders cache copies recalled records onto the previous table, and starts afresh once it doubled")
    func recordsOnThePreviousTable() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let path = folder + "/renders"
        let environment = Digest(high: 9, low: 9)
        let first = RenderRecordStream(path: path, environment: environment)
        for number in 0..<50 { first.add(Self.record(number, key: 1), path: "doc-\(number)") }
        try first.finish(structure: nil, products: [:])
        let written = try #require(BuildCache.read(from: path, environment: environment)).renders
        let fresh = written.freshTableCount
        #expect(fresh > 0 && written.tableStrings?.count == fresh, "a first file is written afresh")

        // Forty-nine pages recalled with new keys, one rendered again with a link not seen before.
        let second = RenderRecordStream(path: path, environment: environment, previous: written)
        for number in 0..<49 { second.recall("doc-\(number)", pageKey: Digest(high: 2, low: 0)) }
        var changed = Self.record(49, key: 5)
        changed.dependencies.append(.resolve("/de/docs/New"))
        second.add(changed, path: "doc-49")
        try second.finish(structure: nil, products: [:])
        var previous = try #require(BuildCache.read(from: path, environment: environment)).renders
        #expect(previous.count == 50)
        for number in 0..<49 { #expect(Self.same(previous["doc-\(number)"], Self.record(number, key: 2)), "doc-\(number)") }
        #expect(Self.same(previous["doc-49"], changed))
        #expect(previous.freshTableCount == fresh, "written on top of the previous table")
        #expect((previous.tableStrings?.count ?? 0) > fresh)

        // Every page rendered again with new links, build after build: the table grows until
        // it is twice what it was when written afresh, then the next file starts afresh.
        var sawFresh = false
        for round in 0..<6 {
            let stream = RenderRecordStream(path: path, environment: environment, previous: previous)
            let wasDouble = (previous.tableStrings?.count ?? 0) > 2 * previous.freshTableCount
            for number in 0..<50 { stream.add(Self.record(number, key: 7, link: "Round\(round)"), path: "doc-\(number)") }
            try stream.finish(structure: nil, products: [:])
            previous = try #require(BuildCache.read(from: path, environment: environment)).renders
            for number in 0..<50 { #expect(Self.same(previous["doc-\(number)"], Self.record(number, key: 7, link: "Round\(round)"))) }
            if wasDouble {
                #expect(previous.tableStrings?.count == previous.freshTableCount, "round \(round) starts afresh")
                sawFresh = true
            }
        }
        #expect(sawFresh)
    }

    @Test("a build that fails leaves the caches as the last good build wrote them")
    func failedBuildKeepsCaches() throws {
        let space = try IncrementalBuildTests.Workspace()
        defer { TestSupport.cleanUp(space.root) }
        let output = space.root + "/incremental/Output"
        try space.buildBoth("first build")
        let folder = OutputWriter(destination: output).cacheFolder
        let caches = [BuildCache.path(forOutput: output), SourceCache.path(forOutput: output), folder + "/files"]
        let before = caches.map { FileManager.default.contents(atPath: $0) }
        #expect(before.allSatisfy { $0 != nil })

        // One page edited (its render goes to a new renders file as it is made), one broken.
        try space.edit("en-us/glossary/cache/index.md") { $0 + "\nOne more line.\n" }
        try TestSupport.write(["en-us/broken/index.md": "---\ntitle: [oops\nslug: Broken\n---\nBody\n"], under: space.content)
        #expect(throws: DiagnosticError.self) {
            try Builder(options: space.options(output: output, cache: true)).build()
        }
        #expect(caches.map { FileManager.default.contents(atPath: $0) } == before)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }
        #expect(left.isEmpty, "no temporary cache file is left: \(left)")

        // What a build killed while writing its caches leaves: temporary files of a process
        // that is gone (no Linux pid exceeds 4,194,304). The next build removes them.
        let abandoned = [folder + "/renders.tmp-2147483647-1", folder + "/sources.tmp-2147483647-2"]
        for path in abandoned { #expect(FileManager.default.createFile(atPath: path, contents: Data("partial".utf8))) }

        try space.remove("en-us/broken/index.md")
        let report = try space.buildBoth("fixed")
        #expect(report.rendered == 1, "only the edited page renders again")
        for path in abandoned { #expect(!FileManager.default.fileExists(atPath: path), "\(path) is removed") }
    }
}
