import Common
import Foundation
import Glibc
import XCTest

/// Real fleet processes writing the store at once, some killed with SIGKILL mid-way: the store
/// must always read as a whole, valid value.
final class StoreConcurrencyTests: XCTestCase {
    func test_concurrent_and_killed_writers_never_leave_a_torn_store() throws {
        try DeployBinaries.requireSubcommands()
        let temp = try TestPaths.makeTempDir("store-it")
        defer { try? FileManager.default.removeItem(atPath: temp) }
        let state = temp + "/state"
        XCTAssertEqual(try DeployBinaries.fleet(["config", "generate", "--state-dir", state]).status, 0)

        for round in 0..<3 {
            let writers = try (0..<6).map { i in
                try SpawnedProcess([TestPaths.fleet, "config", "generate", "--key-type", i % 2 == 0 ? "ec" : "rsa", "--state-dir", state],
                                   outputDir: temp, name: "writer-\(round)-\(i)")
            }
            // Kill every other writer at a different moment, whatever it is doing then.
            for (i, w) in writers.enumerated() where i % 2 == 1 {
                usleep(useconds_t(2_000 * i))
                w.signal(SIGKILL)
            }
            for w in writers { XCTAssertNotNil(w.wait(timeout: 60)) }
            let get = try DeployBinaries.fleet(["config", "get", "--state-dir", state])
            XCTAssertEqual(get.status, 0, get.all)
            XCTAssertNoThrow(try ExporterConfig.parse(text: get.out, source: "round \(round)"))
        }
        // The next writer clears whatever temporary files the killed ones left.
        XCTAssertEqual(try DeployBinaries.fleet(["config", "generate", "--state-dir", state]).status, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: state).sorted(), ["kv.json", "kv.lock"])
    }
}
