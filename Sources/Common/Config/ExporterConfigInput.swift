import Glibc

/// Reads the text of an exporter config from where the operator points: a file path, `-` for
/// standard input, or (where a command allows it) the JSON itself on the command line.
public enum ExporterConfigInput {
    /// Returns the text and a name for it to use in messages (the path, `stdin`, or `optionName`).
    public static func read(
        _ argument: String,
        optionName: String,
        allowInlineJSON: Bool,
        readStdin: () -> [UInt8]
    ) throws(ExporterConfigError) -> (text: String, source: String) {
        if argument == "-" {
            return (String(decoding: readStdin(), as: UTF8.self), "stdin")
        }
        let trimmed = argument.trimmingWhitespace()
        if allowInlineJSON, trimmed.hasPrefix("{") {
            return (argument, optionName)
        }
        return (try readFile(argument), argument)
    }

    /// Reads a whole file, reporting a missing or unreadable one as a problem of the `config` field.
    public static func readFile(_ path: String) throws(ExporterConfigError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ExporterConfigError(source: path, field: "config", "cannot be read: \(reason)")
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw ExporterConfigError(source: path, field: "config", "is a directory; give the path of a JSON file")
        }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: chunk.prefix(n))
                // A config is a few kilobytes; anything this big is the wrong file.
                if data.count > 1 << 20 {
                    throw ExporterConfigError(source: path, field: "config", "is larger than 1 MiB; this is not an exporter config")
                }
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let reason = String(cString: strerror(errno))
                throw ExporterConfigError(source: path, field: "config", "cannot be read: \(reason)")
            }
            break
        }
        return String(decoding: data, as: UTF8.self)
    }
}
