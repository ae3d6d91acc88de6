import Common

extension JSONValue {
    /// The value with every object's keys sorted at every depth, as Python's
    /// `json.dumps(sort_keys=True)` prints it.
    func sortedKeysRecursively() -> JSONValue {
        switch self {
        case .object(let object):
            var sorted = JSONObject()
            for (key, value) in object.sortedByKey().entries { sorted[key] = value.sortedKeysRecursively() }
            return .object(sorted)
        case .array(let items):
            return .array(items.map { $0.sortedKeysRecursively() })
        default:
            return self
        }
    }
}
