import CShims

/// Hands the allocator's free pages back to the system. glibc keeps what a thread once held
/// in its arena: a poller whose result threads briefly queued megabytes of response bodies
/// keeps those pages resident long after the bodies were freed, so the dashboard's RSS grew
/// with the largest backlog it ever had rather than with what it holds. `malloc_trim(0)`
/// returns every whole free page of every arena; it locks each arena for a moment, so it is
/// called every few seconds, not per poll.
public enum FreeMemory {
    /// Returns free heap pages to the system; true when some were returned.
    @discardableResult
    public static func returnToSystem() -> Bool {
        cshim_malloc_trim(0) == 1
    }
}
