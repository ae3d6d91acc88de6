/// Quotes words for a POSIX shell: the remote command ssh hands to the host's shell, and the
/// `unit.run` script.
public enum ShellQuoting {
    /// Left bare when plainly safe, else single-quoted (`'` written as `'\''`).
    public static func quote(_ word: String) -> String {
        if !word.isEmpty, word.unicodeScalars.allSatisfy(isPlain) { return word }
        var quoted = "'"
        for c in word {
            quoted += c == "'" ? "'\\''" : String(c)
        }
        return quoted + "'"
    }

    /// A command line of quoted words separated by spaces.
    public static func commandLine(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    /// Characters no shell (or systemd) gives a meaning to.
    public static func isPlain(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9")
            || "/._-:=@+,".unicodeScalars.contains(c)
    }
}
