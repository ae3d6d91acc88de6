import Common

/// Reads a host inventory: a plain host list, or the JSON of `ceph orch host ls --format json`
/// (recognised by a leading `[` followed by `{` or `]`, which a bracketed IPv6 line never has).
/// Bad entries are reported and skipped so one typo does not hide the rest of the fleet.
enum InventoryParser {
    /// `defaultPort` only decides whether `host` and `host:<default>` are the same entry.
    static func parse(_ text: String, defaultPort: Int? = nil) -> Inventory {
        var text = Substring(text)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        if looksLikeJSON(text) {
            return OrchHostListParser.parse(text, defaultPort: defaultPort)
        }
        return HostListParser.parse(text, defaultPort: defaultPort)
    }

    private static func looksLikeJSON(_ text: Substring) -> Bool {
        var rest = text.drop(while: { $0.isWhitespace })
        guard rest.first == "[" else { return false }
        rest = rest.dropFirst().drop(while: { $0.isWhitespace })
        return rest.first == "{" || rest.first == "]"
    }

    /// Keeps the first entry for each address+port and reports every host that repeats, once.
    static func dropDuplicates(_ entries: [HostEntry], defaultPort: Int?) -> ([HostEntry], [InventoryProblem]) {
        struct Key: Hashable { let address: String; let port: Int? }
        var firstIndex: [Key: Int] = [:]
        var repeats: [Int: [Int]] = [:]  // index in `kept` -> lines that repeat it
        var kept: [HostEntry] = []
        for entry in entries {
            let key = Key(address: entry.address.lowercased(), port: entry.port ?? defaultPort)
            if let first = firstIndex[key] {
                repeats[first, default: []].append(entry.line)
            } else {
                firstIndex[key] = kept.count
                kept.append(entry)
            }
        }
        let problems = repeats.keys.sorted().map { index -> InventoryProblem in
            let first = kept[index]
            let lines = repeats[index] ?? []
            return InventoryProblem(
                line: lines.first ?? first.line,
                kind: .duplicate(first.endpoint(defaultPort: nil), firstLine: first.line, repeats: lines))
        }
        return (kept, problems)
    }
}

enum HostListParser {
    /// "\r\n" is a single Character in Swift, so splitting on "\n" alone would miss CRLF files.
    private static func lines(_ text: Substring) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    static func parse(_ text: Substring, defaultPort: Int?) -> Inventory {
        var entries: [HostEntry] = []
        var problems: [InventoryProblem] = []
        for (i, rawLine) in lines(text).enumerated() {
            let lineNumber = i + 1
            var line = rawLine
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let token = line.trimmingWhitespace()
            if token.isEmpty { continue }
            if let space = token.firstIndex(where: { $0.isWhitespace }) {
                let extra = token[space...].trimmingWhitespace()
                problems.append(InventoryProblem(
                    line: lineNumber,
                    kind: .invalidAddress(String(token), reason: "expected one host[:port] per line, found extra text '\(InventoryProblem.quoted(extra))'")))
                continue
            }
            switch HostAddress.parse(Substring(token)) {
            case .success(let hp):
                entries.append(HostEntry(displayName: hp.host, address: hp.host, port: hp.port, line: lineNumber))
            case .failure(let failure):
                problems.append(InventoryProblem(line: lineNumber, kind: failure.problemKind))
            }
        }
        let (kept, duplicates) = InventoryParser.dropDuplicates(entries, defaultPort: defaultPort)
        return Inventory(format: .hostList, hosts: kept, problems: (problems + duplicates).sorted { $0.line < $1.line })
    }
}

enum OrchHostListParser {
    static func parse(_ text: Substring, defaultPort: Int?) -> Inventory {
        let bytes = Array(text.utf8)
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            let line = bytes.prefix(error.offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            return Inventory(format: .orchHostLs, hosts: [],
                             problems: [InventoryProblem(line: line, kind: .invalidJSON("line \(line): \(error.reason)"))])
        }
        guard case .array(let items) = root else {
            return Inventory(format: .orchHostLs, hosts: [], problems: [InventoryProblem(
                line: 1, kind: .unexpectedJSON("expected the array printed by 'ceph orch host ls --format json'"))])
        }
        var entries: [HostEntry] = []
        var problems: [InventoryProblem] = []
        for (i, item) in items.enumerated() {
            let number = i + 1
            guard case .object(let obj) = item else {
                problems.append(InventoryProblem(line: number, kind: .unexpectedJSON("expected an object with 'addr' and 'hostname'")))
                continue
            }
            guard let addr = obj["addr"]?.stringValue?.trimmingWhitespace(), !addr.isEmpty else {
                problems.append(InventoryProblem(line: number, kind: .unexpectedJSON("'addr' is missing or not a non-empty string")))
                continue
            }
            switch HostAddress.parse(Substring(addr)) {
            case .success(let hp):
                let name = obj["hostname"]?.stringValue?.trimmingWhitespace() ?? ""
                // The name is shown in every table: no escapes, no megabyte names.
                let shown = UntrustedText.escape(String(name), limit: 253, alphabet: .printableUnicode)
                entries.append(HostEntry(displayName: name.isEmpty ? hp.host : shown,
                                         address: hp.host, port: hp.port, line: number,
                                         labels: labels(obj["labels"]), nameFromInventory: !name.isEmpty))
            case .failure(let failure):
                problems.append(InventoryProblem(line: number, kind: failure.problemKind))
            }
        }
        let (kept, duplicates) = InventoryParser.dropDuplicates(entries, defaultPort: defaultPort)
        return Inventory(format: .orchHostLs, hosts: kept, problems: (problems + duplicates).sorted { $0.line < $1.line })
    }
}

extension OrchHostListParser {
    /// The string labels of an entry, trimmed, without empty or repeated ones, at most 32 of
    /// 64 characters each (grouping shows them; a hostile list must not blow up the screen).
    static func labels(_ value: JSONValue?) -> [String] {
        guard let items = value?.arrayValue else { return [] }
        var out: [String] = []
        for item in items {
            guard let text = item.stringValue?.trimmingWhitespace(), !text.isEmpty else { continue }
            let label = RemoteText.clip(String(text), limit: 64)
            if !out.contains(label) { out.append(label) }
            if out.count == 32 { break }
        }
        return out
    }
}

extension HostAddress.Failure {
    var problemKind: InventoryProblem.Kind {
        switch self {
        case .emptyHost: return .emptyHost
        case .badPort(let p): return .badPort(p)
        case .invalid(let a, let reason): return .invalidAddress(a, reason: reason)
        }
    }
}
