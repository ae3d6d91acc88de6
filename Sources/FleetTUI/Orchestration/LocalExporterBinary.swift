import Common
import Glibc

/// The `cephadm-exporter` that `fleet bootstrap` runs on this host: `--exporter-binary` when
/// given, else the one installed next to the running `fleet` (they ship together), else the
/// first on PATH.
enum LocalExporterBinary {
    static let name = "cephadm-exporter"

    static func resolve(option: String?) -> String? {
        if let option {
            return access(option, X_OK) == 0 ? absolute(option) : nil
        }
        if let selfPath = realPath("/proc/self/exe") {
            let sibling = PathText.join(PathText.dirname(selfPath), name)
            if access(sibling, X_OK) == 0 { return sibling }
        }
        return CommandRunner().which(name)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func absolute(_ path: String) -> String {
        realPath(path) ?? path
    }
}
