/// The client and server error codes of the IANA HTTP Status Code Registry, with their
/// registered reason phrases (RFC 9110 names).
public enum HTTPStatusRegistry {
    /// One registered status.
    public struct Entry: Sendable, Hashable {
        /// The code, e.g. 507.
        public let code: Int
        /// The reason phrase, e.g. "Insufficient Storage".
        public let reason: String
    }

    /// Every registered 4xx and 5xx code, in order. 418 is reserved ("Unused") by the
    /// registry and is not listed.
    public static let errors: [Entry] = [
        (400, "Bad Request"), (401, "Unauthorized"), (402, "Payment Required"), (403, "Forbidden"),
        (404, "Not Found"), (405, "Method Not Allowed"), (406, "Not Acceptable"),
        (407, "Proxy Authentication Required"), (408, "Request Timeout"), (409, "Conflict"), (410, "Gone"),
        (411, "Length Required"), (412, "Precondition Failed"), (413, "Content Too Large"),
        (414, "URI Too Long"), (415, "Unsupported Media Type"), (416, "Range Not Satisfiable"),
        (417, "Expectation Failed"), (421, "Misdirected Request"), (422, "Unprocessable Content"),
        (423, "Locked"), (424, "Failed Dependency"), (425, "Too Early"), (426, "Upgrade Required"),
        (428, "Precondition Required"), (429, "Too Many Requests"),
        (431, "Request Header Fields Too Large"), (451, "Unavailable For Legal Reasons"),
        (500, "Internal Server Error"), (501, "Not Implemented"), (502, "Bad Gateway"),
        (503, "Service Unavailable"), (504, "Gateway Timeout"), (505, "HTTP Version Not Supported"),
        (506, "Variant Also Negotiates"), (507, "Insufficient Storage"), (508, "Loop Detected"),
        (510, "Not Extended"), (511, "Network Authentication Required"),
    ].map { Entry(code: $0.0, reason: $0.1) }

    /// The registered reason phrase of a code.
    public static func reason(for code: Int) -> String? {
        errors.first { $0.code == code }?.reason
    }
}
