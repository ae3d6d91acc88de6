import Common
import Foundation
import Glibc
import XCTest

/// `cephadm ls --legacy-dir ROOT` (16.2.15) against `cephadm-exporter list-daemons --root ROOT`
/// on fixture trees: legacy daemons, cephadm daemons with unit.meta / unit.image, both mixed
/// (the checked-in stor01), daemons in every systemd state, and running containers. Entry for
/// entry, key for key (and in Pacific's key order), value for value.
final class ListDaemonsConformanceTests: XCTestCase {
    static let fsid = "3b1a5f0e-6c2d-11ee-8c99-0242ac120002"
    static let otherFSID = "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4"
    static let image = "quay.io/ceph/ceph@sha256:1d1e4b9c3f0a2e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d"

    /// Runs both on `root` and fails with every difference not in the table.
    private func assertSameDaemons(_ sandbox: PacificSandbox, root: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (pacific, ours) = try sandbox.bothJSON(pacific: ["ls", "--legacy-dir", root], ours: ["list-daemons", "--root", root])
        XCTAssertFalse(pacific.arrayValue?.isEmpty ?? true, "the fixture lists no daemons", file: file, line: line)
        let (p, o) = KnownDifferences.reconciled(.listDaemons, pacific: pacific, ours: ours)
        var lines = JSONComparison.differences(
            .object(JSONObject((p.arrayValue ?? []).map { ($0.daemonKey, $0) })),
            .object(JSONObject((o.arrayValue ?? []).map { ($0.daemonKey, $0) })))
        for (pe, oe) in zip(p.arrayValue ?? [], o.arrayValue ?? []) where pe.daemonKey == oe.daemonKey {
            lines += JSONComparison.keyOrderDifference(pe.objectValue ?? JSONObject(), oe.objectValue ?? JSONObject(), at: pe.daemonKey)
        }
        if (p.arrayValue ?? []).map(\.daemonKey) != (o.arrayValue ?? []).map(\.daemonKey), lines.isEmpty {
            lines.append("order: cephadm \((p.arrayValue ?? []).map(\.daemonKey)), ours \((o.arrayValue ?? []).map(\.daemonKey))")
        }
        XCTAssertTrue(lines.isEmpty, JSONComparison.report("list-daemons on \(root)", lines), file: file, line: line)
    }

    func test_legacy_daemons_match_pacific() throws {
        let sandbox = try PacificSandbox()
        let root = try FixtureTree(in: sandbox, "legacy")
        try root.addLegacyDaemons()
        try assertSameDaemons(sandbox, root: root.path)
    }

    func test_cephadm_daemons_with_unit_meta_and_unit_image_match_pacific() throws {
        let sandbox = try PacificSandbox()
        let root = try FixtureTree(in: sandbox, "cephadm")
        try root.addCephadmDaemons()
        try assertSameDaemons(sandbox, root: root.path)
    }

    func test_mixed_legacy_and_cephadm_host_stor01_matches_pacific() throws {
        let sandbox = try PacificSandbox()
        let root = try FixtureTree(in: sandbox, "stor01")
        try FileManager.default.createDirectory(atPath: root.path + "/var/lib", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.path + "/etc", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.fixtures + "/roots/stor01/var/lib/ceph", toPath: root.path + "/var/lib/ceph")
        try FileManager.default.copyItem(atPath: TestPaths.fixtures + "/roots/stor01/etc/ceph", toPath: root.path + "/etc/ceph")
        try assertSameDaemons(sandbox, root: root.path)
    }

    func test_running_stopped_failed_and_disabled_units_match_pacific() throws {
        let sandbox = try PacificSandbox()
        let root = try FixtureTree(in: sandbox, "states")
        try root.addCephadmDaemons()
        try root.addLegacyDaemons()
        try root.directory("run/systemd/system")
        let fsid = Self.fsid
        try root.file("unit-states", """
            ceph-\(fsid)@mon.stor9 enabled active
            ceph-\(fsid)@osd.5 enabled inactive
            ceph-\(fsid)@crash.stor9 enabled failed
            ceph-\(fsid)@node-exporter.stor9 disabled inactive
            ceph-mon@stor9 enabled activating
            ceph-osd@3 static active

            """)
        // systemctl as both ask it: cephadm `is-enabled U` / `is-active U`, ours `show ... -- U...`.
        let states = root.path + "/unit-states"
        try sandbox.addScript("systemctl", """
            field() { grep "^$1 " \(states) | cut -d' ' -f$2; }
            case "$1" in
              is-enabled) s=$(field "$2" 2); echo "${s:-not-found}"; [ "$s" = enabled ] || [ "$s" = static ] ;;
              is-active) s=$(field "$2" 3); echo "${s:-inactive}"; [ "$s" = active ] ;;
              show) shift 3
                    for u in "$@"; do
                      a=$(field "$u" 3)
                      # systemd calls a unit it does not know inactive, with no unit-file state.
                      printf 'Id=%s.service\\nActiveState=%s\\nUnitFileState=%s\\n\\n' "$u" "${a:-inactive}" "$(field "$u" 2)"
                    done ;;
              *) exit 1 ;;
            esac
            """)
        try assertSameDaemons(sandbox, root: root.path)
    }

