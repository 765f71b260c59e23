import Foundation

/// One file of the build's output, by its path relative to the output folder.
public struct OutputFile: Sendable, Hashable {
    /// The relative path with `/` separators, e.g. `errors/en/507.html`.
    public var path: String
    /// What the file holds: text is kept as it was made and written from its own UTF-8, so a
    /// page (or a report of tens of megabytes) is never copied into `Data` on its way out.
    private var body: Body
    /// The fingerprint of what the file is made from, when the product knows it without
    /// making the file (a site page: its render and its page context); nil means the
    /// fingerprint of the bytes.
    var key: Digest?
    /// Whether the previous output's file at `path`, made from the same `key`, is this file:
    /// the writer links it instead of writing.
    private(set) var keepsPrevious = false

    private enum Body: Sendable {
        case bytes(Data)
        case text(String)
    }

    /// The bytes; empty for a file kept from the previous output (`keepsPrevious`).
    public var contents: Data {
        get {
            switch body {
            case let .bytes(data): data
            case let .text(text): Data(text.utf8)
            }
        }
        set { body = .bytes(newValue) }
    }

    /// Calls `body` with the file's bytes, without copying text.
    func withBytes<Value>(_ use: (UnsafeRawBufferPointer) throws(DiagnosticError) -> Value) throws(DiagnosticError) -> Value {
        let result: Result<Value, DiagnosticError>
        switch body {
        case let .bytes(data):
            result = data.withUnsafeBytes { buffer in Result { () throws(DiagnosticError) in try use(buffer) } }
        case var .text(text):
            result = text.withUTF8 { buffer in Result { () throws(DiagnosticError) in try use(UnsafeRawBufferPointer(buffer)) } }
        }
        return try result.get()
    }

    /// Creates a file from bytes.
    public init(path: String, contents: Data) {
        self.path = path
        body = .bytes(contents)
    }

    /// Creates a file from text, written as UTF-8.
    public init(path: String, text: String) {
        self.path = path
        body = .text(text)
    }

    public static func == (left: OutputFile, right: OutputFile) -> Bool {
        left.path == right.path && left.key == right.key && left.keepsPrevious == right.keepsPrevious
            && left.contents == right.contents
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(key)
        hasher.combine(keepsPrevious)
        hasher.combine(contents)
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
        // Hashing cannot fail.
        try? withBytes { (bytes: UnsafeRawBufferPointer) throws(DiagnosticError) in hasher.combine(bytes: bytes) }
        return hasher.finalize()
    }
}
