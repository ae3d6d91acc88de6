import CShims
import Glibc

/// Starts a detached pthread running `body` (no Foundation in the daemon: it stays small).
public enum NativeThread {
    /// What the new thread runs, passed through pthread_create's context pointer.
    private final class Box: Sendable {
        let body: @Sendable () -> Void
        let name: String
        init(_ name: String, _ body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    @discardableResult
    public static func spawn(name: String, _ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Box(name, body))
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            // Linux limits thread names to 15 bytes.
            cshim_set_thread_name(String(box.name.prefix(15)))
            box.body()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            return false
        }
        pthread_detach(tid)
        return true
    }
}
