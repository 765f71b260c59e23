import Foundation
import Synchronization

/// Lets one build at a time write an output folder, its staging folders and its cache: an
/// `flock(2)` on a lock file beside the output, `.Output.lock` for `Output`.
///
/// A second CI job, a watcher and a hand-run build may all build into the same output. Without
/// the lock the later one removes the earlier one's staging, or both update the spare tree at
/// once and swap in a mix of two builds. The lock file sits beside the output rather than in
/// the cache folder, which a build without cache removes. The kernel drops the lock when its
/// holder exits, however it exits, so a killed build leaves no stale lock. The file itself
/// stays: removing it would let a third build lock a new file while a second still waits on
/// the old one. The holder writes its process id into the file for a waiting build to show.
public final class OutputLock: Sendable {
    /// The lock file's descriptor while the lock is held; nil once released.
    private let descriptor: Mutex<Int32?>

    /// The lock file of an output folder: `<parent>/.<name>.lock`.
    public let path: String

    /// How often a waiting build tries again, and checks whether it was told to stop.
    static let pollMicroseconds: useconds_t = 50_000

    private init(descriptor: Int32, path: String) {
        self.descriptor = Mutex(descriptor)
        self.path = path
    }

    deinit { release() }

    /// The lock file of an output folder, in the folder's parent.
    public static func path(forOutput output: String) -> String {
        let writer = OutputWriter(destination: output)
        let name = writer.destination.split(separator: "/").last.map(String.init) ?? writer.destination
        return writer.parent.appendingPathComponent("." + name + ".lock")
    }

    /// Takes the lock of an output folder, creating the folder's parent and the lock file if
    /// needed.
    ///
    /// - Parameters:
    ///   - output: the output folder, as the user named it.
    ///   - wait: whether to wait while another process holds the lock, or to fail at once.
    ///   - cancellation: stops the wait when cancelled (SIGINT, SIGTERM).
    ///   - waiting: told once, with the holder's process id when the lock file names one,
    ///     that this build is waiting.
    /// - Throws: `DiagnosticError` with `output-locked` when another process holds the lock and
    ///   `wait` is false; `interrupted` when cancelled while waiting; `output-io` when the
    ///   parent folder or the lock file cannot be made, or the file system cannot lock.
    public static func acquire(forOutput output: String, wait: Bool = true, cancellation: BuildCancellation? = nil,
                               waiting: (@Sendable (_ holder: Int32?) -> Void)? = nil) throws(DiagnosticError) -> OutputLock {
        let path = path(forOutput: output)
        let parent = OutputWriter(destination: output).parent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw OutputWriter.failure("creating folder", parent, error)
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputWriter.failure("opening", path, errno: errno) }
        var polls = 0
        var told = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(descriptor)
                throw OutputWriter.failure("locking", path, errno: code)
            }
            let holder = holderID(descriptor)
            guard wait else {
                close(descriptor)
                let who = holder.map { " (pid \($0))" } ?? ""
                throw DiagnosticError(.outputLocked, "another build\(who) is writing '\(OutputWriter(destination: output).destination)'; this build stopped without waiting for it")
            }
            // A holder that has just taken the lock may not have written its id yet: give it a
            // moment, so the message names it.
            if !told, holder != nil || polls >= 4 {
                told = true
                waiting?(holder)
            }
            do throws(DiagnosticError) {
                try cancellation?.check()
            } catch {
                close(descriptor)
                throw error
            }
            polls += 1
            usleep(pollMicroseconds)
        }
        let id = Array("\(getpid())\n".utf8)
        // Only for the message of a build that waits: a lock file that cannot say who holds it
        // still locks.
        if ftruncate(descriptor, 0) == 0 {
            _ = id.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return OutputLock(descriptor: descriptor, path: path)
    }

    /// Releases the lock; the lock file stays. Releasing twice does nothing.
    public func release() {
        descriptor.withLock { held in
            if let open = held { close(open) }
            held = nil
        }
    }

    /// The process id the lock file names, if it names a living process.
    private static func holderID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // A holder that wrote no id (another tool's flock) leaves a gone build's id behind.
        guard let id = Int32(text), id > 0, kill(id, 0) == 0 || errno == EPERM else { return nil }
        return id
    }
}
