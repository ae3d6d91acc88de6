/// A bad command line, phrased for the user (`--port: '99999' is not a port (1-65535)`).
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One option a sub-command accepts.
public struct OptionSpec: Sendable {
    public let names: [String]          // e.g. ["--port", "-p"]
    public let valueName: String?       // nil for a flag
    public let help: String
    public let defaultText: String?

    public static func flag(_ names: String..., help: String) -> OptionSpec {
        OptionSpec(names: names, valueName: nil, help: help, defaultText: nil)
    }
    public static func value(_ names: String..., name: String, help: String, default d: String? = nil) -> OptionSpec {
        OptionSpec(names: names, valueName: name, help: help, defaultText: d)
    }
}

/// Parsed options of one sub-command: `--name value`, `--name=value`, flags, positionals.
/// A small hand-written parser so the binaries need no package.
public struct ParsedArguments: Sendable {
    public private(set) var values: [String: [String]] = [:]
    public private(set) var flags: Set<String> = []
    public private(set) var positionals: [String] = []

    public init(_ args: [String], options: [OptionSpec], allowPositionals: Bool = false) throws(UsageError) {
        var index: [String: OptionSpec] = [:]
        for o in options { for n in o.names { index[n] = o } }
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                guard allowPositionals else { throw UsageError("unexpected argument '\(arg)'") }
                positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            var name = arg
            var inline: String? = nil
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            guard let spec = index[name] else { throw UsageError("unknown option '\(name)' (see --help)") }
            let key = spec.names[0]
            if spec.valueName == nil {
                guard inline == nil else { throw UsageError("\(name) takes no value") }
                flags.insert(key)
                continue
            }
            if let inline {
                values[key, default: []].append(inline)
            } else {
                guard i < args.count else { throw UsageError("\(name) needs a value (\(spec.valueName ?? "VALUE"))") }
                values[key, default: []].append(args[i])
                i += 1
            }
        }
    }

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The last value given for an option (a later one overrides an earlier one).
    public func string(_ name: String) -> String? { values[name]?.last }

    public func strings(_ name: String) -> [String] { values[name] ?? [] }

    public func int(_ name: String, range: ClosedRange<Int>? = nil) throws(UsageError) -> Int? {
        guard let s = string(name) else { return nil }
        guard let v = Int(s) else { throw UsageError("\(name): '\(s)' is not a whole number") }
        if let range, !range.contains(v) {
            throw UsageError("\(name): \(v) is out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return v
    }

    public func double(_ name: String, range: ClosedRange<Double>? = nil) throws(UsageError) -> Double? {
        guard let s = string(name) else { return nil }
        guard let v = Double(s), v.isFinite else { throw UsageError("\(name): '\(s)' is not a number") }
        if let range, !range.contains(v) {
            throw UsageError("\(name): \(s) is out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return v
    }

    public func required(_ name: String) throws(UsageError) -> String {
        guard let s = string(name), !s.isEmpty else { throw UsageError("\(name) is required") }
        return s
    }
}

extension ParsedArguments {
    /// Parses a sub-command's arguments; when they include `--help`, prints `help` with `print`
    /// and returns nil, so every command treats `--help` the same way.
    public static func unlessHelp(_ args: [String], options: [OptionSpec], allowPositionals: Bool = false,
                                  print: (String) -> Void, help: @autoclosure () -> String) throws(UsageError) -> ParsedArguments? {
        let parsed = try ParsedArguments(args, options: options, allowPositionals: allowPositionals)
        if parsed.has("--help") {
            print(help())
            return nil
        }
        return parsed
    }
}

/// Renders `--help` text for a sub-command from its option specs.
public enum HelpText {
    public static func render(usage: String, summary: String, options: [OptionSpec], footer: String = "") -> String {
        var lines = ["Usage: \(usage)", "", summary, ""]
        if !options.isEmpty {
            lines.append("Options:")
            let heads = options.map { o in
                o.names.joined(separator: ", ") + (o.valueName.map { " \($0)" } ?? "")
            }
            let width = min(34, (heads.map(\.count).max() ?? 0) + 2)
            for (o, head) in zip(options, heads) {
                var line = "  " + head
                line += head.count + 2 <= width ? String(repeating: " ", count: width - head.count - 2) : "\n" + String(repeating: " ", count: width)
                line += "  " + o.help
                if let d = o.defaultText { line += " (default: \(d))" }
                lines.append(line)
            }
        }
        if !footer.isEmpty { lines.append(""); lines.append(footer) }
        return lines.joined(separator: "\n") + "\n"
    }
}
