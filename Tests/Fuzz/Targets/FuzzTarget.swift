/// What one fuzz input did. A target returns a value or a clear error for every input; any
/// broken invariant is reported (the libFuzzer driver then aborts, so the input is saved).
enum FuzzOutcome: Sendable, Equatable {
    /// The input was accepted; the text says what came out (for the corpus test's messages).
    case value(String)
    /// The input was refused with an error value.
    case rejected(String)
    /// A property that must hold for every input did not: a bug.
    case invariantBroken(String)
}

/// A named entry point: bytes in, outcome out. The same functions run under libFuzzer
/// (`make fuzz`) and, over the seed corpora, in `make test` (FuzzCorpusTests).
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> FuzzOutcome
    /// An input the target must refuse: proves the corpus test can fail.
    let brokenInput: [UInt8]
}

enum FuzzTargets {
    /// Every target, by the name `make fuzz` and the corpus directory use
    /// (Tests/Fuzz/corpus/<name>/).
    static let all: [FuzzTarget] = [
        RequestParserFuzz.target,
        ResponseParserFuzz.target,
        JSONParserFuzz.target,
        MetadataDecoderFuzz.target,
        ConnectionFuzz.target,
        MetadataSummaryFuzz.target,
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// Splits fuzz input into a few control bytes and the payload, so one input also chooses how
/// the payload is fed (granularity) and which limits apply.
struct FuzzInput {
    /// 0 = whole payload at once; otherwise pieces of this many bytes.
    let pieceSize: Int
    /// Use small limits so the fuzzer reaches the limit checks with short inputs.
    let smallLimits: Bool
    let payload: [UInt8]

    init(_ data: [UInt8]) {
        let control = data.first ?? 0
        pieceSize = Int(control & 0x0F)
        smallLimits = control & 0x10 != 0
        payload = Array(data.dropFirst())
    }

    static func pieces(_ bytes: [UInt8], size: Int) -> [ArraySlice<UInt8>] {
        guard size > 0, !bytes.isEmpty else { return [bytes[...]] }
        return stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
    }
}
