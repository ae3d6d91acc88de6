import Common
import Foundation
import Glibc
import XCTest

/// `fleet rotate` under a running dashboard, as an operator would do it: per-host mode with
/// mutual TLS, two exporters applied over ssh (127.0.0.16 and .17, one sshd), the dashboard in
/// tmux; a token and certificate rotation, then a CA rotation, then a restarted exporter that
/// must be trusted with its certificate from the new CA. No frame and no event may show AUTH
/// or TLS.
final class RotationTmuxTests: XCTestCase {
    override func setUpWithError() throws {
        try DeployBinaries.requireSubcommands()
    }

    private struct Setup {
        let fleet: PerHostFleet
        let port: Int
    }

    /// A fresh state dir per attempt: a port another program holds means generating again, and
    /// an applied store refuses that.
    private func applied(_ sshd: LoopbackSSHD, sshdDir: String) throws -> Setup {
        try PortCandidates.retrying { port -> Setup? in
            let f = try PerHostFleet()
            XCTAssertEqual(try f.fleet(["config", "generate", "--per-host", "--mtls", "--port", String(port)]).status, 0)
            let hosts = try f.write("ssh-hosts.txt", "127.0.0.16:\(sshd.port)\n127.0.0.17:\(sshd.port)\n")
            let apply = try f.fleet(["apply", "--hosts", hosts, "--remote-binary", TestPaths.exporter, "--remote-data-dir", f.data,
                                     "--remote-unit-dir", f.units, "--remote-log-dir", f.logs, "--no-start", "--connect-timeout", "5",
                                     "--timeout", "60"] + sshd.fleetSSHArguments)
            if apply.all.contains("already in use") { return nil }
            guard apply.status == 0 else { throw TestFailure("apply failed: \(apply.all)") }
            let fsid = try f.fsid
            for address in ["127.0.0.16", "127.0.0.17"] {
                guard try f.start(fsid: fsid, id: address, address: address, port: port) != nil else { return nil }
            }
            return Setup(fleet: f, port: port)
        }
    }

    /// Header counts (`AUTH 0  TLS 0` on a wide terminal) above zero, or a row saying AUTH or TLS.
    private func showsAuthOrTLS(_ frame: String) -> Bool {
        let lines = frame.split(separator: "\n", omittingEmptySubsequences: false)
        for label in ["AUTH", "TLS"] {
            for line in lines {
                var rest = Substring(line)
                while let r = rest.firstRange(of: label + " ") {
                    rest = rest[r.upperBound...]
                    if let n = Int(rest.prefix(while: \.isNumber)), n > 0 { return true }
                }
            }
            if lines.dropFirst(3).contains(where: { $0.contains(" \(label) ") || $0.contains("\(label): ") }) { return true }
        }
        return false
    }

    /// Captures frames while `running` holds, then for `settle` seconds more.
    private func frames(_ tmux: TmuxSession, while running: () -> Bool, settle: Double) -> [String] {
        var out: [String] = []
        while running() {
            out.append(tmux.capture())
            usleep(100_000)
        }
        let end = Date().addingTimeInterval(settle)
        while Date() < end {
            out.append(tmux.capture())
            usleep(100_000)
        }
        return out
    }

    private func rotate(_ f: PerHostFleet, _ args: [String], _ tmux: TmuxSession) throws -> (status: Int32?, output: String, frames: [String]) {
        let p = try SpawnedProcess([TestPaths.fleet, "rotate"] + args + ["--state-dir", f.state], outputDir: f.temp,
                                   name: "rotate-\(Int.random(in: 0..<1_000_000))")
        let captured = frames(tmux, while: { p.isRunning }, settle: 3)
        return (p.wait(timeout: 60), p.stdout + p.stderr, captured)
    }

    func test_rotating_tokens_certificates_and_the_ca_under_a_running_dashboard_shows_no_AUTH_or_TLS() throws {
        guard TmuxSession.available else { throw XCTSkip("tmux is not installed (make test installs it)") }
        let sshdDir = try TestPaths.makeTempDir("rotation-sshd")
        defer { try? FileManager.default.removeItem(atPath: sshdDir) }
        let sshd = try LoopbackSSHD(addresses: ["127.0.0.16", "127.0.0.17"], in: sshdDir)
        let setup = try applied(sshd, sshdDir: sshdDir)
        let f = setup.fleet, port = setup.port
        let fsid = try f.fsid
        let hosts = try f.write("hosts.txt", "127.0.0.16:\(port)\n127.0.0.17:\(port)\n")
        let events = f.temp + "/events.jsonl"
        let tmux = try TmuxSession(command: "\(TestPaths.fleet) --hosts \(hosts) --state-dir \(f.state) --interval 0.5 --timeout 5 "
                                   + "--events-log \(events); sleep 60", dir: f.temp)
        tmux.waitFor("both hosts OK", timeout: 30) { $0.contains("OK 2") }
        let tokenFile = f.daemonDir(fsid: fsid, id: "127.0.0.16") + "/token"
        let tokenBefore = try String(contentsOfFile: tokenFile, encoding: .utf8)
        var all: [String] = []

        // Tokens and certificates: the new token first, the previous one during the grace period.
        let first = try rotate(f, ["--tokens", "--certs", "--grace", "10m"], tmux)
        XCTAssertEqual(first.status, 0, first.output)
        all += first.frames
        XCTAssertNotEqual(try String(contentsOfFile: tokenFile, encoding: .utf8), tokenBefore, "the host got a new token")
        XCTAssertTrue(FileManager.default.fileExists(atPath: f.daemonDir(fsid: fsid, id: "127.0.0.16") + "/token.prev"))
        XCTAssertTrue(f.log("127.0.0.16").contains("reload: new certificate"), f.log("127.0.0.16"))
        XCTAssertTrue(first.output.contains("reloaded"), first.output)

        // A new CA: both trusted meanwhile; fleet's client certificate still from the previous one.
        let second = try rotate(f, ["--ca"], tmux)
        XCTAssertEqual(second.status, 0, second.output)
        all += second.frames
        XCTAssertEqual(try Certificate.parseAll(pem: try String(contentsOfFile: f.daemonDir(fsid: fsid, id: "127.0.0.17") + "/ca.crt",
                                                                encoding: .utf8)).count, 2)

        // A restarted exporter makes the dashboard verify its new-CA certificate on a new connection.
        f.stop("127.0.0.17")
        XCTAssertNotNil(try f.start(fsid: fsid, id: "127.0.0.17", address: "127.0.0.17", port: port))
        var sawRecovery = false
        all += frames(tmux, while: {
            sawRecovery = sawRecovery || tmux.capture().contains("OK 2")
            return !sawRecovery
        }, settle: 2)
        XCTAssertTrue(tmux.waitFor("both hosts OK again", timeout: 20) { $0.contains("OK 2") }.contains("OK 2"))

        let bad = all.filter(showsAuthOrTLS)
        XCTAssertTrue(bad.isEmpty, "\(bad.count) of \(all.count) frames showed AUTH or TLS, e.g.:\n\(bad.first ?? "")")
        XCTAssertGreaterThan(all.count, 20)
        let log = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
        XCTAssertFalse(log.contains("\"to\": \"AUTH\"") || log.contains("\"to\": \"TLS\""), log)

        // A fresh check (new handshakes everywhere) agrees.
        let check = try f.check(hosts)
        XCTAssertEqual(check.status, 0, check.text)
    }
}
