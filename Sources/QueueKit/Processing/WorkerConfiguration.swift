import Foundation

/// How a worker process leases and runs jobs. Every default is documented where it is declared.
public struct WorkerConfiguration: Sendable {
    public var redis: RedisConfiguration
    public var keyspace: Keyspace
    /// The queues to take jobs from, served in rotation.
    public var queues: [QueueName]
    /// Most jobs running at once in this process, which is also most jobs leased at once. Default 20.
    public var concurrency: Int
    /// Most jobs taken in one lease call. Default 100.
    public var leaseBatch: Int
    /// How long a lease lasts without a heartbeat. Default 10 s.
    public var leaseDuration: Duration
    /// How often held leases are extended, from a thread of their own. Default a third of the lease.
    public var heartbeatInterval: Duration
    /// How long an idle worker blocks in Redis waiting for work before checking for a stop. Default 1 s.
    public var idleWait: Duration
    /// How often due delayed jobs are moved to ready. Default 250 ms.
    public var promoteInterval: Duration
    /// How often expired leases are recovered. Default 1 s.
    public var recoverInterval: Duration
    /// How long running jobs may finish after a stop before their leases are handed back. Default 25 s.
    public var shutdownGrace: Duration
    /// This process's name in leases and logs: `host:pid:random`.
    public var workerID: String
    /// The time leases, retries and due times are written in. Default: the system clock, corrected
    /// by Redis' (see `JobClock`), so that workers on hosts whose clocks disagree agree on leases.
    public var clock: JobClock
    public var logger: Logger
    /// Whether to refuse to start when Redis may evict keys. Default true.
    public var requireNoEviction: Bool
    /// Most dead jobs kept per queue; the oldest beyond it are dropped. Default 100,000.
    public var deadLetterLimit: Int = 100_000
    /// How long dead jobs are kept. Default 30 days.
    public var deadLetterRetention: Duration = .seconds(30 * 86_400)
    /// Depth limit and retry-after hint for a queue that receives follow-ups and has no `max_depth`
    /// or `retry_after_ms` of its own: the producers' defaults (`JobQueue.Options`).
    public var followUpDefaultMaxDepth: Int = JobQueue.Options().defaultMaxDepth
    public var followUpDefaultRetryAfter: Duration = JobQueue.Options().defaultRetryAfter

    public init(
        redis: RedisConfiguration,
        queues: [QueueName],
        keyspace: Keyspace = Keyspace(),
        concurrency: Int = 20,
        leaseBatch: Int = 100,
        leaseDuration: Duration = .seconds(10),
        heartbeatInterval: Duration? = nil,
        idleWait: Duration = .seconds(1),
        promoteInterval: Duration = .milliseconds(250),
        recoverInterval: Duration = .seconds(1),
        shutdownGrace: Duration = .seconds(25),
        workerID: String? = nil,
        clock: JobClock = .system,
        logger: Logger = Logger(label: "worker"),
        requireNoEviction: Bool = true
    ) {
        self.redis = redis
        self.keyspace = keyspace
        self.queues = queues
        self.concurrency = max(1, concurrency)
        self.leaseBatch = max(1, leaseBatch)
        self.leaseDuration = leaseDuration
        self.heartbeatInterval = heartbeatInterval ?? .milliseconds(max(50, leaseDuration.milliseconds / 3))
        self.idleWait = idleWait
        self.promoteInterval = promoteInterval
        self.recoverInterval = recoverInterval
        self.shutdownGrace = shutdownGrace
        self.workerID = workerID ?? WorkerConfiguration.makeWorkerID()
        self.clock = clock
        self.logger = logger
        self.requireNoEviction = requireNoEviction
    }

    static func makeWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(host):\(getpid()):\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
    }
}
