/// When a sweep of the fleet ends, for the header's sweep time, polls/s and history bar.
///
/// A sweep ends when every host has a result since the last sweep ended, except the hosts that
/// were unreachable when it began (their last poll got no HTTP answer: refused, timed out, TLS
/// failed). The poller spaces their polls out, doubling up to a minute, so waiting for them
/// would make one dead host of 10,000 stretch every sweep to a minute and the header read as
/// if the poller could not keep up. Their results still count while the sweep runs, and a host
/// that answers again is waited for from the next sweep on. When every host is unreachable,
/// the sweep waits for all of them.
struct SweepTracker: Sendable {
    struct Completed: Equatable {
        /// From the first request sent to the last response received.
        let durationSecs: Double
        /// Results folded during the sweep (a host may have several).
        let polls: Int
        /// Local time of the last response.
        let endedAt: Double
    }

    /// Per host, one byte (a dashboard of 10,000 hosts keeps 10 KB of these).
    private static let seen: UInt8 = 1
    private static let unreachable: UInt8 = 2
    private static let notAwaited: UInt8 = 4

    private var flags: [UInt8]
    /// Hosts this sweep still waits for.
    private var awaited: Int
    private var unreachableCount = 0
    private var polls = 0
    private var start: Double?
    private var end = -Double.infinity

    init(hosts: Int) {
        flags = Array(repeating: 0, count: max(0, hosts))
        awaited = max(0, hosts)
    }

    /// A host added during a sweep (a new Prometheus target): that sweep waits for it too.
    mutating func appendHost() {
        flags.append(0)
        awaited += 1
    }

    /// Notes one result of host `i`; the sweep it completes, if it does.
    mutating func record(host i: Int, startedAt: Double, receivedAt: Double, answered: Bool) -> Completed? {
        guard flags.indices.contains(i) else { return nil }
        start = min(start ?? startedAt, startedAt)
        end = max(end, receivedAt)
        polls += 1
        var f = flags[i]
        if f & Self.seen == 0 {
            f |= Self.seen
            if f & Self.notAwaited == 0 { awaited -= 1 }
        }
        if answered, f & Self.unreachable != 0 {
            f &= ~Self.unreachable
            unreachableCount -= 1
        } else if !answered, f & Self.unreachable == 0 {
            f |= Self.unreachable
            unreachableCount += 1
        }
        flags[i] = f
        guard awaited == 0, let start else { return nil }
        let done = Completed(durationSecs: max(0, end - start), polls: polls, endedAt: end)
        beginSweep()
        return done
    }

    private mutating func beginSweep() {
        let skipUnreachable = unreachableCount < flags.count
        awaited = 0
        for k in flags.indices {
            let unreachable = flags[k] & Self.unreachable
            if unreachable != 0 && skipUnreachable {
                flags[k] = unreachable | Self.notAwaited
            } else {
                flags[k] = unreachable
                awaited += 1
            }
        }
        polls = 0
        start = nil
        end = -Double.infinity
    }
}
