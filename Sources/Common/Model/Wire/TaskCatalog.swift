/// The API's routes.
public enum MetadataRoute: Hashable, Sendable {
    /// `/v1/metadata`: health and every task's record.
    case all
    /// `/v1/metadata/health`.
    case health
    /// `/v1/metadata/<task>`.
    case task(TaskName)

    public static let basePath = "/v1/metadata"

    public var path: String {
        switch self {
        case .all: return Self.basePath
        case .health: return Self.basePath + "/" + MetadataDocument.healthKey
        case .task(let name): return Self.basePath + "/" + name.rawValue
        }
    }
}

/// The tasks an exporter runs, in registration order, and everything derived from that list:
/// the `/v1/metadata` document order, the `health.tasks` order, the routes and the 404 text.
/// Both programs use `TaskCatalog.standard`; tests build others (a fourth task) to show that
/// nothing else lists the tasks.
public struct TaskCatalog: Sendable, Equatable {
    /// Registration order: threads start in it, `/v1/metadata` lists the records in it.
    public let specs: [TaskSpec]
    /// `/v1/metadata`, `/v1/metadata/health`, then the task routes last-registered first: for
    /// Pacific's three tasks that is exactly the order of its 404 message (disks, daemons, host).
    public let routes: [MetadataRoute]
    /// Pacific's 404 reason phrase and message.
    public let notFoundMessage: String
    /// The 404 body, `{"message": "<notFoundMessage>"}`, built once (scanners send many 404s).
    public let notFoundBody: [UInt8]
    private let routeByPath: [String: MetadataRoute]
    /// The keys a skim of `/v1/metadata` looks for, built once rather than per body.
    let wireKeys: CatalogWireKeys

    /// The tasks an exporter runs, in the order Pacific's `run()` starts them.
    public static let standard = TaskCatalog([.host, .daemons, .disks])

    /// Names must be distinct and usable as a path segment and a JSON key beside `health`.
    public init(_ specs: [TaskSpec]) {
        var unique: [TaskSpec] = []
        for spec in specs where !unique.contains(where: { $0.name == spec.name }) && Self.isUsableName(spec.name) {
            unique.append(spec)
        }
        self.specs = unique
        routes = [.all, .health] + unique.reversed().map { .task($0.name) }
        notFoundMessage = "Valid URLs are: " + routes.map(\.path).joined(separator: ", ")
        notFoundBody = JSONWriter.compact(.object(JSONObject([(WireKey.message, .string(notFoundMessage))])))
        routeByPath = Dictionary(uniqueKeysWithValues: routes.map { ($0.path, $0) })
        names = unique.map(\.name)
        healthOrder = names.sorted()
        specsByName = unique.sorted { $0.name < $1.name }
        wireKeys = CatalogWireKeys(names)
    }

    /// Registration order.
    public let names: [TaskName]

    /// The order of `health.tasks` and `health.task_detail`: by name, as Pacific's sorted dict.
    /// The fleet shows the tasks' columns in this order too.
    public let healthOrder: [TaskName]

    /// The specs in `healthOrder` (every classification walks them: sorted once, here).
    public let specsByName: [TaskSpec]

    public func spec(for name: TaskName) -> TaskSpec? { specs.first { $0.name == name } }

    /// The interval the fleet assumes when an exporter reports none.
    public func defaultIntervalSecs(of name: TaskName) -> Double { spec(for: name)?.defaultIntervalSecs ?? 20 }

    /// The route an exact request target names (Pacific compares the raw target, query included).
    public func route(forTarget target: String) -> MetadataRoute? { routeByPath[target] }

    /// This catalog with one more task registered after the others.
    public func adding(_ spec: TaskSpec) -> TaskCatalog { TaskCatalog(specs + [spec]) }

    public static func == (a: TaskCatalog, b: TaskCatalog) -> Bool { a.specs == b.specs }

    private static func isUsableName(_ name: TaskName) -> Bool {
        let reserved: Set<String> = [MetadataDocument.healthKey, Health.httpServerKey]
        return !name.rawValue.isEmpty && !reserved.contains(name.rawValue)
            && name.rawValue.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2D }
    }
}
