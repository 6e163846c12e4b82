/// A snapshot of one queue's state and counters.
public struct QueueStats: Sendable, Codable, Hashable {
    public var queue: QueueName
    public var ready: Int
    public var inFlight: Int
    public var delayed: Int
    public var dead: Int
    /// Jobs acknowledged since the queue was created.
    public var done: Int
    public var enqueued: Int
    public var retried: Int
    public var recovered: Int
    /// Jobs refused at enqueue because the queue was full (follow-ups included).
    public var refused: Int
    /// Finished jobs of this queue put back to run again later because a queue their follow-ups go to
    /// was full (backpressure from downstream).
    public var deferred: Int
    public var paused: Bool
    /// The depth limit in force (0 = the producers' default).
    public var maxDepth: Int
    /// Age of the oldest ready job in ms (0 when none is ready).
    public var oldestReadyAgeMs: Int
}

/// One job in the dead-letter queue, as an operator sees it: no payload (it may be large, and the
/// views redact), the reason and each attempt's error.
public struct DeadJob: Sendable, Codable, Hashable {
    public struct Attempt: Sendable, Codable, Hashable {
        public var attempt: Int
        /// ms since 1970.
        public var at: Int
        public var error: String
    }

    public var id: JobID
    public var queue: QueueName
    public var type: String
    public var attempts: Int
    public var maxAttempts: Int
    public var enqueuedAt: Int
    public var diedAt: Int
    public var reason: String
    public var payloadBytes: Int
    public var tenant: String?
    public var errors: [Attempt]
}
