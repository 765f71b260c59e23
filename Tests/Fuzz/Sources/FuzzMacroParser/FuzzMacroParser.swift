// Fuzzes the KumaScript macro scanner on any Markdown body.
//
// Beyond "does not crash": calls come in source order without overlapping, each call's
// `source` is exactly the bytes its `range` covers, and the line and column it reports are
// where those bytes are (they become the file positions of every macro diagnostic); a
// malformed call is reported at its `{{`.

import ErratumCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMacroParser(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let body = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let bytes = Array(body.utf8)
    let result = MacroParser().parse(body)

    var previousEnd = 0
    var cursor = Cursor()
    for call in result.calls {
        precondition(call.range.lowerBound >= previousEnd && call.range.upperBound <= bytes.count,
                     "call \(call.source) at \(call.range) overlaps the previous call or leaves the body")
        previousEnd = call.range.upperBound
        let source = String(decoding: bytes[call.range], as: UTF8.self)
        precondition(call.source == source, "call source \(call.source) is not the text at its range: \(source)")
        precondition(source.hasPrefix("{{") && source.hasSuffix("}}") && !call.name.isEmpty,
                     "a call that is not {{name…}}: \(source)")
        let (line, column) = cursor.position(of: call.range.lowerBound, in: bytes)
        precondition(call.line == line && call.column == column,
                     "call \(source) reported at \(call.line):\(call.column), found at \(line):\(column)")
        _ = call.normalizedName
        for index in call.arguments.indices { _ = call.argument(index) }
    }
    for problem in result.problems {
        let offset = offset(line: problem.line, column: problem.column, in: bytes)
        precondition(offset.map { bytes[$0...].starts(with: "{{".utf8) } == true,
                     "problem '\(problem.message)' at \(problem.line):\(problem.column) does not point at a '{{'")
    }
    return 0
}

/// Lines and columns of increasing UTF-8 offsets, counted once over the body.
private struct Cursor {
    var offset = 0, line = 0, lineStart = 0

    /// The 0-based line and 1-based column (in Unicode scalars) of `target`, at or after the last one asked.
    mutating func position(of target: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        while offset < target {
            if bytes[offset] == UInt8(ascii: "\n") {
                line += 1
                lineStart = offset + 1
            }
            offset += 1
        }
        return (line, bytes[lineStart..<target].count { $0 & 0xC0 != 0x80 } + 1)
    }
}

/// The UTF-8 offset of a 0-based line and 1-based column, nil when the body has no such place.
private func offset(line: Int, column: Int, in bytes: [UInt8]) -> Int? {
    guard line >= 0, column >= 1 else { return nil }
    var index = 0
    for _ in 0..<line {
        guard let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        index = end + 1
    }
    var scalars = 1
    while scalars < column {
        guard index < bytes.count, bytes[index] != UInt8(ascii: "\n") else { return nil }
        index += 1
        while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
        scalars += 1
    }
    return index
}
