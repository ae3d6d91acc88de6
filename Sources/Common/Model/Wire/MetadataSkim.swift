/// Which parts of the tasks' `data` a skim keeps. Everything else in `data` is validated and
/// dropped: a poller that only judges health reads a 79 KB body without building a tree for the
/// 75 KB of facts, daemons and disks in it.
public struct MetadataSkimPlan: Sendable, Equatable {
    /// For a task whose `data` is an object: the members kept (e.g. the facts' `hostname`).
    public let objectMembers: [TaskName: [String]]
    /// For a task whose `data` is an array: the members kept of each object item (e.g. the
    /// daemons' `style` and `fsid`); items that are not objects become `null`.
    public let itemMembers: [TaskName: [String]]

    public init(objectMembers: [TaskName: [String]] = [:], itemMembers: [TaskName: [String]] = [:]) {
        self.objectMembers = objectMembers.filter { !$0.value.isEmpty }
        self.itemMembers = itemMembers.filter { !$0.value.isEmpty }
    }

    /// Keys are matched byte for byte, as the parser's objects match them.
    static func contains(_ members: [String], _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        members.contains { JSONKeyBytes.equal($0, key) }
    }
}

/// Byte-for-byte comparison of a key's text with raw key bytes, without making a String.
enum JSONKeyBytes {
    static func equal(_ s: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var s = s
        return s.withUTF8 { $0.elementsEqual(bytes) }
    }
}

extension MetadataDocument {
    /// `decode`, without building the tasks' `data` beyond what `plan` keeps: the same
    /// verdict and the same error for every body (a body that is not JSON is refused as
    /// `decode` refuses it), and on success exactly `decode(body).pruned(plan)`. Health and
    /// the records' own fields are decoded in full; `data` keeps its kind (null, object,
    /// array or the scalar itself), so shape checks and "has data" are unchanged.
    public static func skim(_ body: [UInt8], catalog: TaskCatalog = .standard, plan: MetadataSkimPlan = MetadataSkimPlan())
        throws(MetadataWireError) -> MetadataDocument
    {
        let skimmed: JSONValue? = body.withUnsafeBufferPointer { buf in
            var skimmer = MetadataSkimmer(buf: buf, catalog: catalog, plan: plan)
            return skimmer.document()
        }
        if let skimmed { return try decode(skimmed, catalog: catalog) }
        // Not JSON: the full parser says where and why. (Should it accept what the skimmer
        // refused, its verdict stands: the skimmer never makes a good body bad.)
        return try decode(body, catalog: catalog).pruned(plan)
    }

    /// This document with each task's `data` cut down as `plan` says (what `skim` returns).
    public func pruned(_ plan: MetadataSkimPlan) -> MetadataDocument {
        var out = self
        for (task, record) in records {
            guard case .value(let data)? = record.data else { continue }
            out.records[task]?.data = .value(Self.prune(data, task: task, plan: plan))
        }
        return out
    }

    static func prune(_ data: JSONValue, task: TaskName, plan: MetadataSkimPlan) -> JSONValue {
        switch data {
        case .object(let o):
            return .object(keeping(plan.objectMembers[task] ?? [], of: o))
        case .array(let items):
            guard let members = plan.itemMembers[task] else { return .array([]) }
            return .array(items.map { item in
                guard case .object(let o) = item else { return .null }
                return .object(keeping(members, of: o))
            })
        default:
            return data
        }
    }

    private static func keeping(_ members: [String], of o: JSONObject) -> JSONObject {
        var kept = JSONObject()
        for (key, value) in o.entries where members.contains(where: { JSONObject.sameBytes($0, key) }) { kept[key] = value }
        return kept
    }
}

