import CErratumSystem
import Foundation
import Synchronization

/// Writes a build beside the output folder and swaps it in only when every file is written,
/// so a failed or killed build never leaves a half-written output.
///
/// On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: at every instant the output path
/// holds either the whole previous build or the whole new one.
///
/// With a cache (`PreviousOutput`), the build before the current one is kept as a *spare*
/// tree in the cache folder (`.Output.cache/spare`). The next build brings the spare up to
/// date in place — the output itself is never touched — writing only files whose inputs
/// changed, linking files unchanged since the current output, and removing files gone; then
/// it exchanges the spare with the output. A build that changed one page touches a few files
/// instead of re-creating tens of thousands. Unchanged files are hard links shared by both
/// trees, so the spare costs little space. While the spare is being updated a marker file says
/// so: a build killed meanwhile leaves the marker, and the next build discards the spare and
/// stages from scratch.
public struct OutputWriter: Sendable {
    /// The output folder, e.g. `Output`.
    public let destination: String

    /// Creates a writer for an output folder.
    public init(destination: String) {
        var path = destination
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        self.destination = path
    }

    private var name: String { destination.split(separator: "/").last.map(String.init) ?? destination }

    /// The staging folders of this output start with this prefix, in the same parent folder.
    var stagingPrefix: String { "." + name + ".staging-" }

    /// Plain string work: Foundation's `deletingLastPathComponent` traps on a one-character
    /// path, so `--output o` crashed.
    var parent: String {
        guard let slash = destination.lastIndex(of: "/") else { return "." }
        return slash == destination.startIndex ? "/" : String(destination[..<slash])
    }

    /// The cache folder beside the output: `.Output.cache` for `Output`.
    var cacheFolder: String { parent.appendingPathComponent("." + name + ".cache") }
    /// The build before the current output, updated in place into the next build.
    var spare: String { cacheFolder.appendingPathComponent("spare") }
    /// Present while the spare is being updated: the spare's contents are then unknown.
    var updatingMarker: String { cacheFolder.appendingPathComponent("updating") }
    /// The manifests of the output and the spare.
    var manifestsFile: String { cacheFolder.appendingPathComponent("files") }

    /// Writes all files and swaps them in as the new output.
    ///
    /// - Throws: `DiagnosticError` (`output-io`) when a path would leave the output folder, two
    ///   files share a path, or any file system call fails (full disk, no permission). The
    ///   previous output is then untouched and no staging folder is left behind.
    public func write(_ files: [OutputFile]) throws(DiagnosticError) {
        _ = try write(files, previous: nil)
    }

    /// What the output and the spare hold, as far as the cache folder knows.
    func previousOutput() -> PreviousOutput {
        var current: OutputManifest?
        var spareFiles: SpareManifest?
        if var reader = ByteReader(contentsOf: manifestsFile) {
            if let (readCurrent, readSpare) = try? reader.manifests() {
                current = readCurrent
                spareFiles = readSpare
            }
        }
        // A build killed while writing leaves the marker: its spare may be half-updated and the
        // output may hold files the manifest does not list. Single files are still checked one
        // by one (inode, size, time), but neither tree is known to be complete.
        let trusted = !FileManager.default.fileExists(atPath: updatingMarker)
        return PreviousOutput(output: destination, current: current, spareFolder: spare,
                              spare: trusted ? spareFiles : nil, trusted: trusted)
    }

    /// Writes and swaps in as `write(_:)` does. With `previous` (a cached build), unchanged
    /// files are kept or linked, the spare tree is used and kept, and the manifests are saved
    /// for the next build; without, every file is written and nothing is kept.
    func write(_ files: [OutputFile], previous: PreviousOutput?,
               cancellation: BuildCancellation? = nil) throws(DiagnosticError) -> OutputManifest {
        let transaction = try begin(previous: previous)
        do throws(DiagnosticError) {
            _ = try Parallel.map(files, cancellation: cancellation) { file throws(DiagnosticError) in try transaction.write(file) }
            return try transaction.commit(cancellation: cancellation)
        } catch {
            transaction.abandon()
            throw error
        }
    }

