import Foundation

/// Leases jobs for a worker on a thread and connection of its own: takes free slots, leases up to
/// that many jobs in one round trip per queue, and hands them to the worker. With nothing ready it
/// blocks in Redis (BZPOPMIN on the queues' wake-up markers) instead of polling, so an idle worker
/// costs nothing and a new job starts as soon as it is enqueued.
final class Fetcher: Sendable {
    private let configuration: WorkerConfiguration
    private let slots: WorkSlots
    private let leases: LeaseBook
    private let stopSignal: StopSignal
    private let deliver: @Sendable ([LeasedJob]) -> Void

    init(configuration: WorkerConfiguration, slots: WorkSlots, leases: LeaseBook, stopSignal: StopSignal,
         deliver: @escaping @Sendable ([LeasedJob]) -> Void) {
        self.configuration = configuration
        self.slots = slots
        self.leases = leases
        self.stopSignal = stopSignal
        self.deliver = deliver
    }

    /// The fetch loop; returns after a stop.
    func run() {
        let connection = RedisConnection(configuration.redis.named("\(configuration.workerID):fetch"))
        let log = configuration.logger
        let queueKeys = configuration.queues.map { ($0, configuration.keyspace.queue($0)) }
        let markers = queueKeys.map { $0.1.marker }
        // Batching: a busy worker waits up to 2 ms for a fair share of its slots before leasing.
        let enough = max(1, min(configuration.leaseBatch, configuration.concurrency / 4))
        var rotation = 0
        var failing = false

        while !stopSignal.isStopped {
            let free = slots.take(most: configuration.leaseBatch, enough: enough, patience: 0.002)
            if free == 0 { break }
            var leased: [LeasedJob] = []
            do {
                var skipped: [String] = []
                for offset in 0..<queueKeys.count {
                    let (queue, keys) = queueKeys[(rotation + offset) % queueKeys.count]
                    if leased.count >= free {
                        skipped.append(keys.marker)
                        continue
                    }
                    var call = ScriptCall(Scripts.leaseJobs, keys: [keys.ready, keys.inflight, keys.marker, keys.stats, keys.config])
                    call.append(keys.jobPrefix)
                    call.append(configuration.clock.now())
                    call.append(configuration.leaseDuration.milliseconds)
                    call.append(free - leased.count)
                    call.append(configuration.workerID)
                    leased += try LeasedJob.parse(connection.evaluate(call), queue: queue)
                }
                // The wake-up this loop consumed may have been meant for a queue it then had no room
                // to lease from: set those markers again so that other workers do not sleep through it.
                if !skipped.isEmpty {
                    _ = try connection.pipeline(skipped.map { RedisCommand("ZADD", $0, "0", "m") })
                }
                rotation += 1
                if failing {
                    log.info("fetching again", ["worker.id": configuration.workerID])
                    failing = false
                }
            } catch {
                slots.giveBack(free - leased.count)
                if !leased.isEmpty { hand(leased) }
                if !failing {
                    log.warning("cannot lease jobs: \(error); retrying", ["worker.id": configuration.workerID])
                    failing = true
                }
                if error is RedisCommandError { Thread.sleep(forTimeInterval: 1) }
                continue
            }
            slots.giveBack(free - leased.count)
            if !leased.isEmpty {
                hand(leased)
                continue
            }
            // Nothing ready anywhere: block until a producer, a promotion or a recovery sets a marker.
            var wait = RedisCommand("BZPOPMIN")
            for marker in markers { wait.append(marker) }
            wait.append(String(format: "%.3f", configuration.idleWait.timeInterval))
            do {
                _ = try connection.send(wait)
            } catch {
                if !failing {
                    log.warning("cannot wait for jobs: \(error); retrying", ["worker.id": configuration.workerID])
                    failing = true
                }
                // A refused wait (permissions, wrong key type) would otherwise spin.
                if error is RedisCommandError { Thread.sleep(forTimeInterval: 1) }
            }
        }
        connection.disconnect()
    }

    private func hand(_ jobs: [LeasedJob]) {
        leases.add(jobs)
        deliver(jobs)
    }
}
