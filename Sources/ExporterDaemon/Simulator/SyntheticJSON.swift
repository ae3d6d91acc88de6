import Common

/// Writes compact JSON straight into bytes, in the exporter's own format (`json.dumps`
/// separators `", "` and `": "`, floats as `JSONWriter` prints them), without building a
/// `JSONValue` tree first: the simulator writes ~50 KB per host for 10,000 hosts at start-up,
/// and a tree of small objects per disk and daemon would cost several times the bytes.
struct SyntheticJSON {
    private(set) var bytes: [UInt8] = []
    /// One entry per open container: true until its first member is written.
    private var firstInContainer: [Bool] = []
    private var afterKey = false

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    /// A scalar value; `.raw` is already serialized JSON.
    enum Value {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case null
        case strings([String])
        case ints([Int])
        case raw([UInt8])
    }

    mutating func object(_ body: (inout SyntheticJSON) -> Void) { container(open: "{", close: "}", body) }
    mutating func array(_ body: (inout SyntheticJSON) -> Void) { container(open: "[", close: "]", body) }

    /// Members written without the enclosing `{}`/`[]`, to be spliced into many documents
    /// with `members(_:)` (the parts hosts share).
    static func fragment(capacity: Int = 4096, _ body: (inout SyntheticJSON) -> Void) -> [UInt8] {
        var j = SyntheticJSON(capacity: capacity)
        j.firstInContainer = [true]
        body(&j)
        return j.bytes
    }

    /// Splices members made by `fragment` into the open container.
    mutating func members(_ fragment: [UInt8]) {
        guard !fragment.isEmpty else { return }
        beginValue()
        bytes.append(contentsOf: fragment)
    }

    mutating func key(_ k: String) {
        beginValue()
        writeString(k)
        bytes.append(contentsOf: ": ".utf8)
        afterKey = true
    }

    mutating func value(_ v: Value) {
        switch v {
        case .strings(let items): return array { a in for s in items { a.value(.string(s)) } }
        case .ints(let items): return array { a in for i in items { a.value(.int(i)) } }
        default: beginValue()
        }
        switch v {
        case .string(let s): writeString(s)
        case .int(let i): bytes.append(contentsOf: String(i).utf8)
        case .double(let d): bytes.append(contentsOf: JSONWriter.formatDouble(d).utf8)
        case .bool(let b): bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: bytes.append(contentsOf: "null".utf8)
        case .raw(let raw): bytes.append(contentsOf: raw)
        case .strings, .ints: break
        }
    }

    /// `"key": value` pairs, in the order given.
    mutating func fields(_ pairs: KeyValuePairs<String, Value>) {
        for (k, v) in pairs {
            key(k)
            value(v)
        }
    }

    mutating func field(_ k: String, _ v: Value) {
        key(k)
        value(v)
    }

    mutating func field(_ k: String, object body: (inout SyntheticJSON) -> Void) {
        key(k)
        object(body)
    }

    mutating func field(_ k: String, array body: (inout SyntheticJSON) -> Void) {
        key(k)
        array(body)
    }

    private mutating func container(open: Character, close: Character, _ body: (inout SyntheticJSON) -> Void) {
        beginValue()
        bytes.append(open.asciiValue ?? 0)
        firstInContainer.append(true)
        body(&self)
        firstInContainer.removeLast()
        bytes.append(close.asciiValue ?? 0)
    }

    private mutating func beginValue() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = firstInContainer.indices.last else { return }
        if !firstInContainer[last] { bytes.append(contentsOf: ", ".utf8) }
        firstInContainer[last] = false
    }

    /// The generator only writes printable ASCII; anything else goes through the exporter's own
    /// escaping so the output is still exactly what the exporter would send.
    private mutating func writeString(_ s: String) {
        var s = s
        let done: Bool? = s.withUTF8 { utf8 in
            for b in utf8 where b < 0x20 || b >= 0x7F || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if done != true { bytes.append(contentsOf: JSONWriter.compact(.string(s))) }
    }
}
