import Foundation

/// Paths as reports show them: relative to the folder the command runs in, so that a report
/// reads the same on every machine and never shows a home or temporary folder.
public enum DisplayPath {
    /// `path` relative to `folder` (both absolute; `folder` with its symbolic links resolved
    /// when `path` has them resolved, as git prints its paths): `.`, `content`, `../content`.
    public static func relative(_ path: String, to folder: String) -> String {
        let target = components(path), base = components(folder)
        var common = 0
        while common < target.count, common < base.count, target[common] == base[common] { common += 1 }
        let parts = Array(repeating: "..", count: base.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// `path` relative to the current folder, whose symbolic links are resolved first; a path
    /// that is relative already is one to the current folder, and stays as it is.
    public static func relativeToCurrentFolder(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let current = FileManager.default.currentDirectoryPath
        let resolved = realpath(current, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? current
        return relative(path, to: resolved)
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." }
    }
}
