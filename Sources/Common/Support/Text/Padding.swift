extension String {
    /// The text with `pad` in front until it is `width` characters long (`"7".leftPadded(to: 2)`
    /// → `"07"`); longer text is returned as it is.
    public func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }

    /// `value` in decimal, zero-padded to `width` digits (`5` → `"05"`): dates and clock times.
    public init(_ value: Int, zeroPaddedTo width: Int) {
        self = value < 0 ? "-" + String(-value).leftPadded(to: width) : String(value).leftPadded(to: width)
    }
}
