import Foundation

/// The operator's API, shared by queuectl and anything else that inspects or steers the fleet:
/// queue statistics, the dead-letter queue, depth limits and pausing.
public struct QueueOperator: Sendable {
    public let client: RedisClient
    public let keyspace: Keyspace
    public let clock: JobClock

    public init(client: RedisClient, keyspace: Keyspace = Keyspace(), clock: JobClock = .system) {
        self.client = client
        self.keyspace = keyspace
        self.clock = clock
    }

    /// The queues producers have used, sorted.
    public func listQueues() async throws -> [QueueName] {
        let reply = try await client.send("SMEMBERS", keyspace.queues)
        return (reply.array ?? []).compactMap { $0.string.flatMap { try? QueueName($0) } }.sorted()
    }

    /// Counts and counters of one queue, read in one round trip.
    public func stats(of queue: QueueName) async throws -> QueueStats {
        let keys = keyspace.queue(queue)
        let jobPrefix = keys.jobPrefix
        let commands = [
            RedisCommand("LLEN", keys.ready), RedisCommand("ZCARD", keys.inflight), RedisCommand("ZCARD", keys.delayed),
            RedisCommand("ZCARD", keys.dead), RedisCommand("HGETALL", keys.stats), RedisCommand("HGETALL", keys.config),
            RedisCommand("LINDEX", keys.ready, "-1"),
            // Redis' clock, which workers' clocks are corrected by: the oldest job's age does not
            // depend on this host's clock.
            RedisCommand("TIME"),
        ]
        let (replies, oldestEnqueued) = try await client.withConnection { connection -> ([RedisReply], Int?) in
            let replies = try connection.pipeline(commands)
            var oldest: Int?
            if let id = replies[6].string {
                oldest = try connection.send("HGET", jobPrefix + id, "enq").int
            }
            return (replies, oldest)
        }
        // TIME, the last, is the one reply that may be refused (an ACL may deny it): then this
        // host's clock tells the age.
        for reply in replies.dropLast() { if case .error(let message) = reply { throw RedisCommandError(command: "stats", message: message) } }
        let now = replies.last?.timeMilliseconds ?? clock.now()
        let counters = Self.hash(replies[4])
        let config = Self.hash(replies[5])
        return QueueStats(
            queue: queue, ready: replies[0].int ?? 0, inFlight: replies[1].int ?? 0, delayed: replies[2].int ?? 0,
            dead: replies[3].int ?? 0, done: Int(counters["done"] ?? "") ?? 0, enqueued: Int(counters["enqueued"] ?? "") ?? 0,
            retried: Int(counters["retried"] ?? "") ?? 0, recovered: Int(counters["recovered"] ?? "") ?? 0,
            refused: Int(counters["refused"] ?? "") ?? 0, deferred: Int(counters["deferred"] ?? "") ?? 0, paused: config["paused"] == "1",
            maxDepth: Int(config["max_depth"] ?? "") ?? 0,
            oldestReadyAgeMs: oldestEnqueued.map { max(0, now - $0) } ?? 0)
    }

    /// The most recently dead jobs of a queue, newest first, with every attempt's error.
    public func listDeadJobs(in queue: QueueName, limit: Int = 20) async throws -> [DeadJob] {
        let keys = keyspace.queue(queue)
        return try await client.withConnection { connection in
            let ids = (try connection.send(RedisCommand("ZREVRANGE", keys.dead, "0", String(max(0, limit - 1)))).array ?? [])
                .compactMap(\.string).map(JobID.init)
            var commands: [RedisCommand] = []
            for id in ids {
                commands.append(RedisCommand("HMGET", keys.job(id), "type", "att", "max", "enq", "dead_at", "reason", "tenant"))
                commands.append(RedisCommand("HSTRLEN", keys.job(id), "payload"))
                commands.append(RedisCommand("LRANGE", keys.errors(id), "0", "-1"))
            }
            let replies = try connection.pipeline(commands)
            return ids.enumerated().map { index, id in
                let f = replies[index * 3].array ?? []
                let field = { (i: Int) in i < f.count ? f[i] : RedisReply.null }
                let errors = (replies[index * 3 + 2].array ?? []).compactMap { entry -> DeadJob.Attempt? in
                    guard let bytes = entry.bytes else { return nil }
                    return try? JSONDecoder().decode(DeadJob.Attempt.self, from: Data(bytes))
                }
                return DeadJob(
                    id: id, queue: queue, type: field(0).string ?? "?", attempts: field(1).int ?? 0,
                    maxAttempts: field(2).int ?? 0, enqueuedAt: field(3).int ?? 0, diedAt: field(4).int ?? 0,
                    reason: field(5).string ?? "", payloadBytes: replies[index * 3 + 1].int ?? 0,
                    tenant: field(6).string, errors: errors)
            }
        }
    }

    /// Gives dead jobs a fresh set of attempts: the given ids, or the oldest `limit` when none are given.
    /// Returns how many were made ready.
    @discardableResult
    /// Moves at most 1000 jobs per script call, so that a large redrive never blocks Redis for long.
    public func requeueDeadJobs(in queue: QueueName, ids: [JobID] = [], limit: Int = 1000) async throws -> Int {
        let keys = keyspace.queue(queue)
        func call(_ count: Int, _ chosen: ArraySlice<JobID>) -> ScriptCall {
            var call = ScriptCall(Scripts.requeueDeadJobs, keys: [keys.dead, keys.ready, keys.marker, keys.stats])
            call.append(keys.jobPrefix)
            call.append(count)
            for id in chosen { call.append(id.rawValue) }
            return call
        }
        var moved = 0
        if ids.isEmpty {
            while moved < limit {
                let step = try await client.evaluate(call(min(1000, limit - moved), [])).int ?? 0
                moved += step
                if step == 0 { break }
            }
        } else {
            for start in stride(from: 0, to: ids.count, by: 1000) {
                moved += try await client.evaluate(call(0, ids[start..<min(ids.count, start + 1000)])).int ?? 0
            }
        }
        return moved
    }

    /// Sets the most jobs (ready + delayed + in flight) the queue accepts; 0 removes the queue's own
    /// limit so the producers' default applies.
    public func setMaxDepth(of queue: QueueName, to depth: Int, retryAfter: Duration? = nil) async throws {
        let keys = keyspace.queue(queue)
        try await client.withConnection { connection in
            if depth > 0 { try connection.send("HSET", keys.config, "max_depth", String(depth)) }
            else { try connection.send("HDEL", keys.config, "max_depth") }
            if let retryAfter { try connection.send("HSET", keys.config, "retry_after_ms", String(retryAfter.milliseconds)) }
        }
    }

    /// Stops workers from leasing jobs of the queue; producers can still enqueue.
    public func pause(_ queue: QueueName) async throws {
        try await client.send("HSET", keyspace.queue(queue).config, "paused", "1")
    }

    /// Lets workers lease the queue's jobs again, waking one that waits.
    public func resume(_ queue: QueueName) async throws {
        let keys = keyspace.queue(queue)
        try await client.withConnection { connection in
            _ = try connection.pipeline([RedisCommand("HDEL", keys.config, "paused"), RedisCommand("ZADD", keys.marker, "0", "m")])
        }
    }

    private static func hash(_ reply: RedisReply) -> [String: String] {
        let values = reply.array ?? []
        var result: [String: String] = [:]
        var i = 0
        while i + 1 < values.count {
            if let key = values[i].string { result[key] = values[i + 1].string }
            i += 2
        }
        return result
    }
}
