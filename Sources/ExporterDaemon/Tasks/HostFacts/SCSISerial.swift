/// A disk's serial number as the SCSI layer reports it: the Unit Serial Number VPD page
/// (`device/vpd_pg80`: a 4-byte header whose second byte is 0x80 and fourth the length, then
/// the serial in ASCII, often padded with spaces).
enum SCSISerial {
    /// The serial text: printable ASCII only, trimmed; "" when there is none or the device
    /// says `unknown`.
    static func parse(vpdPage80 bytes: [UInt8]) -> String {
        var payload = bytes[...]
        if bytes.count >= 4 && bytes[1] == 0x80 {
            payload = bytes[4..<min(bytes.count, 4 + Int(bytes[3]))]
        }
        let printable = payload.filter { (0x20...0x7e).contains($0) }
        let text = String(decoding: printable, as: UTF8.self).trimmingWhitespace()
        return text.lowercased() == "unknown" ? "" : text
    }

    /// The serial of the SCSI device at `deviceDir` (a /sys path): its VPD page 0x80, else the
    /// `serial` attribute NVMe controllers have; "" when neither gives one.
    static func read(deviceDir: String, files: FileTree) -> String {
        if let page = files.readBytes("\(deviceDir)/vpd_pg80", limit: 4096) {
            let serial = parse(vpdPage80: page)
            if !serial.isEmpty { return serial }
        }
        return files.readTrimmed("\(deviceDir)/serial").map { $0.lowercased() == "unknown" ? "" : $0 } ?? ""
    }
}
