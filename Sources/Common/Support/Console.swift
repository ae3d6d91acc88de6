import Glibc

/// Writes to stdout/stderr with write(2): C's `stdout`/`stderr` globals are not
/// concurrency-safe in Swift 6, and unbuffered writes keep log lines whole across threads.
public enum Console {
    public static func out(_ text: String, newline: Bool = true) { write(fd: 1, newline ? text + "\n" : text) }
    public static func err(_ text: String, newline: Bool = true) { write(fd: 2, newline ? text + "\n" : text) }

    public static func write(fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
        bytes.removeAll()
    }
}
