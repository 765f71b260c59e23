import Foundation
import Testing

@Suite("Error pages are valid HTML")
struct HTMLValidationTests {
    @Test("every HTML error page passes tidy with no warning")
    func tidy() throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let tidy = "/usr/bin/tidy"
        try #require(FileManager.default.isExecutableFile(atPath: tidy), "tidy is not installed: scripts/test installs it")
        let pages = try FileManager.default.subpathsOfDirectory(atPath: build.output + "/errors").filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages.count == 39 * 3)
        for page in pages {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tidy)
            process.arguments = ["-q", "-e", "-utf8", build.output + "/errors/" + page]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let report = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(page): \(report)")
        }
    }
}
