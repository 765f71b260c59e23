import ErratumCore
import Foundation
import Synchronization

/// One answer of the preview server, made without NIO so that it can be tested as a value.
public struct PreviewResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The headers, in order.
    public var headers: [(name: String, value: String)]
    /// The body (empty for `HEAD` and 304, whose `Content-Length` still tells the size).
    public var body: [UInt8]
    /// Whether this answers the event stream: the connection stays open for events.
    public var isEventStream = false

    /// The value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// The site a preview serves: the files of the last good build in its output folder, with the
/// problems of the latest build shown over the pages they concern and a live-reload script in
/// every HTML page (the files on disk stay as a build makes them).
///
/// Before a first build has written the folder, each file is made on its request from what
/// `serveOnDemand` hands over (`PreviewState.file(at:)`): a page then costs one render, not the
/// whole site's build.
public final class PreviewSite: Sendable {
    /// The build's output folder (`docs/` is the site, `errors/` the error pages).
    public let output: String

    private struct State {
        /// Whether a build has finished, so that the output folder can be served.
        var ready = false
        /// Until then, what makes each file on request.
        var onDemand: PreviewState?
        /// Each document's page, by document path, from the last good build.
        var documentPages: [String: String] = [:]
        /// Problems by page (`docs/…/index.html`).
        var pageProblems: [String: [Diagnostic]] = [:]
        /// Problems of no page (templates, strings, a document without a page yet): shown on
        /// every page.
        var siteProblems: [Diagnostic] = []
    }

    private let state = Mutex(State())
    /// Entered while what makes files on request is being loaded: requests wait for it.
    private let preparation = DispatchGroup()
    /// The longest a request waits for that.
    static let longestPreparationWait: DispatchTimeInterval = .seconds(60)

    /// A site serving `output`.
    public init(output: String) {
        self.output = output
    }

    /// Whether requests are answered from the output folder, at once, rather than made on
    /// request (or waiting for what makes them).
    public var isReady: Bool { state.withLock { $0.ready } }

    /// Tells the site that what makes files on request is being loaded; requests wait for
    /// `serveOnDemand`.
    public func preparing() {
        preparation.enter()
    }

    /// Makes files on request with `preview` (nil: it could not be loaded) until a build has
    /// written the output; ends a wait begun by `preparing`.
    public func serveOnDemand(_ preview: PreviewState?, problems: [Diagnostic] = []) {
        state.withLock { state in
            if !state.ready, let preview {
                state.onDemand = preview
                state.documentPages = preview.documentPages
            }
            state.siteProblems = (preview?.siteProblems ?? []) + problems.filter { $0.severity != .note }
        }
        preparation.leave()
    }

    /// Takes in what a build found: the pages of the documents (after a successful build, whose
    /// output is then served; nil keeps the last good ones) and every diagnostic. Returns the pages whose problems
    /// changed, or nil when the problems of every page did (a site-wide one came or went).
    public func update(documentPages: [String: String]?, diagnostics: [Diagnostic]) -> Set<String>? {
        state.withLock { state in
            if let documentPages {
                state.ready = true
                state.onDemand = nil
                state.documentPages = documentPages
            }
            var pages: [String: [Diagnostic]] = [:]
            var site: [Diagnostic] = []
            for diagnostic in diagnostics where diagnostic.severity != .note {
                if let file = diagnostic.location?.file, let page = state.documentPages[file] {
                    pages[page, default: []].append(diagnostic)
                } else {
                    site.append(diagnostic)
                }
            }
            defer {
                state.pageProblems = pages
                state.siteProblems = site
            }
            if site != state.siteProblems { return nil }
            let touched = Set(pages.keys).union(state.pageProblems.keys)
            return touched.filter { pages[$0] != state.pageProblems[$0] }
        }
    }

    /// Replaces the problems of some documents (rendered alone, between builds) with those
    /// given, by document path; returns the pages whose problems changed.
    public func replaceProblems(of documents: [String: [Diagnostic]]) -> Set<String> {
        state.withLock { state in
            var changed: Set<String> = []
            for (document, diagnostics) in documents {
                guard let page = state.documentPages[document] else { continue }
                let shown = diagnostics.filter { $0.severity != .note }
                guard (state.pageProblems[page] ?? []) != shown else { continue }
                state.pageProblems[page] = shown.isEmpty ? nil : shown
                changed.insert(page)
            }
            return changed
        }
    }

    /// Marks the site ready to serve without a build of this process (an output folder left
    /// by an earlier preview).
    public func markReady() {
        state.withLock { $0.ready = true }
    }

    /// The problems shown on a page.
    func problems(onPage page: String) -> [Diagnostic] {
        state.withLock { ($0.pageProblems[page] ?? []) + $0.siteProblems }
    }

