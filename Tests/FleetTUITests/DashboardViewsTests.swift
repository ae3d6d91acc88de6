import Common
import XCTest
@testable import FleetTUI

/// Snapshots of the views issue 13 added (events, grouping, history, address column) at the
/// smallest supported size (80×24) and a large one (160×50). Compared exactly.
final class DashboardViewsTests: XCTestCase {
    private let context = RenderContext(now: StoryFleet.end + 3)

    private func render(_ fleet: FleetState, _ view: ViewState, _ columns: Int, _ lines: Int) -> RenderedFrame {
        let frame = DashboardLayout.render(fleet, view: view, size: TerminalSize(columns: columns, lines: lines), context: context)
        XCTAssertEqual(frame.grid.rows.count, lines)
        for row in frame.grid.rows { XCTAssertLessThanOrEqual(row.width, columns, row.text) }
        return frame
    }

    private func assertSnapshot(_ grid: ScreenGrid, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let actual = grid.text()
        guard actual != expected else { return }
        XCTFail("snapshot differs\nfull actual:\n\(actual)", file: file, line: line)
    }

    private func view(_ change: (inout ViewState) -> Void) -> ViewState {
        var v = ViewState()
        change(&v)
        return v
    }

    func test_events_view_at_80x24() throws {
        let frame = render(try StoryFleet.make(), view { $0.mode = .events }, 80, 24)
        assertSnapshot(frame.grid, """
            prod-east events  11 kept                                   Enter host  Esc back
            TIME     HOST        CHANGE        CAUSE
            22:25:20 ceph-node01 DOWN→OK       recovered after 1m DOWN; exporter restarted
            22:25:00 ceph-node08 WAIT→OK       first poll
            22:24:50 ceph-node07 DEGRADED skew clock skew jumped from -40s to +5.4s
            22:24:20 ceph-node01 OK→DOWN       connection refused: connect ceph-node01:9443…
            22:23:20 ceph-node07 WAIT→DEGRADED daemons data 1m old; disks data 1m old
            22:23:20 ceph-node06 WAIT→BAD      metadata body is not JSON: invalid JSON at b…
            22:23:20 ceph-node05 WAIT→TLS      TLS: certificate verify failed
            22:23:20 ceph-node04 WAIT→AUTH     HTTP 401: the exporter rejected the token
            22:23:20 ceph-node03 WAIT→DOWN     connection refused: connect 10.0.0.3:9443: C…
            22:23:20 ceph-node02 WAIT→DEGRADED disks inactive (disks: RuntimeError exceptio…
            22:23:20 ceph-node01 WAIT→OK       first poll










            newest first  1/11                                    / filter  w export  q back
            """)
        XCTAssertEqual(frame.view.pageEvents.first?.host, 0, "newest first: ceph-node01 came back")
    }

    func test_events_view_at_160x50_filtered() throws {
        let frame = render(try StoryFleet.make(), view { $0.mode = .events; $0.eventFilter = "node01" }, 160, 50)
        assertSnapshot(frame.grid, """
            prod-east events  3 of 11                                                                                                                   Enter host  Esc back
            TIME     HOST        CHANGE        CAUSE
            22:25:20 ceph-node01 DOWN→OK       recovered after 1m DOWN; exporter restarted
            22:24:20 ceph-node01 OK→DOWN       connection refused: connect ceph-node01:9443: Connection refused
            22:23:20 ceph-node01 WAIT→OK       first poll












































            newest first  filter "node01"  1/3                                                                                                    / filter  w export  q back
            """)
    }

