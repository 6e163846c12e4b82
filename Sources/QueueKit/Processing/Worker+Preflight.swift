/// Why a worker refused to start.
public struct WorkerStartError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension Worker {
    /// Connects once (so that a wrong address or password fails at start, not in a retry loop) and
    /// refuses an evicting `maxmemory-policy`, under which Redis would silently delete jobs.
    func preflight() async throws {
        guard !configuration.queues.isEmpty else { throw WorkerStartError(message: "no queues to work on") }
        guard !handlers.types.isEmpty else { throw WorkerStartError(message: "no job handlers registered") }
        let client = RedisClient(configuration.redis.named("\(configuration.workerID):preflight"))
        let policy: String? = try await client.withConnection { connection in
            defer { connection.disconnect() }
            do {
                let reply = try connection.send("CONFIG", "GET", "maxmemory-policy")
                return reply.array?.dropFirst().first?.string
            } catch let error as RedisCommandError {
                // Managed Redis services often disable CONFIG; say so and go on.
                _ = error
                return nil
            }
        }
        guard let policy else {
            configuration.logger.warning("cannot read Redis' maxmemory-policy (CONFIG is disabled?); make sure it is noeviction")
            return
        }
        if policy != "noeviction" && configuration.requireNoEviction {
            throw WorkerStartError(message: "Redis at \(configuration.redis.url.address) has maxmemory-policy \(policy), which may evict jobs; set it to noeviction (CONFIG SET maxmemory-policy noeviction)")
        }
    }
}
