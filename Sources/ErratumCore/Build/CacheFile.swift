import CErratumSystem
import Foundation
import Synchronization

/// The caches' byte format: integers as LEB128 varints (most are counts, indices and line
/// numbers, one byte each), digests as two fixed little-endian words, strings as a length and
/// their UTF-8 bytes, or, when they recur, as an index into a string table.
struct ByteWriter {
    /// An array, not `Data`: a cache is millions of small appends, and `Data`'s are slow.
    private(set) var bytes: [UInt8] = []

    /// Strings written by index (`write(interned:)`), in the order first written.
    private(set) var table: [String] = []
    private var indices: [String: Int] = [:]
    /// How many strings come before `table`'s: the table of an earlier file, kept as its bytes
    /// (`CacheFileWriter.init(path:base:)`), whose indices the records copied from that file
    /// still use.
    private(set) var baseCount = 0

    init() {}

    /// A writer whose table goes on from `baseCount` strings written before it.
    init(baseCount: Int) {
        self.baseCount = baseCount
    }

    /// Writes a string that recurs (a link's URL, a file's path, a warning's text) as its index
    /// in this writer's table: a site's pages link the same URLs thousands of times, and read
    /// back they share one copy.
    mutating func write(interned text: String) {
        if let index = indices[text] { return write(index) }
        let index = baseCount + table.count
        indices[text] = index
        write(index)
        table.append(text)
    }

    mutating func write(interned text: String?) {
        write(text == nil ? 0 : 1)
        if let text { write(interned: text) }
    }

    /// Writes the string table of a writer without a base: its count, then each string.
    mutating func writeTable() {
        precondition(baseCount == 0, "a table with a base is written by CacheFileWriter.finish")
        write(table.count)
        writeNewStrings()
    }

    /// Writes the strings this writer added to the table.
    mutating func writeNewStrings() {
        for text in table { write(text) }
    }

    mutating func write(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func write(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }

    /// Eight bytes, little-endian, whatever the value.
    mutating func write(fixed value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ text: String) {
        write(text.utf8.count)
        bytes.append(contentsOf: text.utf8)
    }

    mutating func write(_ text: String?) {
        write(text == nil ? 0 : 1)
        if let text { write(text) }
    }

    mutating func write(_ digest: Digest) {
        write(fixed: digest.high)
        write(fixed: digest.low)
    }

    /// Appends bytes as they are.
    mutating func append(_ raw: ArraySlice<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// Hands over the bytes written so far and starts again empty; the string table stays.
    mutating func takeBytes() -> [UInt8] {
        var taken: [UInt8] = []
        taken.reserveCapacity(bytes.capacity)
        swap(&taken, &bytes)
        return taken
    }
}

/// Reads what `ByteWriter` wrote; any inconsistency throws, and the cache is then ignored.
struct ByteReader {
    struct Malformed: Error {}

    /// An array, not `Data`: reading `Data` byte by byte costs a bounds check and a call each.
    private let data: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8]) {
        data = bytes
        offset = 0
    }

    /// The bytes of the file at `path`, read straight into one array; nil when it cannot be read.
    init?(contentsOf path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        let size = Int(status.st_size)
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let got = read(descriptor, buffer.baseAddress! + count, size - count)
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { complete = false; break }
                count += got
            }
        }
        guard complete else { return nil }
        self.init(bytes)
    }

    mutating func uint64() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < data.endIndex, shift < 64 else { throw Malformed() }
            let byte = data[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func int() throws(Malformed) -> Int { Int(Int64(bitPattern: try uint64())) }

    mutating func fixed64() throws(Malformed) -> UInt64 {
        guard data.endIndex - offset >= 8 else { throw Malformed() }
        let value = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        offset += 8
        return UInt64(littleEndian: value)
    }

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

    mutating func digest() throws(Malformed) -> Digest {
        Digest(high: try fixed64(), low: try fixed64())
    }

    /// The strings that `interned()` reads by index, or, read lazily, where each one starts.
    private var table: [String] = []
    private var tableOffsets: [Int]?

    /// Reads the string table. `lazily`, only where each string starts: a reader that decodes
    /// a few records at a time makes the strings those records need and holds none.
    mutating func readTable(lazily: Bool = false) throws(Malformed) {
        let count = try count()
        guard lazily else {
            var strings: [String] = []
            strings.reserveCapacity(count)
            for _ in 0..<count { strings.append(try string()) }
            table = strings
            return
        }
        var offsets: [Int] = []
        offsets.reserveCapacity(count)
        let start = offset
        for _ in 0..<count {
            offsets.append(offset)
            offset += try self.count()
        }
        tableOffsets = offsets
        tableRange = start..<offset
    }

    /// Where a lazily read table's strings lie.
    private var tableRange: Range<Int>?

    /// A lazily read table's strings as their bytes, and how many there are: what a new file's
    /// table can start with (`CacheFileWriter.init(path:base:)`).
    var tableStrings: (count: Int, strings: ArraySlice<UInt8>)? {
        guard let tableOffsets, let tableRange else { return nil }
        return (tableOffsets.count, data[tableRange])
    }

    /// The bytes from `start` to where the reader stands.
    func bytes(from start: Int) -> ArraySlice<UInt8> { data[start..<offset] }

    mutating func skipString() throws(Malformed) {
        offset += try count()
    }

    /// Moves past `count` bytes.
    mutating func skip(_ count: Int) throws(Malformed) {
        guard count >= 0, data.endIndex - offset >= count else { throw Malformed() }
        offset += count
    }

    /// A string written with `ByteWriter.write(interned:)`.
    mutating func interned() throws(Malformed) -> String {
        try tableString(try int())
    }

    /// A string written with `ByteWriter.write(interned:)`, the same instance each time it is
    /// read through `shared`, even from a lazily read table.
    mutating func interned(sharing shared: SharedStrings) throws(Malformed) -> String {
        let index = try int()
        if let known = shared.string(at: index) { return known }
        return shared.keep(try tableString(index), at: index)
    }

    mutating func tableString(_ index: Int) throws(Malformed) -> String {
        if let tableOffsets {
            guard tableOffsets.indices.contains(index) else { throw Malformed() }
            let resume = offset
            offset = tableOffsets[index]
            defer { offset = resume }
            return try string()
        }
        guard table.indices.contains(index) else { throw Malformed() }
        return table[index]
    }

    mutating func optionalInterned() throws(Malformed) -> String? {
        try int() == 0 ? nil : try interned()
    }

    /// Moves to the trailer of a file `CacheFileWriter` wrote: reads its string table and
    /// leaves the reader at the trailer's own fields.
    ///
    /// - Returns: where the body ends (and the table starts).
    mutating func openTrailer(lazily: Bool = false) throws(Malformed) -> Int {
        guard data.count >= 8 else { throw Malformed() }
        let footer = data.count - 8
        offset = footer
        let tableOffset = Int(truncatingIfNeeded: try fixed64())
        guard tableOffset >= 0, tableOffset <= footer else { throw Malformed() }
        offset = tableOffset
        try readTable(lazily: lazily)
        return tableOffset
    }

    /// Whether the reader stands just before the footer: the trailer was read to its end.
    var atFooter: Bool { offset == data.count - 8 }

    /// Moves back to `position`, as `offset` gave it.
    mutating func seek(to position: Int) throws(Malformed) {
        guard position >= 0, position <= data.count else { throw Malformed() }
        offset = position
    }
}

