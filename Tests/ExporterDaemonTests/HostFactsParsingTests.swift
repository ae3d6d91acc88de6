import Common
import XCTest

@testable import ExporterDaemon

final class HostFactsParsingTests: XCTestCase {
    private let fixedEnvironment = HostFactsEnvironment(
        now: { 42.5 }, uname: { UnameInfo(nodename: "uname-node", release: "6.1.0-uname", machine: "aarch64") },
        ipv4Address: { _ in nil })

    private func facts(_ files: [String: String], symlinks: [String: String] = [:], directories: [String] = []) throws -> (JSONObject, [String]) {
        var all = ["proc/meminfo": "MemTotal: 100 kB\nMemFree: 50 kB\n", "proc/loadavg": "0.50 0.25 0.10 1/100 4242\n"]
        all.merge(files) { $1 }
        let tree = try TemporaryTree(files: all, symlinks: symlinks, directories: directories)
        return try HostFactsTask(root: tree.root, environment: fixedEnvironment).gather()
    }

    // MARK: /proc

    func test_cpuinfo_counts_sockets_and_keeps_a_model_name_containing_a_colon() {
        let text = """
            processor\t: 0
            model name\t: Vendor CPU: Special Edition
            physical id\t: 0
            siblings\t: 4
            cpu cores\t: 2

            processor\t: 1
            model name\t: Vendor CPU: Special Edition
            physical id\t: 1
            siblings\t: 4
            cpu cores\t: 2
            """
        let cpu = ProcFiles.cpuSummary(text)
        XCTAssertEqual(cpu, ProcFiles.CPUSummary(model: "Vendor CPU: Special Edition", sockets: 2, coresPerSocket: 2, threadsPerSocket: 4))
    }

    func test_cpuinfo_without_model_name_reports_unknown_and_zeros() {
        XCTAssertEqual(ProcFiles.cpuSummary("processor : 0\nBogoMIPS : 50.00\n"), ProcFiles.CPUSummary())
    }

