import Common

/// A SCSI enclosure (SES device): the chassis or JBOD whose slots hold disks. Operators use it
/// to find the slot of a failed disk: a disk's serial is looked up in `deviceLookup`.
struct Enclosure: Equatable {
    struct Slot: Equatable {
        var status: String
        var fault: String
        var locate: String
        var serial: String
    }

    /// The enclosure's id (normally a WWN), from `enclosure/<h:c:t:l>/id`.
    var id: String
    var vendor: String
    var model: String
    /// The number of components, as the kernel reports it (text).
    var components: String
    /// The SCSI generic devices (`sg2`, ...) that reach this enclosure: more than one with
    /// multipathed SAS.
    var sesPaths: [String]
    /// Serial number -> slot, for the slots that hold a disk with a serial.
    var deviceLookup: [(serial: String, slot: String)]
    /// Slot -> its state, for every slot.
    var slots: [(slot: String, state: Slot)]

    static func == (a: Enclosure, b: Enclosure) -> Bool {
        a.id == b.id && a.vendor == b.vendor && a.model == b.model && a.components == b.components && a.sesPaths == b.sesPaths
            && a.deviceLookup.map(\.serial) == b.deviceLookup.map(\.serial) && a.deviceLookup.map(\.slot) == b.deviceLookup.map(\.slot)
            && a.slots.map(\.slot) == b.slots.map(\.slot) && a.slots.map(\.state) == b.slots.map(\.state)
    }

    func slot(forSerial serial: String) -> String? {
        serial.isEmpty ? nil : deviceLookup.first(where: { $0.serial == serial })?.slot
    }

    /// The entry of the `enclosures` fact (keys sorted later with the rest of the facts).
    var json: JSONValue {
        .object(JSONObject([
            ("components", .string(components)),
            ("device_count", .int(deviceLookup.count)),
            ("device_lookup", .object(JSONObject(deviceLookup.map { ($0.serial, .string($0.slot)) }))),
            ("enc_id", .string(id)),
            ("model", .string(model)),
            ("path_count", .int(sesPaths.count)),
            ("ses_paths", .array(sesPaths.map { .string($0) })),
            ("slot_map", .object(JSONObject(slots.map { slot in
                (slot.slot, .object(JSONObject([
                    ("fault", .string(slot.state.fault)), ("locate", .string(slot.state.locate)),
                    ("serial", .string(slot.state.serial)), ("status", .string(slot.state.status)),
                ])))
            }))),
            ("vendor", .string(vendor)),
        ]))
    }
}

enum Enclosures {
    static let scsiGenericDir = "/sys/class/scsi_generic"

    /// Every enclosure reachable through /sys/class/scsi_generic: an sg device whose `device`
    /// has an `enclosure/<h:c:t:l>` directory (exactly one; anything else is an incomplete
    /// description and skipped). Enclosures seen through several sg devices are listed once.
    static func read(from files: FileTree) -> [Enclosure] {
        var found: [Enclosure] = []
        for sg in files.list(scsiGenericDir) ?? [] {
            let device = "\(scsiGenericDir)/\(sg)/device"
            guard files.isDirectory("\(device)/enclosure"), let entries = files.list("\(device)/enclosure"), entries.count == 1
            else { continue }
            let enclosureDir = "\(device)/enclosure/\(entries[0])"
            let id = files.readTrimmed("\(enclosureDir)/id") ?? ""
            if let known = found.firstIndex(where: { $0.id == id }) {
                found[known].sesPaths.append(sg)
                continue
            }
            var enclosure = Enclosure(
                id: id,
                vendor: files.readTrimmed("\(device)/vendor") ?? "Unknown",
                model: files.readTrimmed("\(device)/model") ?? "Unknown",
                components: files.readTrimmed("\(enclosureDir)/components") ?? "Unknown",
                sesPaths: [sg], deviceLookup: [], slots: [])
            for component in files.list(enclosureDir) ?? [] {
                let componentDir = "\(enclosureDir)/\(component)"
                guard let slot = files.readTrimmed("\(componentDir)/slot") else { continue }
                // `device` links to the SCSI device of the disk in the slot, when there is one.
                let serial = files.exists("\(componentDir)/device") ? SCSISerial.read(deviceDir: "\(componentDir)/device", files: files) : ""
                if !serial.isEmpty { enclosure.deviceLookup.append((serial, slot)) }
                func attribute(_ name: String) -> String { files.readTrimmed("\(componentDir)/\(name)") ?? "Unknown" }
                enclosure.slots.append((slot, Enclosure.Slot(status: attribute("status"), fault: attribute("fault"),
                                                              locate: attribute("locate"), serial: serial)))
            }
            found.append(enclosure)
        }
        return found
    }
}
