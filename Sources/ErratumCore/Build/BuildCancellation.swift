import Synchronization

/// Asks a running build to stop: it stops at the next document or file, removes what it
/// staged and leaves the output as it was. Safe to call from any thread or signal handler queue.
public final class BuildCancellation: Sendable {
    private let reason = Mutex<String?>(nil)

    public init() {}

    /// Stops the build, saying why (e.g. "interrupted by SIGTERM").
    public func cancel(_ why: String) {
        reason.withLock { if $0 == nil { $0 = why } }
    }

    /// Why the build was stopped, if it was.
    public var cancelledReason: String? { reason.withLock { $0 } }

    /// Throws `interrupted` once the build has been told to stop.
    func check() throws(DiagnosticError) {
        if let why = cancelledReason { throw DiagnosticError(.interrupted, why) }
    }
}
