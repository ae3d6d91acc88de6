import Common
import Foundation
import XCTest

@testable import ExporterDaemon

final class DaemonListTests: XCTestCase {
    static let fsid = "7d2b7a4e-35c1-11ee-9a1a-0cc47a1c2a10"
    static let otherFSID = "c1d2e3f4-0a1b-4c2d-8e3f-4a5b6c7d8e9f"
    static let image = "quay.io/ceph/ceph@sha256:6ac7f923aa1d23b43248ce0ddec7e1388855ee3d00813b52c3172b0b23b37906"

    /// stor01's /var/lib/ceph and /etc/ceph copied to a temporary root, the unit.* files
    /// given fixed modification times (git does not keep them).
    private func stor01Copy() throws -> TemporaryTree {
        let tree = try TemporaryTree()
        try tree.copy(fromFixture: "roots/stor01/var/lib/ceph", to: "var/lib/ceph")
        try tree.copy(fromFixture: "roots/stor01/etc/ceph", to: "etc/ceph")
        let base = 1_690_000_000
        let times: [String: (Int, Int)] = [
            "unit.created": (base, 123_456_789), "unit.image": (base + 60, 500_000_000), "unit.configured": (base + 3600, 1_000),
        ]
        for fsid in [Self.fsid, Self.otherFSID] {
            for daemon in try FileManager.default.contentsOfDirectory(atPath: tree.full("var/lib/ceph/\(fsid)")) {
                for (file, (sec, nsec)) in times {
                    let path = tree.full("var/lib/ceph/\(fsid)/\(daemon)/\(file)")
                    guard FileManager.default.fileExists(atPath: path) else { continue }
                    var stamps = [timespec(tv_sec: sec, tv_nsec: nsec), timespec(tv_sec: sec, tv_nsec: nsec)]
                    XCTAssertEqual(utimensat(AT_FDCWD, path, &stamps, 0), 0)
                }
            }
        }
        return tree
    }

    private func environment(systemd: Bool = false, bin: String? = nil) -> DaemonListEnvironment {
        DaemonListEnvironment(systemdIsRunning: { _ in systemd },
                              runner: bin.map { CommandRunner(searchPath: $0) } ?? GatherFixtures.emptyPathRunner,
                              commandTimeoutSecs: 20)
    }

    private func names(_ daemons: [JSONValue]) -> [String] { daemons.compactMap { $0["name"]?.stringValue } }

    private func entry(_ name: String, in daemons: [JSONValue]) -> JSONObject? {
        daemons.first(where: { $0["name"]?.stringValue == name })?.objectValue
    }

    // MARK: the fixture, no systemd, no container engine

    func test_stor01_without_systemd_or_container_engine_matches_the_expected_json() throws {
        let tree = try stor01Copy()
        let task = DaemonListTask(root: tree.root, environment: environment())
        XCTAssertEqual(task.name, .daemons)
        let output = try task.scrape(GatherFixtures.context())
        XCTAssertEqual(output.errors, [])
        try GatherFixtures.assertMatchesExpected(output.data, "stor01-list-daemons.json")
    }

    func test_only_daemon_directories_are_listed() throws {
        let tree = try stor01Copy()
        let (daemons, _) = try DaemonListTask(root: tree.root, environment: environment()).list()
        // Not listed: bootstrap-osd, tmp, crash, mds/noclusterprefix, <fsid>/{crash,removed,home},
        // the cephadm.<hash> and selinux files.
        XCTAssertEqual(names(daemons), [
            "cephadm-exporter.stor01", "crash.stor01", "mgr.stor01.xkqtra", "node-exporter.stor01", "osd.3", "osd.7",
            "rgw.objstore.stor01.abcdef", "mon.stor01", "osd.12",
        ])
    }

