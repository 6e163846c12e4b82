/// Why a worker refused to start.
public struct WorkerStartError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension Worker {
    /// Connects once (so that a wrong address or password fails at start, not in a retry loop),
    /// measures the clock's correction against Redis' clock (see `JobClock`), and refuses an
    /// evicting `maxmemory-policy`, under which Redis would silently delete jobs.
    func preflight() async throws {
        guard !configuration.queues.isEmpty else { throw WorkerStartError(message: "no queues to work on") }
        guard !handlers.types.isEmpty else { throw WorkerStartError(message: "no job handlers registered") }
        let client = RedisClient(configuration.redis.named("\(configuration.workerID):preflight"))
        let clock = configuration.clock, log = configuration.logger
        let policy: String? = try await client.withConnection { connection in
            defer { connection.disconnect() }
            if let correction = clock.correction {
                do {
                    try correction.measure(clock, on: connection)
                } catch let error as RedisCommandError {
                    // An ACL may deny TIME: the worker runs on its host's clock, as before.
                    log.warning("cannot read Redis' clock (\(error.message)); leases follow this host's clock")
                }
            }
            do {
                let reply = try connection.send("CONFIG", "GET", "maxmemory-policy")
                return reply.array?.dropFirst().first?.string
            } catch let error as RedisCommandError {
                // Managed Redis services often disable CONFIG; say so and go on.
                _ = error
                return nil
            }
        }
        if let correction = clock.correction, abs(correction.milliseconds) >= ClockCorrection.noticeable {
            let ms = correction.milliseconds
            configuration.logger.warning("this host's clock is \(abs(ms)) ms \(ms > 0 ? "behind" : "ahead of") Redis' clock; leases and due times follow Redis' clock (check the host's time service)",
                                         ["worker.id": configuration.workerID])
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
