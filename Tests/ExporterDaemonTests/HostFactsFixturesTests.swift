import Common
import Foundation
import XCTest

@testable import ExporterDaemon

/// Fixture trees and temporary trees shared by the gather-task tests.
enum GatherFixtures {
    static let fixturesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A checked-in root such as `Tests/Fixtures/roots/stor01`.
    static func root(_ name: String) -> SystemRoot {
        SystemRoot(fixturesDirectory.appendingPathComponent("roots/\(name)").path)
    }

    static func fixturePath(_ relative: String) -> String {
        fixturesDirectory.appendingPathComponent(relative).path
    }

    static func expectedJSON(_ relative: String) throws -> JSONValue {
        let data = try Data(contentsOf: fixturesDirectory.appendingPathComponent(relative))
        return try JSONParser.parse(Array(data))
    }

    /// The host facts environment the stor01 expectations were written for.
    static let stor01Environment = HostFactsEnvironment(
        now: { 1_700_000_000.25 },
        uname: { UnameInfo(nodename: "stor01.example.com", release: "4.18.0-477.10.1.el8_8.x86_64", machine: "x86_64") },
        ipv4Address: { name in
            switch name {
            case "lo": return IPv4Assignment(address: 0x7f00_0001, netmask: 0xff00_0000)
            case "eno1": return IPv4Assignment(address: 0x0a00_0015, netmask: 0xffff_ff00)
            case "br0": return IPv4Assignment(address: 0xc0a8_3215, netmask: 0xffff_ff00)
            default: return nil
            }
        })
}

/// A directory tree built for one test and removed afterwards.
final class TemporaryTree {
    let path: String

    init(files: [String: String] = [:], symlinks: [String: String] = [:], directories: [String] = []) throws {
        var template = Array((NSTemporaryDirectory() + "gather-test-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
        for dir in directories { try add(directory: dir) }
        for (file, text) in files { try add(file: file, text) }
        for (link, target) in symlinks { try add(symlink: link, to: target) }
    }

    var root: SystemRoot { SystemRoot(path) }

    func full(_ relative: String) -> String { path + "/" + relative.drop(while: { $0 == "/" }) }

    func add(directory: String) throws {
        try FileManager.default.createDirectory(atPath: full(directory), withIntermediateDirectories: true)
    }

    func add(file: String, _ text: String, mode: Int = 0o644) throws {
        let target = full(file)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        chmod(target, mode_t(mode))
    }

    func add(symlink: String, to target: String) throws {
        let link = full(symlink)
        try FileManager.default.createDirectory(atPath: (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

final class HostFactsFixturesTests: XCTestCase {
    func test_dump() throws {
        let task = HostFactsTask(root: GatherFixtures.root("stor01"), environment: GatherFixtures.stor01Environment)
        let (facts, problems) = try task.gather()
        print(JSONWriter.pretty(.object(facts)))
        print(problems)
    }
}
