import Glibc

/// Which parts of the tasks' `data` a skim keeps. Everything else in `data` is validated and
/// dropped: a poller that only judges health reads a 79 KB body without building a tree for the
/// 75 KB of facts, daemons and disks in it.
public struct MetadataSkimPlan: Sendable, Equatable {
    /// For a task whose `data` is an object: the members kept (e.g. the facts' `hostname`).
    public let objectMembers: [TaskName: [String]]
    /// For a task whose `data` is an array: the members kept of each object item (e.g. the
    /// daemons' `style` and `fsid`); items that are not objects become `null`.
    public let itemMembers: [TaskName: [String]]

    /// The same, as byte keys for the skimmer.
    let objectKeys: [TaskName: JSONKeySet]
    let itemKeys: [TaskName: JSONKeySet]

    public init(objectMembers: [TaskName: [String]] = [:], itemMembers: [TaskName: [String]] = [:]) {
        self.objectMembers = objectMembers.filter { !$0.value.isEmpty }
        self.itemMembers = itemMembers.filter { !$0.value.isEmpty }
        objectKeys = self.objectMembers.mapValues(JSONKeySet.init)
        itemKeys = self.itemMembers.mapValues(JSONKeySet.init)
    }

    public static func == (a: MetadataSkimPlan, b: MetadataSkimPlan) -> Bool {
        a.objectMembers == b.objectMembers && a.itemMembers == b.itemMembers
    }
}

/// A few object keys looked for in raw bytes: matched by length and first byte, then byte for
/// byte (JSON's and the parser's rule), without making a String of keys that are dropped. The
/// keys' bytes lie one after another in one array (no array per key to retain and release); a
/// class, so that passing a set around retains one object.
final class JSONKeySet: Sendable {
    private let bytes: [UInt8]
    /// Where each key's bytes end in `bytes` (each starts where the one before ends).
    private let ends: [Int]
    let names: [String]
    /// Bit `k` is set when a key is `k` bytes long (`k` < 64); bit 63 also stands for longer ones.
    private let lengths: UInt64

    init(_ keys: [String]) {
        names = keys
        bytes = keys.flatMap { Array($0.utf8) }
        var ends: [Int] = []
        var end = 0
        var lengths: UInt64 = 0
        for key in keys {
            end += key.utf8.count
            ends.append(end)
            lengths |= 1 << UInt64(min(key.utf8.count, 63))
        }
        self.ends = ends
        self.lengths = lengths
    }

    /// False when no key is `length` bytes long: most keys of a skimmed object are dropped
    /// without a comparison.
    @inline(__always)
    func mayHold(length: Int) -> Bool { lengths >> UInt64(min(length, 63)) & 1 != 0 }

    /// The index of the key whose quoted text is at `quoted` in `buf` (decoded first when it
    /// holds an escape).
    func index(ofKeyAt quoted: Range<Int>, in buf: UnsafeBufferPointer<UInt8>, escaped: Bool) -> Int? {
        guard escaped else {
            return index(of: UnsafeBufferPointer(rebasing: buf[(quoted.lowerBound + 1)..<(quoted.upperBound - 1)]))
        }
        var at = quoted.lowerBound
        guard var text = try? JSONParser.string(in: buf, at: &at) else { return nil }
        return text.withUTF8 { index(of: $0) }
    }

    /// The index of the key equal to `key`, if any.
    func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = key.count
        return bytes.withUnsafeBufferPointer { all -> Int? in
            var start = 0
            for i in ends.indices {
                let end = ends[i]
                if end &- start == count {
                    guard count > 0, let k = key.baseAddress, let b = all.baseAddress else { return i }
                    if b[start] == k[0], memcmp(b + start, k, count) == 0 { return i }
                }
                start = end
            }
            return nil
        }
    }
}

/// The keys of a catalog's `/v1/metadata` that a skim looks for (`TaskCatalog.wireKeys`).
final class CatalogWireKeys: Sendable {
    /// The document's members: `health`, then each task in registration order.
    let document: JSONKeySet
    /// `health.tasks`: each task, then `http_server`.
    let healthTasks: JSONKeySet
    /// `health.task_detail`: each task.
    let tasks: JSONKeySet

