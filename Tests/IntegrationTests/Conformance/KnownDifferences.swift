import Common
import Foundation

/// One intentional difference between the Pacific reference (Debian's cephadm 16.2.15,
/// ceph-volume 16.2.15) and ours. `reconcile` rewrites exactly that difference out of the two
/// documents of its area (Pacific's first, ours second) before they are compared, so the
/// comparison tolerates it and nothing else.
struct KnownDifference: Sendable {
    enum Area: Sendable { case gatherFacts, listDaemons, inventory, exporter }

    /// The row's name, also the first cell of its row in README's "Differences from Pacific".
    let id: String
    /// The spec quirk (`Q15`) or the kind of change (`keep-alive`, `addition`, `order`, ...).
    let quirk: String
    let area: Area
    let pacific: String
    let ours: String
    let reconcile: @Sendable (inout JSONValue, inout JSONValue) -> Void
}

/// THE table: every difference the conformance suite tolerates, once each. README's
/// "Differences from Pacific" mirrors it (KnownDifferencesReadmeTests checks the ids).
enum KnownDifferences {
    static let table: [KnownDifference] = [
        // gather-facts
        KnownDifference(id: "arch", quirk: "Q15", area: .gatherFacts,
                        pacific: "`arch` is empty on Debian (Python's platform.processor())",
                        ours: "the kernel's machine name (`x86_64`)") { p, o in
            if p["arch"] == "" { p.set("arch", o["arch"]) }
        },
        KnownDifference(id: "not-disks", quirk: "Q15", area: .gatherFacts,
                        pacific: "loop, RAM, md and empty (size 0) devices are listed and counted as disks",
                        ours: "left out of `flash_*` and `hdd_*`") { p, _ in
            p.filterDisks { name, size in
                !(["loop", "ram", "md", "fd"].contains { name.hasPrefix($0) } || size == 0)
            }
        },
        KnownDifference(id: "multipath-once", quirk: "addition", area: .gatherFacts,
                        pacific: "a disk reached through several paths is listed and counted once per path",
                        ours: "once, the other paths in `alt_dev_name` (current cephadm)") { p, o in
            let others = Set(o.disks.flatMap { ($0["alt_dev_name"]?.stringValue ?? "").split(separator: ",").map(String.init) })
            if !others.isEmpty { p.filterDisks { name, _ in !others.contains(name) } }
        },
        KnownDifference(id: "ipv6-global", quirk: "Q15", area: .gatherFacts,
                        pacific: "`ipv6_address` is an interface's first address, often link-local",
                        ours: "its global address when it has one") { p, o in
            guard let names = p["interfaces"]?.objectValue?.keys else { return }
            for name in names {
                let pv = p["interfaces"]?[name]?["ipv6_address"]?.stringValue ?? ""
                let ov = o["interfaces"]?[name]?["ipv6_address"]
                if pv.hasPrefix("fe80:"), let ov, ov != "" { p.set(path: ["interfaces", name, "ipv6_address"], ov) }
            }
        },
        KnownDifference(id: "apparmor-count", quirk: "Q15", area: .gatherFacts,
                        pacific: "AppArmor profile counts per mode are one short", ours: "counted") { p, o in
            if p["kernel_security"]?["type"] == "AppArmor", o["kernel_security"]?["type"] == "AppArmor" {
                p.set("kernel_security", o["kernel_security"])
            }
        },
        KnownDifference(id: "identity-keys", quirk: "addition", area: .gatherFacts,
                        pacific: "no host serials, enclosures or per-disk identity",
                        ours: "`board_serial`, `chassis_serial`, `product_serial`, `enclosures`, `enclosure_count`; per disk `disk_type`, `serial`, `alt_dev_name`, `scsi_addr`, `enclosure_id`, `enclosure_slot`, `path_id`, `mpath` (current cephadm)") { _, o in
            for key in ["board_serial", "chassis_serial", "product_serial", "enclosures", "enclosure_count"] { o.set(key, nil) }
            for list in ["flash_list", "hdd_list"] {
                o.updateItems(list) { disk in
                    for key in ["disk_type", "serial", "alt_dev_name", "scsi_addr", "enclosure_id", "enclosure_slot", "path_id", "mpath"] {
                        disk.set(key, nil)
                    }
                }
            }
        },

        // list-daemons (cephadm ls)
        KnownDifference(id: "daemon-order", quirk: "order", area: .listDaemons,
                        pacific: "daemons in directory order (arbitrary)", ours: "by cluster directory, then name") { p, o in
            let rank = Dictionary(o.arrayValue?.enumerated().map { ($1.daemonKey, $0) } ?? [], uniquingKeysWith: { a, _ in a })
            if case .array(let items) = p { p = .array(items.sorted { rank[$0.daemonKey, default: .max] < rank[$1.daemonKey, default: .max] }) }
        },
        KnownDifference(id: "digest-order", quirk: "order", area: .listDaemons,
                        pacific: "`container_image_digests` in set order (arbitrary)", ours: "in the engine's order") { p, o in
            p.sortEach("container_image_digests")
            o.sortEach("container_image_digests")
        },

        // ceph-volume inventory vs the native inventory
        KnownDifference(id: "reason-order", quirk: "order", area: .inventory,
                        pacific: "`rejected_reasons` in set order (arbitrary)", ours: "in the order the rules are checked") { p, o in
            p.sortEach("rejected_reasons")
            o.sortEach("rejected_reasons")
        },
        KnownDifference(id: "native-lvm", quirk: "native", area: .inventory,
                        pacific: "`lvs`, `ceph_device` and \"Insufficient space (<10 extents) on vgs\" from LVM's tools",
                        ours: "natively: `lvs` empty, `ceph_device` false, that reason never given") { p, _ in
            p.updateItems { device in
                device.set("lvs", [])
                device.set("ceph_device", false)
                if case .array(let reasons)? = device["rejected_reasons"] {
                    device.set("rejected_reasons", .array(reasons.filter { $0 != "Insufficient space (<10 extents) on vgs" }))
                }
            }
        },

        // the exporter over HTTPS
        KnownDifference(id: "keep-alive", quirk: "keep-alive", area: .exporter,
                        pacific: "HTTP/1.0, the connection closed after each response",
                        ours: "HTTP/1.1 with keep-alive (HTTP/1.0 and `Connection: close` honoured)") { p, o in
            p.forEachProbe { label, summary in
                if summary["version"] == "HTTP/1.0", o[label]?["version"] == "HTTP/1.1" { summary.set("version", "HTTP/1.1") }
                if summary["second_request"] == "connection closed", o[label]?["second_request"] == "answered" {
                    summary.set("second_request", "answered")
                }
            }
        },
        KnownDifference(id: "204-body", quirk: "Q1", area: .exporter,
                        pacific: "204 followed by `Content-type: application/json` and the task record",
                        ours: "204 with no body and no content type") { p, o in
            p.forEachProbe { label, summary in
                guard summary["status"] == 204, o[label]?["body"] == "empty" else { return }
                summary.set("body", "empty")
                if o[label]?["content_type"] == "" { summary.set("content_type", "") }
            }
        },
        KnownDifference(id: "double-slash", quirk: "routing", area: .exporter,
                        pacific: "`//v1/metadata` answered as `/v1/metadata` (Python 3.11's http.server collapses leading slashes)",
                        ours: "404: routing is an exact match of the request target (spec 1.2)") { p, o in
            p.forEachProbe { label, summary in
                if label.contains(" //"), o[label]?["status"] == 404, summary["status"] != 404 { summary = o[label] ?? summary }
            }
        },
        KnownDifference(id: "task-detail", quirk: "addition", area: .exporter,
                        pacific: "health has `started_epoch_secs`, `tasks`, `errors`",
                        ours: "also `task_detail` (intervals, restarts, failures)") { _, o in
            o.forEachProbe { _, summary in
                summary.set(path: ["body", "task_detail"], nil)
                summary.set(path: ["body", "health", "task_detail"], nil)
            }
        },
        KnownDifference(id: "certificate-expiry", quirk: "addition", area: .exporter,
                        pacific: "health says nothing about the certificate",
                        ours: "also `certificate_expiry_epoch_secs`") { _, o in
            o.forEachProbe { _, summary in
                summary.set(path: ["body", "certificate_expiry_epoch_secs"], nil)
                summary.set(path: ["body", "health", "certificate_expiry_epoch_secs"], nil)
            }
        },
        KnownDifference(id: "stalled-handshake", quirk: "Q3", area: .exporter,
                        pacific: "a client that connects and sends nothing blocks every other client",
                        ours: "others are served meanwhile") { p, o in
            p.forEachProbe { label, summary in
                if summary["outcome"] == "timed out", o[label]?["status"] == 200 { summary = o[label] ?? summary }
            }
        },
        KnownDifference(id: "exit-status", quirk: "Q11", area: .exporter,
                        pacific: "exits 0 when it cannot start (missing token, busy port), so systemd never restarts it",
                        ours: "exits 1") { p, o in
            p.forEachProbe { label, summary in
                if summary["exit_status"] == 0, o[label]?["exit_status"] == 1 { summary.set("exit_status", 1) }
            }
        },
        KnownDifference(id: "first-scrape", quirk: "Q17", area: .exporter,
                        pacific: "each task's first scrape one interval after start (`{}` until then)",
                        ours: "the first scrape at start") { p, o in
            p.forEachProbe { label, summary in
                if summary["first_scrape"] == "one interval after start", o[label]?["first_scrape"] == "at start" {
                    summary.set("first_scrape", "at start")
                }
            }
        },
    ]

