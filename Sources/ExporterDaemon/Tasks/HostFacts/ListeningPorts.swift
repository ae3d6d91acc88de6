/// The `tcp_ports_used`, `tcp6_ports_used`, `udp_ports_used` and `udp6_ports_used` facts:
/// the local ports of sockets that wait for peers, read from `/proc/net/{tcp,tcp6,udp,udp6}`
/// (the tables of the host's network namespace as this process sees it).
enum ListeningPorts {
    enum Table: String, CaseIterable {
        case tcp, tcp6, udp, udp6

        var factName: String { "\(rawValue)_ports_used" }
        var path: String { "/proc/net/\(rawValue)" }

        /// The socket state of a waiting socket: TCP_LISTEN (0A) for TCP; a UDP socket that is
        /// bound but not connected shows TCP_CLOSE (07).
        var waitingState: Substring { self == .tcp || self == .tcp6 ? "0A" : "07" }
    }

    /// Ports in table order, one per socket (a port bound on two addresses appears twice, as
    /// cephadm lists it). The header line and lines that do not parse are skipped.
    static func parse(_ text: String, table: Table) -> [Int] {
        var ports: [Int] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count > 3, fields[3] == table.waitingState,
                  let colon = fields[1].lastIndex(of: ":"),
                  let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16), (0...65_535).contains(port)
            else { continue }
            ports.append(port)
        }
        return ports
    }

    /// Every table's fact; a table that cannot be read (no IPv6 in the kernel) gives `[]`.
    static func read(from files: FileTree) -> [(fact: String, ports: [Int])] {
        Table.allCases.map { table in (table.factName, parse(files.readText(table.path) ?? "", table: table)) }
    }
}
