/// Serializes `JSONValue` the way Python's `json.dumps` does by default: separators `", "` and
/// `": "`, non-ASCII escaped as `\uXXXX`, floats in shortest round-trip form. `pretty` gives
/// the `indent=2` form used by the CLI sub-commands.
public enum JSONWriter {
    public static func compact(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, into: &out, indent: nil, level: 0)
        return out
    }

    public static func pretty(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, into: &out, indent: 2, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    public static func compactString(_ value: JSONValue) -> String {
        String(decoding: compact(value), as: UTF8.self)
    }

    static func write(_ value: JSONValue, into out: inout [UInt8], indent: Int?, level: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: formatDouble(d).utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                separator(first: i == 0, into: &out, indent: indent, level: level + 1)
                write(item, into: &out, indent: indent, level: level + 1)
            }
            closing(UInt8(ascii: "]"), into: &out, indent: indent, level: level)
        case .object(let obj):
            if obj.entries.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, entry) in obj.entries.enumerated() {
                separator(first: i == 0, into: &out, indent: indent, level: level + 1)
                writeString(entry.key, into: &out)
                out.append(contentsOf: ": ".utf8)
                write(entry.value, into: &out, indent: indent, level: level + 1)
            }
            closing(UInt8(ascii: "}"), into: &out, indent: indent, level: level)
        }
    }

    private static func separator(first: Bool, into out: inout [UInt8], indent: Int?, level: Int) {
        if let indent {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
        } else if !first {
            out.append(contentsOf: ", ".utf8)
        }
    }

    private static func closing(_ c: UInt8, into out: inout [UInt8], indent: Int?, level: Int) {
        if let indent {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
        }
        out.append(c)
    }

    /// Python prints integral floats as `5.0`, non-finite as `NaN`/`Infinity` (invalid JSON);
    /// we print `null` for non-finite values so every response stays parseable.
    public static func formatDouble(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e16 {
            return String(Int64(d)) + ".0"
        }
        return "\(d)"
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for unit in s.unicodeScalars {
            switch unit.value {
            case 0x22: out.append(contentsOf: "\\\"".utf8)
            case 0x5C: out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0x20..<0x7F: out.append(UInt8(unit.value))
            case 0x10000...:
                // UTF-16 surrogate pair, as Python's ensure_ascii does.
                let v = unit.value - 0x10000
                escapeUnit(UInt16(0xD800 + (v >> 10)), into: &out)
                escapeUnit(UInt16(0xDC00 + (v & 0x3FF)), into: &out)
            default: escapeUnit(UInt16(unit.value), into: &out)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escapeUnit(_ u: UInt16, into out: inout [UInt8]) {
        out.append(contentsOf: "\\u".utf8)
        out.append(hex[Int(u >> 12) & 0xF])
        out.append(hex[Int(u >> 8) & 0xF])
        out.append(hex[Int(u >> 4) & 0xF])
        out.append(hex[Int(u) & 0xF])
    }
}
