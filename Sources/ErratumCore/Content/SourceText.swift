import Foundation

/// Reads source files as text the way every stage expects it: UTF-8, no byte-order mark,
/// `\n` line ends.
public enum SourceText {
    /// Reads and normalizes a file.
    ///
    /// - Throws: `DiagnosticError` (`source-io`) when the file cannot be read or is not UTF-8;
    ///   the position given is that of the first invalid byte.
    static func read(_ path: String) throws(DiagnosticError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(.sourceIO, "cannot read file", at: FileLocation(file: path, line: 1, column: 1))
        }
        return try decode(data, path: path)
    }

    /// Decodes bytes as UTF-8 text with `\n` line ends, as `read` does with a file's bytes.
    ///
    /// - Throws: `DiagnosticError` (`source-io`) at the first invalid byte when `data` is not UTF-8.
    public static func decode(_ data: Data, path: String) throws(DiagnosticError) -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw DiagnosticError(.sourceIO, "file is not valid UTF-8", at: firstInvalidByte(in: bytes, path: path))
        }
        // A byte scan: `String.contains` goes through Foundation's locale-aware search.
        if bytes.contains(UInt8(ascii: "\r")) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        return text
    }

    private static func firstInvalidByte(in bytes: [UInt8], path: String) -> FileLocation {
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            guard length > 0, index + length <= bytes.count,
                  String(validating: bytes[index..<index + length], as: UTF8.self) != nil else { break }
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return FileLocation(file: path, line: line, column: column)
    }
}

extension String {
    /// Joins a path component with a single `/`.
    func appendingPathComponent(_ component: String) -> String {
        if isEmpty { return component }
        return hasSuffix("/") ? self + component : self + "/" + component
    }
}