    /// Starts a build's output: files are then written one by one, from any thread, as they
    /// are made (`OutputTransaction.write`), and swapped in whole by `commit`.
    ///
    /// With `previous` (a cached build), unchanged files are linked from an earlier tree and
    /// the spare is brought up to date in place when it can be; without, everything is staged
    /// in a new folder and no cache is left.
    ///
    /// - Throws: `DiagnosticError` (`output-io`) when the output path is not a folder or the
    ///   staging folder cannot be made.
    func begin(previous: PreviousOutput?) throws(DiagnosticError) -> OutputTransaction {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        let outputExists = fileManager.fileExists(atPath: destination, isDirectory: &isDirectory)
        if outputExists, !isDirectory.boolValue {
            throw DiagnosticError(.outputIO, "output path '\(destination)' exists and is not a folder")
        }
        do {
            try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw Self.failure("creating folder", parent, error)
        }
        removeAbandonedStaging()

        guard let previous else {
            // No cache: a clean build leaves none behind.
            FileTree.remove(cacheFolder)
            return OutputTransaction(writer: self, mode: .staged(try createStaging(), keepRetired: false), previous: nil)
        }
        guard mkdir(cacheFolder, 0o755) == 0 || errno == EEXIST else {
            throw Self.failure("creating folder", cacheFolder, errno: errno)
        }
        removeAbandonedCacheFiles()
        let marker = open(updatingMarker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard marker >= 0 else { throw Self.failure("writing", updatingMarker, errno: errno) }
        close(marker)
        if outputExists, let spareFiles = previous.spare, fileManager.fileExists(atPath: spare) {
            return OutputTransaction(writer: self, mode: .spare(spareFiles), previous: previous)
        }
        // No usable spare: stage from scratch, linking what the output already holds.
        FileTree.remove(spare)
        return OutputTransaction(writer: self, mode: .staged(try createStaging(), keepRetired: previous.trusted),
                                 previous: previous)
    }

    private func createStaging() throws(DiagnosticError) -> String {
        let staging = parent.appendingPathComponent("\(stagingPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard mkdir(staging, 0o755) == 0 else { throw Self.failure("creating folder", staging, errno: errno) }
        return staging
    }

    /// Writes a file's bytes, or copies the previous output's file for one kept from it
    /// where it could not be linked.
    static func make(_ file: OutputFile, key: Digest, at target: String, previous: PreviousOutput?,
                     shownAs shown: String) throws(DiagnosticError) -> OutputManifest.Entry {
        if file.keepsPrevious {
            guard let source = previous?.source(of: file.path, key: file.manifestKey),
                  let data = FileManager.default.contents(atPath: source) else {
                throw DiagnosticError(.outputIO, "\(shown) changed while the build was reusing it; build again")
            }
            return OutputManifest.identity(try writeAll(data, to: target, shownAs: shown), key: key)
        }
        let status = try file.withBytes { (bytes: UnsafeRawBufferPointer) throws(DiagnosticError) in
            try writeAll(bytes, to: target, shownAs: shown)
        }
        return OutputManifest.identity(status, key: key)
    }

    static func temporaryName(for target: String) -> String {
        let folder = String(parentPath(target[...]))
        return folder.appendingPathComponent(".erratum-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    /// The folders above one file, created where missing.
    static func createFolders(of path: String, in root: String) throws(DiagnosticError) {
        let folder = parentPath(path[...])
        guard !folder.isEmpty else { return }
        let full = root.appendingPathComponent(String(folder))
        if mkdir(full, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw failure("creating folder", full, errno: errno) }
        try createFolders(of: String(folder), in: root)
        guard mkdir(full, 0o755) == 0 || errno == EEXIST else { throw failure("creating folder", full, errno: errno) }
    }

    /// Removes the folders above a removed file that are now empty.
    func removeEmptyFolders(above path: String, in root: String) {
        var folder = Self.parentPath(path[...])
        while !folder.isEmpty, rmdir(root.appendingPathComponent(String(folder))) == 0 {
            folder = Self.parentPath(folder)
        }
    }

    static func parentPath(_ path: Substring) -> Substring {
        path.lastIndex(of: "/").map { path[..<$0] } ?? ""
    }

    func saveManifests(current: OutputManifest, spare: OutputManifest?) throws(DiagnosticError) {
        try CacheFileWriter.write(current: current, spare: spare, to: manifestsFile)
    }

    /// Exchanges the staging folder with the output.
    ///
    /// - Returns: where the previous output now is, or nil when there was none.
    func swapIn(_ staging: String) throws(DiagnosticError) -> String? {
        guard FileManager.default.fileExists(atPath: destination) else {
            guard rename(staging, destination) == 0 else {
                throw Self.failure("moving the new build to", destination, errno: errno)
            }
            return nil
        }
        if erratum_exchange_paths(staging, destination) == 0 { return staging }
        let exchangeError = errno
        guard exchangeError == ENOSYS || exchangeError == EINVAL || exchangeError == ENOTSUP else {
            throw Self.failure("swapping the new build into", destination, errno: exchangeError)
        }
        // No atomic exchange on this file system: two renames, with a short window without output.
        let retired = staging + ".previous"
        guard rename(destination, retired) == 0 else {
            throw Self.failure("moving the previous build out of", destination, errno: errno)
        }
        guard rename(staging, destination) == 0 else {
            let code = errno
            _ = rename(retired, destination)
            throw Self.failure("moving the new build to", destination, errno: code)
        }
        return retired
    }

    /// Removes staging folders left by builds that were killed (their process is gone).
    func removeAbandonedStaging() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        for name in names where name.hasPrefix(stagingPrefix) {
            let owner = name.dropFirst(stagingPrefix.count).prefix { $0.isASCIIDigit }
            if let pid = Int32(owner), pid != getpid(), kill(pid, 0) == 0 { continue }
            FileTree.remove(parent.appendingPathComponent(name))
        }
    }

    /// Removes the cache files a killed build was writing (`renders.tmp-<pid>-…`, see
    /// `CacheFileWriter`), unless their build is still running.
    func removeAbandonedCacheFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cacheFolder)) ?? []
        for name in names {
            guard let marker = name.range(of: CacheFileWriter.temporaryMarker) else { continue }
            let owner = name[marker.upperBound...].prefix { $0.isASCIIDigit }
            if let pid = Int32(owner), pid != getpid(), kill(pid, 0) == 0 { continue }
            unlink(cacheFolder.appendingPathComponent(name))
        }
    }