/// Strings read from a lazily read table, kept by their index so that the records that name
/// the same one (a warning's message, the file it is in) share it.
final class SharedStrings: Sendable {
    private let strings = Mutex<[Int: String]>([:])

    func string(at index: Int) -> String? { strings.withLock { $0[index] } }

    /// Keeps `text` for `index`, or returns the one kept first.
    func keep(_ text: String, at index: Int) -> String {
        strings.withLock { strings in
            if let known = strings[index] { return known }
            strings[index] = text
            return text
        }
    }
}

/// A cache file written as it is made, so that a build never holds a whole cache in memory:
/// the body goes to a temporary file a megabyte at a time; `finish` adds the string table the
/// body's strings index, the caller's trailer and, in the last eight bytes, where the table
/// starts (`ByteReader.openTrailer`), then renames the file over the old cache.
///
/// Not safe to share between threads by itself; `RenderRecordStream` guards one with a lock.
final class CacheFileWriter {
    private let path: String
    private let temporary: String
    private var descriptor: Int32
    /// The body's bytes not yet on disk, and the table of every string the body interned.
    var writer: ByteWriter
    /// How many bytes are on disk.
    private var flushed = 0
    /// Bytes held before they are written out.
    static let chunk = 1 << 20
    /// What the temporary file's name adds to the cache file's, before the writer's process id.
    static let temporaryMarker = ".tmp-"

    /// The strings of an earlier file's table, as its bytes, that this file's table starts with.
    private let baseStrings: ArraySlice<UInt8>

    /// Starts the temporary file beside `path`. With `base` (a count of strings and their
    /// bytes, as `ByteReader.tableStrings` gives them), the table starts with those strings.
    init(path: String, base: (count: Int, strings: ArraySlice<UInt8>)? = nil) throws(DiagnosticError) {
        self.path = path
        writer = ByteWriter(baseCount: base?.count ?? 0)
        baseStrings = base?.strings ?? []
        temporary = path + Self.temporaryMarker + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputWriter.failure("writing", temporary, errno: errno) }
    }

    deinit { discard() }

    /// Writes out what the body holds once it is a chunk's worth.
    func flushIfFull() throws(DiagnosticError) {
        if writer.bytes.count >= Self.chunk { try flush() }
    }

    private func flush() throws(DiagnosticError) {
        try writeOut(writer.takeBytes()[...])
    }

    private func writeOut(_ bytes: ArraySlice<UInt8>) throws(DiagnosticError) {
        if let failure = bytes.withUnsafeBytes({ OutputWriter.writeFully(descriptor, $0) }) {
            throw OutputWriter.failure("writing", temporary, errno: failure)
        }
        flushed += bytes.count
    }

    /// Ends the file: the string table, `trailer` (which must not intern), the table's offset;
    /// then moves it over the cache at `path`.
    func finish(trailer: (inout ByteWriter) -> Void) throws(DiagnosticError) {
        let tableOffset = flushed + writer.bytes.count
        // The count of all strings, the base's as the earlier file wrote them, then this file's.
        writer.write(writer.baseCount + writer.table.count)
        if !baseStrings.isEmpty {
            try flush()
            try writeOut(baseStrings)
        }
        writer.writeNewStrings()
        trailer(&writer)
        writer.write(fixed: UInt64(tableOffset))
        try flush()
        guard close(descriptor) == 0 else {
            descriptor = -1
            throw OutputWriter.failure("writing", temporary, errno: errno)
        }
        descriptor = -1
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw OutputWriter.failure("writing", path, errno: code)
        }
    }

    /// Gives the file up: the temporary file is removed, the old cache left as it is.
    func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporary)
    }
}
