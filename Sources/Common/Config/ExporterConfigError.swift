/// One thing wrong with an exporter config, tied to the field it concerns (`crt`, `key`,
/// `token`, `port`, or `config` for the document as a whole).
public struct ExporterConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Every problem found in an exporter config, with where the config came from (a file path,
/// `stdin`, `--exporter-config`, or the KV store key), printed one problem per line.
public struct ExporterConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let source: String
    public let problems: [ExporterConfigProblem]

    public init(source: String, problems: [ExporterConfigProblem]) {
        self.source = source
        self.problems = problems
    }

    public init(source: String, field: String, _ message: String) {
        self.init(source: source, problems: [ExporterConfigProblem(field: field, message: message)])
    }

    /// Lines such as `config.json: token: is 5 characters long; it must be at least 8`.
    public var lines: [String] { problems.map { "\(source): \($0)" } }

    public var description: String { lines.joined(separator: "\n") }

    public var fields: [String] { problems.map(\.field) }
}
