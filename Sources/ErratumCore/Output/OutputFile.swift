import Foundation

/// One file of the build's output, by its path relative to the output folder.
public struct OutputFile: Sendable, Hashable {
    /// The relative path with `/` separators, e.g. `errors/en/507.html`.
    public var path: String
    /// The bytes; empty for a file kept from the previous output (`keepsPrevious`).
    public var contents: Data
    /// The fingerprint of what the file is made from, when the product knows it without
    /// making the file (a site page: its render and its page context); nil means the
    /// fingerprint of the bytes.
    var key: Digest?
    /// Whether the previous output's file at `path`, made from the same `key`, is this file:
    /// the writer links it instead of writing.
    private(set) var keepsPrevious = false

    /// Creates a file from bytes.
    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
    }

    /// Creates a file from text, written as UTF-8.
    public init(path: String, text: String) {
        self.init(path: path, contents: Data(text.utf8))
    }

    /// Creates a file from bytes made from inputs with fingerprint `key`.
    init(path: String, text: String, key: Digest?) {
        self.init(path: path, text: text)
        self.key = key
    }

    /// The file the previous build wrote at `path` from the same inputs.
    static func previous(_ path: String, key: Digest) -> OutputFile {
        var file = OutputFile(path: path, contents: Data())
        file.key = key
        file.keepsPrevious = true
        return file
    }

    /// The key the manifest records: the inputs' fingerprint, or the bytes'.
    var manifestKey: Digest {
        if let key { return key }
        var hasher = StableHasher()
        hasher.combine("bytes")
        contents.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }
}
