/// The `E:KEY=value` properties udev recorded for a block device in
/// `/run/udev/data/b<major>:<minor>` (model, serial, partition table, file-system type).
enum UdevProperties {
    /// The properties of the block device whose sysfs directory is `sysDir` (found by its
    /// `major:minor`); empty when udev recorded nothing (no udevd, a container).
    static func read(sysDir: String, files: FileTree) -> [String: String] {
        guard let dev = files.readTrimmed("\(sysDir)/dev"), !dev.isEmpty,
              let text = files.readText("/run/udev/data/b\(dev)") else { return [:] }
        return parse(text)
    }

    static func parse(_ text: String) -> [String: String] {
        var properties: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("E:") {
            let body = line.dropFirst(2)
            guard let eq = body.firstIndex(of: "=") else { continue }
            properties[String(body[..<eq])] = String(body[body.index(after: eq)...])
        }
        return properties
    }

    /// The id Ceph tracks a disk by (vendor_model_serial style), chosen the way ceph-volume
    /// chooses it from the same udev properties (16.2.15 keeps spaces as they are).
    static func deviceID(_ p: [String: String]) -> String? {
        var model = p["ID_MODEL"]
        if let m = model, m.hasPrefix("LVM PV ") {
            model = p["ID_MODEL_ENC"].map { $0.replacingEscapedSpaces().trimmingWhitespace() }
        }
        let id: String
        if let vendor = p["ID_VENDOR"], let model, let serial = p["ID_SCSI_SERIAL"] {
            id = [vendor, model, serial].joined(separator: "_")
        } else if let model, let serial = p["ID_SERIAL_SHORT"] {
            id = model + "_" + serial
        } else if let serial = p["ID_SERIAL"] {
            // Micron NVMe drives leave the vendor out of the serial.
            id = serial.hasPrefix("MTFD") ? "Micron_" + serial : serial
        } else {
            return nil
        }
        return id
    }
}

private extension String {
    /// udev's `_ENC` values write a space as `\x20`.
    func replacingEscapedSpaces() -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: "\\x20") {
            result += rest[..<range.lowerBound] + " "
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
