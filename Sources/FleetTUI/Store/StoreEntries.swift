import Common

/// The store's key/value pairs, in insertion order (the file stays diff-friendly). Values are
/// strings, as in the monitor's config-key store; structured values are JSON text.
public struct StoreEntries: Sendable, Equatable {
    public private(set) var object: JSONObject

    public init(_ object: JSONObject = JSONObject()) { self.object = object }

    public subscript(key: String) -> String? {
        get { object[key]?.stringValue }
        set { object[key] = newValue.map { .string($0) } }
    }

    public var keys: [String] { object.keys }
    public var isEmpty: Bool { object.count == 0 }
}
