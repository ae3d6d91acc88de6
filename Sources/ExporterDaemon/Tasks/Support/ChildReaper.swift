import Dispatch
import Foundation
import Glibc

/// Waits for a killed child that did not die promptly (stuck in uninterruptible I/O on a
/// failing disk), off the scrape thread, so it does not stay a zombie.
func reapInBackground(_ pid: pid_t) {
    DispatchQueue.global().async {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}

/// The daemon's own environment, for children that inherit it.
func inheritedEnvironment() -> [String: String] { ProcessInfo.processInfo.environment }
