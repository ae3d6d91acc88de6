import XCTest
import Synchronization
@testable import FleetTUI
@testable import Common

/// Records every host command and answers from a table of failing hosts.
final class FakeHostRunner: HostCommandRunner, Sendable {
    struct Call: Sendable, Equatable {
        let host: String
        let argv: [String]
        let stdin: String
    }

    private let calls = Mutex<[Call]>([])
    let failing: [String: String]
    let settingsSeen = Mutex<[SSHSettings]>([])

    init(failing: [String: String] = [:]) { self.failing = failing }

    func run(_ argv: [String], on target: DeployTarget, stdin: [UInt8], timeoutSeconds: Double) -> HostCommandResult {
        calls.withLock { $0.append(Call(host: target.name, argv: argv, stdin: String(decoding: stdin, as: UTF8.self))) }
        if let reason = failing[target.name] { return .failure(reason) }
        if argv.count > 1 && argv[1] == "deploy" {
            return .success(stdout: "Deploying cephadm-exporter.\(target.daemonID) for cluster f on port 9443\n  --no-start: not started\n")
        }
        return .success(stdout: "Removing ...\n")
    }

    var recorded: [Call] { calls.withLock { $0 }.sorted { ($0.host, $0.argv[1]) < ($1.host, $1.argv[1]) } }
}

final class OrchestrationTests: StoreTestCase {
    private func apply(_ hosts: String, _ extra: [String] = [], runner: FakeHostRunner) -> (status: Int32, out: String, err: String) {
        let path = write(hosts, to: "hosts.txt")
        let captured = CapturedCommandIO()
        let status = ApplyCommand.run(["--hosts", path, "--state-dir", stateDir, "--fsid", "f"] + extra,
                                      io: captured.io, remoteRunner: { _ in runner })
        return (status, captured.out, captured.err)
    }

    private func remove(_ extra: [String] = [], runner: FakeHostRunner) -> (status: Int32, out: String, err: String) {
        let captured = CapturedCommandIO()
        let status = RemoveCommand.run(["--state-dir", stateDir] + extra, io: captured.io, remoteRunner: { _ in runner })
        return (status, captured.out, captured.err)
    }

    // MARK: ssh command line

