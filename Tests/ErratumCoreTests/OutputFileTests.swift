import Foundation
import Testing
@testable import ErratumCore

@Suite("Output files")
struct OutputFileTests {
    @Test("a file made from text is the file made from its UTF-8 bytes: equal, same hash, same key, same bytes on disk")
    func textAndBytes() throws {
        let text = "<p>Fehler 404 – Seite nicht gefunden 🙂</p>\n" + String(repeating: "x", count: 5000)
        let fromText = OutputFile(path: "docs/a/index.html", text: text)
        let fromBytes = OutputFile(path: "docs/a/index.html", contents: Data(text.utf8))
        #expect(fromText == fromBytes)
        #expect(fromText.hashValue == fromBytes.hashValue)
        #expect(fromText.manifestKey == fromBytes.manifestKey)
        #expect(fromText.contents == Data(text.utf8))
        #expect(fromText != OutputFile(path: "docs/a/index.html", text: text + " "))
        #expect(fromText.manifestKey != OutputFile(path: "docs/a/index.html", text: text + " ").manifestKey)

        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        for (name, file) in [("text", fromText), ("bytes", fromBytes)] {
            _ = try OutputWriter.make(file, key: file.manifestKey, at: folder + "/" + name, previous: nil, shownAs: name)
            #expect(FileManager.default.contents(atPath: folder + "/" + name) == Data(text.utf8), "\(name)")
        }
    }
}
