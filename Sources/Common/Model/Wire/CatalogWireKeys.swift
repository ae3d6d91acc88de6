/// The keys of a catalog's `/v1/metadata` that `MetadataDocument.summarize` looks for
/// (`TaskCatalog.wireKeys`, built once rather than per body).
final class CatalogWireKeys: Sendable {
    /// The document's members: `health`, then each task in registration order.
    let document: JSONKeySet
    /// `health.tasks`: each task, then `http_server`.
    let healthTasks: JSONKeySet
    /// `health.task_detail`: each task.
    let tasks: JSONKeySet

    init(_ names: [TaskName]) {
        document = JSONKeySet([WireKey.health] + names.map(\.rawValue))
        healthTasks = JSONKeySet(names.map(\.rawValue) + [WireKey.httpServer])
        tasks = JSONKeySet(names.map(\.rawValue))
    }
}
