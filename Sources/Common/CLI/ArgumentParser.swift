/// A bad command line, phrased for the user (`--port: '99999' is not a port (1-65535)`).
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One option a sub-command accepts. The declaration is the single source of its name, its
/// default and its range: help prints them from here and `ParsedArguments` applies them, so the
/// help text and the behaviour cannot drift apart.
public struct OptionSpec: Sendable {
    public let names: [String]          // e.g. ["--port", "-p"]
    public let valueName: String?       // nil for a flag
    public let help: String
    /// A literal default: when the option is absent it is read as if it had been given this value
    /// (and checked by the same rules).
    public let defaultValue: String?
    /// Words for a default decided at run time ("the short host name"), shown in help only.
    public let defaultHelp: String?
    /// For numeric options: the values accepted (inclusive), shown in help and enforced.
    public let range: ClosedRange<Double>?

    public static func flag(_ names: String..., help: String) -> OptionSpec {
        OptionSpec(names: names, valueName: nil, help: help, defaultValue: nil, defaultHelp: nil, range: nil)
    }

    public static func value(_ names: String..., name: String, help: String, default d: String? = nil,
                             defaultHelp: String? = nil, range: ClosedRange<Double>? = nil) -> OptionSpec {
        OptionSpec(names: names, valueName: name, help: help, defaultValue: d, defaultHelp: defaultHelp, range: range)
    }

    /// What help shows after the text: `(default: 9443; 0-65535)`.
    var helpSuffix: String {
        var parts: [String] = []
        if let d = defaultValue ?? defaultHelp { parts.append("default: \(d)") }
        if let range { parts.append("\(DecimalText.seconds(range.lowerBound))-\(DecimalText.seconds(range.upperBound))") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }
}

extension OptionSpec {
    /// The options of a table whose literal default is not a decimal number inside their own
    /// declared range: help would promise a default the parser then refuses. Each program's tests
    /// check that its tables give none.
    public static func inconsistentDefaults(_ options: [OptionSpec]) -> [String] {
        options.compactMap { spec in
            guard let d = spec.defaultValue, let range = spec.range else { return nil }
            guard let v = DecimalText.parseDouble(d), range.contains(v) else { return "\(spec.names[0]) \(d)" }
            return nil
        }
    }
}

/// Parsed options of one sub-command: `--name value`, `--name=value`, flags, positionals.
/// A small hand-written parser so the binaries need no package. An option that was not given
/// reads as its declared default; numbers are decimal only (no `0x10`, `inf` or `nan`) and
/// must lie in the declared range.
public struct ParsedArguments: Sendable {
    public private(set) var values: [String: [String]] = [:]
    public private(set) var flags: Set<String> = []
    public private(set) var positionals: [String] = []
    /// Declarations by primary name.
    private var specs: [String: OptionSpec] = [:]

    public init(_ args: [String], options: [OptionSpec], allowPositionals: Bool = false) throws(UsageError) {
        var index: [String: OptionSpec] = [:]
        for o in options {
            for n in o.names { index[n] = o }
            specs[o.names[0]] = o
        }
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

    /// Whether the option was on the command line (its default does not count).
    public func given(_ name: String) -> Bool { values[name] != nil }

    /// The last value given for an option (a later one overrides an earlier one), else its
    /// declared default.
    public func string(_ name: String) -> String? { values[name]?.last ?? specs[name]?.defaultValue }

    public func strings(_ name: String) -> [String] { values[name] ?? [] }

    /// A whole decimal number within the declared range; nil when absent without a default.
    public func int(_ name: String) throws(UsageError) -> Int? {
        guard let s = string(name) else { return nil }
        guard let v = DecimalText.parseInt(s) else { throw UsageError("\(name): '\(s)' is not a whole number") }
        try check(name, Double(v), text: String(v))
        return v
    }

    /// A finite decimal number within the declared range; nil when absent without a default.
    public func double(_ name: String) throws(UsageError) -> Double? {
        guard let s = string(name) else { return nil }
        guard let v = DecimalText.parseDouble(s) else { throw UsageError("\(name): '\(s)' is not a decimal number") }
        try check(name, v, text: s)
        return v
    }

    /// The option's text: given, else its declared default; an option without one must be given.
    public func stringValue(_ name: String) throws(UsageError) -> String { try required(name) }

    /// The option's whole number: given, else its declared default (see `int`).
    public func intValue(_ name: String) throws(UsageError) -> Int {
        guard let v = try int(name) else { throw UsageError("\(name) is required") }
        return v
    }

    /// The option's decimal number: given, else its declared default (see `double`).
    public func doubleValue(_ name: String) throws(UsageError) -> Double {
        guard let v = try double(name) else { throw UsageError("\(name) is required") }
        return v
    }

    public func required(_ name: String) throws(UsageError) -> String {
        guard let s = string(name), !s.isEmpty else { throw UsageError("\(name) is required") }
        return s
    }

    private func check(_ name: String, _ value: Double, text: String) throws(UsageError) {
        guard let range = specs[name]?.range, !range.contains(value) else { return }
        throw UsageError("\(name): \(text) is out of range \(DecimalText.seconds(range.lowerBound))-\(DecimalText.seconds(range.upperBound))")
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
                line += "  " + o.help + o.helpSuffix
                lines.append(line)
            }
        }
        if !footer.isEmpty { lines.append(""); lines.append(footer) }
        return lines.joined(separator: "\n") + "\n"
    }
}
