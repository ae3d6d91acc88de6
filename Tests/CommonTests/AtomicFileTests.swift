import XCTest
import Glibc
@testable import Common

final class AtomicFileTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/atomicfile.XXXXXX".utf8CString)
        dir = String(cString: try XCTUnwrap(mkdtemp(&template)))
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o7777
    }

    private func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    func test_new_file_is_0600_even_with_a_permissive_umask() throws {
        let old = umask(0)
        defer { umask(old) }
        try AtomicFile.write("secret", to: dir + "/token")
        XCTAssertEqual(mode(dir + "/token"), 0o600)
        XCTAssertEqual(read(dir + "/token"), "secret")
    }

    func test_requested_mode_is_applied_exactly_even_with_a_restrictive_umask() throws {
        let old = umask(0o077)
        defer { umask(old) }
        try AtomicFile.write("[Unit]\n", to: dir + "/x.service", mode: 0o644)
        XCTAssertEqual(mode(dir + "/x.service"), 0o644)
    }

    func test_shorter_new_value_leaves_no_tail_of_the_old_one() throws {
        try AtomicFile.write("a-long-old-token-value", to: dir + "/token")
        try AtomicFile.write("short", to: dir + "/token")
        XCTAssertEqual(read(dir + "/token"), "short")
    }

    func test_replacing_a_0644_file_gives_0600() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/key", contents: Data("old".utf8), attributes: [.posixPermissions: 0o644]))
        try AtomicFile.write("new", to: dir + "/key")
        XCTAssertEqual(mode(dir + "/key"), 0o600)
    }

    func test_crash_before_rename_keeps_the_old_content_and_leftovers_are_cleaned() throws {
        let path = dir + "/kv.json"
        try AtomicFile.write("old", to: path)
        let pending = try AtomicFile.prepare(Array("new".utf8), for: path)
        // The "crash": the temporary file is written and synced, but never renamed.
        XCTAssertEqual(read(path), "old")
        XCTAssertEqual(read(pending.temporaryPath), "new")
        XCTAssertEqual(mode(pending.temporaryPath), 0o600)
        AtomicFile.removeLeftovers(for: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: pending.temporaryPath))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["kv.json"])
    }

    func test_commit_replaces_the_file() throws {
        let path = dir + "/f"
        try AtomicFile.write("old", to: path)
        try AtomicFile.prepare(Array("new".utf8), for: path).commit()
        XCTAssertEqual(read(path), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["f"])
    }

    func test_missing_directory_is_an_error_naming_the_path() {
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir + "/missing/f")) { error in
            let e = error as! FileOperationError
            XCTAssertTrue(e.path.hasPrefix(dir + "/missing/"), e.description)
            XCTAssertTrue(e.description.contains("No such file or directory"), e.description)
        }
    }

    func test_path_text_splits_like_dirname_and_basename() {
        XCTAssertEqual(PathText.dirname("/a/b/c"), "/a/b")
        XCTAssertEqual(PathText.dirname("/c"), "/")
        XCTAssertEqual(PathText.dirname("c"), ".")
        XCTAssertEqual(PathText.basename("/a/b/c"), "c")
        XCTAssertEqual(PathText.join("/a/", "b", "c"), "/a/b/c")
    }
}
