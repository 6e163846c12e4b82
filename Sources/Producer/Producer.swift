import QueueKit

/// What the app backend calls to enqueue work. Wraps `JobQueue` with backpressure handling: when a
/// queue is full it waits the hinted time and tries again, up to a deadline, then throws the
/// `EnqueueError` so the caller can tell its own client to come back later. Nothing is dropped.
///
/// A connection that broke (Redis restarted or failed over) is reopened and the call retried within
/// `patience`. If the break came after Redis applied the enqueue, the retry adds the jobs again:
/// give jobs an idempotency key where a duplicate matters.
public struct Producer: Sendable {
    public let queue: JobQueue
    /// How long one call may wait out full queues before giving up. Default 5 s; zero never waits.
    public var patience: Duration

    public init(queue: JobQueue, patience: Duration = .seconds(5)) {
        self.queue = queue
        self.patience = patience
    }

    /// Enqueues jobs of one queue (all or none), waiting out a full queue within `patience`.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) async throws -> [JobID] {
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        while true {
            do {
                return try await queue.enqueue(jobs)
            } catch let error as EnqueueError where error.code == .queueFull {
                let wait = error.retryAfter ?? .seconds(1)
                guard clock.now + wait <= deadline else { throw error }
                try await Task.sleep(for: wait)
            } catch let error as RedisConnectionError {
                // The reconnect itself waits out the connection's backoff.
                guard clock.now < deadline else { throw error }
            }
        }
    }

    /// Enqueues one job, waiting out a full queue within `patience`.
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> JobID {
        try await enqueue([job])[0]
    }
}
