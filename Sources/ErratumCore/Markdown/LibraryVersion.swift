import CMark

/// Erratum's own version and that of the libcmark it runs on, for `erratum --version`.
public enum ErratumVersion {
    /// Erratum's version, by semantic versioning: the build cache and `coverage.json` carry
    /// their own format numbers, so this changes with what a user sees.
    public static let current = "0.1.0"

    /// The version of the libcmark linked at run time (`cmark_version_string`), e.g. "0.30.2".
    public static var libcmark: String {
        guard let version = cmark_version_string() else { return "unknown" }
        return String(cString: version)
    }

    /// "0.1.0 (libcmark 0.30.2)".
    public static var description: String { "\(current) (libcmark \(libcmark))" }
}