    /// Answers a request.
    public func respond(method: String, target: String, headers: [(name: String, value: String)]) -> PreviewResponse {
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        guard method == "GET" || method == "HEAD" else {
            var response = errorResponse(405, headers: header)
            response.headers.append(("Allow", "GET, HEAD"))
            return response
        }
        let response: PreviewResponse
        switch RequestTarget(target) {
        case .malformed: response = errorResponse(400, headers: header)
        case .outside: response = errorResponse(404, headers: header)
        case .events:
            response = PreviewResponse(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-store")],
                                       body: Array(": erratum serve\n\n".utf8), isEventStream: true)
        case .script:
            response = fileResponse(Array(LiveReload.script.utf8), type: "text/javascript; charset=utf-8",
                                    etag: "\"reload-\(LiveReload.script.utf8.count)\"", headers: header)
        case let .site(segments, trailingSlash):
            response = file(in: "docs", segments, trailingSlash: trailingSlash, urlPrefix: "", headers: header)
        case let .errors(segments, trailingSlash):
            response = file(in: "errors", segments, trailingSlash: trailingSlash, urlPrefix: "/.erratum", headers: header)
        }
        var complete = response
        if !complete.isEventStream, complete.status != 304 {
            complete.headers.append(("Content-Length", String(complete.body.count)))
        }
        if method == "HEAD" { complete.body = [] }
        return complete
    }

    /// A file of the output, an index page for a folder, or a redirect adding the folder's `/`.
    private func file(in folder: String, _ segments: [String], trailingSlash: Bool, urlPrefix: String,
                      headers header: (String) -> String?) -> PreviewResponse {
        if !isReady {
            _ = preparation.wait(timeout: .now() + Self.longestPreparationWait)
            let (ready, onDemand) = state.withLock { ($0.ready, $0.onDemand) }
            if !ready {
                guard let onDemand else { return buildingResponse() }
                return madeFile(in: folder, segments, trailingSlash: trailingSlash, urlPrefix: urlPrefix, from: onDemand, headers: header)
            }
        }
        let root = output.appendingPathComponent(folder)
        var relative = segments.joined(separator: "/")
        var path = segments.isEmpty ? root : root.appendingPathComponent(relative)
        var status = stat()
        guard lstat(path, &status) == 0 else { return errorResponse(404, headers: header) }
        if status.st_mode & S_IFMT == S_IFDIR {
            guard trailingSlash || segments.isEmpty else { return Self.folderRedirect(urlPrefix, segments) }
            relative = relative.isEmpty ? "index.html" : relative + "/index.html"
            path = root.appendingPathComponent(relative)
            guard lstat(path, &status) == 0 else { return errorResponse(404, headers: header) }
        }
        // Only regular files inside the folder: a link out of it is not served.
        guard status.st_mode & S_IFMT == S_IFREG, Self.isInside(path, root),
              let data = FileManager.default.contents(atPath: path) else {
            return errorResponse(404, headers: header)
        }
        let etag = String(format: "\"%llx-%llx-%llx", UInt64(status.st_ino), UInt64(status.st_size),
                          UInt64(status.st_mtim.tv_sec) &* 1_000_000_000 &+ UInt64(status.st_mtim.tv_nsec))
        let problems = folder == "docs" ? problems(onPage: "docs/" + relative) : []
        return pageResponse([UInt8](data), path: relative, etag: etag, problems: problems, headers: header)
    }

    /// A file made on request, before a build has written the output.
    private func madeFile(in folder: String, _ segments: [String], trailingSlash: Bool, urlPrefix: String,
                          from preview: PreviewState, headers header: (String) -> String?) -> PreviewResponse {
        var relative = segments.joined(separator: "/")
        if trailingSlash || segments.isEmpty { relative = relative.isEmpty ? "index.html" : relative + "/index.html" }
        switch preview.file(at: folder + "/" + relative) {
        case .none:
            return errorResponse(404, headers: header)
        case .folder:
            return Self.folderRedirect(urlPrefix, segments)
        case let .file(data, problems):
            let etag = "\"made-" + String(Digest.of(data).low, radix: 16)
            let shown = folder == "docs" ? problems.filter { $0.severity != .note } + self.problems(onPage: "docs/" + relative) : []
            return pageResponse([UInt8](data), path: relative, etag: etag, problems: shown, headers: header)
        }
    }

    /// A file's answer; an HTML page gets its problems and the live-reload script, and its
    /// ETag (`etag`, still open) their fingerprint.
    private func pageResponse(_ data: [UInt8], path: String, etag: String, problems: [Diagnostic],
                              headers header: (String) -> String?) -> PreviewResponse {
        let type = Self.mediaType(of: path)
        var etag = etag
        var body = data
        if type.hasPrefix("text/html") {
            let addition = LiveReload.addition(problems: problems)
            body = LiveReload.inject(addition, into: body)
            etag += String(format: "-%llx", LiveReload.stamp(addition))
        }
        return fileResponse(body, type: type, etag: etag + "\"", headers: header)
    }

