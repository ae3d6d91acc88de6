import Foundation
import XCTest

/// README's "Differences from Pacific" mirrors KnownDifferences.table: one row per entry, with
/// its id and quirk, and no row the table does not have.
final class ConformanceReadmeTests: XCTestCase {
    func test_readme_lists_every_known_difference_once_and_no_other() throws {
        let readme = try String(contentsOfFile: TestPaths.packageRoot + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "## Differences from Pacific") else { return XCTFail("README has no Differences from Pacific") }
        let section = String(readme[start.upperBound...]).components(separatedBy: "\n## ").first ?? ""
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let readmeIDs = rows.compactMap { row -> String? in
            let cells = row.split(separator: "|").map { String($0).trimmingCharacters(in: CharacterSet.whitespaces) }
            guard cells.count >= 4, cells[0].hasPrefix("`"), cells[0].hasSuffix("`") else { return nil }
            return String(cells[0].dropFirst().dropLast()) + " " + cells[1]
        }
        let tableIDs = KnownDifferences.table.map { "\($0.id) \($0.quirk)" }
        XCTAssertEqual(Set(tableIDs).count, tableIDs.count, "an id is listed twice in KnownDifferences.table")
        XCTAssertEqual(readmeIDs, tableIDs, "README's table of differences (id, quirk) differs from KnownDifferences.table")
    }
}