/// Walks a `/v1/metadata` body: the document, `health` and each record are read into values
/// (through `JSONParser`, so their errors and number rules are the parser's), the tasks' `data`
/// is validated by `JSONSkipper` except for the members the plan keeps. Only the keys the wire
/// model knows are stored, so an object with many unknown keys costs linear time, as in the
/// parser. Returns nil when the body is not valid JSON.
private struct MetadataSkimmer {
    let buf: UnsafeBufferPointer<UInt8>
    let catalog: TaskCatalog
    let plan: MetadataSkimPlan
    private var skipper: JSONSkipper

    init(buf: UnsafeBufferPointer<UInt8>, catalog: TaskCatalog, plan: MetadataSkimPlan) {
        self.buf = buf
        self.catalog = catalog
        self.plan = plan
        skipper = JSONSkipper(buf, at: 0)
    }

    private var pos: Int {
        get { skipper.pos }
        set { skipper.pos = newValue }
    }

    private static let recordKeys = [WireKey.scrapeTimestamp, WireKey.scrapeDurationSecs, WireKey.scrapeErrors]

    mutating func document() -> JSONValue? {
        skipper.skipWhitespace()
        let value: JSONValue?
        if pos < buf.count, buf[pos] == UInt8(ascii: "{") {
            value = object(depth: 0) { skimmer, key, depth in
                if JSONKeyBytes.equal(WireKey.health, key) { return .keep(try? skimmer.parsed(depth: depth)) }
                guard let spec = skimmer.catalog.specs.first(where: { JSONKeyBytes.equal($0.name.rawValue, key) }) else {
                    return .skip
                }
                return .keep(skimmer.record(spec.name, depth: depth))
            }
        } else {
            // Not an object: what it is matters only for the error message.
            value = try? parsed(depth: 0)
        }
        guard let value else { return nil }
        skipper.skipWhitespace()
        return pos == buf.count ? value : JSONValue?.none
    }

    /// What to do with a member's value.
    private enum Member {
        case skip
        /// Store this value (nil: the value was not valid JSON).
        case keep(JSONValue?)
    }

