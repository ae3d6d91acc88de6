/// Serializes a response into one contiguous buffer, so headers and body leave in a single
/// write (split writes on a kept-alive connection meet Nagle plus delayed ACK and stall).
///
/// Layout: status line, `Date` (when given), the caller's fields in order, `Content-Length`,
/// `Connection`, blank line, body. 1xx, 204 and 304 get neither a body nor a Content-Length.
/// CR, LF and other control bytes in the reason phrase and fields become spaces, so no caller
/// value can inject a header line.
public enum HTTPResponseWriter {
    /// Fields the writer owns; same-named caller fields are dropped so framing is never doubled.
    static let writerOwnedFields = ["Content-Length", "Connection", "Date", "Transfer-Encoding"]

    public static func serialize(_ response: HTTPResponse, keepAlive: Bool, date: String?,
                                 version: HTTPVersion = .http1_1) -> [UInt8] {
        var out: [UInt8] = []
        append(response, keepAlive: keepAlive, date: date, version: version, to: &out)
        return out
    }

    /// Appends the serialized response to `out` (reuse one buffer per connection to skip the
    /// allocation).
    public static func append(_ response: HTTPResponse, keepAlive: Bool, date: String?,
                              version: HTTPVersion = .http1_1, to out: inout [UInt8]) {
        let hasBody = !HTTPStatus.forbidsBody(response.status)
        var headBytes = 96 + (response.reason?.utf8.count ?? 32) + (date?.utf8.count ?? 0)
        for field in response.headers { headBytes += field.name.utf8.count + field.value.utf8.count + 4 }
        out.reserveCapacity(out.count + headBytes + (hasBody ? response.body.count : 0))

        out.append(contentsOf: "HTTP/".utf8)
        appendDecimal(version.major, to: &out)
        out.append(UInt8(ascii: "."))
        appendDecimal(version.minor, to: &out)
        out.append(0x20)
        appendDecimal(response.status, to: &out)
        out.append(0x20)
        appendSanitized(response.reason ?? HTTPStatus.reason(for: response.status), to: &out)
        out.append(contentsOf: crlf)

        if let date { appendField("Date", date, to: &out) }
        for field in response.headers where !isWriterOwned(field.name) {
            appendField(field.name, field.value, to: &out)
        }
        if hasBody {
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(response.body.count, to: &out)
            out.append(contentsOf: crlf)
        }
        out.append(contentsOf: keepAlive ? "Connection: keep-alive\r\n".utf8 : "Connection: close\r\n".utf8)
        out.append(contentsOf: crlf)
        if hasBody { out.append(contentsOf: response.body) }
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private static func isWriterOwned(_ name: String) -> Bool {
        writerOwnedFields.contains { HTTPHeaderFields.asciiCaseInsensitiveEquals($0, name) }
    }

    private static func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        appendSanitized(name, to: &out)
        out.append(contentsOf: ": ".utf8)
        appendSanitized(value, to: &out)
        out.append(contentsOf: crlf)
    }

    /// Bulk-copies clean text (the normal case); replaces control bytes only when there are any.
    private static func appendSanitized(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        // Native strings are contiguous: check and copy straight from their storage (this runs
        // for every header of every response).
        let done: Bool? = utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes where !HTTPSyntax.isFieldValueByte(byte) { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if done == true { return }
        if utf8.allSatisfy(HTTPSyntax.isFieldValueByte) {
            out.append(contentsOf: utf8)
        } else {
            for byte in utf8 { out.append(HTTPSyntax.isFieldValueByte(byte) ? byte : 0x20) }
        }
    }

    /// Decimal digits; `String(Int)` of a status or length fits a small (inline, unallocated) string.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }
}