    func test_cephadm_entries_have_pacifics_key_order_with_unit_meta_merged_after_state() throws {
        let tree = try stor01Copy()
        let (daemons, _) = try DaemonListTask(root: tree.root, environment: environment()).list()
        XCTAssertEqual(entry("node-exporter.stor01", in: daemons)?.keys, [
            "style", "name", "fsid", "systemd_unit", "enabled", "state", "service_name", "ports", "ip", "deployed_by",
            "container_id", "container_image_name", "container_image_id", "container_image_digests", "version", "started",
            "created", "deployed", "configured",
        ])
        XCTAssertEqual(entry("mon.stor01", in: daemons)?.keys,
                       ["style", "name", "fsid", "systemd_unit", "enabled", "state", "host_version"])
    }

    func test_the_exporter_has_its_own_unit_name_and_no_container_or_deploy_time() throws {
        let tree = try stor01Copy()
        let (daemons, _) = try DaemonListTask(root: tree.root, environment: environment()).list()
        let exporter = try XCTUnwrap(entry("cephadm-exporter.stor01", in: daemons))
        XCTAssertEqual(exporter["systemd_unit"], .string("ceph-\(Self.fsid)-cephadm-exporter.stor01"))
        XCTAssertEqual(exporter["container_image_name"], .null)
        XCTAssertEqual(exporter["deployed"], .null, "no unit.image")
        XCTAssertEqual(exporter["configured"], .null, "no unit.configured")
        XCTAssertEqual(exporter["created"], "2023-07-22T04:26:40.123457Z")
        XCTAssertNil(exporter["memory_usage"], "memory_usage only comes with a container id")
        XCTAssertEqual(entry("osd.3", in: daemons)?["systemd_unit"], .string("ceph-\(Self.fsid)@osd.3"))
    }

    func test_without_systemd_units_are_unknown_and_not_enabled() throws {
        let tree = try stor01Copy()
        let (daemons, _) = try DaemonListTask(root: tree.root, environment: environment()).list()
        for daemon in daemons {
            XCTAssertEqual(daemon["enabled"], false)
            XCTAssertEqual(daemon["state"], "unknown")
        }
    }

    func test_without_a_container_the_deployed_image_name_comes_from_unit_image() throws {
        let tree = try stor01Copy()
        let (daemons, _) = try DaemonListTask(root: tree.root, environment: environment()).list()
        XCTAssertEqual(entry("node-exporter.stor01", in: daemons)?["container_image_name"], "quay.io/prometheus/node-exporter:v1.3.1")
        XCTAssertEqual(entry("osd.3", in: daemons)?["deployed"], "2023-07-22T04:27:40.500000Z")
        XCTAssertEqual(entry("osd.3", in: daemons)?["configured"], "2023-07-22T05:26:40.000001Z")
    }

    func test_legacy_fsid_comes_from_the_osd_file_or_ceph_conf_else_unknown() throws {
        let tree = try TemporaryTree(files: [
            "var/lib/ceph/osd/ceph-1/ceph_fsid": "11111111-2222-3333-4444-555555555555\n",
            "var/lib/ceph/mon/ceph-a/keyring": "",
            "var/lib/ceph/mgr/backup-x/keyring": "",
            "etc/ceph/ceph.conf": "[client]\nfsid = wrong\n[global]\n  fsid = 99999999-2222-3333-4444-555555555555 \n",
        ])
        let (daemons, _) = try DaemonListTask(root: tree.root, environment: environment()).list()
        XCTAssertEqual(entry("osd.1", in: daemons)?["fsid"], "11111111-2222-3333-4444-555555555555")
        XCTAssertEqual(entry("mon.a", in: daemons)?["fsid"], "99999999-2222-3333-4444-555555555555")
        XCTAssertEqual(entry("mgr.x", in: daemons)?["fsid"], "unknown", "no /etc/ceph/backup.conf")
        XCTAssertEqual(entry("mgr.x", in: daemons)?["systemd_unit"], "ceph-mgr@x")
    }

