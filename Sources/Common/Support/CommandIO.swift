import Glibc
import Synchronization

/// Where a sub-command's output goes and where its standard input comes from. Commands take
/// one so tests can run them in-process and read what they printed.
public struct CommandIO: Sendable {
    /// Raw writers: they get exactly the text to print, newlines included.
    public let writeOut: @Sendable (String) -> Void
    public let writeErr: @Sendable (String) -> Void
    /// Standard input to its end, bounded (a config or a host list, never megabytes).
    public let readStdin: @Sendable () throws(FileReadError) -> [UInt8]
    /// Whether stderr is a terminal (progress lines redraw in place only then).
    public let stderrIsTerminal: Bool

    public init(
        writeOut: @escaping @Sendable (String) -> Void,
        writeErr: @escaping @Sendable (String) -> Void,
        readStdin: @escaping @Sendable () throws(FileReadError) -> [UInt8],
        stderrIsTerminal: Bool = false
    ) {
        self.writeOut = writeOut
        self.writeErr = writeErr
        self.readStdin = readStdin
        self.stderrIsTerminal = stderrIsTerminal
    }

    /// Prints one line on stdout.
    public func out(_ line: String) { writeOut(line + "\n") }
    /// Prints one line on stderr.
    public func err(_ line: String) { writeErr(line + "\n") }

    /// The process's real stdin, stdout and stderr.
    public static var standard: CommandIO {
        CommandIO(
            writeOut: { Console.write(fd: 1, $0) },
            writeErr: { Console.write(fd: 2, $0) },
            readStdin: { () throws(FileReadError) in try FileReader.readAll(fd: 0, limit: stdinLimit, name: "stdin") },
            stderrIsTerminal: isatty(2) == 1
        )
    }

    /// What a command reads from stdin is a config or a host list: anything bigger is the wrong input.
    public static let stdinLimit = 16 << 20
}

/// A CommandIO that records what a command printed, for tests and for callers that want a
/// command's output as text.
public final class CapturedCommandIO: Sendable {
    private let state: Mutex<(out: String, err: String)> = Mutex((out: "", err: ""))
    private let stdinBytes: [UInt8]

    public init(stdin: String = "") { stdinBytes = Array(stdin.utf8) }

    public var io: CommandIO {
        CommandIO(
            writeOut: { [self] text in state.withLock { $0.out += text } },
            writeErr: { [self] text in state.withLock { $0.err += text } },
            readStdin: { [stdinBytes] in stdinBytes }
        )
    }

    public var out: String { state.withLock { $0.out } }
    public var err: String { state.withLock { $0.err } }
}