    /// Both documents with every row of `area` applied.
    static func reconciled(_ area: KnownDifference.Area, pacific: JSONValue, ours: JSONValue) -> (JSONValue, JSONValue) {
        var p = pacific, o = ours
        for row in table where row.area == area { row.reconcile(&p, &o) }
        return (p, o)
    }
}

// MARK: small editing helpers for the reconcile closures

extension JSONValue {
    mutating func set(_ key: String, _ value: JSONValue?) {
        guard case .object(var o) = self else { return }
        o[key] = value
        self = .object(o)
    }

    /// Sets (or with nil removes) a value below nested objects; missing parents are left alone.
    mutating func set(path: [String], _ value: JSONValue?) {
        guard let first = path.first else { return }
        if path.count == 1 { set(first, value); return }
        guard var child = self[first], child.objectValue != nil else { return }
        child.set(path: Array(path.dropFirst()), value)
        set(first, child)
    }

    /// Applies `body` to each item of this array, or of the array under `key`.
    mutating func updateItems(_ key: String? = nil, _ body: (inout JSONValue) -> Void) {
        if let key {
            guard var list = self[key] else { return }
            list.updateItems(nil, body)
            set(key, list)
            return
        }
        guard case .array(var items) = self else { return }
        for i in items.indices { body(&items[i]) }
        self = .array(items)
    }

