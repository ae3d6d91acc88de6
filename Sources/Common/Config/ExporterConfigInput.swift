/// Reads the text of an exporter config from where the operator points: a file path, `-` for
/// standard input, or (where a command allows it) the JSON itself on the command line.
public enum ExporterConfigInput {
    /// Returns the text and a name for it to use in messages (the path, `stdin`, or `optionName`).
    public static func read(
        _ argument: String,
        optionName: String,
        allowInlineJSON: Bool,
        readStdin: () throws(FileReadError) -> [UInt8]
    ) throws(ExporterConfigError) -> (text: String, source: String) {
        if argument == "-" {
            do {
                return (String(decoding: try readStdin(), as: UTF8.self), "stdin")
            } catch {
                throw ExporterConfigError(source: "stdin", field: "config", "cannot be read: \(error.reasonText)")
            }
        }
        let trimmed = argument.trimmingWhitespace()
        if allowInlineJSON, trimmed.hasPrefix("{") {
            return (argument, optionName)
        }
        return (try readFile(argument), argument)
    }

    /// A config is a few kilobytes; anything bigger is the wrong file.
    public static let sizeLimit = 1 << 20

    /// Reads a whole file, reporting a missing or unreadable one as a problem of the `config` field.
    public static func readFile(_ path: String) throws(ExporterConfigError) -> String {
        do {
            return try FileReader.readText(path, limit: sizeLimit)
        } catch {
            switch error.reason {
            case .isDirectory:
                throw ExporterConfigError(source: path, field: "config", "is a directory; give the path of a JSON file")
            case .tooLarge:
                throw ExporterConfigError(source: path, field: "config", "is larger than 1 MiB; this is not an exporter config")
            default:
                throw ExporterConfigError(source: path, field: "config", "cannot be read: \(error.reasonText)")
            }
        }
    }
}