    func test_table_grouped_by_label_at_80x24_with_a_folded_group() throws {
        let v = view { $0.groupBy = .label; $0.collapsed = [Grouping.collapseKey(.label, "rack2")] }
        let frame = render(try StoryFleet.make(), v, 80, 24)
        assertSnapshot(frame.grid, """
            prod-east  fsid dbb88f95-1cd6-482a-a735-23c832ee7795  8 hosts      ?:help q:quit
            OK 2  DEGRADED 2  DOWN 1  AUTH 1  TLS 1  BAD 1   sweep 1m  0 polls/s  █
            HOST          STATUS↓   DAEMONS   DISKS     FACTS     ERROR
            ▾ osd  2 hosts  BAD 1  DEGRADED 1
              ceph-node06 BAD       -         -         -         metadata body is not JSON…
              ceph-node02 DEGRADED  ● 2m      ✖ stopped ● 2m      disks inactive (disks: Ru…
            ▾ rack1  4 hosts  DOWN 1  AUTH 1  DEGRADED 1  OK 1
              ceph-node03 DOWN      -         -         -         connection refused: conne…
              ceph-node04 AUTH      -         -         -         HTTP 401: the exporter re…
              ceph-node02 DEGRADED  ● 2m      ✖ stopped ● 2m      disks inactive (disks: Ru…
              ceph-node01 OK        ● 5s      ● 5s      ● 5s      1m ago: connection refuse…
            ▸ rack2  3 hosts  TLS 1  BAD 1  DEGRADED 1
            ▾ (no label)  1 host  OK 1
              ceph-node08 OK        ● 24s     ● 24s     ● 24s









            sort status ↓  group label  1/11                     / filter  g group  e events
            """)
    }

    func test_table_at_160x50_with_the_address_column_grouped_by_status() throws {
        let v = view { $0.groupBy = .status; $0.showAddress = true }
        let frame = render(try StoryFleet.make(), v, 160, 50)
        assertSnapshot(frame.grid, """
            prod-east  fsid dbb88f95-1cd6-482a-a735-23c832ee7795  8 hosts                                                                                      ?:help q:quit
            OK 2  DEGRADED 2  DOWN 1  AUTH 1  TLS 1  BAD 1   sweep 1m  0 polls/s  █  at 22:25:00  every 5s
            HOST          ADDRESS          STATUS↓   DAEMONS   DISKS     FACTS     LAT/p95     SKEW   ERROR
            ▾ DOWN  1 host
              ceph-node03 10.0.0.3:9443    DOWN      -         -         -         -                - connection refused: connect 10.0.0.3:9443: Connection refused
            ▾ AUTH  1 host
              ceph-node04 ceph-node04:9443 AUTH      -         -         -         3.0ms/3.0ms  +0.5s HTTP 401: the exporter rejected the token
            ▾ TLS  1 host
              ceph-node05 ceph-node05:9443 TLS       -         -         -         -                - TLS: certificate verify failed
            ▾ BAD  1 host
              ceph-node06 ceph-node06:9443 BAD       -         -         -         6.0ms/6.0ms  +0.5s metadata body is not JSON: invalid JSON at byte 0: unexpected charact…
            ▾ DEGRADED  2 hosts
              ceph-node02 ceph-node02:9443 DEGRADED  ● 2m      ✖ stopped ● 2m        12ms/12ms  +1.5s disks inactive (disks: RuntimeError exception: Failed command: /usr/b…
              ceph-node07 ceph-node07:9443 DEGRADED  ● 1m      ● 1m      ● 34s     200ms/250ms  +5.4s daemons data 1m old; disks data 1m old
            ▾ OK  2 hosts
              ceph-node01 ceph-node01:9443 OK        ● 5s      ● 5s      ● 5s      3.0ms/4.0ms  +0.5s 1m ago: connection refused: connect ceph-node01:9443: Connection refu…
              ceph-node08 ceph-node08:9443 OK        ● 24s     ● 24s     ● 24s     1.0ms/1.0ms  +0.5s
































            sort status ↓  group status  1/14                                                                              / filter  s sort  g group  e events  Enter detail
            """)
    }

