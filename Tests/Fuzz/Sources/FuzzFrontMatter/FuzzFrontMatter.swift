// Fuzzes what the content loader does with one file's bytes: UTF-8 decoding and line-end
// normalization, then the front-matter split and the YAML decoding into `FrontMatter`.
//
// Beyond "does not crash", every outcome must be one a user can act on: a thrown error holds
// at least one error-severity diagnostic, and every diagnostic points at a line and column
// the file has.

import ErratumCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontMatter(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let path = "fuzz/en-us/web/index.md"
    let data = Data(bytes: start, count: count)
    let text: String
    do {
        text = try SourceText.decode(data, path: path)
    } catch {
        expectActionable(error, in: nil)
        return 0
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    do {
        let parsed = try FrontMatterParser(path: path).parse(text)
        precondition(!parsed.frontMatter.title.isEmpty && !parsed.frontMatter.slug.isEmpty,
                     "a document loaded without a title or slug")
        precondition((3...lines.count + 1).contains(parsed.bodyLine),
                     "body line \(parsed.bodyLine) outside a file of \(lines.count) lines")
        precondition(text.hasSuffix(parsed.body), "the body is not the end of the file")
        for warning in parsed.warnings { expectInFile(warning, lines: lines) }
        _ = ContentLoader.folder(forSlug: parsed.frontMatter.slug)
    } catch {
        expectActionable(error, in: lines)
    }
    return 0
}

private func expectActionable(_ error: DiagnosticError, in lines: [Substring]?) {
    precondition(error.diagnostics.contains { $0.severity == .error }, "an error without an error diagnostic: \(error)")
    if let lines {
        for diagnostic in error.diagnostics { expectInFile(diagnostic, lines: lines) }
    }
}

/// A location may point one past the last character of a line (an unexpected end), never further.
private func expectInFile(_ diagnostic: Diagnostic, lines: [Substring]) {
    guard let location = diagnostic.location else { return }
    precondition((1...lines.count).contains(location.line),
                 "\(diagnostic) points at line \(location.line) of \(lines.count)")
    let columns = lines[location.line - 1].unicodeScalars.count + 1
    precondition((1...columns).contains(location.column),
                 "\(diagnostic) points at column \(location.column) of a line of \(columns - 1) characters")
}