    /// The object at `pos`, with the members `member` keeps (it gets each key's bytes);
    /// duplicate keys keep their first position and last value, as in the parser.
    private mutating func object(depth: Int, _ member: (inout MetadataSkimmer, UnsafeBufferPointer<UInt8>, Int) -> Member)
        -> JSONValue?
    {
        guard depth < JSONParser.maxDepth else { return nil }
        pos += 1
        var kept = JSONObject()
        skipper.skipWhitespace()
        if pos < buf.count, buf[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object(kept)
        }
        while true {
            skipper.skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: "\""), let key = key() else { return nil }
            skipper.skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { return nil }
            pos += 1
            skipper.skipWhitespace()
            let decision = key.withBytes(in: buf) { member(&self, $0, depth + 1) }
            switch decision {
            case .skip:
                guard skipper.skipValue(depth: depth + 1) else { return nil }
            case .keep(let value?):
                kept[key.text(in: buf)] = value
            case .keep(nil):
                return nil
            }
            skipper.skipWhitespace()
            guard pos < buf.count else { return nil }
            if buf[pos] == UInt8(ascii: ",") {
                pos += 1
            } else if buf[pos] == UInt8(ascii: "}") {
                pos += 1
                return .object(kept)
            } else {
                return nil
            }
        }
    }

    /// A key: where its bytes are when it has no escapes (all of a real body's keys), else its
    /// decoded text. Nothing is allocated for keys that are compared and dropped.
    private enum Key {
        case raw(Range<Int>)
        case decoded(String)

        func withBytes<R>(in buf: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            switch self {
            case .raw(let range): return body(UnsafeBufferPointer(rebasing: buf[range]))
            case .decoded(var text): return text.withUTF8 { body($0) }
            }
        }

        func text(in buf: UnsafeBufferPointer<UInt8>) -> String {
            switch self {
            case .raw(let range): return String(decoding: UnsafeBufferPointer(rebasing: buf[range]), as: UTF8.self)
            case .decoded(let text): return text
            }
        }
    }

    private mutating func key() -> Key? {
        let start = pos + 1
        var scan = skipper
        guard scan.skipString() else { return nil }
        let end = scan.pos - 1
        if !UnsafeBufferPointer(rebasing: buf[start..<end]).contains(UInt8(ascii: "\\")) {
            pos = scan.pos
            return .raw(start..<end)
        }
        var at = pos
        defer { pos = at }
        return (try? JSONParser.string(in: buf, at: &at)).map { .decoded($0) }
    }

    /// `empty` when the value at `pos` is valid JSON, else nil. (Spelled out: `JSONValue` is
    /// `ExpressibleByNilLiteral`, so a bare `nil` in a conditional could mean JSON null.)
    private mutating func skipped(depth: Int, as empty: JSONValue) -> JSONValue? {
        guard skipper.skipValue(depth: depth) else { return JSONValue?.none }
        return empty
    }

    private mutating func parsed(depth: Int) throws(JSONParseError) -> JSONValue {
        var at = pos
        defer { pos = at }
        return try JSONParser.value(in: buf, at: &at, depth: depth)
    }

    /// A task's record: its own fields in full, `data` skimmed. A record that is an array (a
    /// shape error either way) is validated and kept empty: the error only says "an array".
    private mutating func record(_ task: TaskName, depth: Int) -> JSONValue? {
        guard pos < buf.count else { return nil }
        switch buf[pos] {
        case UInt8(ascii: "{"):
            return object(depth: depth) { skimmer, key, depth in
                if JSONKeyBytes.equal(WireKey.data, key) { return .keep(skimmer.data(task, depth: depth)) }
                guard MetadataSkimPlan.contains(Self.recordKeys, key) else { return .skip }
                return .keep(try? skimmer.parsed(depth: depth))
            }
        case UInt8(ascii: "["):
            return skipped(depth: depth, as: .array([]))
        default:
            return try? parsed(depth: depth)
        }
    }

    /// A task's `data`: an object keeps the plan's members, an array its items reduced to the
    /// plan's members (or nothing), a scalar is read as it is.
    private mutating func data(_ task: TaskName, depth: Int) -> JSONValue? {
        guard pos < buf.count else { return nil }
        switch buf[pos] {
        case UInt8(ascii: "{"):
            guard let members = plan.objectMembers[task] else {
                return skipped(depth: depth, as: .object(JSONObject()))
            }
            return keptMembers(members, depth: depth)
        case UInt8(ascii: "["):
            guard let members = plan.itemMembers[task] else {
                return skipped(depth: depth, as: .array([]))
            }
            return items(keeping: members, depth: depth)
        default:
            return try? parsed(depth: depth)
        }
    }

    private mutating func keptMembers(_ members: [String], depth: Int) -> JSONValue? {
        object(depth: depth) { skimmer, key, depth in
            MetadataSkimPlan.contains(members, key) ? .keep(try? skimmer.parsed(depth: depth)) : .skip
        }
    }

    private mutating func items(keeping members: [String], depth: Int) -> JSONValue? {
        guard depth < JSONParser.maxDepth else { return nil }
        pos += 1
        var out: [JSONValue] = []
        skipper.skipWhitespace()
        if pos < buf.count, buf[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array(out)
        }
        while true {
            skipper.skipWhitespace()
            guard pos < buf.count else { return nil }
            if buf[pos] == UInt8(ascii: "{") {
                guard let item = keptMembers(members, depth: depth + 1) else { return nil }
                out.append(item)
            } else {
                guard skipper.skipValue(depth: depth + 1) else { return nil }
                out.append(.null)
            }
            skipper.skipWhitespace()
            guard pos < buf.count else { return nil }
            if buf[pos] == UInt8(ascii: ",") {
                pos += 1
            } else if buf[pos] == UInt8(ascii: "]") {
                pos += 1
                return .array(out)
            } else {
                return nil
            }
        }
    }
}
