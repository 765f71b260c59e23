import Foundation

/// A folder of files compiled into the binary: what Erratum uses when no file on disk
/// overrides it. The contents come from the package's `templates/` and `Starter/` folders,
/// embedded at build time by the `EmbedBuiltIns` plugin (`BuiltInFiles+Contents.swift`).
public struct BuiltInFiles: Sendable {
    /// Every file, sorted by path.
    public let files: [BuiltInFile]
    private let index: [String: Int]

    init(files: [BuiltInFile]) {
        self.files = files.sorted { $0.path < $1.path }
        index = Dictionary(self.files.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The file at a path relative to the folder (`site/page.html.mustache`), if there is one.
    public subscript(path: String) -> BuiltInFile? {
        index[path].map { files[$0] }
    }

    /// The paths of every file, sorted.
    public var paths: [String] { files.map(\.path) }
}

/// One built-in file.
public struct BuiltInFile: Sendable {
    /// The path relative to its folder, with `/` between components.
    public let path: String
    private let storage: Storage

    private enum Storage: Sendable {
        case text(String)
        case base64(String)
    }

    init(path: String, text: String) {
        self.path = path
        storage = .text(text)
    }

    init(path: String, base64: String) {
        self.path = path
        storage = .base64(base64)
    }

    /// The file's bytes, exactly as they were in the package.
    public var data: Data {
        switch storage {
        case .text(let text): Data(text.utf8)
        case .base64(let encoded): Data(base64Encoded: encoded) ?? Data()
        }
    }
}
