import Common
import Glibc

/// Several pollers, each with its own event loop thread and a share of the hosts, for a
/// one-shot sweep. A sweep of thousands of fresh TLS handshakes is bound by the CPU of the
/// thread that makes them (OpenSSL 3.0 spends about 0.6 ms of CPU on each client handshake),
/// so on an admin host with several cores it is spread over them. The result threads are
/// shared out too (`PollerSettings.resultThreads` is the group's). Each host belongs to one
/// poller; results reach `onResult` with the host's index in the whole inventory.
final class PollerGroup: Sendable {
    private let pollers: [Poller]

    /// Event loops for a sweep of `hosts`: one per two cores (each loop comes with its result
    /// thread, which reads the bodies), but one per 512 hosts at most (a smaller share is not
    /// worth a thread), at least one, at most eight. On two cores that is one: measured here,
    /// a second loop gained nothing (the exporters' side took the other core) and cost 10%
    /// more CPU.
    static func defaultLoops(hosts: Int, cores: Int) -> Int {
        max(1, min(8, cores / 2, hosts / 512))
    }

    /// The targets of each of `loops` pollers, renumbered from 0 (a poller indexes its hosts by
    /// position), and for each the inventory index of its hosts. Host `i` goes to poller
    /// `i % loops`, so every poller gets a share of every part of the inventory.
    static func partition(_ targets: [PollTarget], loops: Int) -> [(targets: [PollTarget], inventoryIndex: [Int])] {
        let n = max(1, min(loops, targets.count))
        var parts = [(targets: [PollTarget], inventoryIndex: [Int])](repeating: ([], []), count: n)
        for (position, t) in targets.enumerated() {
            let p = position % n
            parts[p].targets.append(PollTarget(index: parts[p].targets.count, name: t.name, address: t.address,
                                               port: t.port, credentials: t.credentials))
            parts[p].inventoryIndex.append(t.index)
        }
        return parts
    }

    /// `settings.maxInFlight` and `connectionBudget` are the group's: each poller gets its share.
    init(targets: [PollTarget], settings: PollerSettings, connectionBudget: Int, loops: Int,
         onResult: @escaping @Sendable (PollResult) -> Void) throws {
        let parts = Self.partition(targets, loops: loops)
        var share = settings
        share.maxInFlight = max(1, settings.maxInFlight / parts.count)
        share.resultThreads = settings.resultThreads == 0 ? 0 : max(1, settings.resultThreads / parts.count)
        var made: [Poller] = []
        for part in parts {
            let inventoryIndex = part.inventoryIndex
            made.append(try Poller(targets: part.targets, settings: share,
                                   connectionBudget: max(1, connectionBudget / parts.count)) { r in
                onResult(PollResult(hostIndex: inventoryIndex[r.hostIndex], startedAt: r.startedAt,
                                    latencySecs: r.latencySecs, outcome: r.outcome))
            })
        }
        pollers = made
    }

    var loops: Int { pollers.count }

    func start(spread: Bool) {
        for p in pollers { p.start(spread: spread) }
    }

    /// Stops every poller; returns once all their threads are done.
    func stop() {
        for p in pollers { p.stop() }
    }
}
