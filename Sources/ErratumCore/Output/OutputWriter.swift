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
    var stagingPrefix: String { "." + (destination.split(separator: "/").last.map(String.init) ?? destination) + ".staging-" }

    /// Plain string work: Foundation's `deletingLastPathComponent` traps on a one-character
    /// path, so `--output o` crashed.
    var parent: String {
        guard let slash = destination.lastIndex(of: "/") else { return "." }
        return slash == destination.startIndex ? "/" : String(destination[..<slash])
    }

    /// Writes all files and swaps them in as the new output.
    ///
    /// - Throws: `DiagnosticError` (`output-io`) when a path would leave the output folder, or
    ///   any file system call fails (full disk, no permission). The previous output is then
    ///   untouched and no staging folder is left behind.
    public func write(_ files: [OutputFile]) throws(DiagnosticError) {
        let fileManager = FileManager.default
        for file in files { try Self.validate(file.path) }

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
            try writeFiles(files, into: staging)
            try swapIn(staging)
        } catch {
            try? fileManager.removeItem(atPath: staging)
            throw error
        }
    }

    private func writeFiles(_ files: [OutputFile], into staging: String) throws(DiagnosticError) {
        var createdFolders: Set<String> = [staging]
        for file in files.sorted(by: { $0.path < $1.path }) {
            let path = staging.appendingPathComponent(file.path)
            let folder = (path as NSString).deletingLastPathComponent
            if !createdFolders.contains(folder) {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw Self.failure("creating folder", displayPath(file.path, folder: true), error)
                }
                createdFolders.insert(folder)
            }
            try Self.writeAll(file.contents, to: path, shownAs: displayPath(file.path))
        }
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
    static func writeAll(_ data: Data, to path: String, shownAs shown: String) throws(DiagnosticError) {
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
        if close(descriptor) != 0, failedErrno == nil { failedErrno = errno }
        if let failedErrno { throw failure("writing", shown, errno: failedErrno) }
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
