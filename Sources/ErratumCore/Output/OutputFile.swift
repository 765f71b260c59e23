import Foundation

/// One file of the build's output, by its path relative to the output folder.
public struct OutputFile: Sendable, Hashable {
    /// The relative path with `/` separators, e.g. `errors/en/507.html`.
    public var path: String
    /// The bytes.
    public var contents: Data

    /// Creates a file from bytes.
    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
    }

    /// Creates a file from text, written as UTF-8.
    public init(path: String, text: String) {
        self.init(path: path, contents: Data(text.utf8))
    }
}
