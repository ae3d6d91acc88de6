import Glibc

/// The parent's ends of a child's pipes: writes the child's input and reads its stdout and
/// stderr, all in one poll(2) so a child that fills one pipe while waiting on another cannot
/// deadlock with us. At most the configured bytes are kept of each output.
struct ChildPipes {
    private var stdinFD: Int32
    private let input: [UInt8]
    private var written = 0
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private let maxStdout: Int
    private let maxStderr: Int
    private(set) var stdout: [UInt8] = []
    private(set) var stderr: [UInt8] = []
    private(set) var stdoutOverflowed = false

    /// Pass -1 for a pipe that is not there; the descriptors must be non-blocking.
    init(stdinFD: Int32 = -1, input: [UInt8] = [], stdoutFD: Int32, stderrFD: Int32, maxStdout: Int, maxStderr: Int) {
        self.stdinFD = stdinFD
        self.input = input
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.maxStdout = maxStdout
        self.maxStderr = maxStderr
    }

    var isOpen: Bool { stdinFD >= 0 || stdoutFD >= 0 || stderrFD >= 0 }

    mutating func poll(timeoutMs: Int32) {
        var fds: [pollfd] = []
        if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
        if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        let n = Glibc.poll(&fds, nfds_t(fds.count), timeoutMs)
        guard n > 0 else { return }
        if stdinFD >= 0, fds[0].revents != 0 { writeInput() }
        readAvailable()
    }

    /// Reads whatever is ready on both output pipes; closes a pipe at end of file.
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
        for fd in [stdinFD, stdoutFD, stderrFD] where fd >= 0 { close(fd) }
        stdinFD = -1
        stdoutFD = -1
        stderrFD = -1
    }

    /// Writes as much input as the pipe takes; closes stdin once all is written (the child
    /// then sees end of file) or when the child closed its end (EPIPE: the rest is not wanted).
    private mutating func writeInput() {
        while written < input.count {
            let n = input.withUnsafeBytes { raw in
                write(stdinFD, raw.baseAddress.map { $0 + written }, raw.count - written)
            }
            if n > 0 { written += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            break
        }
        close(stdinFD)
        stdinFD = -1
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
