import Dispatch

/// The async face of one `RedisConnection`: every call runs on the connection's own serial dispatch
/// queue, so hiredis' blocking I/O never occupies a thread of Swift's cooperative pool, and callers
/// awaiting a slow or blocking command leave the pool free for other tasks.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let queue: DispatchQueue
    private let connection: RedisConnection

    public init(_ configuration: RedisConfiguration) {
        self.configuration = configuration
        self.connection = RedisConnection(configuration)
        self.queue = DispatchQueue(label: "queuekit.redis.\(configuration.clientName ?? "client")")
    }

    /// Runs `body` with exclusive use of the connection, on the connection's queue.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [connection] in
                continuation.resume(with: Result { try body(connection) })
            }
        }
    }

    /// Sends one command; see `RedisConnection.send(_:)`.
    public func send(_ command: RedisCommand) async throws -> RedisReply {
        try await withConnection { try $0.send(command) }
    }

    /// Sends one command given as words.
    @discardableResult
    public func send(_ name: String, _ arguments: String...) async throws -> RedisReply {
        var command = RedisCommand(name)
        for argument in arguments { command.append(argument) }
        return try await send(command)
    }

    /// Runs a script; see `RedisConnection.evaluate(_:)`.
    public func evaluate(_ call: ScriptCall) async throws -> RedisReply {
        try await withConnection { try $0.evaluate(call) }
    }

    /// Opens the connection now, so that a wrong address or password is reported at start.
    public func connect() async throws {
        try await withConnection { try $0.connect() }
    }
}
