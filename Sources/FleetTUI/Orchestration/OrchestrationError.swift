import Common

/// Why `fleet apply`, `fleet rm` or `fleet bootstrap` stopped before touching any host.
enum OrchestrationError: Error, CustomStringConvertible {
    case store(FleetStoreError)
    case generation(TLSError)
    /// A config is stored but `exporter_enabled` is not set (the store was edited by hand or by
    /// an older tool): deploying it anyway could push a config nobody meant to activate.
    case exporterDisabled(stateDir: String)
    case fsidMismatch(stored: String, given: String)
    case alreadyApplied
    /// Anything else, with its own description.
    case other(String)

    var description: String {
        switch self {
        case .store(let e): return e.description
        case .generation(let e): return "cannot generate the exporter config: \(e)"
        case .exporterDisabled(let dir):
            return "an exporter config is stored in \(dir) but \(StoreKey.exporterEnabled) is not set; store it again with `fleet config set -i FILE` (or `fleet config clear` and let apply generate one)"
        case .fsidMismatch(let stored, let given):
            return "--fsid \(given) does not match the cluster fsid \(stored) stored in the state directory; leave --fsid out, or use another --state-dir for another cluster"
        case .alreadyApplied:
            return "the exporter service is already applied; use `fleet apply --hosts FILE` to change where it runs"
        case .other(let message): return message
        }
    }

    static func wrap(_ error: any Error) -> OrchestrationError {
        if let e = error as? OrchestrationError { return e }
        if let e = error as? FleetStoreError { return .store(e) }
        if let e = error as? TLSError { return .generation(e) }
        if let e = error as? FileOperationError { return .store(.io(e)) }
        return .other("\(error)")
    }
}