    func test_ssh_arguments_put_batchmode_first_and_quote_the_remote_command() {
        let runner = SSHRunner(settings: SSHSettings(user: "ceph", identityFile: "/keys/id", options: ["StrictHostKeyChecking=no"], connectTimeout: 7))
        let args = runner.arguments(for: ["/opt/my bin/cephadm-exporter", "deploy", "--config-json", "-"],
                                    on: DeployTarget(name: "a", address: "10.0.0.1", sshPort: 2222))
        XCTAssertEqual(args, ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "ConnectTimeout=7",
                              "-p", "2222", "-i", "/keys/id", "-l", "ceph", "--", "10.0.0.1",
                              "'/opt/my bin/cephadm-exporter' deploy --config-json -"])
    }

    func test_deploy_command_reads_the_config_from_stdin_not_the_command_line() throws {
        let config = try ExporterConfig.generate()
        let argv = HostCommands.deploy(fsid: "f", target: DeployTarget(name: "n1.example", address: "n1"),
                                       layout: RemoteLayout(binary: "/b", dataDir: "/d", unitDir: "/u", logDir: "/l", noStart: true))
        XCTAssertEqual(argv, ["/b", "deploy", "--fsid", "f", "--id", "n1", "--config-json", "-",
                              "--data-dir", "/d", "--unit-dir", "/u", "--log-dir", "/l", "--no-start"])
        XCTAssertFalse(argv.joined().contains(config.token))
        XCTAssertEqual(try ExporterConfig.parse(text: String(decoding: HostCommands.payload(config), as: UTF8.self), source: "p"), config)
    }

    func test_ssh_failures_become_readable_reasons() {
        func result(_ status: Int32, _ stderr: String, timedOut: Bool = false) -> HostCommandResult {
            let argv = ["ssh", "n1", "cephadm-exporter"]
            let outcome: Result<CommandResult, CommandError> = timedOut
                ? .failure(.timedOut(command: argv.joined(separator: " "), afterSecs: 30))
                : .success(CommandResult(argv: argv, termination: .exited(status), stdout: [], stderr: Array(stderr.utf8)))
            return HostCommandOutcome.interpret(outcome, viaSSH: true, program: "cephadm-exporter", timeoutSeconds: 30)
        }
        XCTAssertEqual(result(255, "ssh: connect to host 10.0.0.9 port 22: Connection refused\r\n").failureReason,
                       "ssh: ssh: connect to host 10.0.0.9 port 22: Connection refused")
        XCTAssertTrue(result(127, "sh: 1: cephadm-exporter: not found\n").failureReason?.contains("was not found on the host") ?? false)
        XCTAssertEqual(result(1, "cephadm-exporter deploy: failed:\n  stdin: token: is 3 characters long\n").failureReason,
                       "stdin: token: is 3 characters long")
        XCTAssertEqual(result(0, "", timedOut: true).failureReason, "timed out after 30 s (see --timeout)")
        XCTAssertEqual(HostCommandOutcome.interpret(.failure(.notFound(command: "ssh", searchPath: "/usr/bin")), viaSSH: true,
                                                    program: "cephadm-exporter", timeoutSeconds: 30).failureReason,
                       "cannot run ssh: ssh: command not found in PATH /usr/bin")
        XCTAssertNil(result(0, "warning\n").failureReason)
    }

    // MARK: host list

    func test_host_list_problems_are_reported_with_their_line_numbers() {
        guard case .failure(let problems) = ApplyHostList.targets(fromText: "a.example\n# comment\nbad host!\nb:99999\n", source: "hosts.txt") else {
            return XCTFail("expected problems")
        }
        XCTAssertEqual(problems.lines.count, 2, "\(problems.lines)")
        XCTAssertTrue(problems.lines[0].hasPrefix("hosts.txt:3: "), problems.lines[0])
        XCTAssertTrue(problems.lines[1].hasPrefix("hosts.txt:4: "), problems.lines[1])
    }

    func test_hosts_whose_names_give_the_same_daemon_id_are_refused() {
        guard case .failure(let problems) = ApplyHostList.targets(fromText: "node1.a.example\nnode1.b.example\n", source: "h") else {
            return XCTFail("expected problems")
        }
        XCTAssertEqual(problems.lines.count, 1)
        XCTAssertTrue(problems.lines[0].contains("'node1'"), problems.lines[0])
    }

    func test_ip_hosts_keep_distinct_daemon_ids_and_ssh_ports() throws {
        let targets = try ApplyHostList.targets(fromText: "127.0.0.2:2200\n127.0.0.3:2200\n", source: "h").get()
        XCTAssertEqual(targets.map(\.daemonID), ["127.0.0.2", "127.0.0.3"])
        XCTAssertEqual(targets.map(\.sshPort), [2200, 2200])
    }

    func test_orch_host_ls_json_is_accepted() throws {
        let json = #"[{"addr": "10.0.0.1", "hostname": "node1", "labels": [], "status": ""}]"#
        let targets = try ApplyHostList.targets(fromText: json, source: "h").get()
        XCTAssertEqual(targets, [DeployTarget(name: "node1", address: "10.0.0.1")])
    }

    func test_an_empty_host_list_is_refused() {
        guard case .failure(let p) = ApplyHostList.targets(fromText: "# nothing\n", source: "h") else { return XCTFail() }
        XCTAssertEqual(p.lines, ["h: no hosts listed"])
    }

    // MARK: apply

    func test_apply_generates_a_config_when_none_is_stored_and_deploys_it_to_every_host() throws {
        let runner = FakeHostRunner()
        let r = apply("a\nb\n", ["--remote-binary", "/x/cephadm-exporter", "--no-start"], runner: runner)
        XCTAssertEqual(r.status, 0, r.err)
        let config = try XCTUnwrap(openStore().exporterConfig())
        XCTAssertEqual(runner.recorded.map(\.host), ["a", "b"])
        for call in runner.recorded {
            XCTAssertEqual(call.argv.prefix(2), ["/x/cephadm-exporter", "deploy"])
            XCTAssertEqual(try ExporterConfig.parse(text: call.stdin, source: "stdin"), config)
        }
        XCTAssertTrue(r.out.contains("generated a self-signed"), r.out)
        let spec = try XCTUnwrap(openStore().exporterSpec())
        XCTAssertEqual(spec.hosts.map(\.name), ["a", "b"])
        XCTAssertEqual(spec.deployedHosts.sorted(), ["a", "b"])
        XCTAssertEqual(spec.remote.noStart, true)
        XCTAssertEqual(try openStore().clusterFSID(), "f")
    }

    func test_a_failing_host_does_not_stop_the_others_and_makes_the_exit_status_1() throws {
        let runner = FakeHostRunner(failing: ["b": "ssh: Connection refused"])
        let r = apply("a\nb\nc\n", runner: runner)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(runner.recorded.map(\.host), ["a", "b", "c"])
        let rows = r.out.split(separator: "\n").map(String.init)
        XCTAssertTrue(rows.contains { $0.hasPrefix("a ") && $0.contains("deployed") })
        XCTAssertTrue(rows.contains { $0.hasPrefix("b ") && $0.contains("failed") && $0.contains("ssh: Connection refused") }, r.out)
        XCTAssertTrue(rows.contains { $0.hasPrefix("c ") && $0.contains("deployed") })
        XCTAssertTrue(r.out.contains("3 hosts: 1 failed"))
        let spec = try XCTUnwrap(openStore().exporterSpec())
        XCTAssertEqual(spec.hosts.map(\.name), ["a", "b", "c"], "the spec lists every host, failed or not")
        XCTAssertEqual(spec.deployedHosts.sorted(), ["a", "c"])
    }

    func test_running_apply_again_converges() throws {
        XCTAssertEqual(apply("a\nb\n", runner: FakeHostRunner(failing: ["b": "down"])).status, 1)
        let tokenBefore = try openStore().exporterConfig()?.token
        let second = FakeHostRunner()
        XCTAssertEqual(apply("a\nb\n", runner: second).status, 0)
        XCTAssertEqual(second.recorded.map(\.host), ["a", "b"])
        XCTAssertEqual(try openStore().exporterConfig()?.token, tokenBefore, "the same config is redeployed")
        XCTAssertEqual(try openStore().exporterSpec()?.deployedHosts.sorted(), ["a", "b"])
    }

    func test_hosts_dropped_from_the_list_have_their_exporter_removed() throws {
        XCTAssertEqual(apply("a\nb\nc\n", runner: FakeHostRunner(failing: ["c": "down"])).status, 1)
        let runner = FakeHostRunner()
        let r = apply("a\n", runner: runner)
        XCTAssertEqual(r.status, 0, r.out + r.err)
        // b was deployed, so it is removed; c never got the exporter, so it is just forgotten.
        XCTAssertEqual(runner.recorded.map { "\($0.host) \($0.argv[1])" }, ["a deploy", "b rm-daemon"])
        XCTAssertTrue(r.out.contains("removed"))
        XCTAssertEqual(try openStore().exporterSpec()?.hosts.map(\.name), ["a"])
    }

    func test_a_dropped_host_whose_removal_fails_stays_in_the_spec() throws {
        XCTAssertEqual(apply("a\nb\n", runner: FakeHostRunner()).status, 0)
        XCTAssertEqual(apply("a\n", runner: FakeHostRunner(failing: ["b": "down"])).status, 1)
        XCTAssertEqual(try openStore().exporterSpec()?.hosts.map(\.name), ["a", "b"])
    }

    func test_apply_refuses_a_stored_config_that_is_not_enabled() throws {
        let config = try ExporterConfig.generate()
        try openStore().update { $0[StoreKey.exporterConfig] = JSONWriter.compactString(config.json) }
        let runner = FakeHostRunner()
        let r = apply("a\n", runner: runner)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("exporter_enabled is not set"), r.err)
        XCTAssertTrue(runner.recorded.isEmpty)
        XCTAssertNil(try openStore().exporterSpec())
    }

    func test_apply_with_a_bad_host_list_changes_nothing() throws {
        let runner = FakeHostRunner()
        let r = apply("good\nbad_host!\n", runner: runner)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("hosts.txt:2: "), r.err)
        XCTAssertTrue(runner.recorded.isEmpty)
        XCTAssertNil(storeBytes())
    }

    func test_apply_refuses_an_fsid_that_differs_from_the_stored_one() throws {
        try openStore().update { $0[StoreKey.clusterFSID] = "other" }
        let r = apply("a\n", runner: FakeHostRunner())
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("does not match the cluster fsid other"), r.err)
    }

    func test_parallelism_is_bounded_by_parallel() throws {
        let runner = ConcurrencyProbe(expected: 3)
        let path = write((1...9).map { "h\($0)" }.joined(separator: "\n"), to: "hosts.txt")
        let status = ApplyCommand.run(["--hosts", path, "--state-dir", stateDir, "--parallel", "3"],
                                      io: CapturedCommandIO().io, remoteRunner: { _ in runner })
        XCTAssertEqual(status, 0)
        XCTAssertEqual(runner.maximum, 3)
    }

    // MARK: rm

    func test_rm_removes_every_host_then_purges_config_and_spec() throws {
        XCTAssertEqual(apply("a\nb\n", runner: FakeHostRunner()).status, 0)
        let runner = FakeHostRunner()
        let r = remove(runner: runner)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(runner.recorded.map { "\($0.host) \($0.argv[1])" }, ["a rm-daemon", "b rm-daemon"])
        XCTAssertNil(try openStore().exporterSpec())
        XCTAssertNil(try openStore().exporterConfig())
        XCTAssertFalse(try openStore().exporterEnabled())
        XCTAssertTrue(r.out.contains("Purged"))
    }

    func test_a_later_apply_after_rm_makes_a_new_certificate_and_token() throws {
        XCTAssertEqual(apply("a\n", runner: FakeHostRunner()).status, 0)
        let first = try XCTUnwrap(openStore().exporterConfig())
        XCTAssertEqual(remove(runner: FakeHostRunner()).status, 0)
        XCTAssertEqual(apply("a\n", runner: FakeHostRunner()).status, 0)
        let second = try XCTUnwrap(openStore().exporterConfig())
        XCTAssertNotEqual(first.token, second.token)
        XCTAssertNotEqual(first.crt, second.crt)
    }

    func test_rm_keeps_the_failed_hosts_and_the_config_unless_forced() throws {
        XCTAssertEqual(apply("a\nb\n", runner: FakeHostRunner()).status, 0)
        XCTAssertEqual(remove(runner: FakeHostRunner(failing: ["b": "down"])).status, 1)
        XCTAssertEqual(try openStore().exporterSpec()?.hosts.map(\.name), ["b"])
        XCTAssertNotNil(try openStore().exporterConfig())
        let forced = remove(["--force"], runner: FakeHostRunner(failing: ["b": "down"]))
        XCTAssertEqual(forced.status, 1)
        XCTAssertNil(try openStore().exporterSpec())
        XCTAssertNil(try openStore().exporterConfig())
    }

    func test_rm_without_an_applied_service_succeeds_and_says_so() {
        let r = remove(runner: FakeHostRunner())
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.out.contains("not applied"))
    }

    func test_rm_reaches_hosts_with_the_stored_ssh_settings_unless_overridden() throws {
        let seen = Mutex<[SSHSettings]>([])
        let path = write("a\n", to: "hosts.txt")
        XCTAssertEqual(ApplyCommand.run(["--hosts", path, "--state-dir", stateDir, "--ssh-user", "ceph", "-o", "Port=2"],
                                        io: CapturedCommandIO().io, remoteRunner: { _ in FakeHostRunner() }), 0)
        _ = RemoveCommand.run(["--state-dir", stateDir, "--ssh-identity", "/k"], io: CapturedCommandIO().io,
                              remoteRunner: { s in seen.withLock { $0.append(s) }; return FakeHostRunner() })
        XCTAssertEqual(seen.withLock { $0 }, [SSHSettings(user: "ceph", identityFile: "/k", options: ["Port=2"], connectTimeout: 10)])
    }

    // MARK: output

    func test_result_table_aligns_columns_and_summarizes() {
        let table = ResultTable.render([
            HostJobResult(target: DeployTarget(name: "node-1", address: "10.0.0.1"), action: .deploy,
                          result: .success(stdout: "Deploying cephadm-exporter.node-1 for cluster f on port 9443\n")),
            HostJobResult(target: DeployTarget(name: "n2", address: "10.0.0.2", sshPort: 2222), action: .deploy,
                          result: .failure("ssh: Connection refused")),
        ])
        XCTAssertEqual(table, """
        HOST    ADDRESS        RESULT    DETAIL
        node-1  10.0.0.1       deployed  cephadm-exporter.node-1, port 9443
        n2      10.0.0.2:2222  failed    ssh: Connection refused
        2 hosts: 1 failed
        """)
    }

    func test_progress_redraws_one_line_in_place_on_a_terminal() {
        let captured = CapturedCommandIO()
        let base = captured.io
        let io = CommandIO(writeOut: base.writeOut, writeErr: base.writeErr, readStdin: base.readStdin, stderrIsTerminal: true)
        let progress = ProgressReporter(total: 2, io: io)
        let a = DeployTarget(name: "a", address: "a"), b = DeployTarget(name: "b", address: "b")
        progress.started(a)
        progress.started(b)
        progress.finished(HostJobResult(target: a, action: .deploy, result: .failure("x")))
        progress.finish()
        XCTAssertEqual(captured.err, "\r\u{1B}[K[0/2] running: a" + "\r\u{1B}[K[0/2] running: a, b"
                       + "\r\u{1B}[K[1/2] 1 failed; running: b" + "\r\u{1B}[K")
        XCTAssertFalse(captured.err.contains("\n"))
    }

    func test_progress_prints_one_line_per_host_when_not_on_a_terminal() {
        let captured = CapturedCommandIO()
        let progress = ProgressReporter(total: 2, io: captured.io)
        let target = DeployTarget(name: "a", address: "a")
        progress.started(target)
        progress.finished(HostJobResult(target: target, action: .deploy, result: .failure("x")))
        progress.finish()
        XCTAssertEqual(captured.err, "[1/2] a: failed\n")
    }
}

/// Holds each call until `expected` calls run at once (or a generous deadline passes), and
/// records the most seen at the same time.
final class ConcurrencyProbe: HostCommandRunner, Sendable {
    private let state = Mutex((current: 0, maximum: 0))
    let expected: Int

    init(expected: Int) { self.expected = expected }

    var maximum: Int { state.withLock { $0.maximum } }

    func run(_ argv: [String], on target: DeployTarget, stdin: [UInt8], timeoutSeconds: Double) -> HostCommandResult {
        state.withLock { s in
            s.current += 1
            s.maximum = max(s.maximum, s.current)
        }
        let deadline = Date().addingTimeInterval(10)
        while state.withLock({ $0.maximum }) < expected && Date() < deadline { usleep(1_000) }
        state.withLock { $0.current -= 1 }
        return .success(stdout: "")
    }
}
