/// The exporter's data-gathering tasks, in the order Pacific lists them in `health.tasks`.
public enum TaskName: String, CaseIterable, Sendable, Comparable {
    case daemons
    case disks
    case host

    public static func < (a: TaskName, b: TaskName) -> Bool { a.rawValue < b.rawValue }

    /// Default refresh intervals, as Pacific's `run()` passes them.
    public var defaultIntervalSecs: Double {
        switch self {
        case .host: return 5
        case .daemons, .disks: return 20
        }
    }
}

/// The API's routes, in the order Pacific's 404 message lists them.
public enum MetadataRoute: String, CaseIterable, Sendable {
    case all = "/v1/metadata"
    case health = "/v1/metadata/health"
    case disks = "/v1/metadata/disks"
    case daemons = "/v1/metadata/daemons"
    case host = "/v1/metadata/host"

    public static let notFoundMessage =
        "Valid URLs are: " + MetadataRoute.allCases.map(\.rawValue).joined(separator: ", ")

    public var task: TaskName? {
        switch self {
        case .disks: return .disks
        case .daemons: return .daemons
        case .host: return .host
        case .all, .health: return nil
        }
    }
}
