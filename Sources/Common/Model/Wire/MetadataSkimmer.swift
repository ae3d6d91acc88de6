import Glibc

/// The reader `MetadataDocument.summarize` drives over a `/v1/metadata` body. Its fast path
/// (`typedDocument`, MetadataTypedReader.swift) reads the exporter's usual shape straight into
/// typed values. Its value path (`document`, here) takes any body: the document, `health` and
/// each record are read into values (through `JSONParser`, so their errors and number rules are
/// the parser's) for `decode` to judge. On both paths each task's `data` is validated by
/// `JSONSkipper`, reduced to its kind, and read only for the summary plan's text and tally
/// (into `text` and `tally`). Only the keys the wire model knows are stored, so an object with
/// many unknown keys costs linear time, as in the parser. Nil when the body is not valid JSON.
struct MetadataSkimmer {
    let buf: UnsafeBufferPointer<UInt8>
    /// What the skim reads, out of line: the skimmer stays a few words, which the optimizer
    /// copies freely (inline, the catalog and plan made it a 400-byte struct copied with
    /// memcpy at every member of `health`).
    let context: Context
    var summary: MetadataSummaryPlan { context.summary }
    private(set) var text: String?
    private(set) var tally: [MetadataSummary.TallyEntry] = []
    /// The quoted bytes of the last tallied value when they hold no escape (so that an item
    /// with the same bytes only adds to the last run), else nil.
    private var lastTallied: Range<Int>?
    var skipper: JSONSkipper
    /// Reused for every object whose members are read (one per daemon: no allocation each).
    private var captures: [JSONSkipper.Capture] = []

    final class Context {
        /// The catalog's specs and keys (kept apart: reading them through a catalog copies it).
        let specs: [TaskSpec]
        let keys: CatalogWireKeys
        let summary: MetadataSummaryPlan

        init(catalog: TaskCatalog, summary: MetadataSummaryPlan) {
            specs = catalog.specs
            keys = catalog.wireKeys
            self.summary = summary
        }
    }

    init(buf: UnsafeBufferPointer<UInt8>, catalog: TaskCatalog, summary: MetadataSummaryPlan) {
        self.buf = buf
        context = Context(catalog: catalog, summary: summary)
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

    /// A task's record: its own fields in full, `data` summarized. A record that is an array (a
    /// shape error either way) is validated and kept empty: the error only says "an array".
    private mutating func record(_ task: TaskName, depth: Int) -> JSONValue? {
        guard pos < buf.count else { return nil }
        // A later duplicate of the record replaces what an earlier one summarized.
        forgetSummary(of: task)
        switch buf[pos] {
        case UInt8(ascii: "{"):
            return object(depth: depth, keys: Self.recordKeys) { skimmer, index, depth in
                if index == Self.recordDataIndex { return .keep(skimmer.summarized(task, depth: depth)) }
                return .keep(try? skimmer.parsed(depth: depth))
            }
        case UInt8(ascii: "["):
            return skipped(depth: depth, as: .array([]))
        default:
            return try? parsed(depth: depth)
        }
    }

    /// Drops what `task`'s data gave the text and the tally.
    mutating func forgetSummary(of task: TaskName) {
        if task == summary.textTask { text = nil }
        if task == summary.tally?.task {
            tally.removeAll()
            lastTallied = nil
        }
    }

    /// A task's `data` at `pos`: validated, reduced to its kind (an empty object or array, or
    /// null or the scalar itself), and read for the plan's text (an object's member) or tally
    /// (an array's object items). Nil when it is not valid JSON.
    mutating func summarized(_ task: TaskName, depth: Int) -> JSONValue? {
        guard pos < buf.count else { return nil }
        let summary = self.summary
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
