import Common

/// Readable comparisons of a Pacific document with ours, one line per difference
/// (`flash_list[0].dev_name: cephadm "loop1", ours "vda"`).
enum JSONComparison {
    /// The JSON type as a word (`int` and `float` are told apart: Python prints a float with
    /// a point, and clients that care about types see the difference).
    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    static func text(_ value: JSONValue) -> String {
        let s = JSONWriter.compactString(value)
        return s.count > 160 ? String(s.prefix(157)) + "..." : s
    }

    /// Every difference in keys, types and values; object keys in any order.
    static func differences(_ pacific: JSONValue, _ ours: JSONValue, at path: String = "") -> [String] {
        let here = path.isEmpty ? "(top)" : path
        switch (pacific, ours) {
        case (.object(let p), .object(let o)):
            var lines: [String] = []
            for key in p.keys where o[key] == nil { lines.append("\(join(path, key)): only cephadm has it = \(text(p[key] ?? .null))") }
            for key in o.keys where p[key] == nil { lines.append("\(join(path, key)): only ours has it = \(text(o[key] ?? .null))") }
            for key in p.keys {
                if let pv = p[key], let ov = o[key] { lines += differences(pv, ov, at: join(path, key)) }
            }
            return lines
        case (.array(let p), .array(let o)):
            var lines: [String] = []
            if p.count != o.count { lines.append("\(here): cephadm has \(p.count) items, ours \(o.count)") }
            for (i, (pv, ov)) in zip(p, o).enumerated() { lines += differences(pv, ov, at: "\(path)[\(i)]") }
            return lines
        default:
            if kind(pacific) != kind(ours) {
                return ["\(here): cephadm \(kind(pacific)) \(text(pacific)), ours \(kind(ours)) \(text(ours))"]
            }
            return pacific == ours ? [] : ["\(here): cephadm \(text(pacific)), ours \(text(ours))"]
        }
    }

    /// Differences in JSON types only, for values that change from one moment to the next.
    static func typeDifferences(_ pacific: JSONValue, _ ours: JSONValue, at path: String) -> [String] {
        if kind(pacific) != kind(ours) { return ["\(path): cephadm \(kind(pacific)), ours \(kind(ours))"] }
        if case .array(let p) = pacific, case .array(let o) = ours, let pk = p.first.map(kind), let ok = o.first.map(kind), pk != ok {
            return ["\(path)[]: cephadm items are \(pk), ours \(ok)"]
        }
        if case .object(let p) = pacific, case .object(let o) = ours, Set(p.keys) != Set(o.keys) {
            return ["\(path): keys differ: cephadm \(p.keys.sorted()), ours \(o.keys.sorted())"]
        }
        return []
    }

    /// The keys of two objects in a different order (clients printing documents see it).
    static func keyOrderDifference(_ pacific: JSONObject, _ ours: JSONObject, at path: String) -> [String] {
        let common = Set(pacific.keys).intersection(ours.keys)
        let p = pacific.keys.filter(common.contains), o = ours.keys.filter(common.contains)
        return p == o ? [] : ["\(path): key order differs: cephadm \(p), ours \(o)"]
    }

    /// The structure of a document: keys and types, without values; `opaque` keys show only
    /// their type (the `data` of a task record: its content has its own comparison).
    static func shape(_ value: JSONValue, opaque: Set<String> = []) -> JSONValue {
        switch value {
        case .object(let o):
            return .object(JSONObject(o.entries.map { entry in
                (entry.key, opaque.contains(entry.key) ? .string(kind(entry.value)) : shape(entry.value, opaque: opaque))
            }))
        case .array(let items):
            return .array(items.first.map { [shape($0, opaque: opaque)] } ?? [])
        default:
            return .string(kind(value))
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The lines as one failure message.
    static func report(_ title: String, _ lines: [String]) -> String {
        "\(title): \(lines.count) difference(s) not in KnownDifferences.table:\n  " + lines.joined(separator: "\n  ")
    }
}
