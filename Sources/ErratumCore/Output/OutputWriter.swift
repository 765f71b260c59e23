import CErratumSystem
import Foundation

/// Writes a build into a staging folder beside the output folder and swaps it in only when
/// every file is written, so a failed or killed build never leaves a half-written output.
///
/// On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: at every instant the output path
/// holds either the whole previous build or the whole new one.
public struct OutputWriter: Sendable {
    /// The output folder, e.g. `Output`.
    public let destination: String

    /// Creates a writer for an output folder.
    public init(destination: String) {
        var path = destination
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        self.destination = path
    }

    /// The staging folders of this output start with this prefix, in the same parent folder.
    var stagingPrefix: String { "." + (destination as NSString).lastPathComponent + ".staging-" }

    var parent: String {
        let parent = (destination as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// Writes all files and swaps them in as the new output.
    ///
    /// A file made from the same inputs as the previous output's file at its path (by
    /// `previous`, the manifest of that output) is hard-linked from it rather than written:
    /// the previous output is never modified, and is removed after the swap.
    ///
    /// - Throws: `DiagnosticError` (`output-io`) when a path would leave the output folder, two
    ///   files share a path, or any file system call fails (full disk, no permission). The
    ///   previous output is then untouched and no staging folder is left behind.
    public func write(_ files: [OutputFile]) throws(DiagnosticError) {
        _ = try write(files, previous: nil)
    }

    /// Writes and swaps in as `write(_:)` does, and returns the new output's manifest.
    func write(_ files: [OutputFile], previous: OutputManifest?) throws(DiagnosticError) -> OutputManifest {
        let fileManager = FileManager.default
        var paths: Set<String> = []
        for file in files {
            try Self.validate(file.path)
            guard paths.insert(file.path).inserted else {
                throw DiagnosticError(.outputIO, "two files of the build would be written to \(displayPath(file.path))")
            }
        }

        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: destination, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw DiagnosticError(.outputIO, "output path '\(destination)' exists and is not a folder")
        }
        do {
            try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw Self.failure("creating folder", parent, error)
        }
        removeAbandonedStaging()

        let staging = parent.appendingPathComponent("\(stagingPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw Self.failure("creating folder", staging, error)
        }
        do throws(DiagnosticError) {
            let manifest = try writeFiles(files, into: staging, previous: previous)
            try swapIn(staging)
            return manifest
        } catch {
            try? fileManager.removeItem(atPath: staging)
            throw error
        }
    }

    private func writeFiles(_ files: [OutputFile], into staging: String,
                            previous: OutputManifest?) throws(DiagnosticError) -> OutputManifest {
        // Every folder once, parents before children (a parent sorts before its children).
        var folders: Set<String> = []
        func parent(_ path: Substring) -> Substring { path.lastIndex(of: "/").map { path[..<$0] } ?? "" }
        for file in files {
            var folder = parent(file.path[...])
            while !folder.isEmpty, folders.insert(String(folder)).inserted {
                folder = parent(folder)
            }
        }
        for folder in folders.sorted() {
            guard mkdir(staging.appendingPathComponent(folder), 0o755) == 0 || errno == EEXIST else {
                throw Self.failure("creating folder", displayPath(folder + "/x", folder: true), errno: errno)
            }
        }
        let destination = destination
        let written = try Parallel.map(files) { file throws(DiagnosticError) -> (String, OutputManifest.Entry) in
            let target = staging.appendingPathComponent(file.path)
            let key = file.manifestKey
            if let entry = previous?.intactEntry(file.path, in: destination), entry.key == key {
                if link(destination.appendingPathComponent(file.path), target) == 0 { return (file.path, entry) }
                // No hard links here (another file system, FAT): copy the previous file.
                if file.keepsPrevious, let data = FileManager.default.contents(atPath: destination.appendingPathComponent(file.path)) {
                    return (file.path, OutputManifest.identity(try Self.writeAll(data, to: target, shownAs: Self.display(destination, file.path)), key: key))
                }
            }
            guard !file.keepsPrevious else {
                throw DiagnosticError(.outputIO, "\(Self.display(destination, file.path)) changed while the build was reusing it; build again")
            }
            let status = try Self.writeAll(file.contents, to: target, shownAs: Self.display(destination, file.path))
            return (file.path, OutputManifest.identity(status, key: key))
        }
        return OutputManifest(entries: Dictionary(written, uniquingKeysWith: { first, _ in first }))
    }

    /// Exchanges the staging folder with the output, then removes the old build.
    private func swapIn(_ staging: String) throws(DiagnosticError) {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: destination) else {
            guard rename(staging, destination) == 0 else {
                throw Self.failure("moving the new build to", destination, errno: errno)
            }
            return
        }
        if erratum_exchange_paths(staging, destination) == 0 {
            try? fileManager.removeItem(atPath: staging)
            return
        }
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
        try? fileManager.removeItem(atPath: retired)
    }

    /// Removes staging folders left by builds that were killed (their process is gone).
    func removeAbandonedStaging() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        for name in names where name.hasPrefix(stagingPrefix) {
            let owner = name.dropFirst(stagingPrefix.count).prefix { $0.isASCIIDigit }
            if let pid = Int32(owner), pid != getpid(), kill(pid, 0) == 0 { continue }
            try? FileManager.default.removeItem(atPath: parent.appendingPathComponent(name))
        }
    }

    private static func display(_ destination: String, _ relative: String) -> String {
        destination.appendingPathComponent(relative)
    }

    private func displayPath(_ relative: String, folder: Bool = false) -> String {
        let path = destination.appendingPathComponent(relative)
        return folder ? (path as NSString).deletingLastPathComponent : path
    }

    /// Rejects paths that could leave the output folder.
    static func validate(_ path: String) throws(DiagnosticError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), !components.isEmpty,
              components.allSatisfy({ !$0.isEmpty && $0 != ".." && $0 != "." && !$0.contains("\0") }) else {
            throw DiagnosticError(.outputIO, "refusing to write '\(path)': output paths must stay inside the output folder")
        }
    }

    /// Writes bytes with `write(2)` so that a full disk is reported as such.
    ///
    /// - Returns: the file's status once written (its inode, size and modification time).
    @discardableResult
    static func writeAll(_ data: Data, to path: String, shownAs shown: String) throws(DiagnosticError) -> stat {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("writing", shown, errno: errno) }
        var failedErrno: Int32?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failedErrno = errno
                    return
                }
                offset += written
            }
        }
        var status = stat()
        if failedErrno == nil, fstat(descriptor, &status) != 0 { failedErrno = errno }
        if close(descriptor) != 0, failedErrno == nil { failedErrno = errno }
        if let failedErrno { throw failure("writing", shown, errno: failedErrno) }
        return status
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
