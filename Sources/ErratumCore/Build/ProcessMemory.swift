import CErratumSystem

/// How a process that runs one build and exits (`erratum build`) treats its memory.
public enum ProcessMemory {
    /// Tunes the C allocator for a build: large blocks (a page's HTML, the coverage report)
    /// are mapped on their own and returned as soon as they are freed, instead of joining
    /// arenas that the build's small long-lived records keep from shrinking. Call it once,
    /// before the build.
    public static func tuneForBuild() {
        erratum_tune_allocator()
    }

    /// Holds a value until the process exits, never freeing it (see
    /// `BuildOptions.freesMemoryWhenDone`).
    static func keepUntilExit<Value>(_ value: Value) {
        _ = Unmanaged.passRetained(Box(value))
    }

    private final class Box<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}