    func test_detail_with_history_and_events_at_80x24() throws {
        let v = view { $0.mode = .detail; $0.detailHost = 0 }
        let frame = render(try StoryFleet.make(), v, 80, 24)
        assertSnapshot(frame.grid, """
            ceph-node01  ceph-node01:9443  OK                            Esc back  ↑↓ scroll
            Poll      HTTP 200  latency 3.0ms (p50 3.0ms, p95 4.0ms over 2)  clock skew +0.…
                      polled 22:25:20, 3 polls, 0 failed in a row, last success 22:25:20
            Last err  22:24:20: connection refused: connect ceph-node01:9443: Connection re…
            Address   ceph-node01:9443
            Labels    rack1
            Latency   █·▇  3.0ms–4.0ms over 3 polls  · no answer
            Data age  █·█  2s over 3 polls  · no answer
            Changes   2 status changes in the last 10m

            Events    22:25:20 DOWN→OK  recovered after 1m DOWN; exporter restarted
                      22:24:20 OK→DOWN  connection refused: connect ceph-node01:9443: Conne…
                      22:23:20 WAIT→OK  first poll

            Exporter  started 22:25:10 (up 10s)  http_server active  no task_detail (Pacifi…

            Tasks     TASK    STATE    AGE   EVERY SCRAPED  TOOK   RESTARTS FAILS LAST OK  …
                      daemons active   5s    20s   22:25:18 0.8s   -        -     -        0
                      disks   active   5s    20s   22:25:18 3.2s   -        -     -        0
                      host    active   5s    5s    22:25:18 4ms    -        -     -        0

            Host      ceph-node01 · Red Hat Enterprise Linux 8.3 (Ootpa) · kernel 4.18.0-24…
            Hardware  Ceph Servers Inc StorageHeavy
            lines 1-22 of 33                                    w export  q/Esc back  ? help
            """)
    }

    func test_detail_at_160x50() throws {
        let v = view { $0.mode = .detail; $0.detailHost = 6 }
        let frame = render(try StoryFleet.make(), v, 160, 50)
        assertSnapshot(frame.grid, """
            ceph-node07  ceph-node07:9443  DEGRADED                                                                                                      Esc back  ↑↓ scroll
            Poll      HTTP 200  latency 200ms (p50 200ms, p95 250ms over 2)  clock skew +5.4s
                      polled 22:24:50, 2 polls, 0 failed in a row, last success 22:24:50
            Problem   daemons data 1m old; disks data 1m old
            Address   ceph-node07:9443
            Labels    rack2
            Latency   █▇  200ms–250ms over 2 polls
            Data age  ██  1m over 2 polls

            Events    22:24:50 DEGRADED skew  clock skew jumped from -40s to +5.4s
                      22:23:20 WAIT→DEGRADED  daemons data 1m old; disks data 1m old

            Exporter  started 22:13:20 (up 11m)  http_server active  no task_detail (Pacific)

            Tasks     TASK    STATE    AGE   EVERY SCRAPED  TOOK   RESTARTS FAILS LAST OK  ERRORS
                      daemons active   1m    20s   22:23:45 0.8s   -        -     -        0
                      disks   active   1m    20s   22:23:45 3.2s   -        -     -        0
                      host    active   34s   5s    22:24:54 0.2s   -        -     -        0

            Host      ceph-node07 · Unknown · kernel 5.10.12-1-default · x86_64
            Hardware  QEMU (Standard PC (i440FX + PIIX, 1996))
            CPU       AMD EPYC Processor (with IBPB) · 1 socket × 1 cores · 1 threads · load 0.03
            Memory    3.8 GiB total · 3.5 GiB available · up 2m
            Disks     5 HDD (60.1GB) · 0 flash (0.0)
            NICs      1 physical
                      eth0  192.168.121.235/24  mtu 1500  up
            Security  AppArmor: Enabled(45 enforce)
            Daemons   3 total, 3 running  version 15.2.13
                      fsid dbb88f95-1cd6-482a-a735-23c832ee7795
            Devices   5 devices, 4 available, 60.1 GB total



















            lines 1-29 of 29                                                                                                                    w export  q/Esc back  ? help
            """)
    }
}
