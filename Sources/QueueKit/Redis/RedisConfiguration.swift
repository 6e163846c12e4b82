/// How to reach Redis and how patient to be with it.
public struct RedisConfiguration: Sendable {
    public var url: RedisURL
    /// Limit on establishing the TCP/unix connection. Default 2 s.
    public var connectTimeout: Duration
    /// Limit on any one command's round trip, blocking waits included (they are kept shorter). Default 5 s.
    public var commandTimeout: Duration
    /// The name shown by `CLIENT LIST`, so an operator can tell the fleet's connections apart.
    public var clientName: String?
    /// First delay before reconnecting after a failure; doubles per failure up to `maxReconnectDelay`,
    /// with jitter so that a fleet does not reconnect in lockstep. Defaults 50 ms and 2 s.
    public var baseReconnectDelay: Duration
    public var maxReconnectDelay: Duration

    public init(
        url: RedisURL,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5),
        clientName: String? = nil,
        baseReconnectDelay: Duration = .milliseconds(50),
        maxReconnectDelay: Duration = .seconds(2)
    ) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.clientName = clientName
        self.baseReconnectDelay = baseReconnectDelay
        self.maxReconnectDelay = maxReconnectDelay
    }

    /// A copy with another client name.
    public func named(_ name: String) -> RedisConfiguration {
        var copy = self
        copy.clientName = name
        return copy
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    public var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// The duration in seconds, as Foundation and Dispatch take it.
    public var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
