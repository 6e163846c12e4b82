import Foundation
import Synchronization

/// The consumer side: leases jobs from its queues and runs their handlers with bounded concurrency,
/// reporting outcomes in batches, until asked to stop. Redis I/O happens on three threads of its
/// own (fetch, completion, background duties); handlers run as tasks.
///
/// A stop (`requestStop()`, or SIGTERM/SIGINT wired by the executable) stops leasing, lets running
/// jobs finish within the grace period, hands back the leases of the ones that did not, cancels
/// their handlers, reports everything and returns: within a second after the grace period even
/// when a handler ignores cancellation (it is left running; its outcome is not reported).
public final class Worker: Sendable {
    public let configuration: WorkerConfiguration
    public let handlers: JobHandlers
    private let stopSignal = StopSignal()
    private let leases = LeaseBook()
    private let counters = Mutex(WorkerCounters())

    /// What this worker has done so far.
    public struct WorkerCounters: Sendable {
        public var acked = 0, retried = 0, buried = 0, released = 0, refused = 0
        /// Finished jobs put back because a queue their follow-ups go to was full.
        public var deferred = 0
    }

    public init(configuration: WorkerConfiguration, handlers: JobHandlers) {
        self.configuration = configuration
        self.handlers = handlers
    }

    /// How long `run()` waits, after the grace period, for cancelled handlers to return before it
    /// returns without them.
    static let cancellationPatience: Duration = .seconds(1)

    /// Asks the worker to stop; `run()` returns after the drain.
    public func requestStop() { stopSignal.stop() }

    public var counts: WorkerCounters { counters.withLock { $0 } }

    /// Checks Redis, then processes jobs until `requestStop()` (or until the calling task is cancelled).
    /// Throws `WorkerStartError` or a Redis error when it cannot start.
    public func run() async throws {
        try await preflight()
        let log = configuration.logger
        log.info("worker started", [
            "worker.id": configuration.workerID, "queues": configuration.queues.map(\.rawValue).joined(separator: ","),
            "concurrency": String(configuration.concurrency)])

        let slots = WorkSlots(capacity: configuration.concurrency)
        let (jobs, delivery) = AsyncStream.makeStream(of: [LeasedJob].self)
        let completer = Completer(configuration: configuration) { [self] report in
            self.counters.withLock {
                $0.acked += report.acked
                $0.retried += report.retried
                $0.buried += report.buried
                $0.released += report.released
                $0.refused += report.refused
                $0.deferred += report.deferred
            }
        }
        let fetcher = Fetcher(configuration: configuration, slots: slots, leases: leases, stopSignal: stopSignal) {
            delivery.yield($0)
        }
        let background = BackgroundRunner(configuration: configuration, duties: [
            Heartbeat(configuration: configuration, leases: leases),
            DelayedPromoter(configuration: configuration),
            LeaseRecoverer(configuration: configuration),
            DeadLetterTrimmer(configuration: configuration),
        ] + (configuration.clock.correction.map { [ClockSync(configuration: configuration, correction: $0)] } ?? []))
        let completerThread = DedicatedThread(name: "queuekit.complete") { completer.run() }
        let backgroundThread = DedicatedThread(name: "queuekit.background") { background.run() }
        let fetcherThread = DedicatedThread(name: "queuekit.fetch") {
            fetcher.run()
            delivery.finish()
        }
        // A stop must also wake a fetch thread that waits for free slots.
        stopSignal.whenStopped { slots.close() }

        // Handlers run in a task of their own, so that one which ignores cancellation (stuck in a C
        // call, say) cannot keep the worker from stopping: after the grace period its job is handed
        // back and the worker stops without it.
        let handlersReturned = StopSignal()
        let processing = Task {
            await withDiscardingTaskGroup { running in
                for await batch in jobs {
                    for job in batch {
                        running.addTask {
                            let outcome = await self.execute(job)
                            self.leases.remove(job)
                            completer.submit(outcome)
                            slots.giveBack(1)
                        }
                    }
                }
            }
            handlersReturned.stop()
        }
        // Cancelling the task that runs `run()` stops the worker as `requestStop()` does.
        await withTaskCancellationHandler {
            await StopSignal.first(of: [stopSignal, handlersReturned]).wait()
        } onCancel: { [stopSignal] in
            stopSignal.stop()
        }
        if await !handlersReturned.wait(atMost: configuration.shutdownGrace) {
            // The grace period ran out: hand back what is still running so it runs again promptly.
            let unfinished = self.leases.removeAll()
            let count = unfinished.values.reduce(0) { $0 + $1.count }
            log.warning("grace period over; handing back \(count) unfinished jobs", ["worker.id": configuration.workerID])
            completer.submit(unfinished.flatMap { queue, jobs in jobs.map { JobOutcome.release(queue, $0.key, $0.value) } })
            processing.cancel()
            if await !handlersReturned.wait(atMost: Self.cancellationPatience) {
                log.warning("handlers still running after cancellation; stopping without them (their jobs were handed back)",
                            ["worker.id": configuration.workerID])
            }
        }
        await fetcherThread.join()
        completer.finish()
        await completerThread.join()
        background.stop()
        await backgroundThread.join()
        let c = counts
        log.info("worker stopped", ["worker.id": configuration.workerID, "jobs.done": String(c.acked),
                                   "jobs.retried": String(c.retried), "jobs.dead": String(c.buried),
                                   "jobs.handed_back": String(c.released), "jobs.deferred": String(c.deferred)])
    }

    /// Runs one job's handler and decides its outcome. Never throws: every failure becomes a retry
    /// or a dead letter with a readable reason.
    func execute(_ job: LeasedJob) async -> JobOutcome {
        let envelope: JobEnvelope
        switch job.envelope {
        case .failure(let error):
            return .fail(job, error: error.description, retryAt: nil)
        case .success(let decoded):
            envelope = decoded
        }
        guard let handler = handlers[envelope.type] else {
            return .fail(job, error: "unknown job type '\(envelope.type.prefix(128))': this worker handles \(handlers.types.joined(separator: ", "))", retryAt: nil)
        }
        let context = JobContext(id: envelope.id, queue: envelope.queue, type: envelope.type, attempt: envelope.attempt,
                                 maxAttempts: envelope.maxAttempts, enqueuedAt: envelope.enqueuedAt,
                                 tenant: envelope.tenant, logger: configuration.logger, followUps: FollowUps())
        do {
            try await handler.run(envelope.payload, context)
            let followUps = context.followUps.all
            return followUps.isEmpty ? .ack(job) : .ackWithFollowUps(job, followUps)
        } catch let error as PermanentJobError {
            return .fail(job, error: Self.text(error), retryAt: nil)
        } catch {
            if error is CancellationError && stopSignal.isStopped {
                return .release(job.queue, job.id, job.token)
            }
            let message = Self.text(error)
            guard envelope.attempt < envelope.maxAttempts else {
                return .fail(job, error: message, retryAt: nil,
                             reason: "failed on all \(envelope.maxAttempts) attempts; last error: \(message)")
            }
            let delay = handler.retry.delay(afterAttempt: envelope.attempt)
            return .fail(job, error: message, retryAt: configuration.clock.now() + max(1, delay.milliseconds))
        }
    }

    private static func text(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 2000 ? String(text.prefix(2000)) + "..." : text
    }
}