    static func display(_ destination: String, _ relative: String) -> String {
        destination.appendingPathComponent(relative)
    }

    private func displayPath(_ relative: String, folder: Bool = false) -> String {
        let path = destination.appendingPathComponent(relative)
        return folder ? String(Self.parentPath(path[...])) : path
    }

    /// Rejects paths that could leave the output folder.
    static func validate(_ path: String) throws(DiagnosticError) {
        // One byte pass per file (a build writes tens of thousands): no component may be empty,
        // `.` or `..`, nor hold a NUL; so no leading `/` and no `//`.
        var valid = !path.isEmpty
        var length = 0, dots = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                if length == 0 || length == dots && dots <= 2 { valid = false; break }
                length = 0
                dots = 0
                continue
            }
            if byte == 0 { valid = false; break }
            length += 1
            if byte == UInt8(ascii: ".") { dots += 1 }
        }
        if length == 0 || length == dots && dots <= 2 { valid = false }
        guard valid else {
            throw DiagnosticError(.outputIO, "refusing to write '\(path)': output paths must stay inside the output folder")
        }
    }

    /// Writes bytes with `write(2)` so that a full disk is reported as such.
    ///
    /// - Returns: the file's status once written (its inode, size and modification time).
    @discardableResult
    static func writeAll(_ data: Data, to path: String, shownAs shown: String) throws(DiagnosticError) -> stat {
        try data.withUnsafeBytes { buffer in
            Result { () throws(DiagnosticError) in try writeAll(buffer, to: path, shownAs: shown) }
        }.get()
    }

    static func writeAll(_ buffer: UnsafeRawBufferPointer, to path: String, shownAs shown: String) throws(DiagnosticError) -> stat {
        if let budget = DiskFault.budget, !budget.take(buffer.count) { throw failure("writing", shown, errno: ENOSPC) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("writing", shown, errno: errno) }
        var failedErrno = writeFully(descriptor, buffer)
        var status = stat()
        if failedErrno == nil, fstat(descriptor, &status) != 0 { failedErrno = errno }
        if close(descriptor) != 0, failedErrno == nil { failedErrno = errno }
        if let failedErrno { throw failure("writing", shown, errno: failedErrno) }
        return status
    }

    /// Writes all of `buffer` to an open file, through short writes and signals.
    ///
    /// - Returns: the error number when a write fails, nil when every byte is written.
    static func writeFully(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32? {
        var done = 0
        while done < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress! + done, buffer.count - done)
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return written < 0 ? errno : ENOSPC }
            done += written
        }
        return nil
    }

    static func failure(_ action: String, _ path: String, errno code: Int32) -> DiagnosticError {
        DiagnosticError(.outputIO, "\(String(cString: strerror(code)).lowercased()) while \(action) \(path)")
    }

    static func failure(_ action: String, _ path: String, _ error: any Error) -> DiagnosticError {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return failure(action, path, errno: Int32(posix.code))
        }
        return DiagnosticError(.outputIO, "\(error.localizedDescription) while \(action) \(path)")
    }
}

/// A full disk on demand, for tests and CI machines where no small file system can be
/// mounted: with `ERRATUM_FAULT_DISK_BYTES=n` in the environment, every write fails with
/// ENOSPC once the process has written n bytes. Without the variable it costs one nil check.
final class DiskFault: Sendable {
    static let budget: DiskFault? = ProcessInfo.processInfo.environment["ERRATUM_FAULT_DISK_BYTES"]
        .flatMap(Int.init).map(DiskFault.init(bytes:))

    private let left: Mutex<Int>

    init(bytes: Int) { left = Mutex(bytes) }

    /// Whether `count` more bytes fit.
    func take(_ count: Int) -> Bool {
        left.withLock { left in
            guard left >= count else { return false }
            left -= count
            return true
        }
    }
}
