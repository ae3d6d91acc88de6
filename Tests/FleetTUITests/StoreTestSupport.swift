import XCTest
import Glibc
@testable import FleetTUI
@testable import Common

/// A temporary state directory per test.
class StoreTestCase: XCTestCase {
    var stateDir = ""
    var tempDir = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/fleetstore.XXXXXX".utf8CString)
        tempDir = String(cString: try XCTUnwrap(mkdtemp(&template)))
        stateDir = tempDir + "/state"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: tempDir)
    }

    func openStore() throws -> FleetStore { try FleetStore.open(stateDir: stateDir) }

    func storeBytes() -> Data? { FileManager.default.contents(atPath: stateDir + "/kv.json") }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o7777
    }

    func write(_ text: String, to name: String) -> String {
        let path = tempDir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    static func validConfigJSON(port: JSONValue = 9443, token: String = String(repeating: "c", count: 16)) throws -> String {
        let g = try SelfSignedCertificate.generate()
        return JSONWriter.pretty(["crt": .string(g.certificatePEM), "key": .string(g.privateKeyPEM), "token": .string(token), "port": port])
    }
}
