import Common

/// The store file: `{"format": 1, "entries": {key: value, ...}}`, indented for humans.
enum StoreFileFormat {
    static let version = 1

    static func encode(_ entries: StoreEntries) -> String {
        JSONWriter.pretty(.object(JSONObject([
            ("format", .int(version)),
            ("entries", .object(entries.object)),
        ]))) + "\n"
    }

    static func decode(_ bytes: [UInt8], path: String) throws(FleetStoreError) -> StoreEntries {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw .corrupt(path: path, reason: "\(error)")
        }
        guard case .object(let top) = document else {
            throw .corrupt(path: path, reason: "the top level is not a JSON object")
        }
        guard let format = top["format"]?.intValue else {
            throw .corrupt(path: path, reason: "no \"format\" number")
        }
        guard format == version else {
            throw .corrupt(path: path, reason: "format \(format) is not supported (this fleet reads format \(version))")
        }
        guard case .object(let entries)? = top["entries"] else {
            throw .corrupt(path: path, reason: "no \"entries\" object")
        }
        for (key, value) in entries.entries where value.stringValue == nil {
            throw .corrupt(path: path, reason: "the value of \"\(key)\" is not a string")
        }
        return StoreEntries(entries)
    }
}
