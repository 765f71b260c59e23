import Foundation

/// Removing whole output trees, which hold tens of thousands of files.
///
/// Foundation's `removeItem` stats every entry by path and goes through its own directory
/// enumerator; this walks each folder once with `readdir` and removes entries relative to an
/// open folder (`unlinkat`), never following symbolic links. Top-level folders are removed on
/// all cores.
enum FileTree {
    /// Removes `path` and everything below it; a missing path is not an error.
    ///
    /// - Returns: whether nothing is left at `path`.
    @discardableResult
    static func remove(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else { return errno == ENOENT }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { return unlink(path) == 0 }
        let top = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard top >= 0 else { return false }
        let entries = Self.entries(of: top)
        close(top)
        let folders = entries.filter(\.isFolder).map { path.appendingPathComponent($0.name) }
        for file in entries where !file.isFolder { unlink(path.appendingPathComponent(file.name)) }
        _ = try? Parallel.map(folders) { folder throws(DiagnosticError) in
            let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if descriptor >= 0 {
                removeContents(of: descriptor)
                close(descriptor)
            }
            rmdir(folder)
        }
        return rmdir(path) == 0 || errno == ENOENT
    }

    private struct Entry {
        var name: String
        var isFolder: Bool
    }

    /// The entries of an open folder, without `.` and `..`; the descriptor stays open.
    private static func entries(of folder: Int32) -> [Entry] {
        let duplicate = dup(folder)
        guard duplicate >= 0, let stream = fdopendir(duplicate) else {
            if duplicate >= 0 { close(duplicate) }
            return []
        }
        defer { closedir(stream) }
        var found: [Entry] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var status = stat()
                isFolder = fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
            }
            found.append(Entry(name: name, isFolder: isFolder))
        }
        return found
    }

    /// Empties an open folder, depth first.
    private static func removeContents(of folder: Int32) {
        for entry in entries(of: folder) {
            if entry.isFolder {
                let child = openat(folder, entry.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 {
                    removeContents(of: child)
                    close(child)
                }
                unlinkat(folder, entry.name, AT_REMOVEDIR)
            } else {
                unlinkat(folder, entry.name, 0)
            }
        }
    }
}
