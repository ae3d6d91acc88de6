import Common

/// The two size spellings the exporter's consumers expect.
enum ByteFormatting {
    /// gather-facts style: decimal units, one decimal, no space (`500.1GB`, `0.0` for zero).
    static func decimal(_ bytes: Int) -> String {
        let units = ["", "KB", "MB", "GB", "TB", "PB", "EB", "ZB"]
        var value = Double(bytes)
        for unit in units {
            if abs(value) < 1000 { return DecimalText.fixed(value, 1) + unit }
            value /= 1000
        }
        return DecimalText.fixed(value, 1) + "YB"
    }

    /// ceph-volume style: binary steps with decimal-looking labels, two decimals and a space
    /// (`3.64 TB` for a 4 TB disk). A value of exactly 1024 stays in the smaller unit, as
    /// ceph-volume's own loop does.
    static func cephVolume(_ bytes: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes
        var index = 0
        while value > 1024 && index < units.count - 1 {
            value /= 1024
            index += 1
        }
        return DecimalText.fixed(value, 2) + " " + units[index]
    }
}
