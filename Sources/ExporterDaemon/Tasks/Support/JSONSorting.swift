import Common

extension JSONValue {
    /// The value with every object's keys sorted at every depth, as Python's
    /// `json.dumps(sort_keys=True)` prints it.
    func sortedKeysRecursively() -> JSONValue {
        switch self {
        case .object(let object):
            return .object(object.sortedKeysRecursively())
        case .array(let items):
            return .array(items.map { $0.sortedKeysRecursively() })
        default:
            return self
        }
    }
}

extension JSONObject {
    /// The object with its keys, and those of every object inside it, sorted.
    func sortedKeysRecursively() -> JSONObject {
        var sorted = JSONObject()
        for (key, value) in sortedByKey().entries { sorted[key] = value.sortedKeysRecursively() }
        return sorted
    }
}
