import Foundation
import Synchronization

/// Where QueueKit reads the time: wall-clock milliseconds since 1970. Injected so that tests can
/// move time forward (lease expiry, backoff, delayed jobs) without waiting.
///
/// Lease deadlines, retry times and due times are written by one process and compared by another,
/// so processes on different hosts must agree on the time. A clock with a `correction` (the
/// system clock has the process's) is corrected by Redis' own clock once a worker measured it: a
/// worker measures how far its host's clock is from Redis' at start and every minute after
/// (`ClockCorrection`), and reads the time corrected by it, so a host whose clock is off neither
/// loses its leases to other workers nor keeps a dead worker's leases from them. A producer
/// (`JobQueue.now()`) measures the same correction on its first enqueue and once a minute after, so
/// the jobs it stamps and the due times computed from it are in Redis' time too.
public struct JobClock: Sendable {
    private let read: @Sendable () -> Int
    /// The correction this clock adds (nil: it is read as it is, like a test's clock).
    public let correction: ClockCorrection?

    public init(_ read: @escaping @Sendable () -> Int) {
        self.read = read
        correction = nil
    }

    /// A clock that reads `read` plus `correction`, which a worker keeps measured against Redis.
    public init(correctedBy correction: ClockCorrection, _ read: @escaping @Sendable () -> Int) {
        self.read = read
        self.correction = correction
    }

    /// Milliseconds since 1970.
    public func now() -> Int { read() + (correction?.milliseconds ?? 0) }

    /// The time as read, without the correction (what a correction is measured against).
    func uncorrected() -> Int { read() }

    /// The system's wall clock, corrected by Redis' clock once a worker of this process measured it.
    public static let system = JobClock(correctedBy: .process) { Int(Date().timeIntervalSince1970 * 1000) }

    /// The system clock shifted by `offset`, for tests that jump ahead.
    public static func shifted(by offset: Duration) -> JobClock {
        JobClock { Int(Date().timeIntervalSince1970 * 1000) + offset.milliseconds }
    }
}

/// How far Redis' clock is ahead of a host's clock, in milliseconds (negative: behind), as last
/// measured by a worker (0 until then).
public final class ClockCorrection: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    /// The correction of this process's system clock (`JobClock.system`).
    public static let process = ClockCorrection()

    public var milliseconds: Int { value.load(ordering: .relaxed) }

    /// Measures the correction of `clock` on `connection` (Redis' TIME against the middle of the
    /// round trip, the quickest of three; none if every round trip took over a second), keeps it,
    /// and returns how much it changed.
    @discardableResult
    func measure(_ clock: JobClock, on connection: RedisConnection) throws -> Int {
        // Connecting (or a reconnect's backoff) must not count as the round trip.
        try connection.connect()
        var best: (roundTrip: Int, correction: Int)?
        for _ in 0..<3 {
            let before = clock.uncorrected()
            let reply = try connection.send("TIME")
            let after = clock.uncorrected()
            guard let redisNow = reply.timeMilliseconds else {
                throw RedisCommandError(command: "TIME", message: "unexpected reply \(reply)")
            }
            let sample = (roundTrip: after - before, correction: redisNow - (before + after) / 2)
            if best.map({ sample.roundTrip < $0.roundTrip }) ?? true { best = sample }
        }
        guard let best, best.roundTrip <= 1_000 else { return 0 }
        return best.correction - value.exchange(best.correction, ordering: .relaxed)
    }
}

extension RedisReply {
    /// A `TIME` reply (seconds and microseconds) in milliseconds since 1970; nil for any other reply.
    var timeMilliseconds: Int? {
        guard let parts = array, parts.count == 2, let seconds = parts[0].int, let micros = parts[1].int else { return nil }
        return seconds * 1000 + micros / 1000
    }
}