    func test_running_containers_match_pacific() throws {
        let sandbox = try PacificSandbox()
        let root = try FixtureTree(in: sandbox, "containers")
        try root.addCephadmDaemons()
        let fsid = Self.fsid
        let monID = "5f2c1d0e9b8a79685746352413021f0e1d2c3b4a59687766554433221100ffee"
        let osdID = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
        let imageID = "sha256:2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e"
        // One running mon (current container name) and one osd found by its older dotted
        // name, as both engines' queries ask for them.
        try sandbox.addScript("podman", """
            mon="\(monID),\(Self.image),\(imageID),2026-11-30 21:15:02.123456789 +0000 UTC,16.2.15"
            osd="\(osdID),\(Self.image),\(imageID),2026-11-30T21:16:03.5Z,16.2.15"
            case "$1" in
              version) echo 4.3.1 ;;
              inspect) case "$4" in
                         ceph-\(fsid)-mon-stor9) echo "$mon" ;;
                         ceph-\(fsid)-osd.5) echo "$osd" ;;
                         *) echo "Error: no such object: $4" >&2; exit 125 ;;
                       esac ;;
              container) shift 3
                         for n in "$@"; do
                           case "$n" in
                             ceph-\(fsid)-mon-stor9) echo "$n,$mon" ;;
                             ceph-\(fsid)-osd.5) echo "/$n,$osd" ;;
                           esac
                         done ;;
              image) case "$5" in
                       "{{.RepoDigests}}") echo "[quay.io/ceph/ceph@sha256:aaa ceph/ceph@sha256:bbb]" ;;
                       *) echo "\(imageID),[quay.io/ceph/ceph@sha256:aaa ceph/ceph@sha256:bbb]" ;;
                     esac ;;
              stats) case "$3" in
                       "{{.ID}},{{.MemUsage}}") echo "5f2c1d0e9b8a,412.3MiB / 62.5GiB"; echo "0a1b2c3d4e5f,1.203GiB / 62.5GiB" ;;
                       "{{.ID}},{{.CPUPerc}}") echo "5f2c1d0e9b8a,1.52%"; echo "0a1b2c3d4e5f,12.07%" ;;
                       *) echo "5f2c1d0e9b8a,412.3MiB / 62.5GiB,1.52%"; echo "0a1b2c3d4e5f,1.203GiB / 62.5GiB,12.07%" ;;
                     esac ;;
              *) echo "podman stand-in: $*" >&2; exit 125 ;;
            esac
            """)
        try assertSameDaemons(sandbox, root: root.path)
    }
}

/// A file-system root built for one comparison, inside the sandbox's directory.
struct FixtureTree {
    let path: String

    init(in sandbox: PacificSandbox, _ name: String) throws {
        path = sandbox.dir + "/root-" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func directory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }

    func file(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    /// Package-installed daemons of cluster `ceph` (fsid in ceph.conf or the OSD's
    /// ceph_fsid), one of a cluster without a config (fsid unknown), and entries neither lists.
    func addLegacyDaemons() throws {
        let fsid = ListDaemonsConformanceTests.otherFSID
        try file("etc/ceph/ceph.conf", "[global]\n\tfsid = \(fsid)\n\tmon host = 10.0.0.9\n")
        try file("var/lib/ceph/mon/ceph-stor9/keyring", "[mon.]\n")
        try file("var/lib/ceph/osd/ceph-3/ceph_fsid", "\(fsid)\n")
        try file("var/lib/ceph/osd/ceph-3/whoami", "3\n")
        try directory("var/lib/ceph/osd/ceph-4")
        try directory("var/lib/ceph/mgr/ceph-stor9")
        try directory("var/lib/ceph/mds/ceph-stor9")
        try directory("var/lib/ceph/mon/backup-b")
        try directory("var/lib/ceph/osd/nodash")
        try directory("var/lib/ceph/bootstrap-osd")
        try directory("var/lib/ceph/tmp")
    }

    /// cephadm-deployed daemons of two clusters: unit.meta with and without extra keys, a
    /// unit.image, an empty unit.image, no unit files at all, the exporter, and the entries
    /// cephadm keeps in a cluster directory that are not daemons.
    func addCephadmDaemons() throws {
        let fsid = ListDaemonsConformanceTests.fsid
        let image = ListDaemonsConformanceTests.image
        let base = "var/lib/ceph/\(fsid)"
        try file("\(base)/mon.stor9/unit.meta", """
            {"service_name": "mon", "ports": [], "ip": null, "deployed_by": ["\(image)"], "rank": null, "rank_generation": null}
            """)
        try file("\(base)/mon.stor9/unit.image", image + "\n")
        try file("\(base)/mon.stor9/unit.created", "")
        try file("\(base)/mon.stor9/unit.configured", "")
        try file("\(base)/osd.5/unit.meta", """
            {"service_name": "osd.default", "ports": [], "ip": null, "deployed_by": ["\(image)"], "memory_request": 4294967296, "memory_limit": null, "extra_container_args": ["--cpus=2"], "osdspec_affinity": "default"}
            """)
        try file("\(base)/osd.5/unit.image", image + "\n")
        try file("\(base)/osd.5/unit.created", "")
        try file("\(base)/crash.stor9/unit.image", "")
        try file("\(base)/crash.stor9/unit.run", "#!/bin/sh\n")
        try file("\(base)/node-exporter.stor9/unit.image", "quay.io/prometheus/node-exporter:v1.3.1\n")
        try file("\(base)/node-exporter.stor9/unit.meta", "{\"service_name\": \"node-exporter\", \"ports\": [9100]}\n")
        try file("\(base)/cephadm-exporter.stor9/unit.meta", "{\"ports\": [9443]}\n")
        try file("\(base)/cephadm-exporter.stor9/token", "secret-token-123\n")
        try file("\(base)/cephadm-exporter.stor9/unit.created", "")
        try file("\(base)/cephadm.4f2e6c1d", "#!/usr/bin/python3\n")
        try directory("\(base)/home")
        try directory("\(base)/removed")
        try directory("\(base)/crash/posted")
        try file("var/lib/ceph/\(ListDaemonsConformanceTests.otherFSID)/rgw.objstore.stor9.qwerty/unit.image", image + "\n")
        try directory("var/lib/ceph/not-a-cluster-dir/osd.1")
    }
}
