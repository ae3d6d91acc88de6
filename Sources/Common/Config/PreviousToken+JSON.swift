/// `{"token": "...", "expires_epoch_secs": 1790000000}`: the `token_prev` member of a per-host
/// config and the content of the daemon's `token.prev` file.
extension PreviousToken {
    public var json: JSONValue {
        .object(JSONObject([("token", .string(token)), ("expires_epoch_secs", .double(expiresEpochSecs))]))
    }

    /// The value, or the reason it is not one (for a problem line naming the field).
    public static func decode(_ value: JSONValue) -> Result<PreviousToken, PreviousTokenShapeError> {
        guard case .object(let o) = value else {
            return .failure(PreviousTokenShapeError("must be an object {\"token\": ..., \"expires_epoch_secs\": ...}"))
        }
        guard let token = o["token"]?.stringValue else {
            return .failure(PreviousTokenShapeError("has no \"token\" string"))
        }
        guard let expires = o["expires_epoch_secs"]?.doubleValue, expires.isFinite, expires >= 0 else {
            return .failure(PreviousTokenShapeError("has no \"expires_epoch_secs\" number (when the previous token stops being accepted)"))
        }
        return .success(PreviousToken(token: token, expiresEpochSecs: expires))
    }

    /// Parses the text of a `token.prev` file.
    public static func parse(text: String) -> Result<PreviousToken, PreviousTokenShapeError> {
        do {
            return decode(try JSONParser.parse(text))
        } catch {
            return .failure(PreviousTokenShapeError("is not valid JSON: \(error)"))
        }
    }
}

public struct PreviousTokenShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
