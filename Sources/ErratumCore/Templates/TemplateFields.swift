import Mustache

/// A template context whose values are found through key paths rather than `Mirror`: with
/// reflection, rendering thousands of pages took seconds.
protocol TemplateFields: MustacheParent {
    typealias Fields = [String: PartialKeyPath<Self> & Sendable]
    /// Every value a template may name.
    static var fields: Fields { get }
}

extension TemplateFields {
    func child(named name: String) -> Any? {
        guard let path = Self.fields[name] else { return nil }
        let value = self[keyPath: path]
        // An absent optional must read as absent, as it does through Mirror.
        if let optional = value as? any OptionalValue { return optional.wrappedValue }
        return value
    }
}

/// Lets an `Any` holding an `Optional` be unwrapped.
protocol OptionalValue {
    var wrappedValue: Any? { get }
}

extension Optional: OptionalValue {
    var wrappedValue: Any? { self.map { $0 as Any } }
}
