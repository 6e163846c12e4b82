import Foundation

/// Where a Redis server is and how to log in to it, parsed from
/// `redis://[user:password@]host:port[/db]` or `unix:///path/to/socket[?db=N]`.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    /// The transport to reach the server with.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    /// ACL user name; `nil` logs in as the default user.
    public var user: String?
    public var password: String?
    /// Logical database selected after connecting.
    public var database: Int

    public init(endpoint: Endpoint, user: String? = nil, password: String? = nil, database: Int = 0) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
    }

    /// Parses a URL, throwing `RedisURLError` with a sentence that names what is wrong.
    public init(parsing text: String) throws(RedisURLError) {
        if text.hasPrefix("unix://") {
            var rest = String(text.dropFirst("unix://".count))
            var database = 0
            if let q = rest.firstIndex(of: "?") {
                let query = rest[rest.index(after: q)...]
                rest = String(rest[..<q])
                for pair in query.split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, parts[0] == "db", let db = Int(parts[1]), db >= 0 else {
                        throw RedisURLError(url: text, reason: "unknown query '\(pair)' (only db=N is understood)")
                    }
                    database = db
                }
            }
            guard rest.hasPrefix("/"), rest.count > 1 else {
                throw RedisURLError(url: text, reason: "a unix socket URL needs an absolute path, as in unix:///run/redis.sock")
            }
            self.init(endpoint: .unixSocket(path: rest), database: database)
            return
        }
        guard text.hasPrefix("redis://") else {
            throw RedisURLError(url: text, reason: "the scheme must be redis:// or unix://")
        }
        var rest = Substring(text.dropFirst("redis://".count))
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let name = String(credentials[..<colon])
                user = name.isEmpty ? nil : name.removingPercentEncoding ?? name
                let secret = String(credentials[credentials.index(after: colon)...])
                password = secret.removingPercentEncoding ?? secret
            } else if !credentials.isEmpty {
                // `redis://secret@host` is the common legacy form: a password for the default user.
                password = String(credentials).removingPercentEncoding ?? String(credentials)
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let dbText = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !dbText.isEmpty {
                guard let db = Int(dbText), db >= 0 else {
                    throw RedisURLError(url: text, reason: "the database '\(dbText)' is not a number")
                }
                database = db
            }
        }
        var host = String(rest)
        var port = 6379
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw RedisURLError(url: text, reason: "an IPv6 host needs a closing ']'")
            }
            let after = host[host.index(after: close)...]
            let inner = String(host[host.index(after: host.startIndex)..<close])
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()) else {
                    throw RedisURLError(url: text, reason: "the port '\(after.dropFirst())' is not a number")
                }
                port = p
            }
            host = inner
        } else if let colon = host.lastIndex(of: ":") {
            let portText = host[host.index(after: colon)...]
            guard let p = Int(portText) else {
                throw RedisURLError(url: text, reason: "the port '\(portText)' is not a number")
            }
            port = p
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw RedisURLError(url: text, reason: "the host is missing") }
        guard (1...65535).contains(port) else {
            throw RedisURLError(url: text, reason: "the port \(port) is out of range 1-65535")
        }
        self.init(endpoint: .tcp(host: host, port: port), user: user, password: password, database: database)
    }

    /// The URL with the password masked, safe for logs and error messages.
    public var description: String {
        switch endpoint {
        case .unixSocket(let path):
            return "unix://\(path)" + (database == 0 ? "" : "?db=\(database)")
        case .tcp(let host, let port):
            var credentials = ""
            if user != nil || password != nil {
                credentials = (user ?? "") + (password == nil ? "" : ":***") + "@"
            }
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "redis://\(credentials)\(shownHost):\(port)" + (database == 0 ? "" : "/\(database)")
        }
    }

    /// `host:port` or the socket path: where the server is, without credentials.
    public var address: String {
        switch endpoint {
        case .unixSocket(let path): return path
        case .tcp(let host, let port): return "\(host):\(port)"
        }
    }
}
