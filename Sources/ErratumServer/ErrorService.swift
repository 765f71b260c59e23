import ErratumCore
import Foundation
import Synchronization

/// `erratum serve-errors`' answers: the error page a front server asks for, in the format and
/// language its client asked for, with the real status. Made without NIO, to be tested as a
/// value.
///
/// The code comes from `X-Code` (ingress controllers' custom default backend), else from the
/// path (`/503`, `/503.json`, `/503.problem.json`, `/503.html`: Traefik's `errors` middleware
/// and Gateway API filters), else it is 404 (a default backend's answer for what no route
/// serves). A code that is no status of the build gets 500's page, with 500. The format comes
/// from the path's suffix, else from `X-Format` (the client's `Accept`, as ingress-nginx passes
/// it), else from `Accept`; the language from `Accept-Language`: `ErrorNegotiation`.
public struct ErrorService: Sendable {
    /// What is served.
    public let bodies: ErrorBodies
    /// `Retry-After` sent with 429 and 503, in seconds; nil sends none.
    public let retryAfter: Int?
    /// The choices made for header values seen before: a front server's clients send a few
    /// dozen different `Accept` and `Accept-Language` values, each negotiated once.
    private let choices = NegotiationMemo()

    public init(bodies: ErrorBodies, retryAfter: Int? = nil) {
        self.bodies = bodies
        self.retryAfter = retryAfter
    }

    /// Answers a request of any method (the front server forwards its client's): `HEAD`
    /// without the body.
    public func respond(method: String, target: String, headers: [(name: String, value: String)]) -> PreviewResponse {
        respond(method: method, target: target) { name in headers.first { $0.name.lowercased() == name }?.value }
    }

    /// Answers a request whose header values `header` gives by lower-case name.
    public func respond(method: String, target: String, header: (String) -> String?) -> PreviewResponse {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        var response: PreviewResponse
        if path == "/healthz" {
            response = PreviewResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                                       body: Array("ok\n".utf8))
        } else {
            let (code, format) = Self.request(path: path, code: header("x-code"))
            response = page(code: bodies.codes.contains(code) ? code : 500, format: format, header: header)
        }
        response.headers.append(("Content-Length", String(response.body.count)))
        if let id = header("x-request-id"), Self.isRequestID(id) { response.headers.append(("X-Request-ID", id)) }
        if method == "HEAD" { response.body = [] }
        return response
    }

    /// The code asked for and, when the path names it, the format. A path names a code by its
    /// last segment (`/errors/503.html` as well as `/503`), and only an error status (400–599):
    /// `/users/123` is a path like any other, answered 404.
    static func request(path: String, code: String?) -> (code: Int, format: ErrorPages.Format?) {
        let name = path.split(separator: "/").last ?? ""
        var named: (code: Int, format: ErrorPages.Format?)? = ErrorBodies.parse(name: name).map { ($0.code, $0.format) }
        if named == nil, name.count == 3, name.allSatisfy(\.isASCII), let plain = Int(name) { named = (plain, nil) }
        if let found = named, !(400...599).contains(found.code) { named = nil }
        if let code {
            // A present but unreadable X-Code is a code we have no page for.
            let trimmed = code.trimmingCharacters(in: .whitespaces)
            let value = trimmed.count <= 3 && trimmed.allSatisfy(\.isASCII) ? Int(trimmed) ?? 0 : 0
            return (value, named?.format)
        }
        return named ?? (404, nil)
    }

    private func page(code: Int, format named: ErrorPages.Format?, header: (String) -> String?) -> PreviewResponse {
        let requested = header("x-format").flatMap { $0.isEmpty ? nil : $0 } ?? header("accept")
        let format = named ?? choices.format(requested)
        let language = choices.language(header("accept-language"), among: bodies.languages)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", format.mediaType), ("Content-Language", language),
            ("Vary", named == nil ? "Accept, Accept-Language" : "Accept-Language"), ("Cache-Control", "no-store"),
        ]
        if let retryAfter, code == 429 || code == 503 { headers.append(("Retry-After", String(retryAfter))) }
        guard let body = bodies.bytes(code, language: language, format: format) else {
            return PreviewResponse(status: code, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                                   body: Array("\(code) \(HTTPStatusRegistry.reason(for: code) ?? "Error")\n".utf8))
        }
        return PreviewResponse(status: code, headers: headers, body: body)
    }

    /// An `X-Request-ID` worth echoing: up to 200 visible ASCII characters.
    static func isRequestID(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 200 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

/// `ErrorNegotiation`'s answers for the header values seen, up to a few thousand of each (then
/// forgotten all at once, so that a client sending a new value each time costs no more than
/// negotiating).
final class NegotiationMemo: Sendable {
    private struct Seen {
        var formats: [String: ErrorPages.Format] = [:]
        var languages: [String: String] = [:]
    }

    static let capacity = 4096
    private let seen = Mutex(Seen())

    func format(_ accept: String?) -> ErrorPages.Format {
        guard let accept else { return .html }
        if let known = seen.withLock({ $0.formats[accept] }) { return known }
        let format = ErrorNegotiation.format(accept)
        seen.withLock { seen in
            if seen.formats.count >= Self.capacity { seen.formats.removeAll() }
            seen.formats[accept] = format
        }
        return format
    }

    /// The language for `header` among `languages` (always the same list), the first when
    /// none is accepted.
    func language(_ header: String?, among languages: [String]) -> String {
        let fallback = languages.first ?? "en"
        guard let header else { return fallback }
        if let known = seen.withLock({ $0.languages[header] }) { return known }
        let language = ErrorNegotiation.language(header, among: languages) ?? fallback
        seen.withLock { seen in
            if seen.languages.count >= Self.capacity { seen.languages.removeAll() }
            seen.languages[header] = language
        }
        return language
    }
}
