import Mustache

/// A template context whose values are found through key paths rather than `Mirror`: with
/// reflection, rendering thousands of pages took seconds.
protocol TemplateFields: MustacheParent {
    /// Pairs in the order written: a dozen names are found faster by comparing than by
    /// hashing, and fingerprints can take them in that order without sorting them per page.
    typealias Fields = KeyValuePairs<String, PartialKeyPath<Self> & Sendable>
    /// Every value a template may name, each name once.
    static var fields: Fields { get }

    /// Feeds every value a template may name into `hasher`, but those named in `skipping`:
    /// two contexts with equal fingerprints render the same page.
    func combineFields(into hasher: inout StableHasher, skipping: Set<String>)
}

extension TemplateFields {
    func child(named name: String) -> Any? {
        guard let path = Self.fields.first(where: { $0.key == name })?.value else { return nil }
        let value = self[keyPath: path]
        // An absent optional must read as absent, as it does through Mirror.
        if let optional = value as? any OptionalValue { return optional.wrappedValue }
        return value
    }
}

extension TemplateFields {
    func combineFields(into hasher: inout StableHasher, skipping: Set<String> = []) {
        for (name, path) in Self.fields where !skipping.contains(name) {
            hasher.combine(name)
            hasher.combine(templateValue: self[keyPath: path])
        }
    }
}

extension StableHasher {
    /// Feeds a value of a template context: text, a flag, a number, a list, an absent
    /// optional or another context.
    mutating func combine(templateValue value: Any) {
        if let optional = value as? any OptionalValue {
            guard let wrapped = optional.wrappedValue else { return combine("\u{0}absent") }
            return combine(templateValue: wrapped)
        }
        switch value {
        case let text as String: combine(text)
        case let flag as Bool: combine(flag)
        case let number as Int: combine(number)
        case let number as Double: combine(Int(bitPattern: UInt(number.bitPattern)))
        case let fields as any TemplateFields: fields.combineFields(into: &self, skipping: [])
        case let list as [Any]:
            combine(list.count)
            for item in list { combine(templateValue: item) }
        default:
            // A type added to a context without a case here would make pages look unchanged.
            preconditionFailure("no fingerprint for a template value of type \(type(of: value))")
        }
    }
}

/// Lets an `Any` holding an `Optional` be unwrapped.
protocol OptionalValue {
    var wrappedValue: Any? { get }
}

extension Optional: OptionalValue {
    var wrappedValue: Any? { self.map { $0 as Any } }
}