    func test_the_fsid_filter_keeps_only_that_clusters_daemons() throws {
        let tree = try stor01Copy()
        let (daemons, _) = try DaemonListTask(root: tree.root, fsid: Self.otherFSID, environment: environment()).list()
        XCTAssertEqual(names(daemons), ["rgw.objstore.stor01.abcdef"])
        let (main, _) = try DaemonListTask(root: tree.root, fsid: Self.fsid, environment: environment()).list()
        XCTAssertTrue(names(main).contains("osd.12"), "legacy daemons of the cluster stay")
        XCTAssertFalse(names(main).contains("rgw.objstore.stor01.abcdef"))
    }

    func test_a_custom_data_dir_is_read_below_the_root() throws {
        let tree = try TemporaryTree(files: ["srv/ceph/\(Self.fsid)/mon.a/unit.run": ""])
        let (daemons, _) = try DaemonListTask(root: tree.root, dataDir: "/srv/ceph/", environment: environment()).list()
        XCTAssertEqual(names(daemons), ["mon.a"])
    }

    func test_a_missing_data_dir_gives_an_empty_list() throws {
        let tree = try TemporaryTree()
        let output = try DaemonListTask(root: tree.root, environment: environment()).scrape(GatherFixtures.context())
        XCTAssertEqual(output.data, [])
    }

    func test_an_unreadable_data_dir_throws_naming_it() throws {
        let tree = try TemporaryTree(files: ["var/lib/ceph": "a file, not a directory"])
        XCTAssertThrowsError(try DaemonListTask(root: tree.root, environment: environment()).list()) { error in
            XCTAssertTrue("\(error)".contains(tree.full("var/lib/ceph")), "\(error)")
        }
    }

    func test_invalid_unit_meta_is_reported_and_the_daemon_still_listed() throws {
        let tree = try TemporaryTree(files: [
            "var/lib/ceph/\(Self.fsid)/osd.1/unit.meta": "{\"service_name\": ",
            "var/lib/ceph/\(Self.fsid)/osd.2/unit.meta": "[1, 2]",
        ])
        let (daemons, problems) = try DaemonListTask(root: tree.root, environment: environment()).list()
        XCTAssertEqual(names(daemons), ["osd.1", "osd.2"])
        XCTAssertNil(entry("osd.1", in: daemons)?["service_name"])
        XCTAssertEqual(problems.count, 2)
        XCTAssertTrue(problems[0].contains("osd.1/unit.meta"), problems[0])
        XCTAssertTrue(problems[1].contains("not a JSON object"), problems[1])
    }

    // MARK: with systemd and a container engine (fake commands on PATH)

    func test_unit_states_come_from_one_systemctl_call_when_systemd_runs() throws {
        let tree = try stor01Copy()
        try tree.add(script: "bin/systemctl", """
            echo "$@" >> \(tree.full("systemctl.calls"))
            seen=""
            for arg in "$@"; do
              if [ "$seen" = yes ]; then
                echo "Id=$arg.service"
                case "$arg" in
                  *osd.3) echo "ActiveState=active"; echo "UnitFileState=enabled" ;;
                  *osd.7) echo "ActiveState=failed"; echo "UnitFileState=enabled" ;;
                  *mgr.*) echo "ActiveState=inactive"; echo "UnitFileState=disabled" ;;
                  ceph-mon@stor01) echo "ActiveState=activating"; echo "UnitFileState=static" ;;
                  *) echo "ActiveState=inactive"; echo "UnitFileState=" ;;
                esac
                echo
              fi
              [ "$arg" = "--" ] && seen=yes
            done
            exit 0
            """)
        let (daemons, problems) = try DaemonListTask(root: tree.root, environment: environment(systemd: true, bin: tree.full("bin"))).list()
        XCTAssertEqual(problems, [])
        XCTAssertEqual(entry("osd.3", in: daemons)?["state"], "running")
        XCTAssertEqual(entry("osd.3", in: daemons)?["enabled"], true)
        XCTAssertEqual(entry("osd.7", in: daemons)?["state"], "error")
        XCTAssertEqual(entry("mgr.stor01.xkqtra", in: daemons)?["state"], "stopped")
        XCTAssertEqual(entry("mgr.stor01.xkqtra", in: daemons)?["enabled"], false)
        XCTAssertEqual(entry("mon.stor01", in: daemons)?["state"], "unknown")
        XCTAssertEqual(entry("mon.stor01", in: daemons)?["enabled"], true, "static units count as enabled")
        let calls = tree.read("systemctl.calls")?.split(separator: "\n") ?? []
        XCTAssertEqual(calls.count, 1)
        XCTAssertTrue(calls.first?.hasPrefix("show --property=Id,ActiveState,UnitFileState -- ceph-\(Self.fsid)-cephadm-exporter.stor01 ") ?? false,
                      String(calls.first ?? ""))
    }

