import Common

/// One host to poll (or to ssh into, for `fleet apply`): the parser does not know which port it
/// is, so `port` is nil when the line gave none and the caller applies its own default.
struct HostEntry: Sendable, Equatable {
    /// What the operator sees: the `hostname` of an orch entry, else the address as written.
    let displayName: String
    /// Host name or IP literal to connect to; IPv6 without brackets.
    let address: String
    let port: Int?
    /// 1-based line of a host list, or 1-based entry of an orch JSON array.
    let line: Int
    /// `labels` of an orch entry (grouping by label); empty for a host list.
    let labels: [String]
    /// The name is the orch entry's `hostname`: it wins over the name the host's facts report.
    let nameFromInventory: Bool

    init(displayName: String, address: String, port: Int?, line: Int, labels: [String] = [],
         nameFromInventory: Bool = false)
    {
        self.displayName = displayName
        self.address = address
        self.port = port
        self.line = line
        self.labels = labels
        self.nameFromInventory = nameFromInventory
    }

    var isIPv6Literal: Bool { address.contains(":") }

    /// `address:port`, bracketing IPv6 literals so the colon before the port is unambiguous.
    func endpoint(defaultPort: Int?) -> String {
        let host = isIPv6Literal ? "[\(address)]" : address
        guard let p = port ?? defaultPort else { return host }
        return "\(host):\(p)"
    }
}

enum InventoryFormat: Sendable, Equatable {
    /// One `host[:port]` per line.
    case hostList
    /// `ceph orch host ls --format json`.
    case orchHostLs
}

struct InventoryProblem: Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case emptyHost
        case badPort(String)
        case invalidAddress(String, reason: String)
        /// The first occurrence's line and every later line that repeats it (all skipped).
        case duplicate(String, firstLine: Int, repeats: [Int])
        case invalidJSON(String)
        case unexpectedJSON(String)
    }

    /// Line of a host list or entry of an orch array (1-based), as `InventoryFormat` says.
    let line: Int
    let kind: Kind

    /// Bounded and escaped: a host list may hold a megabyte-long line or terminal escapes, and
    /// the message is printed to the operator's terminal.
    var message: String {
        UntrustedText.escape(unboundedMessage, limit: Self.maxMessage, alphabet: .printableUnicode)
    }

    static let maxMessage = 300
    /// How much of an offending entry a message quotes.
    static let maxQuoted = 80

    static func quoted(_ text: some StringProtocol) -> String {
        UntrustedText.escape(String(text), limit: maxQuoted, alphabet: .printableUnicode)
    }

    private var unboundedMessage: String {
        switch kind {
        case .emptyHost: return "no host name before the port"
        case .badPort(let p) where p.isEmpty: return "missing port number after ':'"
        case .badPort(let p): return "bad port '\(Self.quoted(p))' (expected a number from 1 to 65535)"
        case .invalidAddress(let a, let reason): return "'\(Self.quoted(a))' is not a host name or IP address: \(reason)"
        case .duplicate(let host, let first, let repeats):
            let lines = repeats.map(String.init).joined(separator: ", ")
            return "\(Self.quoted(host)) repeats the entry at \(first) (again at \(lines)); the repeats are skipped"
        case .invalidJSON(let why): return "not valid JSON: \(why)"
        case .unexpectedJSON(let why): return why
        }
    }

    var description: String { "\(line): \(message)" }
}

struct Inventory: Sendable, Equatable {
    let format: InventoryFormat
    let hosts: [HostEntry]
    let problems: [InventoryProblem]

    /// `hosts.txt:7: bad port ...` or `hosts.json: entry 2: ...`, for printing to the operator.
    func describe(_ problem: InventoryProblem, source: String) -> String {
        switch format {
        case .hostList: return "\(source):\(problem.line): \(problem.message)"
        case .orchHostLs: return "\(source): entry \(problem.line): \(problem.message)"
        }
    }
}
