import Common

/// Why the fleet's KV store could not be read or changed, phrased for the operator.
public enum FleetStoreError: Error, Equatable, CustomStringConvertible {
    case io(FileOperationError)
    case read(FileReadError)
    /// The store file exists but is not what `fleet` writes.
    case corrupt(path: String, reason: String)
    case cannotLock(path: String, reason: String)
    /// A stored value failed its checks (for example a hand-edited exporter config).
    case invalidValue(key: String, reason: String)
    /// Guarded commands while `spec.cephadm-exporter` exists (Pacific's wording, kept).
    case activeService

    public static let activeServiceMessage = "Unable to change configuration of an active service cephadm-exporter"

    public var description: String {
        switch self {
        case .io(let e): return e.description
        case .read(let e): return "cannot read \(e)"
        case .corrupt(let path, let reason):
            return "\(path) is not a valid fleet store (\(reason)); restore it from a backup, or move it aside to start with an empty store"
        case .cannotLock(let path, let reason):
            return "cannot lock \(path): \(reason)"
        case .invalidValue(let key, let reason):
            return "the stored value of \(key) is not valid:\n\(reason)"
        case .activeService:
            return Self.activeServiceMessage + " (remove it with `fleet rm` first, then change the configuration and `fleet apply` again)"
        }
    }
}