    func test_container_fields_come_from_the_engine_in_three_calls() throws {
        let tree = try stor01Copy()
        let containerID = "a1b2c3d4e5f60718293a4b5c6d7e8f9000112233445566778899aabbccddeeff"
        try tree.add(script: "bin/podman", """
            echo "$1 $2" >> \(tree.full("podman.calls"))
            case "$1 $2" in
              "container inspect")
                for name in "$@"; do
                  case "$name" in
                    ceph-\(Self.fsid)-osd-3) echo "ceph-\(Self.fsid)-osd-3,\(containerID),\(Self.image),sha256:0123abcd,2023-07-22 06:00:00.987654321 +0200 CEST,16.2.15" ;;
                    ceph-\(Self.fsid)-mgr.stor01.xkqtra) echo "/ceph-\(Self.fsid)-mgr.stor01.xkqtra,ffee0011,\(Self.image),0123abcd,2023-07-22T04:00:00Z,<no value>" ;;
                  esac
                done
                echo "Error: no such container ceph-\(Self.fsid)-osd-7" >&2
                exit 125 ;;
              "image inspect") echo "sha256:0123abcd,[quay.io/ceph/ceph@sha256:aaa ceph/ceph@sha256:bbb quay.io/ceph/ceph@sha256:aaa]" ;;
              "stats --format") echo "a1b2c3d4e5f6,1.5GiB / 125.8GiB,0.52%"; echo "deadbeef0000,10MB / 1GB,1.00%" ;;
            esac
            """)
        let (daemons, problems) = try DaemonListTask(root: tree.root, environment: environment(bin: tree.full("bin"))).list()
        XCTAssertEqual(problems, [])
        let osd = try XCTUnwrap(entry("osd.3", in: daemons))
        XCTAssertEqual(osd["container_id"], .string(containerID))
        XCTAssertEqual(osd["container_image_name"], .string(Self.image))
        XCTAssertEqual(osd["container_image_id"], "0123abcd")
        XCTAssertEqual(osd["container_image_digests"], ["quay.io/ceph/ceph@sha256:aaa", "docker.io/ceph/ceph@sha256:bbb"])
        XCTAssertEqual(osd["memory_usage"], .int(1_610_612_736))
        XCTAssertEqual(osd["cpu_percentage"], "0.52%", "as the engine prints it, like cephadm 16.2.15")
        XCTAssertEqual(osd["version"], "16.2.15")
        XCTAssertEqual(osd["started"], "2023-07-22T04:00:00.987654Z")
        XCTAssertEqual(Array(osd.keys.suffix(8)), [
            "container_image_digests", "memory_usage", "cpu_percentage", "version", "started", "created", "deployed", "configured",
        ])

        let mgr = try XCTUnwrap(entry("mgr.stor01.xkqtra", in: daemons))
        XCTAssertEqual(mgr["container_id"], "ffee0011", "found by its older dotted container name")
        XCTAssertEqual(mgr["memory_usage"], .null, "a container stats does not list")
        XCTAssertEqual(mgr["cpu_percentage"], .null)
        XCTAssertEqual(mgr["version"], .null)

        let stopped = try XCTUnwrap(entry("osd.7", in: daemons))
        XCTAssertEqual(stopped["container_id"], .null)
        XCTAssertNil(stopped["memory_usage"])
        XCTAssertNil(stopped["cpu_percentage"])
        XCTAssertEqual(stopped["container_image_name"], .string(Self.image), "from unit.image")

        XCTAssertEqual(tree.read("podman.calls")?.split(separator: "\n"), ["container inspect", "image inspect", "stats --format"])
    }

