/// A Redis URL that cannot be used, with the reason.
public struct RedisURLError: Error, Sendable, CustomStringConvertible {
    /// The URL as given, with any password masked.
    public let url: String
    public let reason: String

    init(url: String, reason: String) {
        self.url = RedisURLError.mask(url)
        self.reason = reason
    }

    public var description: String { "malformed Redis URL '\(url)': \(reason)" }

    private static func mask(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

/// The connection to Redis is unusable: it could not be made, login failed, or it broke.
/// The connection that threw this has been dropped; the next command reconnects.
public struct RedisConnectionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for callers that react differently to each.
    public enum Kind: Sendable, Hashable {
        /// Nothing answered at the address (refused, unreachable, DNS).
        case unreachable
        /// The server refused the credentials, or wants some and none were given.
        case authenticationFailed
        /// Connecting or a command took longer than its timeout.
        case timeout
        /// The connection broke mid-command or the server closed it.
        case closed
        /// The server answered something hiredis could not parse.
        case protocolError
    }

    public let kind: Kind
    /// The server address, without credentials.
    public let address: String
    public let message: String

    public init(kind: Kind, address: String, message: String) {
        self.kind = kind
        self.address = address
        self.message = message
    }

    public var description: String {
        switch kind {
        case .unreachable: return "cannot reach Redis at \(address): \(message)"
        case .authenticationFailed: return "Redis at \(address) refused the login: \(message)"
        case .timeout: return "Redis at \(address) timed out: \(message)"
        case .closed: return "connection to Redis at \(address) broke: \(message)"
        case .protocolError: return "Redis at \(address) sent an unreadable reply: \(message)"
        }
    }
}

/// Redis answered a command with an error reply. The connection is healthy and stays open.
public struct RedisCommandError: Error, Sendable, CustomStringConvertible {
    /// The command name (or script name) that failed; never its arguments, which may hold payloads.
    public let command: String
    /// The server's error text, such as `WRONGTYPE Operation against a key ...`.
    public let message: String

    public init(command: String, message: String) {
        self.command = command
        self.message = message
    }

    /// The leading upper-case word of the error reply (`NOSCRIPT`, `WRONGTYPE`, `ERR`, ...).
    public var code: String { String(message.prefix { $0 != " " }) }

    public var description: String { "Redis refused \(command): \(message)" }
}
