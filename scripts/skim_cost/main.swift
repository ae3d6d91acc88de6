import Common
import Glibc

// The driver of scripts/skim_cost.sh: classifies each body given on the command line
// `ITERATIONS` times at the summary depth (what every poll does). The loop is its own
// function so that callgrind counts only it (--toggle-collect); the bodies are read before.
@inline(never)
func classifyLoop(_ results: [PollResult], iterations: Int) -> Int {
    var checksum = 0
    let thresholds = Thresholds()
    for _ in 0..<iterations {
        for r in results {
            let c = HostClassifier.classify(r, thresholds: thresholds, depth: .summary)
            checksum &+= c.sample.tasks.count &+ (c.detail?.fsid?.utf8.count ?? 0) &+ (c.sample.error?.utf8.count ?? 0)
        }
    }
    return checksum
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let iterations = Int(arguments[1]) else {
    print("usage: skim-cost ITERATIONS BODY-FILE...")
    exit(2)
}
var results: [PollResult] = []
for path in arguments.dropFirst(2) {
    guard let file = fopen(path, "rb") else {
        print("skim-cost: cannot open \(path)")
        exit(1)
    }
    var body: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n <= 0 { break }
        body.append(contentsOf: chunk[0..<n])
    }
    fclose(file)
    // Polled one second after the records' scrape time: the verdict of a healthy host.
    let now = Double(time(nil))
    results.append(PollResult(hostIndex: 0, startedAt: now, latencySecs: 0.001,
                              outcome: .response(status: 200, dateHeader: nil, body: body)))
}
let verdicts = results.map { r -> String in
    let c = HostClassifier.classify(r, thresholds: Thresholds(), depth: .summary)
    return "\(c.sample.status) host=\(c.detail?.hostname ?? "-") fsid=\(c.detail?.fsid ?? "-") error=\(c.sample.error ?? "-")"
}
for v in verdicts { print("verdict: \(v)") }
print("checksum: \(classifyLoop(results, iterations: iterations))")
