import Common

/// Why a deploy or removal on this host failed, phrased for the operator.
enum DeployError: Error, Equatable, CustomStringConvertible {
    case config(ExporterConfigError)
    case file(FileOperationError)
    case portInUse(Int)
    case binary(String)
    case lock(String)
    case systemctl(SystemctlOutcome)

    var description: String {
        switch self {
        case .config(let e): return e.description
        case .file(let e): return e.description
        case .portInUse(let port):
            return "port \(port) is already in use by another program; stop it, or deploy with another port (--port, or \"port\" in the config)"
        case .binary(let message): return message
        case .lock(let message): return message
        case .systemctl(let outcome): return outcome.summary
        }
    }
}
