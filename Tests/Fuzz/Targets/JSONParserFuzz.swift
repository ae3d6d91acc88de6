@testable import Common

/// The JSON parser both binaries use on data from outside.
enum JSONParserFuzz {
    static let target = FuzzTarget(name: "json-parser", run: run, brokenInput: Array(#"{"a": [1, 2,]}"#.utf8))

    @Sendable static func run(_ data: [UInt8]) -> FuzzOutcome {
        if let broken = numbersDisagree(in: data) { return .invariantBroken(broken) }
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

    /// The parser reads most fractions without strtod (`DecimalDouble`): wherever that answers,
    /// it must give strtod's very Double. Every run of number bytes in the input that is a JSON
    /// number with a fraction or exponent is checked; nil when they all agree.
    static func numbersDisagree(in data: [UInt8]) -> String? {
        var start = 0
        while start < data.count {
            var end = start
            while end < data.count, numberBytes.contains(data[end]) { end += 1 }
            let run = Array(data[start..<end])
            if case .double? = try? JSONParser.parse(run), let reference = Double(String(decoding: run, as: UTF8.self)) {
                let fast = run.withUnsafeBufferPointer { buf in
                    buf.baseAddress.flatMap { DecimalDouble.value($0, from: 0, to: buf.count) }
                }
                if let fast, fast.bitPattern != reference.bitPattern {
                    return "\(String(decoding: run, as: UTF8.self)) read as \(fast), strtod gives \(reference)"
                }
            }
            start = end + 1
        }
        return nil
    }

    static let numberBytes = Set("-+.eE0123456789".utf8)
}
