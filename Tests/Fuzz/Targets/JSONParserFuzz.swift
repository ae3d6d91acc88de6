import Common

/// The JSON parser both binaries use on data from outside.
enum JSONParserFuzz {
    static let target = FuzzTarget(name: "json-parser", run: run, brokenInput: Array(#"{"a": [1, 2,]}"#.utf8))

    @Sendable static func run(_ data: [UInt8]) -> FuzzOutcome {
        let value: JSONValue
        do {
            value = try JSONParser.parse(data)
        } catch {
            guard error.offset >= 0, error.offset <= data.count else {
                return .invariantBroken("error offset \(error.offset) outside the \(data.count)-byte input")
            }
            return .rejected(error.description)
        }
        // What the writer prints must parse, and printing that again must change nothing
        // (the first print may differ: 1e400 is read as infinity and written as null).
        let printed = JSONWriter.compact(value)
        guard let reparsed = try? JSONParser.parse(printed) else {
            return .invariantBroken("the writer printed JSON the parser refuses: \(String(decoding: printed.prefix(200), as: UTF8.self))")
        }
        guard JSONWriter.compact(reparsed) == printed else {
            return .invariantBroken("writing and parsing again is not stable")
        }
        return .value("\(printed.count) bytes printed")
    }
}
