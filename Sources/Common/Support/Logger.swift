import Glibc
import Synchronization

public enum LogLevel: Int, Sendable, Comparable, CustomStringConvertible {
    case debug = 0, info, warning, error

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    public var description: String {
        switch self {
        case .debug: return "DEBUG"
        case .info: return "INFO"
        case .warning: return "WARNING"
        case .error: return "ERROR"
        }
    }
    public init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "info": self = .info
        case "warning", "warn": self = .warning
        case "error": self = .error
        default: return nil
        }
    }
}

/// A log line sink: swappable backends, as swift-log's LogHandler.
public protocol LogBackend: Sendable {
    func write(line: String)
}

/// Writes lines to stderr.
public struct StderrLogBackend: LogBackend {
    public init() {}
    public func write(line: String) { Console.write(fd: 2, line) }
}

/// Appends lines to a file; `reopen()` follows logrotate's rename (called on SIGHUP).
public final class FileLogBackend: LogBackend {
    private let path: String
    private let fd: Mutex<Int32>

    public init(path: String) throws(FileOperationError) {
        self.path = path
        let f = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard f >= 0 else { throw FileOperationError(operation: "open", path: path, errnoCode: errno) }
        fd = Mutex(f)
    }

    deinit { fd.withLock { _ = close($0) } }

    public func write(line: String) {
        fd.withLock { f in Console.write(fd: f, line) }
    }

    public func reopen() {
        let new = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard new >= 0 else { return }
        fd.withLock { f in
            close(f)
            f = new
        }
    }
}

/// One line per event: `timestamp level component message`. Never given secrets.
public final class Logger: Sendable {
    private let backends: Mutex<[LogBackend]>
    private let minimum: LogLevel
    public let component: String

    public init(component: String, level: LogLevel = .info, backends: [LogBackend] = [StderrLogBackend()]) {
        self.component = component
        self.backends = Mutex(backends)
        self.minimum = level
    }

    public func addBackend(_ b: LogBackend) { backends.withLock { $0.append(b) } }
    public func isEnabled(_ level: LogLevel) -> Bool { level >= minimum }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard isEnabled(level) else { return }
        let line = "\(Logger.timestamp()) \(level) \(component) \(message())\n"
        for b in backends.withLock({ $0 }) { b.write(line: line) }
    }

    public func debug(_ m: @autoclosure () -> String) { log(.debug, m()) }
    public func info(_ m: @autoclosure () -> String) { log(.info, m()) }
    public func warning(_ m: @autoclosure () -> String) { log(.warning, m()) }
    public func error(_ m: @autoclosure () -> String) { log(.error, m()) }

    /// Local time `YYYY-MM-DDTHH:MM:SS.mmm±ZZZZ`.
    public static func timestamp() -> String {
        let now = Clock.wallTime()
        var t = time_t(now.seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, 64, "%Y-%m-%dT%H:%M:%S", &parts)
        var zone = [CChar](repeating: 0, count: 16)
        let z = strftime(&zone, 16, "%z", &parts)
        let ms = now.nanoseconds / 1_000_000
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return cText(buf, n) + "." + msText + cText(zone, z)
    }

    static func cText(_ buf: [CChar], _ n: Int) -> String {
        String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
