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
        let call = try enqueueCall(jobs, queue: queue)
        let register = !registered.withLock { $0.contains(queue) }
        let queuesKey = keyspace.queues
        let reply = try await client.withConnection { connection in
            if register { try connection.send("SADD", queuesKey, queue.rawValue) }
            return try connection.evaluate(call)
        }
        if register { registered.withLock { _ = $0.insert(queue) } }
        return try Self.readEnqueueReply(reply, queue: queue, count: jobs.count)
    }

    /// Builds the enqueueJobs call, checking each job before anything is sent.
    func enqueueCall(_ jobs: [NewJob], queue: QueueName) throws(EnqueueError) -> ScriptCall {
        let keys = keyspace.queue(queue)
        var call = ScriptCall(Scripts.enqueueJobs, keys: [keys.ready, keys.delayed, keys.inflight, keys.marker, keys.stats, keys.config])
        call.append(keys.jobPrefix)
        call.append(keys.idempotencyPrefix)
        call.append(options.clock.now())
        call.append(options.defaultMaxDepth)
        call.append(options.defaultRetryAfter.milliseconds)
        call.append(jobs.count)
        for job in jobs {
            try validate(job, queue: queue)
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