    func test_missing_proc_meminfo_throws_an_error_naming_the_file() throws {
        let tree = try TemporaryTree(files: ["etc/hostname": "x"])
        XCTAssertThrowsError(try HostFactsTask(root: tree.root, environment: fixedEnvironment).gather()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("/proc/meminfo"), text)
            XCTAssertTrue(text.contains(tree.path), text)
        }
    }

    func test_hostname_and_kernel_fall_back_to_uname_when_proc_lacks_them() throws {
        let (facts, _) = try facts([:])
        XCTAssertEqual(facts["hostname"], "uname-node")
        XCTAssertEqual(facts["kernel"], "6.1.0-uname")
        XCTAssertEqual(facts["arch"], "aarch64")
        XCTAssertEqual(facts["timestamp"], .double(42.5))
        XCTAssertEqual(facts["kernel_parameters"], .object(JSONObject()), "no ip_nonlocal_bind file, no parameters")
        XCTAssertEqual(facts["cpu_model"], "Unknown")
        XCTAssertEqual(facts["memory_available_kb"], 0)
    }

    func test_unreadable_load_average_is_reported_and_shown_as_zeros() throws {
        let (facts, problems) = try facts(["proc/loadavg": "garbage\n"])
        XCTAssertEqual(facts["cpu_load"]?["1min"], .double(0))
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("/proc/loadavg"), problems[0])
    }

    // MARK: /etc

    func test_os_release_values_may_contain_equals_signs() {
        let values = OSRelease.parse("NAME=\"Foo Linux\"\nVERSION='1 (a=b)'\nHOME_URL=\"https://x/?q=1&r=2\"\n# NAME=comment\n")
        XCTAssertEqual(values["HOME_URL"], "https://x/?q=1&r=2")
        XCTAssertEqual(values["VERSION"], "1 (a=b)")
        XCTAssertEqual(OSRelease.operatingSystem(values), "Foo Linux 1 (a=b)")
    }

    func test_operating_system_is_unknown_without_a_version() {
        XCTAssertEqual(OSRelease.operatingSystem(OSRelease.parse("NAME=\"openSUSE Tumbleweed\"\nID=opensuse\n")), "Unknown")
    }

    func test_red_hat_counts_as_subscribed_with_two_entitlement_certificates() throws {
        let redHat = "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"8.3 (Ootpa)\"\n"
        let (two, _) = try facts(["etc/os-release": redHat, "etc/pki/entitlement/1.pem": "", "etc/pki/entitlement/1-key.pem": ""])
        XCTAssertEqual(two["subscribed"], "Yes")
        let (one, _) = try facts(["etc/os-release": redHat, "etc/pki/entitlement/1.pem": ""])
        XCTAssertEqual(one["subscribed"], "No")
        let (other, _) = try facts(["etc/os-release": "NAME=Debian\nVERSION=12\n"])
        XCTAssertEqual(other["subscribed"], "Unknown")
    }

    // MARK: DMI

    func test_model_is_the_product_name_alone_when_the_family_is_unknown() throws {
        let (facts, _) = try facts(["sys/class/dmi/id/product_name": "ProLiant DL380 Gen10\n"])
        XCTAssertEqual(facts["model"], "ProLiant DL380 Gen10")
        XCTAssertEqual(facts["vendor"], "Unknown")
        XCTAssertEqual(facts["bios_date"], "Unknown")
    }

    func test_model_with_an_empty_family_keeps_pacifics_parenthesised_form() throws {
        let (facts, _) = try facts(["sys/class/dmi/id/product_family": "\n", "sys/class/dmi/id/product_name": "Standard PC (i440FX + PIIX, 1996)\n"])
        XCTAssertEqual(facts["model"], " (Standard PC (i440FX + PIIX, 1996))")
    }

    // MARK: block devices

    func test_block_device_size_counts_512_byte_sectors_even_on_4k_disks() throws {
        let (facts, _) = try facts([
            "sys/block/nvme1n1/size": "1000\n", "sys/block/nvme1n1/queue/rotational": "0\n",
            "sys/block/nvme1n1/queue/logical_block_size": "4096\n",
        ])
        XCTAssertEqual(facts["flash_capacity_bytes"], 512_000)
        XCTAssertEqual(facts["flash_list"]?.arrayValue?.first?["description"], "Unknown Unknown (512.0KB)")
    }

    func test_virtio_vendor_id_is_shown_by_name() throws {
        let (facts, _) = try facts([
            "sys/block/vda/size": "16777216\n", "sys/block/vda/queue/rotational": "1\n", "sys/block/vda/device/vendor": "0x1af4\n",
        ])
        XCTAssertEqual(facts["hdd_list"]?.arrayValue?.first?["vendor"], "Virtio Block Device")
        XCTAssertEqual(facts["hdd_capacity"], "8.6GB")
    }

    func test_unreadable_size_leaves_the_device_out_and_reports_it() throws {
        let (facts, problems) = try facts(["sys/block/sdz/size": "lots\n", "sys/block/sdz/queue/rotational": "1\n"])
        XCTAssertEqual(facts["hdd_count"], 0)
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("/sys/block/sdz/size"), problems[0])
    }

    func test_ram_zram_and_zero_sized_devices_are_left_out() throws {
        var files: [String: String] = [:]
        for name in ["ram0", "zram0", "loop3", "sr1", "dm-2"] {
            files["sys/block/\(name)/size"] = "2048\n"
            files["sys/block/\(name)/queue/rotational"] = "0\n"
        }
        files["sys/block/mmcblk0/size"] = "0\n"
        files["sys/block/mmcblk0/queue/rotational"] = "0\n"
        let (facts, problems) = try facts(files)
        XCTAssertEqual(facts["flash_count"], 0)
        XCTAssertEqual(facts["flash_capacity"], "0.0")
        XCTAssertEqual(problems, [])
    }

    func test_decimal_sizes_use_one_decimal_and_no_space() {
        XCTAssertEqual(ByteFormatting.decimal(0), "0.0")
        XCTAssertEqual(ByteFormatting.decimal(999), "999.0")
        XCTAssertEqual(ByteFormatting.decimal(500_107_862_016), "500.1GB")
        XCTAssertEqual(ByteFormatting.decimal(16_003_148_120_064), "16.0TB")
    }

    // MARK: network

    func test_ipv6_text_form_compresses_the_longest_run_of_zero_groups() {
        XCTAssertEqual(IPv6Addresses.format(hex: "00000000000000000000000000000001"), "::1")
        XCTAssertEqual(IPv6Addresses.format(hex: "fe80000000000000021517fffeab50e2"), "fe80::215:17ff:feab:50e2")
        XCTAssertEqual(IPv6Addresses.format(hex: "20010db8000000010000000000000001"), "2001:db8:0:1::1", "a single zero group stays")
        XCTAssertEqual(IPv6Addresses.format(hex: "20010db8000000000001000000000001"), "2001:db8::1:0:0:1", "the first of equal runs")
        XCTAssertEqual(IPv6Addresses.format(hex: "00000000000000000000000000000000"), "::")
        XCTAssertNil(IPv6Addresses.format(hex: "xyz"))
    }

    func test_ipv6_prefers_a_global_address_and_falls_back_to_the_first() {
        let entries = IPv6Addresses.parse("""
            fe800000000000000000000000000001 02 40 20 80     eth0
            20010db8000000000000000000000002 02 40 00 80     eth0
            fe800000000000000000000000000003 03 40 20 80     eth1
            """)
        XCTAssertEqual(entries.count, 3)
        XCTAssertEqual(IPv6Addresses.preferred(for: "eth0", in: entries), "2001:db8::2/64")
        XCTAssertEqual(IPv6Addresses.preferred(for: "eth1", in: entries), "fe80::3/64")
        XCTAssertEqual(IPv6Addresses.preferred(for: "eth2", in: entries), "")
    }

    func test_ipv4_is_shown_with_its_prefix_length() {
        XCTAssertEqual(IPv4Assignment(address: 0x0a07_1101, netmask: 0xffff_ff00).text, "10.7.17.1/24")
        XCTAssertEqual(IPv4Assignment(address: 0xac10_0005, netmask: 0xfff0_0000).text, "172.16.0.5/12")
    }

    func test_interface_without_device_link_is_logical_and_unreadable_values_have_defaults() throws {
        let (facts, _) = try facts(["sys/class/net/veth1/type": "1\n"], directories: ["sys/class/net/ib0/device"])
        let veth = facts["interfaces"]?["veth1"]
        XCTAssertEqual(veth?["iftype"], "logical")
        XCTAssertEqual(veth?["driver"], "")
        XCTAssertEqual(veth?["mtu"], 0)
        XCTAssertEqual(veth?["speed"], -1)
        XCTAssertEqual(veth?["nic_type"], "ethernet")
        XCTAssertEqual(veth?["operstate"], "Unknown")
        let ib = facts["interfaces"]?["ib0"]
        XCTAssertEqual(ib?["iftype"], "physical")
        XCTAssertEqual(ib?["driver"], "Unknown", "a device without a driver link")
        XCTAssertEqual(ib?["nic_type"], "Unknown")
    }

    // MARK: kernel security

    func test_apparmor_counts_each_loaded_profile_once_per_mode() throws {
        let (facts, _) = try facts([
            "sys/kernel/security/lsm": "lockdown,capability,landlock,yama,apparmor\n",
            "sys/kernel/security/apparmor/profiles": """
                /usr/sbin/ntpd (enforce)
                docker-default (enforce)
                /usr/bin/man (complain)
                /opt/my app/bin (enforce)
                """,
        ], directories: ["etc/apparmor"])
        XCTAssertEqual(facts["kernel_security"], [
            "complain": 1, "description": "AppArmor: Enabled(3 enforce,1 complain)", "enforce": 3, "type": "AppArmor",
        ])
        XCTAssertEqual(facts["selinux_enabled"], false)
    }

    func test_apparmor_with_no_profiles_or_no_etc_apparmor_is_not_available() {
        XCTAssertEqual(KernelSecurity.apparmor(profiles: ""), .notAvailable)
        XCTAssertEqual(KernelSecurity.apparmor(profiles: nil).description, "AppArmor: Enabled", "profiles unreadable")
    }

    func test_apparmor_lsm_without_etc_apparmor_is_not_available() throws {
        let (facts, _) = try facts(["sys/kernel/security/lsm": "apparmor\n", "sys/kernel/security/apparmor/profiles": "x (enforce)\n"])
        XCTAssertEqual(facts["kernel_security"]?["type"], "None")
    }

    func test_selinux_mode_comes_from_selinuxfs_and_policy_from_the_config() throws {
        let config = "# SELINUX=disabled\nSELINUX=enforcing\nSELINUXTYPE=mls\n"
        let (permissive, _) = try facts(["sys/kernel/security/lsm": "selinux\n", "sys/fs/selinux/enforce": "0", "etc/selinux/config": config])
        XCTAssertEqual(permissive["kernel_security"], ["description": "SELinux: Enabled(permissive, mls)", "type": "SELinux"])
        XCTAssertEqual(permissive["selinux_enabled"], true)
        let (disabled, _) = try facts(["sys/kernel/security/lsm": "capability,selinux\n", "etc/selinux/config": config])
        XCTAssertEqual(disabled["kernel_security"], ["description": "SELinux: Disabled", "type": "SELinux"])
        XCTAssertEqual(disabled["selinux_enabled"], false)
    }

    func test_other_or_missing_security_modules() throws {
        let (other, _) = try facts(["sys/kernel/security/lsm": "capability,yama\n"])
        XCTAssertEqual(other["kernel_security"]?["type"], "Unknown")
        XCTAssertEqual(other["kernel_security"]?["description"],
                       "Linux Security Module framework is active, but is not using SELinux or AppArmor")
        let (none, _) = try facts([:])
        XCTAssertEqual(none["kernel_security"], ["description": "Linux Security Module framework is not available", "type": "None"])
    }
}