    init(_ names: [TaskName]) {
        document = JSONKeySet([WireKey.health] + names.map(\.rawValue))
        healthTasks = JSONKeySet(names.map(\.rawValue) + [WireKey.httpServer])
        tasks = JSONKeySet(names.map(\.rawValue))
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

    /// The health, the records and what `plan` reads of the tasks' data, from one validating
    /// pass over the bytes: the same verdict and error as `decode` for every body, and on
    /// success exactly `MetadataSummary(decoded: decode(body), plan: plan)`. What every poll does.
    public static func summarize(_ body: [UInt8], catalog: TaskCatalog = .standard, plan: MetadataSummaryPlan)
        throws(MetadataWireError) -> MetadataSummary
    {
        // A body in the exporter's usual shape is read straight into typed values; anything
        // else (an error, a duplicate or escaped key, a null where decode is strict) takes the
        // value path below, which gives decode's verdict and message.
        let typed: MetadataSummary? = body.withUnsafeBufferPointer { buf in
            var skimmer = MetadataSkimmer(buf: buf, catalog: catalog, plan: MetadataSkimPlan(), summary: plan)
            return skimmer.typedDocument().map { MetadataSummary(document: $0, text: skimmer.text, tally: skimmer.tally) }
        }
        if let typed { return typed }
        let skimmed: (JSONValue, String?, [MetadataSummary.TallyEntry])? = body.withUnsafeBufferPointer { buf in
            var skimmer = MetadataSkimmer(buf: buf, catalog: catalog, plan: MetadataSkimPlan(), summary: plan)
            guard let value = skimmer.document() else { return nil }
            return (value, skimmer.text, skimmer.tally)
        }
        if let (value, text, tally) = skimmed {
            return MetadataSummary(document: try decode(value, catalog: catalog), text: text, tally: tally)
        }
        // Not JSON: the full parser says where and why (as in `skim`).
        return MetadataSummary(decoded: try decode(body, catalog: catalog), plan: plan)
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
struct MetadataSkimmer {
    let buf: UnsafeBufferPointer<UInt8>
    /// What the skim reads, out of line: the skimmer stays a few words, which the optimizer
    /// copies freely (inline, the catalog and plans made it a 400-byte struct copied with
    /// memcpy at every member of `health`).
    let context: Context
    var catalog: TaskCatalog { context.catalog }
    var plan: MetadataSkimPlan { context.plan }
    /// Summarizing (`MetadataDocument.summarize`): every `data` is reduced to its kind and the
    /// summary plan's text and tally are read from the bytes into `text` and `tally`.
    var summary: MetadataSummaryPlan? { context.summary }
    private(set) var text: String?
    private(set) var tally: [MetadataSummary.TallyEntry] = []
    /// The quoted bytes of the last tallied value when they hold no escape (so that an item
    /// with the same bytes only adds to the last run), else nil.
    private var lastTallied: Range<Int>?
    var skipper: JSONSkipper
    /// Reused for every kept object (one per daemon: no allocation each).
    private var captures: [JSONSkipper.Capture] = []

    final class Context {
        let catalog: TaskCatalog
        /// The catalog's specs and keys (reading them through `catalog` copies the catalog).
        let specs: [TaskSpec]
        let keys: CatalogWireKeys
        let plan: MetadataSkimPlan
        let summary: MetadataSummaryPlan?

        init(catalog: TaskCatalog, plan: MetadataSkimPlan, summary: MetadataSummaryPlan?) {
            self.catalog = catalog
            specs = catalog.specs
            keys = catalog.wireKeys
            self.plan = plan
            self.summary = summary
        }
    }

    init(buf: UnsafeBufferPointer<UInt8>, catalog: TaskCatalog, plan: MetadataSkimPlan, summary: MetadataSummaryPlan? = nil) {
        self.buf = buf
        context = Context(catalog: catalog, plan: plan, summary: summary)
        skipper = JSONSkipper(buf, at: 0)
    }

    var pos: Int {
        get { skipper.pos }
        set { skipper.pos = newValue }
    }

    /// A record's members: its own fields (read in full), then `data`.
    private static let recordKeys = JSONKeySet([WireKey.scrapeTimestamp, WireKey.scrapeDurationSecs, WireKey.scrapeErrors,
                                                WireKey.data])
    private static let recordDataIndex = 3

    mutating func document() -> JSONValue? {
        skipper.skipWhitespace()
        let value: JSONValue?
        if pos < buf.count, buf[pos] == UInt8(ascii: "{") {
            // `health`, then the tasks' records.
            value = object(depth: 0, keys: context.keys.document) { skimmer, index, depth in
                if index == 0 { return .keep(try? skimmer.parsed(depth: depth)) }
                return .keep(skimmer.record(skimmer.context.specs[index - 1].name, depth: depth))
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

    /// The object at `pos`, with the members `member` keeps: it is asked for each key in
    /// `keys` (given its index), the others are validated and dropped. Duplicate keys keep their
    /// first position and last value, as in the parser.
    private mutating func object(depth: Int, keys: JSONKeySet, _ member: (inout MetadataSkimmer, Int, Int) -> Member)
        -> JSONValue?
    {
        var kept = JSONObject()
        guard let empty = open(depth: depth, closing: UInt8(ascii: "}")) else { return nil }
        if empty { return .object(kept) }
        while true {
            skipper.skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: "\""), let key = key() else { return nil }
            skipper.skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { return nil }
            pos += 1
            skipper.skipWhitespace()
            let decision: Member
            if let index = key.withBytes(in: buf, { keys.index(of: $0) }) {
                decision = member(&self, index, depth + 1)
            } else {
                decision = .skip
            }
            switch decision {
            case .skip:
                guard skipper.skipValue(depth: depth + 1) else { return nil }
            case .keep(let value?):
                kept[key.text(in: buf)] = value
            case .keep(nil):
                return nil
            }
            guard let more = next(closing: UInt8(ascii: "}")) else { return nil }
            if !more { return .object(kept) }
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
        let quote = pos
        guard skipper.skipString() else { return nil }
        if !skipper.stringHadEscape { return .raw((quote + 1)..<(pos - 1)) }
        var at = quote
        defer { pos = at }
        return (try? JSONParser.string(in: buf, at: &at)).map { .decoded($0) }
    }

    /// `empty` when the value at `pos` is valid JSON, else nil. (Spelled out: `JSONValue` is
    /// `ExpressibleByNilLiteral`, so a bare `nil` in a conditional could mean JSON null.)
    mutating func skipped(depth: Int, as empty: JSONValue) -> JSONValue? {
        guard skipper.skipValue(depth: depth) else { return JSONValue?.none }
        return empty
    }

    mutating func parsed(depth: Int) throws(JSONParseError) -> JSONValue {
        var at = pos
        defer { pos = at }
        return try JSONParser.value(in: buf, at: &at, depth: depth)
    }

    /// A task's record: its own fields in full, `data` skimmed. A record that is an array (a
    /// shape error either way) is validated and kept empty: the error only says "an array".
    private mutating func record(_ task: TaskName, depth: Int) -> JSONValue? {
        guard pos < buf.count else { return nil }
        // A later duplicate of the record replaces what an earlier one summarized.
        forgetSummary(of: task)
        switch buf[pos] {
        case UInt8(ascii: "{"):
            return object(depth: depth, keys: Self.recordKeys) { skimmer, index, depth in
                if index == Self.recordDataIndex { return .keep(skimmer.data(task, depth: depth)) }
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
        if let summary { return summarized(task, summary, depth: depth) }
        switch buf[pos] {
        case UInt8(ascii: "{"):
            guard let members = plan.objectKeys[task] else {
                return skipped(depth: depth, as: .object(JSONObject()))
            }
            return keptMembers(members, depth: depth)
        case UInt8(ascii: "["):
            guard let members = plan.itemKeys[task] else {
                return skipped(depth: depth, as: .array([]))
            }
            return items(keeping: members, depth: depth)
        default:
            return try? parsed(depth: depth)
        }
    }

    /// The object at `pos` reduced to `members`: validated in one pass that notes where the
    /// members' values are, then those values read (duplicates: first position, last value).
    private mutating func keptMembers(_ members: JSONKeySet, depth: Int) -> JSONValue? {
        captures.removeAll(keepingCapacity: true)
        guard skipper.skipValue(depth: depth, capturing: members, into: &captures) else { return nil }
        var kept = JSONObject()
        for capture in captures {
            var at = capture.value.lowerBound
            guard let value = try? JSONParser.value(in: buf, at: &at, depth: depth + 1) else { return nil }
            kept[members.names[capture.key]] = value
        }
        return .object(kept)
    }

    private mutating func items(keeping members: JSONKeySet, depth: Int) -> JSONValue? {
        var out: [JSONValue] = []
        guard let empty = open(depth: depth, closing: UInt8(ascii: "]")) else { return nil }
        if empty { return .array(out) }
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
            guard let more = next(closing: UInt8(ascii: "]")) else { return nil }
            if !more { return .array(out) }
        }
    }

    mutating func forgetSummary(of task: TaskName) {
        guard let summary else { return }
        if task == summary.textTask { text = nil }
        if task == summary.tally?.task {
            tally.removeAll()
            lastTallied = nil
        }
    }

    /// A task's `data` when summarizing: validated, reduced to its kind, and read for the
    /// plan's text (an object's member) or tally (an array's object items).
    mutating func summarized(_ task: TaskName, _ summary: MetadataSummaryPlan, depth: Int) -> JSONValue? {
        forgetSummary(of: task)
        switch buf[pos] {
        case UInt8(ascii: "{"):
            guard task == summary.textTask else { return skipped(depth: depth, as: .object(JSONObject())) }
            captures.removeAll(keepingCapacity: true)
            guard skipper.skipValue(depth: depth, capturing: summary.textKeys, into: &captures) else { return nil }
            // Duplicates: the last value counts, as in the parser.
            text = captures.last.flatMap { string(at: $0.value) }
            return .object(JSONObject())
        case UInt8(ascii: "["):
            guard let plan = summary.tally, task == plan.task else { return skipped(depth: depth, as: .array([])) }
            guard let empty = open(depth: depth, closing: UInt8(ascii: "]")) else { return nil }
            if empty { return .array([]) }
            while true {
                skipper.skipWhitespace()
                guard pos < buf.count else { return nil }
                if buf[pos] == UInt8(ascii: "{") {
                    captures.removeAll(keepingCapacity: true)
                    guard skipper.skipValue(depth: depth + 1, capturing: summary.tallyKeys, into: &captures) else { return nil }
                    count(summary)
                } else {
                    guard skipper.skipValue(depth: depth + 1) else { return nil }
                }
                guard let more = next(closing: UInt8(ascii: "]")) else { return nil }
                if !more { return .array([]) }
            }
        default:
            return try? parsed(depth: depth)
        }
    }

    /// Adds the item whose members `captures` holds to the tally, when its filter member is
    /// the plan's string and its counted member a non-empty string.
    private mutating func count(_ summary: MetadataSummaryPlan) {
        var filter: Range<Int>?
        var counted: Range<Int>?
        for capture in captures {
            if capture.key == 0 { filter = capture.value } else { counted = capture.value }
        }
        guard let filter, let counted, isString(filter, equalTo: summary) else { return }
        let raw = !hasEscape(counted)
        if raw, let last = lastTallied, let run = tally.indices.last, sameBytes(last, counted) {
            tally[run].count += 1
            return
        }
        guard let value = string(at: counted), !value.isEmpty else { return }
        if let run = tally.indices.last, JSONObject.sameBytes(tally[run].value, value) {
            tally[run].count += 1
        } else {
            tally.append(MetadataSummary.TallyEntry(value, count: 1))
        }
        lastTallied = raw ? counted : nil
    }

    /// Whether the value at `range` is a string equal (as Swift compares Strings) to the
    /// plan's filter value: equal bytes are, two plain ASCII spellings that differ are not, and
    /// anything else is decoded and compared.
    private func isString(_ range: Range<Int>, equalTo summary: MetadataSummaryPlan) -> Bool {
        guard buf[range.lowerBound] == UInt8(ascii: "\"") else { return false }
        let content = UnsafeBufferPointer(rebasing: buf[(range.lowerBound + 1)..<(range.upperBound - 1)])
        let same = summary.filterBytes.withUnsafeBufferPointer { filter -> Bool in
            guard filter.count == content.count else { return false }
            guard let f = filter.baseAddress, let c = content.baseAddress else { return true }
            return memcmp(f, c, content.count) == 0
        }
        if same { return true }
        if content.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "\\") }), summary.filterBytes.allSatisfy({ $0 < 0x80 }) {
            return false
        }
        return string(at: range) == summary.tally?.filterValue
    }

    /// The string whose quoted bytes are at `range` (nil when the value there is not a string).
    func string(at range: Range<Int>) -> String? {
        guard buf[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        guard hasEscape(range) else {
            return String(decoding: UnsafeBufferPointer(rebasing: buf[(range.lowerBound + 1)..<(range.upperBound - 1)]), as: UTF8.self)
        }
        var at = range.lowerBound
        return try? JSONParser.string(in: buf, at: &at)
    }

    private func hasEscape(_ range: Range<Int>) -> Bool {
        guard let base = buf.baseAddress, !range.isEmpty else { return false }
        return memchr(base + range.lowerBound, Int32(UInt8(ascii: "\\")), range.count) != nil
    }

    private func sameBytes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && memcmp(buf.baseAddress! + a.lowerBound, buf.baseAddress! + b.lowerBound, a.count) == 0
    }

    /// Enters the object or array at `pos` (nested `depth` deep): true when it is empty (and
    /// passed), false when members follow, nil when it nests too deep.
    mutating func open(depth: Int, closing: UInt8) -> Bool? {
        guard depth < JSONParser.maxDepth else { return nil }
        pos += 1
        skipper.skipWhitespace()
        guard pos < buf.count, buf[pos] == closing else { return false }
        pos += 1
        return true
    }

    /// After a member or an item: a comma (true: another follows), the closing bracket (false:
    /// that was the last), or anything else (nil: not JSON).
    mutating func next(closing: UInt8) -> Bool? {
        skipper.skipWhitespace()
        guard pos < buf.count else { return nil }
        let c = buf[pos]
        guard c == UInt8(ascii: ",") || c == closing else { return nil }
        pos += 1
        return c == UInt8(ascii: ",")
    }
}
