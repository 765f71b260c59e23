import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The Chrome DevTools protocol over `--remote-debugging-pipe`: JSON commands go out ended by a
/// NUL byte, and a reader thread splits what comes back on NUL into answers (kept by `id` for
/// the command awaiting them) and events (kept in order, per session).
///
/// The browser holds one end of a Unix socket pair as both its fd 3 (commands in) and fd 4
/// (messages out); this holds the other. Nothing here blocks the reader, so the browser can
/// always write, and every wait has a deadline.
final class DevToolsPipe: Sendable {
    /// One message from the browser: the answer to a command, or an event.
    struct Message: Sendable {
        /// Its place among all messages received, to wait for events after a given point.
        let sequence: Int
        /// The event's name; nil for an answer.
        let method: String?
        /// The session it belongs to; nil for the browser's own.
        let sessionID: String?
        /// The message as it came, without its NUL.
        let json: Data

        /// The message decoded.
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] ?? [:] }
        /// The event's `params`.
        var params: [String: Any] { object["params"] as? [String: Any] ?? [:] }
    }

    private struct State {
        var lastID = 0
        var lastSequence = 0
        var answers: [Int: Message] = [:]
        var events: [Message] = []
        var ended = false
        /// One semaphore per thread waiting for a message; all are signalled when one comes.
        var sleepers: [DispatchSemaphore] = []
    }

    private let socket: Int32
    private let outputPath: String
    private let state = Mutex(State())
    /// Held while a command is written, so that two threads' commands never interleave. Apart
    /// from `state`, so that a slow write never keeps the reader from storing a message.
    private let writer = Mutex(())

    /// Starts reading `socket`, which the pipe owns from now on; `outputPath` is the browser's
    /// output, quoted when it stops answering.
    init(socket: Int32, outputPath: String) {
        self.socket = socket
        self.outputPath = outputPath
        let reader = Thread { [self] in readUntilEnd() }
        reader.name = "DevTools pipe reader"
        reader.start()
    }

    // The reader thread holds the pipe while it runs, so this comes after its last read.
    deinit { Glibc.close(socket) }

    /// Sends a command (on `session`, or to the browser itself) and waits for its answer.
    ///
    /// - Returns: the answer's `result`.
    /// - Throws: `ChromiumError.commandFailed` when the browser answers with an error, `.exited`
    ///   or `.timedOut` when it does not answer.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil,
              timeout: Duration = .seconds(30)) throws -> [String: Any] {
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        var command: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { command["sessionId"] = session }
        var bytes = try JSONSerialization.data(withJSONObject: command)
        bytes.append(0)
        try write(bytes, awaiting: "the answer to \(method)")
        let answer = try wait(awaiting: "the answer to \(method)", timeout: timeout) { state in
            state.answers.removeValue(forKey: id)
        }.object
        if let error = answer["error"] as? [String: Any] {
            throw ChromiumError.commandFailed(method: method, message: error["message"] as? String ?? "\(error)")
        }
        return answer["result"] as? [String: Any] ?? [:]
    }

    /// The sequence number of the last message received: events after it are yet to come.
    var lastSequence: Int { state.withLock { $0.lastSequence } }

    /// The events received on `session` whose method is one of `methods`, in order.
    func events(session: String, _ methods: Set<String>) -> [Message] {
        state.withLock { state in
            state.events.filter { $0.sessionID == session && methods.contains($0.method ?? "") }
        }
    }

    /// Waits for the first event on `session` after `sequence` that `matches`.
    ///
    /// - Throws: `ChromiumError.exited` or `.timedOut`.
    @discardableResult
    func waitForEvent(after sequence: Int, session: String, awaiting: String, timeout: Duration,
                      where matches: (Message) -> Bool) throws -> Message {
        try wait(awaiting: awaiting, timeout: timeout) { state in
            state.events.first { $0.sequence > sequence && $0.sessionID == session && matches($0) }
        }
    }

    /// Drops the events of a session that is over.
    func forget(session: String) {
        state.withLock { $0.events.removeAll { $0.sessionID == session } }
    }

    /// Ends both directions at once: the reader sees the end, and waiting commands fail.
    func shutDown() {
        Glibc.shutdown(socket, Int32(SHUT_RDWR))
    }

    private func write(_ bytes: Data, awaiting: String) throws {
        try writer.withLock { _ in
            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let sent = Glibc.send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                    if sent < 0, errno == EINTR { continue }
                    guard sent > 0 else { throw ChromiumError.exited(awaiting: awaiting, output: output) }
                    offset += sent
                }
            }
        }
    }

    /// Waits until `found` takes something out of the state, sleeping between messages.
    private func wait<Found: Sendable>(awaiting: String, timeout: Duration,
                                       until found: (inout State) -> Found?) throws -> Found {
        let deadline = ContinuousClock.now + timeout
        while true {
            // Looking and going to sleep under one lock: no message can slip in between.
            let (result, sleeper, ended) = state.withLock { state -> (Found?, DispatchSemaphore?, Bool) in
                if let result = found(&state) { return (result, nil, false) }
                if state.ended { return (nil, nil, true) }
                let sleeper = DispatchSemaphore(value: 0)
                state.sleepers.append(sleeper)
                return (nil, sleeper, false)
            }
            if let result { return result }
            if ended { throw ChromiumError.exited(awaiting: awaiting, output: output) }
            let left = deadline - ContinuousClock.now
            let nanoseconds = left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000
            if left <= .zero || sleeper?.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut {
                if let result = state.withLock({ found(&$0) }) { return result }
                throw ChromiumError.timedOut(awaiting: awaiting, after: timeout, output: output)
            }
        }
    }

    private func readUntilEnd() {
        var message = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(socket, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            var start = 0
            while let end = buffer[start..<count].firstIndex(of: 0) {
                message.append(contentsOf: buffer[start..<end])
                receive(message)
                message = Data()
                start = end + 1
            }
            message.append(contentsOf: buffer[start..<count])
        }
        let sleepers = state.withLock { state in
            state.ended = true
            defer { state.sleepers = [] }
            return state.sleepers
        }
        sleepers.forEach { $0.signal() }
    }

    private func receive(_ json: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else { return }
        let id = object["id"] as? Int
        let method = object["method"] as? String
        let sessionID = object["sessionId"] as? String
        let sleepers = state.withLock { state in
            state.lastSequence += 1
            let message = Message(sequence: state.lastSequence, method: method, sessionID: sessionID, json: json)
            if let id {
                state.answers[id] = message
            } else {
                state.events.append(message)
            }
            defer { state.sleepers = [] }
            return state.sleepers
        }
        sleepers.forEach { $0.signal() }
    }

    /// The end of what the browser printed, for error messages.
    private var output: String {
        guard let data = FileManager.default.contents(atPath: outputPath), !data.isEmpty else { return "(nothing)" }
        return String(decoding: data.suffix(4000), as: UTF8.self)
    }
}
