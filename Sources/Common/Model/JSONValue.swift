import Glibc

/// A JSON document that keeps object keys in insertion order, because Pacific's responses
/// have a documented key order (records, health, gather-facts sorted keys) that clients see.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// An ordered JSON object. Lookups are linear; objects here are small (tens of keys).
public struct JSONObject: Sendable, Equatable {
    public private(set) var entries: [(key: String, value: JSONValue)] = []

    public init() {}
    public init(_ entries: [(String, JSONValue)]) {
        for (k, v) in entries { self[k] = v }
    }

    /// Entries whose keys are known to be distinct (the parser checks them itself).
    init(distinctEntries: [(key: String, value: JSONValue)]) {
        entries = distinctEntries
    }

    public subscript(key: String) -> JSONValue? {
        get { index(of: key).map { entries[$0].value } }
        set {
            if let i = index(of: key) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public var keys: [String] { entries.map(\.key) }

    /// Keys are matched byte for byte, as JSON (and Python) compare them: `String ==` would also
    /// do Unicode canonical equivalence, which costs more on every lookup and is not JSON's rule.
    private func index(of key: String) -> Int? {
        let n = key.utf8.count
        for i in entries.indices where entries[i].key.utf8.count == n && JSONObject.sameBytes(entries[i].key, key) { return i }
        return nil
    }

    static func sameBytes(_ a: String, _ b: String) -> Bool {
        let fast: Bool?? = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
        if let fast, let result = fast { return result }
        return a.utf8.elementsEqual(b.utf8)
    }
    public var count: Int { entries.count }

    /// The same entries sorted by key (Python's `sort_keys=True`).
    public func sortedByKey() -> JSONObject {
        var o = JSONObject()
        o.entries = entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return o
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }
    /// Any JSON number as a Double.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    /// A JSON number that is integral, as an Int.
    public var intValue: Int? {
        switch self {
        case .int(let i): return Int(exactly: i)
        case .double(let d): return d.rounded() == d ? Int(exactly: d) : nil
        default: return nil
        }
    }
    public static func int(_ v: Int) -> JSONValue { .int(Int64(v)) }
}
