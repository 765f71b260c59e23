import ErratumCore
import Foundation
import Synchronization

/// Watches folder trees through inotify and reports the paths that changed: files written,
/// created, removed or renamed, in every folder below the roots, folders made later included.
///
/// Hidden files and folders (`.git`, vim's `.page.md.swp`), backups (`page.md~`) and vim's
/// write test (`4913`) are not reported: no build reads them.
public final class DirectoryWatcher: Sendable {
    private struct State {
        var folders: [Int32: String] = [:]
        var stopped = false
    }

    private let descriptor: Int32
    private let state = Mutex(State())
    private let report: @Sendable (_ paths: Set<String>, _ overflowed: Bool) -> Void
    private let mask = UInt32(IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
                              | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)

    /// Starts watching `roots` (folders; a missing one is skipped) on a thread of its own;
    /// `report` is called from it with each batch of changed paths, or with `overflowed` when
    /// the kernel dropped events and anything may have changed.
    ///
    /// - Throws: `DiagnosticError` (`serve`) when inotify cannot be used or a folder cannot
    ///   be watched (the system's `fs.inotify.max_user_watches` is too small for the tree).
    public init(roots: [String], report: @escaping @Sendable (_ paths: Set<String>, _ overflowed: Bool) -> Void) throws(DiagnosticError) {
        descriptor = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard descriptor >= 0 else {
            throw DiagnosticError(.serve, "cannot watch files: inotify_init1: \(String(cString: strerror(errno)))")
        }
        self.report = report
        for root in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            if let problem = watchTree(root) {
                close(descriptor)
                throw DiagnosticError(.serve, problem)
            }
        }
        let thread = Thread { [self] in run() }
        thread.name = "erratum-watch"
        thread.start()
    }

    /// The number of folders watched.
    public var folderCount: Int { state.withLock { $0.folders.count } }

    /// Stops watching; the thread ends within a fifth of a second.
    public func stop() {
        state.withLock { $0.stopped = true }
    }

    private static let debug = ProcessInfo.processInfo.environment["ERRATUM_SERVE_DEBUG"] != nil

    static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name == "4913"
    }

    /// Watches `root` and every folder below it; returns a problem, if one stops it.
    private func watchTree(_ root: String) -> String? {
        var pending = [root]
        while let folder = pending.popLast() {
            let watch = inotify_add_watch(descriptor, folder, mask)
            guard watch >= 0 else {
                let reason = errno == ENOSPC
                    ? "the system allows no more watches (raise fs.inotify.max_user_watches)"
                    : String(cString: strerror(errno))
                return "cannot watch '\(folder)': \(reason)"
            }
            state.withLock { $0.folders[watch] = folder }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where !Self.isIgnored(name) {
                let path = folder.appendingPathComponent(name)
                var status = stat()
                if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { pending.append(path) }
            }
        }
        return nil
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        defer { close(descriptor) }
        while !state.withLock({ $0.stopped }) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { continue }
            var changed: Set<String> = []
            var overflowed = false
            var offset = 0
            buffer.withUnsafeBytes { raw in
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let watch = raw.load(fromByteOffset: offset, as: Int32.self)
                    let flags = raw.load(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[nameStart..<min(nameStart + length, count)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    offset = nameStart + length
                    if flags & UInt32(IN_Q_OVERFLOW) != 0 { overflowed = true; continue }
                    if flags & UInt32(IN_IGNORED) != 0 {
                        _ = state.withLock { $0.folders.removeValue(forKey: watch) }
                        continue
                    }
                    guard let folder = state.withLock({ $0.folders[watch] }) else { continue }
                    if name.isEmpty {
                        changed.insert(folder)
                        continue
                    }
                    guard !Self.isIgnored(name) else { continue }
                    let path = folder.appendingPathComponent(name)
                    if Self.debug { FileHandle.standardError.write(Data("erratum: watch: \(path) flags \(String(flags, radix: 16))\n".utf8)) }
                    changed.insert(path)
                    if flags & UInt32(IN_ISDIR) != 0, flags & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                        // A folder made or moved in: watch it, and count what it already holds.
                        _ = watchTree(path)
                        if let enumerator = FileManager.default.enumerator(atPath: path) {
                            for case let relative as String in enumerator { changed.insert(path.appendingPathComponent(relative)) }
                        }
                    }
                }
            }
            if !changed.isEmpty || overflowed { report(changed, overflowed) }
        }
    }
}
