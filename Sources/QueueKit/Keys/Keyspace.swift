/// The only place where key names are spelled. Every key starts with the fleet's prefix, and all keys
/// of one queue share the hash tag `{queue}` so that a queue can live on one Redis Cluster slot.
public struct Keyspace: Sendable, Hashable {
    /// The namespace, `fleet` by default (`FLEET_PREFIX`, `--prefix`).
    public let prefix: String

    public init(prefix: String = "fleet") {
        self.prefix = prefix
    }

    /// The set of queue names that producers have used, for operators' listings.
    public var queues: String { "\(prefix):queues" }

    /// HASH of feature flags: flag name to its JSON rollout.
    public var flags: String { "\(prefix):flags" }

    /// The keys of one queue.
    public func queue(_ name: QueueName) -> QueueKeys {
        QueueKeys(base: "\(prefix):{\(name.rawValue)}:")
    }
}

/// The keys of one queue.
public struct QueueKeys: Sendable, Hashable {
    let base: String

    /// LIST of job ids ready to run; producers push on the left, workers pop from the right.
    public var ready: String { base + "ready" }
    /// ZSET of job ids waiting for their time, scored by the due time in ms.
    public var delayed: String { base + "delayed" }
    /// ZSET of leased job ids, scored by the lease deadline in ms.
    public var inflight: String { base + "inflight" }
    /// ZSET of dead job ids, scored by the time they died in ms.
    public var dead: String { base + "dead" }
    /// ZSET with one member that wakes a worker blocked in BZPOPMIN when work arrives.
    public var marker: String { base + "marker" }
    /// HASH of counters: enqueued, leased, done, retried, recovered, dead, refused.
    public var stats: String { base + "stats" }
    /// HASH of settings: max_depth, retry_after_ms, paused.
    public var config: String { base + "config" }
    /// Prefix of the job HASHes (`job:<id>`) and their error LISTs (`job:<id>:errors`).
    public var jobPrefix: String { base + "job:" }
    /// Prefix of the idempotency-key STRINGs, each holding the id of the first job enqueued with it.
    public var idempotencyPrefix: String { base + "idem:" }

    public func job(_ id: JobID) -> String { jobPrefix + id.rawValue }
    public func errors(_ id: JobID) -> String { jobPrefix + id.rawValue + ":errors" }
}
