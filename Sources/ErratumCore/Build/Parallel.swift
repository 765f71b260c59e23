import Foundation
import Synchronization

/// Work spread over every core, returned in the order it was given, so that what a build
/// writes does not depend on which core finished first.
enum Parallel {
    /// `items.map(transform)`, in chunks on all cores; the first error thrown (by position)
    /// is rethrown once every chunk has finished.
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], progress: (@Sendable (Int, Int) -> Void)? = nil, cancellation: BuildCancellation? = nil,
        _ transform: @Sendable (Item) throws(DiagnosticError) -> Result
    ) throws(DiagnosticError) -> [Result] {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        // Several chunks per core even out items of very different sizes.
        let size = max(8, items.count / (workers * 8) + 1)
        let chunks = stride(from: 0, to: items.count, by: size).map { $0..<min($0 + size, items.count) }
        let finished = Mutex<[Int: Swift.Result<[Result], DiagnosticError>]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            var outcome: Swift.Result<[Result], DiagnosticError>
            do throws(DiagnosticError) {
                var results: [Result] = []
                results.reserveCapacity(chunks[index].count)
                for position in chunks[index] {
                    try cancellation?.check()
                    results.append(try transform(items[position]))
                }
                outcome = .success(results)
            } catch {
                outcome = .failure(error)
            }
            let done = finished.withLock { finished in
                finished[index] = outcome
                return finished.values.reduce(0) { $0 + ((try? $1.get())?.count ?? 0) }
            }
            progress?(done, items.count)
        }
        return try finished.withLock { finished throws(DiagnosticError) in
            var results: [Result] = []
            results.reserveCapacity(items.count)
            for index in chunks.indices {
                switch finished[index] {
                case let .success(chunk)?: results += chunk
                case let .failure(error)?: throw error
                case nil: break
                }
            }
            return results
        }
    }
}

/// A value made on a thread of its own while the caller goes on: for work that mostly waits
/// (a `git` process), so it costs the build little beyond the thread.
final class Background<Value: Sendable>: @unchecked Sendable {
    // Written once by the thread before `done` is signalled, read only after waiting for it.
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)
    private let taken = Mutex(false)

    init(_ make: @escaping @Sendable () -> Value) {
        Thread { [self] in
            result = make()
            done.signal()
        }.start()
    }

    /// The value, once made; waits for it the first time.
    var value: Value {
        taken.withLock { taken in
            if !taken {
                done.wait()
                taken = true
            }
        }
        return result!
    }
}
