import Foundation

/// A periodic duty of a worker process, run on the background thread with its own connection.
/// Duties are safe to run in many processes at once: each is one atomic script per queue.
protocol BackgroundDuty: Sendable {
    var name: String { get }
    var interval: Duration { get }
    /// Does one round of the duty. Throws on Redis failure; the runner logs and goes on.
    func perform(on connection: RedisConnection) throws
}

/// Runs background duties on a thread of its own, so that they keep time even while job handlers
/// keep every cooperative thread busy.
final class BackgroundRunner: @unchecked Sendable {
    private let duties: [any BackgroundDuty]
    private let configuration: WorkerConfiguration
    private let condition = NSCondition()
    private var stopped = false

    init(configuration: WorkerConfiguration, duties: [any BackgroundDuty]) {
        self.configuration = configuration
        self.duties = duties
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    func run() {
        let connection = RedisConnection(configuration.redis.named("\(configuration.workerID):background"))
        let log = configuration.logger
        // Scheduled on the monotonic clock: a wall clock stepped back must not stop the heartbeat.
        let clock = ContinuousClock()
        var due = duties.map { _ in clock.now }
        var failing = Set<String>()
        while true {
            condition.lock()
            let next = due.min() ?? clock.now + .seconds(1)
            while !stopped && clock.now < next {
                _ = condition.wait(until: Date(timeIntervalSinceNow: (next - clock.now).timeInterval))
            }
            let stop = stopped
            condition.unlock()
            if stop { break }
            let now = clock.now
            for (index, duty) in duties.enumerated() where due[index] <= now {
                do {
                    try duty.perform(on: connection)
                    if failing.remove(duty.name) != nil { log.info("\(duty.name) works again") }
                } catch {
                    if failing.insert(duty.name).inserted { log.warning("\(duty.name) failed: \(error); retrying") }
                }
                due[index] = clock.now + duty.interval
            }
        }
        connection.disconnect()
    }
}