    /// Sends a folder's address without its `/` to the address with it.
    private static func folderRedirect(_ urlPrefix: String, _ segments: [String]) -> PreviewResponse {
        let location = urlPrefix + "/" + segments.map(Self.encodeSegment).joined(separator: "/") + "/"
        return PreviewResponse(status: 301, headers: [("Location", location), ("Content-Type", "text/plain; charset=utf-8")],
                               body: Array("Moved to \(location)\n".utf8))
    }

    private func fileResponse(_ body: [UInt8], type: String, etag: String, headers header: (String) -> String?) -> PreviewResponse {
        let common: [(name: String, value: String)] = [("ETag", etag), ("Cache-Control", "no-cache")]
        if let match = header("if-none-match"), Self.matches(match, etag) {
            return PreviewResponse(status: 304, headers: common, body: [])
        }
        return PreviewResponse(status: 200, headers: [("Content-Type", type)] + common, body: body)
    }

    /// Erratum's own error page for `code`, in the language and format the request prefers.
    func errorResponse(_ code: Int, headers header: (String) -> String?) -> PreviewResponse {
        let errors = output.appendingPathComponent("errors")
        let (ready, onDemand) = state.withLock { ($0.ready, $0.onDemand) }
        let made = ready ? nil : onDemand
        let languages = (made?.errorLanguages ?? (try? FileManager.default.contentsOfDirectory(atPath: errors)) ?? [])
            .filter { !$0.hasPrefix(".") && !$0.contains(".") }
            .sorted { ($0 == "en" ? 0 : 1, $0) < ($1 == "en" ? 0 : 1, $1) }
        let choice = ErrorNegotiation(accept: header("accept"), acceptLanguage: header("accept-language"), languages: languages)
        let vary: (name: String, value: String) = ("Vary", "Accept, Accept-Language")
        let relative = "\(choice.language)/\(code)\(choice.format.suffix)"
        let data: Data?
        if let made {
            if case let .file(bytes, _) = made.file(at: "errors/" + relative) { data = bytes } else { data = nil }
        } else {
            data = FileManager.default.contents(atPath: errors.appendingPathComponent(relative))
        }
        guard let data else {
            return PreviewResponse(status: code, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store"), vary],
                                   body: Array("\(code) \(HTTPStatusRegistry.reason(for: code) ?? "Error")\n".utf8))
        }
        var body = [UInt8](data)
        if choice.format == .html { body = LiveReload.inject(LiveReload.addition(problems: []), into: body) }
        return PreviewResponse(status: code, headers: [("Content-Type", choice.format.mediaType), ("Content-Language", choice.language),
                                                       ("Cache-Control", "no-store"), vary],
                               body: body)
    }

    /// Before any build has finished, when nothing can make pages on request (the templates or
    /// the content could not be loaded): a page that asks again in a second, with the problems.
    private func buildingResponse() -> PreviewResponse {
        let page = """
            <!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="1">\
            <title>Building…</title></head><body><p>erratum serve is building the site; this page reloads when it is ready.</p></body></html>

            """
        let problems = state.withLock { $0.siteProblems }
        return PreviewResponse(status: 503, headers: [("Content-Type", "text/html; charset=utf-8"), ("Retry-After", "1"),
                                                      ("Cache-Control", "no-store")],
                               body: LiveReload.inject(LiveReload.addition(problems: problems), into: Array(page.utf8)))
    }

    /// Whether an `If-None-Match` list names `etag` (weakly, as RFC 9110 compares for GET).
    static func matches(_ list: String, _ etag: String) -> Bool {
        let strip = { (tag: Substring) -> Substring in tag.hasPrefix("W/") ? tag.dropFirst(2) : tag }
        return list.split(separator: ",").contains { item in
            let tag = item.trimmingCharacters(in: .whitespaces)
            return tag == "*" || strip(Substring(tag)) == strip(Substring(etag))
        }
    }

    static func isInside(_ path: String, _ root: String) -> Bool {
        guard let resolved = realpath(path, nil), let resolvedRoot = realpath(root, nil) else { return false }
        defer {
            free(resolved)
            free(resolvedRoot)
        }
        return String(cString: resolved).hasPrefix(String(cString: resolvedRoot) + "/")
    }

    static func mediaType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "avif": "image/avif"
        case "ico": "image/x-icon"
        case "txt", "conf", "var": "text/plain; charset=utf-8"
        case "woff2": "font/woff2"
        default: "application/octet-stream"
        }
    }

    /// Percent-encodes what a path segment cannot hold.
    static func encodeSegment(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
