import Common
import Foundation
import XCTest

/// `ceph-volume inventory --format=json` (16.2.15, from Debian's ceph-osd) against the native
/// inventory on this machine: the same devices, keys, key order, types and values except the
/// rows of KnownDifferences.table. ceph-volume is heavy to install, so this runs under
/// `make conformance` (which installs ceph-osd and udev and sets CONFORMANCE_CEPH_VOLUME=1).
final class InventoryConformanceTests: XCTestCase {
    static var cephVolume: String { ProcessInfo.processInfo.environment["CEPH_VOLUME"] ?? "/usr/sbin/ceph-volume" }

    func test_native_inventory_matches_ceph_volume_on_this_machine() throws {
        guard ProcessInfo.processInfo.environment["CONFORMANCE_CEPH_VOLUME"] == "1" else {
            throw XCTSkip("the ceph-volume comparison runs under `make conformance`")
        }
        guard FileManager.default.isExecutableFile(atPath: Self.cephVolume) else {
            return XCTFail("\(Self.cephVolume) is missing: `make conformance` installs ceph-osd and udev")
        }
        let sandbox = try PacificSandbox()
        // ceph-volume needs the host's lsblk, blkid, udevadm and LVM tools: its own PATH.
        let cv = try sandbox.spawn([Self.cephVolume, "--log-path", sandbox.dir, "inventory", "--format=json"],
                                   extraEnvironment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], name: "ceph-volume")
        guard cv.wait(timeout: 300) == 0 else { return XCTFail("ceph-volume inventory failed:\n\(cv.stderr.suffix(3000))") }
        let ours = try sandbox.ours(["inventory", "--ceph-volume", "native"])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let pacific = try JSONParser.parse(Array(cv.stdout.utf8))
        let native = try JSONParser.parse(Array(ours.stdout.utf8))

        let (p, o) = KnownDifferences.reconciled(.inventory, pacific: pacific, ours: native)
        func byPath(_ v: JSONValue) -> JSONValue {
            .object(JSONObject((v.arrayValue ?? []).map { ($0["path"]?.stringValue ?? "?", $0) }))
        }
        var lines = JSONComparison.differences(byPath(p), byPath(o))
        let pacificPaths = (p.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        let ourPaths = (o.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        if pacificPaths != ourPaths { lines.append("device order: ceph-volume \(pacificPaths), ours \(ourPaths)") }
        for (pd, od) in zip(p.arrayValue ?? [], o.arrayValue ?? []) {
            let path = pd["path"]?.stringValue ?? "?"
            lines += JSONComparison.keyOrderDifference(pd.objectValue ?? JSONObject(), od.objectValue ?? JSONObject(), at: path)
            lines += JSONComparison.keyOrderDifference(pd["sys_api"]?.objectValue ?? JSONObject(), od["sys_api"]?.objectValue ?? JSONObject(),
                                                       at: "\(path).sys_api")
        }
        XCTAssertTrue(lines.isEmpty, JSONComparison.report("inventory", lines))
    }
}
