import Glibc

/// Reads a child's stdout and stderr without blocking, keeping at most the configured bytes.
struct OutputCollector {
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private let maxStdout: Int
    private let maxStderr: Int
    private(set) var stdout: [UInt8] = []
    private(set) var stderr: [UInt8] = []
    private(set) var stdoutOverflowed = false

    init(stdoutFD: Int32, stderrFD: Int32, maxStdout: Int, maxStderr: Int) {
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.maxStdout = maxStdout
        self.maxStderr = maxStderr
    }

    var isOpen: Bool { stdoutFD >= 0 || stderrFD >= 0 }

    mutating func poll(timeoutMs: Int32) {
        var fds: [pollfd] = []
        if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        let n = Glibc.poll(&fds, nfds_t(fds.count), timeoutMs)
        if n > 0 { readAvailable() }
    }

    /// Reads whatever is ready on both pipes; closes a pipe at end of file.
    mutating func readAvailable() {
        if stdoutFD >= 0 {
            let open = Self.drain(stdoutFD, into: &stdout, keepAtMost: maxStdout + 1)
            if stdout.count > maxStdout { stdoutOverflowed = true }
            if !open { close(stdoutFD); stdoutFD = -1 }
        }
        if stderrFD >= 0 {
            let open = Self.drain(stderrFD, into: &stderr, keepAtMost: maxStderr)
            if !open { close(stderrFD); stderrFD = -1 }
        }
    }

    mutating func closeAll() {
        if stdoutFD >= 0 { close(stdoutFD); stdoutFD = -1 }
        if stderrFD >= 0 { close(stderrFD); stderrFD = -1 }
    }

    /// Reads until the pipe would block or 1 MiB has been read (returns true: still open), or
    /// until end of file (false). Bytes past `keepAtMost` are read and dropped so a chatty child
    /// never stalls on a full pipe; the 1 MiB bound lets the caller check its deadline even
    /// when a child writes without pause.
    private static func drain(_ fd: Int32, into buffer: inout [UInt8], keepAtMost: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<16 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                let room = max(0, keepAtMost - buffer.count)
                buffer.append(contentsOf: chunk[0..<min(n, room)])
                continue
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK
        }
        return true
    }
}

