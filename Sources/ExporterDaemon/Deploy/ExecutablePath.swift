import Common
import Glibc

/// Which binary the unit and `unit.run` start: `--binary PATH` when given, else the binary that
/// is running `deploy` (its real path, from /proc/self/exe). Either way it must be an absolute
/// path to an executable file, checked before anything is written.
enum ExecutablePath {
    static func resolve(option: String?) -> Result<String, DeployError> {
        let candidate: String
        if let option {
            guard let real = realPath(option) else {
                return .failure(.binary("--binary: \(option): \(String(cString: strerror(errno)))"))
            }
            candidate = real
        } else {
            guard let real = realPath("/proc/self/exe") else {
                return .failure(.binary("cannot find this program's own path (/proc/self/exe); pass --binary PATH"))
            }
            candidate = real
        }
        var info = stat()
        guard stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 else {
            return .failure(.binary("--binary: \(candidate) is not an executable file"))
        }
        return .success(candidate)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
