import Foundation
@testable import ErratumCore

/// Checks a built site the way a reader's browser would follow it: every `href` and `src`
/// of every page must name a file under the output folder, and every `#fragment` an `id`
/// on the page it names. Links that leave the site (a scheme such as `https:`) are not
/// followed.
struct SiteLinkCheck {
    /// A link that leads nowhere, from which page.
    struct Problem: CustomStringConvertible {
        let page: String
        let link: String
        let reason: String
        var description: String { "\(page): \(link): \(reason)" }
    }

    let root: URL
    private var ids: [String: Set<String>] = [:]

    init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL
    }

    /// Every broken link below the root (`fragments: false` checks files only).
    mutating func run(fragments: Bool = true) throws -> (pages: Int, links: Int, problems: [Problem]) {
        var problems: [Problem] = []
        var pages = 0
        var links = 0
        let fileManager = FileManager.default
        for relative in try fileManager.subpathsOfDirectory(atPath: root.path) where relative.hasSuffix(".html") {
            let page = root.appendingPathComponent(relative)
            var isFolder: ObjCBool = false
            guard fileManager.fileExists(atPath: page.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            pages += 1
            let html = try String(contentsOf: page, encoding: .utf8)
            for (name, value) in Self.attributes(in: html) where name == "href" || name == "src" {
                links += 1
                if value.isEmpty { problems.append(Problem(page: relative, link: value, reason: "empty")); continue }
                if Self.hasScheme(value) { continue }
                let (pathPart, fragment) = Self.split(value)
                var target = page
                if !pathPart.isEmpty {
                    guard let decoded = pathPart.removingPercentEncoding else {
                        problems.append(Problem(page: relative, link: value, reason: "bad percent-encoding")); continue
                    }
                    if decoded.hasPrefix("/") {
                        problems.append(Problem(page: relative, link: value, reason: "site-absolute, not relative")); continue
                    }
                    target = page.deletingLastPathComponent().appendingPathComponent(decoded).standardizedFileURL
                    if decoded.hasSuffix("/") { target = target.appendingPathComponent("index.html") }
                    guard target.path.hasPrefix(root.path + "/") else {
                        problems.append(Problem(page: relative, link: value, reason: "leaves the output folder")); continue
                    }
                    var isDirectory: ObjCBool = false
                    guard fileManager.fileExists(atPath: target.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                        problems.append(Problem(page: relative, link: value, reason: "no such file")); continue
                    }
                }
                if fragments, let fragment, !fragment.isEmpty, target.pathExtension == "html" {
                    let id = fragment.removingPercentEncoding ?? fragment
                    if try !self.ids(of: target).contains(id) {
                        problems.append(Problem(page: relative, link: value, reason: "no id '\(id)' there"))
                    }
                }
            }
        }
        return (pages, links, problems)
    }

    private mutating func ids(of page: URL) throws -> Set<String> {
        if let known = ids[page.path] { return known }
        let html = try String(contentsOf: page, encoding: .utf8)
        let found = Set(Self.attributes(in: html).filter { $0.name == "id" || $0.name == "name" }.map(\.value))
        ids[page.path] = found
        return found
    }

    private static func hasScheme(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":") else { return false }
        let scheme = url[..<colon]
        return !scheme.isEmpty && !scheme.contains("/") && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
    }

    /// `path?query#fragment` into the path and the fragment.
    private static func split(_ url: String) -> (String, String?) {
        let hash = url.firstIndex(of: "#")
        let beforeHash = hash.map { String(url[..<$0]) } ?? url
        return (String(beforeHash.prefix { $0 != "?" }), hash.map { String(url[url.index(after: $0)...]) })
    }

    /// The attributes of every start tag, values unescaped (`&amp;` and friends).
    static func attributes(in html: String) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        var index = html.startIndex
        while let open = html[index...].firstIndex(of: "<") {
            let nameStart = html.index(after: open)
            guard nameStart < html.endIndex, html[nameStart].isLetter,
                  let close = html[nameStart...].firstIndex(of: ">") else {
                index = nameStart < html.endIndex ? nameStart : html.endIndex
                if index == html.endIndex { break }
                continue
            }
            let tag = html[nameStart..<close]
            var cursor = tag.firstIndex(where: { $0.isWhitespace }) ?? tag.endIndex
            while cursor < tag.endIndex {
                while cursor < tag.endIndex, tag[cursor].isWhitespace || tag[cursor] == "/" { cursor = tag.index(after: cursor) }
                let nameBegin = cursor
                while cursor < tag.endIndex, !tag[cursor].isWhitespace, tag[cursor] != "=", tag[cursor] != "/" {
                    cursor = tag.index(after: cursor)
                }
                let name = tag[nameBegin..<cursor].lowercased()
                guard cursor < tag.endIndex, tag[cursor] == "=" else { continue }
                cursor = tag.index(after: cursor)
                guard cursor < tag.endIndex else { break }
                let quote = tag[cursor]
                let value: Substring
                if quote == "\"" || quote == "'" {
                    let start = tag.index(after: cursor)
                    let end = tag[start...].firstIndex(of: quote) ?? tag.endIndex
                    value = tag[start..<end]
                    cursor = end < tag.endIndex ? tag.index(after: end) : end
                } else {
                    let start = cursor
                    while cursor < tag.endIndex, !tag[cursor].isWhitespace { cursor = tag.index(after: cursor) }
                    value = tag[start..<cursor]
                }
                result.append((name, HTMLText.decodingEntities(String(value))))
            }
            index = html.index(after: close)
        }
        return result
    }
}
