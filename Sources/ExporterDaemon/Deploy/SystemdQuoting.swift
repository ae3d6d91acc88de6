import Common

/// Quoting of a word on a systemd `ExecStart=` line.
enum SystemdQuoting {
    /// `%` and `$` are escaped everywhere (systemd would expand them as specifiers and
    /// variables); words with anything but plain characters are double-quoted.
    static func quote(_ word: String) -> String {
        var escaped = ""
        for c in word.unicodeScalars {
            switch c {
            case "%": escaped += "%%"
            case "$": escaped += "$$"
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            default: escaped.unicodeScalars.append(c)
            }
        }
        if !word.isEmpty, word.unicodeScalars.allSatisfy(ShellQuoting.isPlain) { return escaped }
        return "\"" + escaped + "\""
    }

    static func commandLine(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }
}
