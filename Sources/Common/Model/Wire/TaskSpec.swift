/// The name of a data-gathering task: its key in `/v1/metadata` and `health.tasks`, the last
/// segment of its route, and its thread's name.
public struct TaskName: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let host = TaskName("host")
    public static let daemons = TaskName("daemons")
    public static let disks = TaskName("disks")

    /// Byte order, as Pacific's JSON lists the names in `health.tasks`.
    public static func < (a: TaskName, b: TaskName) -> Bool { a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8) }

    public var description: String { rawValue }
}

/// What a task's `data` holds when it has some (a failed scrape leaves `null` instead).
public enum TaskDataShape: Sendable, Equatable {
    case object
    case array
}

/// Everything both programs know about one task: the exporter runs it, serves it and reports its
/// health under this name; the fleet decodes it, judges its age by its interval and shows it in a
/// dashboard column. Adding a task is one `TaskSpec`, its line in `TaskCatalog.standard`, and the
/// exporter's `GatherTask` that produces its data.
public struct TaskSpec: Sendable, Equatable {
    public let name: TaskName
    /// For help texts: `host facts` (as in "host facts refresh interval").
    public let summary: String
    /// The refresh interval Pacific's `run()` passes (and the fleet assumes when an exporter
    /// does not report one).
    public let defaultIntervalSecs: Double
    public let dataShape: TaskDataShape
    /// The dashboard's column titles for the task, full and compact (3 letters).
    public let columnTitles: (full: String, compact: String)

    public var columnTitle: String { columnTitles.full }
    public var compactColumnTitle: String { columnTitles.compact }

    public init(name: TaskName, summary: String, defaultIntervalSecs: Double, dataShape: TaskDataShape,
                columnTitle: String, compactColumnTitle: String) {
        (self.name, self.summary, self.defaultIntervalSecs) = (name, summary, defaultIntervalSecs)
        (self.dataShape, columnTitles) = (dataShape, (columnTitle, compactColumnTitle))
    }

    public static func == (a: TaskSpec, b: TaskSpec) -> Bool {
        a.name == b.name && a.summary == b.summary && a.defaultIntervalSecs == b.defaultIntervalSecs
            && a.dataShape == b.dataShape && a.columnTitles == b.columnTitles
    }

    /// The gather-facts object (Pacific's `cephadm gather-facts`).
    public static let host = TaskSpec(name: .host, summary: "host facts", defaultIntervalSecs: 5, dataShape: .object,
                                      columnTitle: "FACTS", compactColumnTitle: "FCT")
    /// The cephadm daemon list (`cephadm ls`).
    public static let daemons = TaskSpec(name: .daemons, summary: "daemon list", defaultIntervalSecs: 20, dataShape: .array,
                                         columnTitle: "DAEMONS", compactColumnTitle: "DMN")
    /// The ceph-volume inventory.
    public static let disks = TaskSpec(name: .disks, summary: "disk inventory", defaultIntervalSecs: 20, dataShape: .array,
                                       columnTitle: "DISKS", compactColumnTitle: "DSK")
}
