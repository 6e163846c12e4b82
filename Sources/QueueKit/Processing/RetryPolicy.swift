/// How long to wait before the next attempt of a failed job: exponential backoff with full jitter
/// (a random delay between zero and the exponential step), so that a burst of failures does not
/// come back as a burst of retries.
public struct RetryPolicy: Sendable {
    private let delay: @Sendable (_ attempt: Int) -> Duration

    public init(_ delay: @escaping @Sendable (_ attempt: Int) -> Duration) {
        self.delay = delay
    }

    /// The delay after failed attempt number `attempt` (1 for the first run).
    public func delay(afterAttempt attempt: Int) -> Duration { delay(attempt) }

    /// `base * 2^(attempt-1)`, capped at `cap`, then a uniformly random fraction of it.
    public static func exponentialJitter(base: Duration = .seconds(1), cap: Duration = .seconds(600)) -> RetryPolicy {
        RetryPolicy { attempt in
            let step = min(cap.milliseconds, base.milliseconds << min(max(attempt - 1, 0), 30))
            return .milliseconds(Int.random(in: 0...max(step, 0)))
        }
    }

    /// The same delay every time, for tests and jobs that poll an outside system.
    public static func constant(_ delay: Duration) -> RetryPolicy { RetryPolicy { _ in delay } }

    /// The default: 1 s base, 10 min cap, full jitter.
    public static let `default` = RetryPolicy.exponentialJitter()
}
