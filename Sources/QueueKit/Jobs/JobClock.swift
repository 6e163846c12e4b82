import Foundation

/// Where QueueKit reads the time: wall-clock milliseconds since 1970. Injected so that tests can
/// move time forward (lease expiry, backoff, delayed jobs) without waiting.
public struct JobClock: Sendable {
    private let read: @Sendable () -> Int

    public init(_ read: @escaping @Sendable () -> Int) {
        self.read = read
    }

    /// Milliseconds since 1970.
    public func now() -> Int { read() }

    /// The system's wall clock.
    public static let system = JobClock { Int(Date().timeIntervalSince1970 * 1000) }

    /// The system clock shifted by `offset`, for tests that jump ahead.
    public static func shifted(by offset: Duration) -> JobClock {
        JobClock { Int(Date().timeIntervalSince1970 * 1000) + offset.milliseconds }
    }
}
