import Synchronization

/// The producer side: enqueues jobs, one or many per round trip, with admission control done
/// atomically in Redis. Safe to share between tasks; calls are serialized on one connection.
public final class JobQueue: Sendable {
    /// Limits and defaults applied by this producer.
    public struct Options: Sendable {
        /// Largest payload accepted. Default 1 MiB.
        public var maxPayloadBytes: Int = 1 << 20
        /// Depth limit (ready + delayed + in flight) for queues without their own `max_depth` setting.
        /// 0 means unbounded. Default 1,000,000.
        public var defaultMaxDepth: Int = 1_000_000
        /// Retry-after hint for a full queue without its own `retry_after_ms` setting. Default 1 s.
        public var defaultRetryAfter: Duration = .seconds(1)
        public var clock: JobClock = .system

        public init() {}
    }

    public let client: RedisClient
    public let keyspace: Keyspace
    public let options: Options
    private let registered = Mutex<Set<QueueName>>([])
    /// When `now()` last measured the clock's correction (nil: not yet).
    private let clockMeasured = Mutex<ContinuousClock.Instant?>(nil)

    public init(client: RedisClient, keyspace: Keyspace = Keyspace(), options: Options = Options()) {
        self.client = client
        self.keyspace = keyspace
        self.options = options
    }

    /// Enqueues one job and returns its id (or, for a repeated idempotency key, the first job's id).
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> JobID {
        try await enqueue([job])[0]
    }

    /// Enqueues jobs of one queue in one round trip, all or none, and returns their ids in order.
    /// Throws `EnqueueError` (queue full, payload too large, invalid job), `RedisCommandError` or
    /// `RedisConnectionError`.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) async throws -> [JobID] {
        guard let queue = jobs.first?.queue else { return [] }
        // Every job is checked before anything is sent.
        for job in jobs { try validate(job, queue: queue) }
        let call = enqueueCall(jobs, queue: queue, now: try await now())
        let register = !registered.withLock { $0.contains(queue) }
        let queuesKey = keyspace.queues
        let reply = try await client.withConnection { connection in
            if register { try connection.send("SADD", queuesKey, queue.rawValue) }
            return try connection.evaluate(call)
        }
        if register { registered.withLock { _ = $0.insert(queue) } }
        return try Self.readEnqueueReply(reply, queue: queue, count: jobs.count)
    }

    /// The time in milliseconds since 1970 by Redis' clock, as far as this producer knows it: its
    /// clock corrected by Redis' `TIME`, measured on the first call and again once a minute (see
    /// `JobClock`). Compute a delayed job's `runAt` from it, so that the delay holds on a host whose
    /// clock is off. A clock without a correction (a test's) is read as it is.
    public func now() async throws -> Int {
        let clock = options.clock
        guard let correction = clock.correction else { return clock.now() }
        let due = clockMeasured.withLock { last in last.map { ContinuousClock.now - $0 >= Self.clockInterval } ?? true }
        if due {
            do {
                _ = try await client.withConnection { connection in try correction.measure(clock, on: connection) }
            } catch is RedisCommandError {
                // An ACL may deny TIME: this producer goes on with its host's clock, as a worker does.
            }
            clockMeasured.withLock { $0 = ContinuousClock.now }
        }
        return clock.now()
    }

    /// How often `now()` measures the clock's correction again.
    static let clockInterval: Duration = .seconds(60)

    /// Builds the enqueueJobs call for jobs already checked.
    func enqueueCall(_ jobs: [NewJob], queue: QueueName, now: Int) -> ScriptCall {
        let keys = keyspace.queue(queue)
        var call = ScriptCall(Scripts.enqueueJobs, keys: [keys.ready, keys.delayed, keys.inflight, keys.marker, keys.stats, keys.config])
        call.append(keys.jobPrefix)
        call.append(keys.idempotencyPrefix)
        call.append(now)
        call.append(options.defaultMaxDepth)
        call.append(options.defaultRetryAfter.milliseconds)
        call.append(jobs.count)
        for job in jobs {
            call.append(JobID.make().rawValue)
            call.append(JobEnvelope.currentVersion)
            call.append(job.type)
            call.append(job.payload)
            call.append(job.maxAttempts)
            call.append(job.runAt ?? 0)
            call.append(job.tenant ?? "")
            call.append(job.idempotencyKey ?? "")
            call.append(max(1, job.idempotencyWindow.milliseconds))
        }
        return call
    }

    private func validate(_ job: NewJob, queue: QueueName) throws(EnqueueError) {
        guard job.queue == queue else {
            throw EnqueueError(code: .invalidJob, queue: queue, message: "a bulk enqueue takes jobs of one queue; found one for '\(job.queue)'")
        }
        guard job.payload.count <= options.maxPayloadBytes else {
            throw EnqueueError(code: .payloadTooLarge, queue: queue,
                               message: "a '\(job.type)' payload of \(job.payload.count) bytes exceeds the limit of \(options.maxPayloadBytes) bytes")
        }
        guard !job.type.isEmpty, job.type.utf8.count <= 128 else {
            throw EnqueueError(code: .invalidJob, queue: queue, message: "the job type must be 1-128 characters")
        }
        guard (1...1000).contains(job.maxAttempts) else {
            throw EnqueueError(code: .invalidJob, queue: queue, message: "max attempts \(job.maxAttempts) is outside 1-1000")
        }
        if let key = job.idempotencyKey, key.isEmpty || key.utf8.count > 256 {
            throw EnqueueError(code: .invalidJob, queue: queue, message: "an idempotency key must be 1-256 characters")
        }
        if let tenant = job.tenant, tenant.isEmpty || tenant.utf8.count > 128 {
            throw EnqueueError(code: .invalidJob, queue: queue, message: "a tenant must be 1-128 characters")
        }
    }

    static func readEnqueueReply(_ reply: RedisReply, queue: QueueName, count: Int) throws -> [JobID] {
        guard let values = reply.array, let status = values.first?.int else {
            throw RedisCommandError(command: Scripts.enqueueJobs.name, message: "unexpected reply \(reply)")
        }
        if status == -1 {
            let retryAfter = values.count > 1 ? values[1].int ?? 1000 : 1000
            let depth = values.count > 2 ? values[2].int ?? 0 : 0
            let maxDepth = values.count > 3 ? values[3].int ?? 0 : 0
            throw EnqueueError(
                code: .queueFull, queue: queue,
                message: "queue full (\(depth) of \(maxDepth) jobs; \(count) more do not fit), retry after \(retryAfter) ms",
                retryAfter: .milliseconds(retryAfter))
        }
        let ids = values.dropFirst().compactMap { $0.string.map(JobID.init) }
        guard ids.count == count else {
            throw RedisCommandError(command: Scripts.enqueueJobs.name, message: "answered \(ids.count) ids for \(count) jobs")
        }
        return ids
    }
}