    func test_docker_is_used_when_podman_is_absent_and_its_failures_are_reported_not_fatal() throws {
        let tree = try stor01Copy()
        try tree.add(script: "bin/docker", "echo 'Cannot connect to the Docker daemon' >&2; exit 1")
        let (daemons, problems) = try DaemonListTask(root: tree.root, environment: environment(bin: tree.full("bin"))).list()
        XCTAssertEqual(daemons.count, 9)
        XCTAssertEqual(entry("osd.3", in: daemons)?["container_id"], .null)
        XCTAssertEqual(problems, [], "no container found is not a problem: stopped daemons have none")
    }

    func test_a_hanging_engine_times_out_into_a_problem_note() throws {
        let tree = try stor01Copy()
        try tree.add(script: "bin/podman", "sleep 30")
        var env = environment(bin: tree.full("bin"))
        env.commandTimeoutSecs = 0.3
        let (daemons, problems) = try DaemonListTask(root: tree.root, environment: env).list()
        XCTAssertEqual(daemons.count, 9)
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("podman container inspect"), problems[0])
        XCTAssertTrue(problems[0].contains("did not finish"), problems[0])
    }

    func test_legacy_daemons_get_the_host_ceph_version() throws {
        let tree = try TemporaryTree(files: ["var/lib/ceph/mon/ceph-a/keyring": ""])
        try tree.add(script: "bin/ceph", "echo 'ceph version 14.2.21 (5ef401921d7a88aea18ec7558f7f9374ebd8f5a6) nautilus (stable)'")
        let (daemons, _) = try DaemonListTask(root: tree.root, environment: environment(bin: tree.full("bin"))).list()
        XCTAssertEqual(entry("mon.a", in: daemons)?["host_version"], "14.2.21")
    }

    // MARK: parsers

    func test_systemctl_show_blocks_are_matched_by_id() {
        let output = """
            Id=ceph-b@osd.1.service
            ActiveState=active
            UnitFileState=enabled

            Id=ceph-a@osd.0.service
            ActiveState=inactive
            UnitFileState=masked

            """
        let status = SystemdUnitStatus.parse(output, units: ["ceph-a@osd.0", "ceph-b@osd.1", "ceph-c@osd.2"])
        XCTAssertEqual(status["ceph-a@osd.0"], UnitStatus(enabled: false, state: "stopped"))
        XCTAssertEqual(status["ceph-b@osd.1"], UnitStatus(enabled: true, state: "running"))
        XCTAssertNil(status["ceph-c@osd.2"])
    }

    func test_memory_sizes_with_units_are_powers_of_1024() {
        XCTAssertEqual(ContainerEngineQueries.bytes(fromUnits: "380.4MB"), Int(380.4 * 1_048_576))
        XCTAssertEqual(ContainerEngineQueries.bytes(fromUnits: "1.5GiB"), 1_610_612_736)
        XCTAssertEqual(ContainerEngineQueries.bytes(fromUnits: "512kB"), 524_288)
        XCTAssertEqual(ContainerEngineQueries.bytes(fromUnits: "100B"), 100)
        XCTAssertNil(ContainerEngineQueries.bytes(fromUnits: "--"))
        XCTAssertNil(ContainerEngineQueries.bytes(fromUnits: "infGB"), "odd engine output is no size, not a crash")
        XCTAssertNil(ContainerEngineQueries.bytes(fromUnits: "nan"))
        XCTAssertEqual(ContainerEngineQueries.bytes(fromUnits: "1e300TB"), nil)
    }

    func test_repo_digests_without_a_registry_are_on_docker_hub() {
        XCTAssertEqual(ContainerEngineQueries.normalizeDigest("ceph/ceph@sha256:1"), "docker.io/ceph/ceph@sha256:1")
        XCTAssertEqual(ContainerEngineQueries.normalizeDigest("ubuntu@sha256:1"), "docker.io/ubuntu@sha256:1")
        XCTAssertEqual(ContainerEngineQueries.normalizeDigest("quay.io/ceph/ceph@sha256:1"), "quay.io/ceph/ceph@sha256:1")
        XCTAssertEqual(ContainerEngineQueries.normalizeDigest("localhost:5000/ceph@sha256:1"), "localhost:5000/ceph@sha256:1")
    }

    func test_container_times_become_utc_with_microseconds() {
        XCTAssertEqual(UTCTimestamp.fromContainerTime("2021-05-31 05:28:34.498631387 +0000 UTC"), "2021-05-31T05:28:34.498631Z")
        XCTAssertEqual(UTCTimestamp.fromContainerTime("2021-05-31T05:28:34.4986Z"), "2021-05-31T05:28:34.498600Z")
        XCTAssertEqual(UTCTimestamp.fromContainerTime("2021-01-01T01:00:00+02:00"), "2020-12-31T23:00:00.000000Z")
        XCTAssertEqual(UTCTimestamp.fromContainerTime("2024-02-29 23:30:00 -0100 X"), "2024-03-01T00:30:00.000000Z")
        XCTAssertNil(UTCTimestamp.fromContainerTime("yesterday"))
    }

    func test_file_times_are_formatted_in_utc() {
        XCTAssertEqual(UTCTimestamp.format(seconds: 0, microseconds: 0), "1970-01-01T00:00:00.000000Z")
        XCTAssertEqual(UTCTimestamp.format(seconds: 1_709_251_199, microseconds: 42), "2024-02-29T23:59:59.000042Z")
        XCTAssertEqual(UTCTimestamp.format(seconds: 4_102_444_800, microseconds: 999_999), "2100-01-01T00:00:00.999999Z")
    }

    func test_file_times_are_rounded_to_the_microsecond_as_cephadm_rounds_them() {
        // Expected values printed by Python's datetime.fromtimestamp(sec + ns * 1e-9).
        func text(_ s: Int64, _ ns: Int) -> String {
            let (sec, micro) = UTCTimestamp.pythonMicroseconds(seconds: s, nanoseconds: ns)
            return UTCTimestamp.format(seconds: sec, microseconds: micro)
        }
        XCTAssertEqual(text(1_796_105_770, 370_617_800), "2026-12-01T06:16:10.370618Z")
        XCTAssertEqual(text(1_796_105_770, 370_617_499), "2026-12-01T06:16:10.370617Z")
        XCTAssertEqual(text(1_690_000_000, 123_456_789), "2023-07-22T04:26:40.123457Z")
        XCTAssertEqual(text(1_690_000_000, 999_999_999), "2023-07-22T04:26:41.000000Z")
        XCTAssertEqual(text(1_690_000_000, 500), "2023-07-22T04:26:40.000000Z")
    }

    func test_fsid_directories_must_be_uuids() {
        XCTAssertTrue(DaemonDirectoryScanner.isFSID(Self.fsid))
        XCTAssertFalse(DaemonDirectoryScanner.isFSID("bootstrap-osd"))
        XCTAssertFalse(DaemonDirectoryScanner.isFSID("7d2b7a4e35c111ee9a1a0cc47a1c2a10"))
        XCTAssertFalse(DaemonDirectoryScanner.isFSID("7d2b7a4e-35c1-11ee-9a1a-0cc47a1c2a1g"))
    }
}