    /// Sorts the string array under `key` in every item of this array.
    mutating func sortEach(_ key: String) {
        updateItems { item in
            if case .array(let values)? = item[key] {
                item.set(key, .array(values.sorted { ($0.stringValue ?? "") < ($1.stringValue ?? "") }))
            }
        }
    }

    /// The exporter summary's probes (label -> summary object).
    mutating func forEachProbe(_ body: (String, inout JSONValue) -> Void) {
        guard case .object(var probes) = self else { return }
        for label in probes.keys {
            guard var summary = probes[label] else { continue }
            body(label, &summary)
            probes[label] = summary
        }
        self = .object(probes)
    }

    var daemonKey: String { "\(self["fsid"]?.stringValue ?? "")/\(self["name"]?.stringValue ?? "")" }

    /// gather-facts' disks, flash and hdd.
    var disks: [JSONValue] { (self["flash_list"]?.arrayValue ?? []) + (self["hdd_list"]?.arrayValue ?? []) }

    /// Keeps the gather-facts disks `keep` accepts and recomputes the counts and capacities
    /// from what is left, as gather-facts computes them.
    mutating func filterDisks(_ keep: (String, Int64) -> Bool) {
        for kind in ["flash", "hdd"] {
            guard case .array(let list)? = self["\(kind)_list"] else { continue }
            let kept = list.filter { keep($0["dev_name"]?.stringValue ?? "", Int64($0["disk_size_bytes"]?.intValue ?? 0)) }
            let total = kept.reduce(Int64(0)) { $0 + Int64($1["disk_size_bytes"]?.intValue ?? 0) }
            set("\(kind)_list", .array(kept))
            set("\(kind)_count", .int(Int64(kept.count)))
            set("\(kind)_capacity_bytes", .int(total))
            set("\(kind)_capacity", .string(Self.decimalSize(Double(total))))
        }
    }

    /// gather-facts' size text (`274.9GB`, `0.0`).
    static func decimalSize(_ bytes: Double) -> String {
        var value = bytes
        for unit in ["", "KB", "MB", "GB", "TB", "PB", "EB", "ZB"] {
            if abs(value) < 1000 { return String(format: "%.1f", value) + unit }
            value /= 1000
        }
        return String(format: "%.1f", value) + "YB"
    }
}
