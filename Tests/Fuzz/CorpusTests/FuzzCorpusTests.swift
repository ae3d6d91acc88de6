import Foundation
import XCTest

/// Runs every seed (and every reproducer kept after a fixed crash) of every fuzz target through
/// the same entry points libFuzzer drives, so `make test` keeps the corpora passing.
final class FuzzCorpusTests: XCTestCase {
    static let corpusRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("corpus").path

    func corpus(_ target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        let dir = Self.corpusRoot + "/" + target.name
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        return try names.map { name in
            (name, Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))))
        }
    }

    func test_every_target_has_a_seed_corpus_of_a_few_files() throws {
        XCTAssertEqual(FuzzTargets.all.map(\.name), ["request-parser", "response-parser", "json-parser", "metadata-decoder", "connection", "metadata-summary"])
        for target in FuzzTargets.all {
            XCTAssertGreaterThanOrEqual(try corpus(target).count, 5, target.name)
        }
    }

    func test_every_corpus_file_gives_a_value_or_a_clear_error() throws {
        for target in FuzzTargets.all {
            var outcomes: [String: Int] = [:]
            for (name, bytes) in try corpus(target) {
                switch target.run(bytes) {
                case .value: outcomes["value", default: 0] += 1
                case .rejected(let why):
                    XCTAssertFalse(why.isEmpty, "\(target.name)/\(name): an error without a message")
                    outcomes["rejected", default: 0] += 1
                case .invariantBroken(let why):
                    XCTFail("\(target.name)/\(name): \(why)")
                }
            }
            // Seeds cover both sides, so mutations start from accepted and refused inputs.
            XCTAssertGreaterThan(outcomes["value", default: 0], 0, "\(target.name): no seed is accepted")
            XCTAssertGreaterThan(outcomes["rejected", default: 0], 0, "\(target.name): no seed is refused")
        }
    }

    func test_a_broken_input_is_rejected_by_each_target() {
        for target in FuzzTargets.all {
            guard case .rejected(let why) = target.run(target.brokenInput) else {
                return XCTFail("\(target.name) accepted \(String(decoding: target.brokenInput, as: UTF8.self).debugDescription)")
            }
            XCTAssertFalse(why.isEmpty, target.name)
        }
    }

    func test_empty_input_never_breaks_a_target() {
        for target in FuzzTargets.all {
            if case .invariantBroken(let why) = target.run([]) { XCTFail("\(target.name): \(why)") }
        }
    }
}
