import Foundation

// Writes the Swift source that carries files inside the `ErratumBuiltIns` module:
//
//     ErratumEmbed <output.swift> --folder <name> <root> <relative path>... [--folder ...]
//
// Text files become raw string literals, so the generated source reads like the files; any
// other file (binary, carriage returns, control characters) becomes base64. Run by the
// EmbedBuiltIns build plugin, never by hand.

struct Folder {
    let name: String
    let root: String
    var files: [String] = []
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ErratumEmbed: error: \(message)\n".utf8))
    exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard !arguments.isEmpty else { fail("usage: ErratumEmbed <output.swift> --folder <name> <root> <file>...") }
let outputPath = arguments.removeFirst()
var folders: [Folder] = []
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    if argument == "--folder" {
        guard arguments.count >= 2 else { fail("--folder needs a name and a root") }
        folders.append(Folder(name: arguments.removeFirst(), root: arguments.removeFirst()))
    } else if !folders.isEmpty {
        folders[folders.count - 1].files.append(argument)
    } else {
        fail("'\(argument)' comes before any --folder")
    }
}

/// Whether the bytes can stand in a multi-line raw string literal exactly as they are.
func isLiteralText(_ bytes: [UInt8]) -> Bool {
    guard let text = String(validating: bytes, as: UTF8.self) else { return false }
    return !text.unicodeScalars.contains { scalar in
        (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || scalar.value == 0x7F || scalar == "\u{FEFF}"
    }
}

/// The number of `#` that no `"` or `\` in the text is followed by, so neither ends the
/// literal nor starts an escape.
func delimiterLength(_ bytes: [UInt8]) -> Int {
    var longest = 0, index = 0
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "\\") {
            var run = 0
            while index + 1 + run < bytes.count, bytes[index + 1 + run] == UInt8(ascii: "#") { run += 1 }
            longest = max(longest, run)
        }
        index += 1
    }
    return longest + 1
}

func swiftStringLiteral(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

var source = """
// Generated at build time by the EmbedBuiltIns plugin; edit the files named below instead.

"""
for folder in folders {
    source += "\nextension BuiltInFiles {\n"
    source += "    /// The package's `\(folder.name)` files, as this binary was built with them.\n"
    source += "    public static let \(folder.name) = BuiltInFiles(files: [\n"
    for relative in folder.files {
        let path = (folder.root as NSString).appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read '\(path)'") }
        let bytes = [UInt8](data)
        if isLiteralText(bytes) {
            let hashes = String(repeating: "#", count: delimiterLength(bytes))
            source += "        BuiltInFile(path: \(swiftStringLiteral(relative)), text: \(hashes)\"\"\"\n"
            source += String(decoding: bytes, as: UTF8.self)
            source += "\n\"\"\"\(hashes)),\n"
        } else {
            source += "        BuiltInFile(path: \(swiftStringLiteral(relative)), base64: \"\(data.base64EncodedString())\"),\n"
        }
    }
    source += "    ])\n}\n"
}

let output = URL(fileURLWithPath: outputPath)
do {
    // The same source is left untouched, so that the module is not compiled again for nothing.
    if let existing = try? Data(contentsOf: output), existing == Data(source.utf8) { exit(0) }
    try Data(source.utf8).write(to: output, options: .atomic)
} catch {
    fail("cannot write '\(outputPath)': \(error)")
}
