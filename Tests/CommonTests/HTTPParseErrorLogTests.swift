import XCTest
@testable import Common

final class HTTPParseErrorLogTests: XCTestCase {
    /// Requests a client could send to smuggle its token or escapes into the log.
    let hostile: [String] = [
        "GET / HTTP/1.1\r\nContent-Length: Bearer SECRET-TOKEN\r\n\r\n",
        "GET / HTTP/1.1\r\nTransfer-Encoding: SECRET-TOKEN\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: SECRET-TOKEN\r\n\r\n",
        "GET / SECRET-TOKEN\u{1B}[2J\r\n\r\n",
        "GET / HTTP/9.SECRET-TOKEN\r\n\r\n",
        "GET /SECRET-TOKEN\u{7} HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nSECRET-TOKEN\u{0}\r\n\r\n",
        "GET / HTTP/1.1\r\nAuthorization : Bearer SECRET-TOKEN\r\n\r\n",
        "SECRET-TOKEN\r\n\r\n",
    ]

    func test_log_summary_names_the_kind_and_never_the_client_bytes() {
        for request in hostile {
            let results = requestResults(Array(request.utf8))
            guard case .error(let error) = results.last else {
                XCTFail("\(request.debugDescription) was not refused: \(results)")
                continue
            }
            XCTAssertFalse(error.logSummary.contains("SECRET"), "\(request.debugDescription): \(error.logSummary)")
            XCTAssertFalse(error.logSummary.utf8.contains { $0 < 0x20 || $0 >= 0x7F }, error.logSummary)
            XCTAssertFalse(error.logSummary.isEmpty)
        }
    }

    func test_body_refusal_names_the_field_but_not_its_value() {
        XCTAssertEqual(HTTPParseError.bodyNotAccepted(method: "GET", detail: "Transfer-Encoding: x-token").logSummary,
                       "request bodies are not accepted (request has Transfer-Encoding)")
        XCTAssertEqual(HTTPParseError.bodyNotAccepted(method: "GET", detail: "Content-Length: 5").logSummary,
                       "request bodies are not accepted (request has Content-Length)")
    }
}
