import XCTest

@testable import Common

/// The Prometheus text format 0.0.4 writer: one header per family, escaped label values and
/// help texts, values as Prometheus parses them.
final class ExpositionTextTests: XCTestCase {
    let family = MetricFamily("demo_widgets", .gauge, labels: ["name"], help: "Widgets \\ per line\nsecond line.")

    func test_header_then_samples_with_escaped_help_and_label_values() {
        var out = ExpositionText()
        out.header(family)
        out.sample(family, [("name", #"a "quoted" \ name"# + "\nnext")], 2)
        out.sample(family, [("name", "ctrl\u{1b}[31m")], 0.5)
        XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self), """
            # HELP demo_widgets Widgets \\\\ per line\\nsecond line.
            # TYPE demo_widgets gauge
            demo_widgets{name="a \\"quoted\\" \\\\ name\\nnext"} 2
            demo_widgets{name="ctrl [31m"} 0.5

            """)
    }

    func test_values_are_written_as_prometheus_parses_them() {
        XCTAssertEqual(ExpositionText.format(1), "1")
        XCTAssertEqual(ExpositionText.format(-3), "-3")
        XCTAssertEqual(ExpositionText.format(1_795_570_860.557), "1795570860.557")
        XCTAssertEqual(ExpositionText.format(0.0001), "0.0001")
        XCTAssertEqual(ExpositionText.format(464_026_119_176_192), "464026119176192")
        XCTAssertEqual(ExpositionText.format(1e300), "1e+300")
        XCTAssertEqual(ExpositionText.format(.nan), "NaN")
        XCTAssertEqual(ExpositionText.format(.infinity), "+Inf")
        XCTAssertEqual(ExpositionText.format(-.infinity), "-Inf")
    }

    func test_counters_keep_every_digit_and_unlabelled_samples_have_no_braces() {
        var out = ExpositionText()
        let counter = MetricFamily("demo_total", .counter, help: "A counter.")
        out.header(counter)
        out.sample(counter, count: UInt64.max)
        XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self),
                       "# HELP demo_total A counter.\n# TYPE demo_total counter\ndemo_total 18446744073709551615\n")
    }

    func test_every_exporter_family_follows_the_naming_conventions() {
        var names = Set<String>()
        for f in ExporterMetric.all {
            XCTAssertTrue(names.insert(f.name).inserted, "\(f.name) twice")
            XCTAssertEqual(f.name.hasSuffix("_total"), f.kind == .counter, f.name)
            XCTAssertTrue(f.name.utf8.allSatisfy { (0x61...0x7A).contains($0) || $0 == 0x5F }, f.name)
            XCTAssertTrue(f.name.hasPrefix("cephadm_exporter_") || f.name.hasPrefix("process_"), f.name)
            XCTAssertTrue(f.help.hasSuffix("."), "\(f.name): help is a sentence")
        }
    }
}
