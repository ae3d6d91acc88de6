/// Why a `/v1/metadata` body could not be decoded, naming the field.
public enum MetadataWireError: Error, Equatable, CustomStringConvertible {
    case notJSON(JSONParseError)
    /// `path` is the dotted field path (`health.tasks.disks`); `found` names the offending JSON type or value.
    case unexpectedShape(path: String, expected: String, found: String)
    case missingField(path: String)

    public var description: String {
        switch self {
        case .notJSON(let e): return "metadata body is not JSON: \(e)"
        case .unexpectedShape(let path, let expected, let found):
            return "metadata field '\(path)': expected \(expected), found \(found)"
        case .missingField(let path): return "metadata field '\(path)' is missing"
        }
    }
}

/// Field access for the wire types' decoders: tolerant where exporters legitimately differ
/// (absent optional fields, `null`, unknown keys), strict where a wrong shape would make the
/// dashboard lie. Every error names the dotted path of the field.
struct WireObject {
    let object: JSONObject
    /// The dotted path of this object (`health`, `disks`); empty for the document itself.
    let path: String

    init(_ value: JSONValue, at path: String) throws(MetadataWireError) {
        guard case .object(let o) = value else {
            throw .unexpectedShape(path: path.isEmpty ? "(body)" : path, expected: "an object", found: WireObject.describe(value))
        }
        object = o
        self.path = path
    }

    func pathOf(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func required(_ key: String) throws(MetadataWireError) -> JSONValue {
        guard let v = object[key] else { throw .missingField(path: pathOf(key)) }
        return v
    }

    func requiredObject(_ key: String) throws(MetadataWireError) -> WireObject {
        try WireObject(try required(key), at: pathOf(key))
    }

    /// nil when absent or null.
    func optional(_ key: String) -> JSONValue? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func optionalNumber(_ key: String) throws(MetadataWireError) -> Double? {
        guard let v = optional(key) else { return nil }
        guard let d = v.doubleValue, d.isFinite else {
            throw .unexpectedShape(path: pathOf(key), expected: "a number", found: WireObject.describe(v))
        }
        return d
    }

    func optionalInt(_ key: String) throws(MetadataWireError) -> Int? {
        guard let v = optional(key) else { return nil }
        guard let i = v.intValue else {
            throw .unexpectedShape(path: pathOf(key), expected: "an integer", found: WireObject.describe(v))
        }
        return i
    }

    func optionalStrings(_ key: String) throws(MetadataWireError) -> [String]? {
        guard let v = optional(key) else { return nil }
        let path = pathOf(key)
        guard case .array(let items) = v else {
            throw .unexpectedShape(path: path, expected: "a list of strings", found: WireObject.describe(v))
        }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let s = item.stringValue else {
                throw .unexpectedShape(path: "\(path)[\(i)]", expected: "a string", found: WireObject.describe(item))
            }
            out.append(s)
        }
        return out
    }

    /// A short, safe description of what was found, for error messages.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "the boolean \(b)"
        case .int, .double: return "the number \(JSONWriter.compactString(value))"
        case .string(let s):
            let shown = s.count > 40 ? String(s.prefix(40)) + "..." : s
            return "the string \(JSONWriter.compactString(.string(shown)))"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Appends `"key": ` (the exporter's compact form, Python's default separators) to `out`,
/// with `, ` before every key but the first.
struct WireObjectWriter {
    private(set) var bytes: [UInt8]
    private var first = true

    init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    mutating func key(_ key: String) {
        if !first { bytes.append(contentsOf: ", ".utf8) }
        first = false
        JSONWriter.writeString(key, into: &bytes)
        bytes.append(contentsOf: ": ".utf8)
    }

    mutating func field(_ key: String, raw: [UInt8]) {
        self.key(key)
        bytes.append(contentsOf: raw)
    }

    mutating func field(_ key: String, _ value: JSONValue) {
        self.key(key)
        JSONWriter.write(value, into: &bytes, indent: nil, level: 0)
    }

    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
