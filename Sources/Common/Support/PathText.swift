/// Path splitting on plain strings (Foundation's URL would resolve symlinks or add schemes).
public enum PathText {
    public static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    public static func join(_ parts: String...) -> String {
        var out = ""
        for part in parts where !part.isEmpty {
            if out.isEmpty || out.hasSuffix("/") { out += part } else { out += "/" + part }
        }
        return out
    }
}
