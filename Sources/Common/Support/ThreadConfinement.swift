import Glibc
import Synchronization

/// For objects that must only be touched on one thread (an event loop's, for the types marked
/// `@unchecked Sendable` because of it): remembers that thread, and in debug builds stops the
/// program when another thread touches the object. Release builds check nothing (`assert`).
public final class ThreadConfinement: Sendable {
    private let owner = Atomic<UInt>(0)

    public init() {}

    /// Makes the calling thread the owner (call it from the thread that will run the loop).
    public func bindToCurrentThread() {
        owner.store(UInt(pthread_self()), ordering: .relaxed)
    }

    /// In debug builds: traps unless called on the owning thread (the first caller owns it when
    /// nobody bound it).
    public func assertOnOwner(_ what: @autoclosure () -> String = "", file: StaticString = #fileID, line: UInt = #line) {
        assert(isOnOwner(), "used off its thread: \(what())", file: file, line: line)
    }

    /// Whether the calling thread owns it (claiming it when nobody does yet).
    func isOnOwner() -> Bool {
        let me = UInt(pthread_self())
        let (exchanged, current) = owner.compareExchange(expected: 0, desired: me, ordering: .relaxed)
        return exchanged || current == me
    }
}
