/// Finds KumaScript macro calls in Markdown, outside code spans and fenced code blocks.
///
/// The parser works on UTF-8 bytes and tracks lines and columns as it goes, so every call
/// and every error carries its position in the body.
public struct MacroParser: Sendable {
    /// What scanning a body found.
    public struct Result: Sendable {
        /// The calls, in source order.
        public var calls: [MacroCall]
        /// Calls that could not be parsed (never closed, bad arguments).
        public var problems: [Problem]
    }

    /// A malformed call: what is wrong, and where (0-based body line, 1-based column).
    public struct Problem: Sendable, Hashable {
        /// What is wrong.
        public var message: String
        /// The 0-based line within the body.
        public var line: Int
        /// The 1-based column.
        public var column: Int
    }

    /// Creates a parser.
    public init() {}

    /// Scans a Markdown body for macro calls.
    public func parse(_ body: String) -> Result {
        var scanner = Scanner(bytes: Array(body.utf8))
        return scanner.run()
    }
}

private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var line = 0
    var lineStart = 0
    var calls: [MacroCall] = []
    var problems: [MacroParser.Problem] = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func run() -> MacroParser.Result {
        while index < bytes.count {
            if index == lineStart, let fence = fenceOpening(at: index) {
                skipFencedBlock(fence)
                continue
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
            case UInt8(ascii: "\\"):
                // `\{` keeps a brace literal; cmark drops the backslash later.
                index += index + 1 < bytes.count && bytes[index + 1] != UInt8(ascii: "\n") ? 2 : 1
            case UInt8(ascii: "`"):
                skipCodeSpan()
            case UInt8(ascii: "{") where peek(1) == UInt8(ascii: "{"):
                parseCall()
            default:
                index += 1
            }
        }
        return MacroParser.Result(calls: calls, problems: problems)
    }

    func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    func column(of offset: Int) -> Int {
        // Columns count Unicode scalars: skip UTF-8 continuation bytes.
        bytes[lineStart..<offset].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    // MARK: Code

    /// A fence opening at `start` (up to three spaces, then three or more ` or ~).
    func fenceOpening(at start: Int) -> (byte: UInt8, count: Int)? {
        var position = start
        var spaces = 0
        while position < bytes.count, bytes[position] == UInt8(ascii: " "), spaces < 4 {
            position += 1
            spaces += 1
        }
        guard spaces < 4, position < bytes.count else { return nil }
        let byte = bytes[position]
        guard byte == UInt8(ascii: "`") || byte == UInt8(ascii: "~") else { return nil }
        var count = 0
        while position < bytes.count, bytes[position] == byte {
            count += 1
            position += 1
        }
        guard count >= 3 else { return nil }
        if byte == UInt8(ascii: "`") {
            // A backtick fence's info string may not contain a backtick.
            var rest = position
            while rest < bytes.count, bytes[rest] != UInt8(ascii: "\n") {
                if bytes[rest] == UInt8(ascii: "`") { return nil }
                rest += 1
            }
        }
        return (byte, count)
    }

    /// Skips from an opening fence to the line after its closing fence (or the end).
    mutating func skipFencedBlock(_ fence: (byte: UInt8, count: Int)) {
        var first = true
        while index < bytes.count {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            let isClose = !first && closesFence(start..<index, fence)
            first = false
            if index < bytes.count {
                index += 1
                line += 1
                lineStart = index
            }
            if isClose { return }
        }
    }

    func closesFence(_ range: Range<Int>, _ fence: (byte: UInt8, count: Int)) -> Bool {
        var position = range.lowerBound
        var spaces = 0
        while position < range.upperBound, bytes[position] == UInt8(ascii: " ") {
            position += 1
            spaces += 1
        }
        guard spaces < 4 else { return false }
        var count = 0
        while position < range.upperBound, bytes[position] == fence.byte {
            count += 1
            position += 1
        }
        guard count >= fence.count else { return false }
        return bytes[position..<range.upperBound].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// Skips a code span: a run of N backticks up to the next run of exactly N, across line ends
    /// but not across a blank line (which ends the paragraph). An unmatched run is literal.
    mutating func skipCodeSpan() {
        let open = index
        while index < bytes.count, bytes[index] == UInt8(ascii: "`") { index += 1 }
        let length = index - open
        var position = index
        var newlines: [Int] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\n") {
                if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\n") { return }
                newlines.append(position)
                position += 1
            } else if byte == UInt8(ascii: "`") {
                let runStart = position
                while position < bytes.count, bytes[position] == UInt8(ascii: "`") { position += 1 }
                if position - runStart == length {
                    index = position
                    if let last = newlines.last {
                        line += newlines.count
                        lineStart = last + 1
                    }
                    return
                }
            } else {
                position += 1
            }
        }
    }

    // MARK: Calls

    mutating func parseCall() {
        let start = index
        let startLine = line
        let startColumn = column(of: start)
        var position = start + 2
        skipSpaces(&position)
        let nameStart = position
        while position < bytes.count, isNameByte(bytes[position]) { position += 1 }
        guard position > nameStart, isLetter(bytes[nameStart]) else {
            // `{{` that does not start a macro name (JSX, templates in prose): plain text.
            index = start + 2
            return
        }
        let name = String(decoding: bytes[nameStart..<position], as: UTF8.self)
        skipSpaces(&position)
        var arguments: [MacroArgument] = []
        let hasArguments = position < bytes.count && bytes[position] == UInt8(ascii: "(")
        if hasArguments {
            position += 1
            switch parseArguments(&position) {
            case let .success(parsed):
                arguments = parsed
            case let .failure(message):
                report(message, callStart: start)
                return
            }
            skipSpaces(&position)
        }
        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "}"), bytes[position + 1] == UInt8(ascii: "}") else {
            let atLineEnd = position >= bytes.count || bytes[position] == UInt8(ascii: "\n")
            guard hasArguments || atLineEnd else {
                // `{{ word something` is prose or template syntax, not a macro.
                index = start + 2
                return
            }
            problems.append(.init(message: "macro '\(name)' is not closed with '}}'", line: startLine, column: startColumn))
            index = position
            return
        }
        position += 2
        let source = String(decoding: bytes[start..<position], as: UTF8.self)
        calls.append(MacroCall(name: name, arguments: arguments, source: source, range: start..<position,
                               line: startLine, column: startColumn))
        index = position
    }

    /// Moves past the problem so scanning goes on, and records it.
    mutating func report(_ message: String, callStart start: Int) {
        let startColumn = column(of: start)
        problems.append(.init(message: message, line: line, column: startColumn))
        // Resume after the call's closing braces if they are on this line, else after `{{`.
        var resume = start + 2
        var probe = start
        while probe + 1 < bytes.count, bytes[probe] != UInt8(ascii: "\n") {
            if bytes[probe] == UInt8(ascii: "}"), bytes[probe + 1] == UInt8(ascii: "}") {
                resume = probe + 2
                break
            }
            probe += 1
        }
        index = resume
    }

    enum ArgumentsResult {
        case success([MacroArgument])
        case failure(String)
    }

    /// Parses `arg, arg, …)` after the opening parenthesis.
    func parseArguments(_ position: inout Int) -> ArgumentsResult {
        var arguments: [MacroArgument] = []
        skipSpaces(&position)
        if position < bytes.count, bytes[position] == UInt8(ascii: ")") {
            position += 1
            return .success([])
        }
        while true {
            skipSpaces(&position)
            guard position < bytes.count else { return .failure("macro arguments are not closed with ')'") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") {
                guard let text = parseQuoted(&position, quote: byte) else {
                    return .failure("a quoted macro argument is not closed with \(Character(Unicode.Scalar(byte)))")
                }
                arguments.append(.string(text))
            } else {
                let tokenStart = position
                while position < bytes.count, !",) \t\n}".utf8.contains(bytes[position]) { position += 1 }
                let token = String(decoding: bytes[tokenStart..<position], as: UTF8.self)
                if token == "true" || token == "false" {
                    arguments.append(.bool(token == "true"))
                } else if let number = Double(token), token.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true {
                    arguments.append(.number(number))
                } else {
                    return .failure(token.isEmpty
                        ? "a macro argument is missing"
                        : "macro argument '\(token)' is not a quoted string, a number or a boolean")
                }
            }
            skipSpaces(&position)
            guard position < bytes.count else { return .failure("macro arguments are not closed with ')'") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if bytes[position] == UInt8(ascii: ")") {
                position += 1
                return .success(arguments)
            }
            return .failure("expected ',' or ')' after a macro argument")
        }
    }

    /// Reads a quoted string with backslash escapes; nil when it never closes on its line.
    func parseQuoted(_ position: inout Int, quote: UInt8) -> String? {
        var value: [UInt8] = []
        var cursor = position + 1
        while cursor < bytes.count {
            let byte = bytes[cursor]
            // A backslash does not carry the string over a line end: a call spanning lines
            // would leave every later call and diagnostic a line too high.
            if byte == UInt8(ascii: "\\"), cursor + 1 < bytes.count, bytes[cursor + 1] != UInt8(ascii: "\n") {
                let next = bytes[cursor + 1]
                switch next {
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
                default: value.append(next)
                }
                cursor += 2
                continue
            }
            if byte == quote {
                position = cursor + 1
                return String(decoding: value, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") { return nil }
            value.append(byte)
            cursor += 1
        }
        return nil
    }

    func skipSpaces(_ position: inout Int) {
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") {
            position += 1
        }
    }

    func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
