import Foundation

/// What became of one leased job.
enum JobOutcome: Sendable {
    /// Done: acknowledge it.
    case ack(LeasedJob)
    /// Done: acknowledge it and enqueue these jobs, atomically.
    case ackWithFollowUps(LeasedJob, [NewJob])
    /// Failed: retry at `retryAt` (ms since 1970), or bury it in the dead-letter queue when nil,
    /// with `reason` (default: the error).
    case fail(LeasedJob, error: String, retryAt: Int?, reason: String? = nil)
    /// Not finished (shutdown): hand it back without counting the attempt.
    case release(QueueName, JobID, LeaseToken)
}

/// Reports outcomes to Redis in batches on a thread and connection of its own: whatever piled up
/// while the previous round trip was out goes in the next one, one script call per queue and kind.
/// A batch cut off by a broken connection is sent again; every call is fenced by its lease token,
/// so a repeat is refused harmlessly.
final class Completer: @unchecked Sendable {
    private let configuration: WorkerConfiguration
    private let condition = NSCondition()
    private var pending: [JobOutcome] = []
    private var finishing = false
    private let onReport: @Sendable (CompletionReport) -> Void

    /// Counts of one flushed batch, for logs and tests.
    struct CompletionReport: Sendable {
        var acked = 0, retried = 0, buried = 0, released = 0, refused = 0
        /// Finished jobs put back because a queue their follow-ups go to is full.
        var deferred = 0
    }

    init(configuration: WorkerConfiguration, onReport: @escaping @Sendable (CompletionReport) -> Void = { _ in }) {
        self.configuration = configuration
        self.onReport = onReport
    }

    func submit(_ outcome: JobOutcome) {
        condition.lock()
        pending.append(outcome)
        condition.signal()
        condition.unlock()
    }

    func submit(_ outcomes: [JobOutcome]) {
        guard !outcomes.isEmpty else { return }
        condition.lock()
        pending += outcomes
        condition.signal()
        condition.unlock()
    }

    /// Makes `run()` return once everything submitted so far is reported.
    func finish() {
        condition.lock()
        finishing = true
        condition.signal()
        condition.unlock()
    }

    /// The reporting loop.
    func run() {
        let connection = RedisConnection(configuration.redis.named("\(configuration.workerID):complete"))
        let log = configuration.logger
        var failures = 0
        while true {
            condition.lock()
            while pending.isEmpty && !finishing { condition.wait() }
            if pending.isEmpty && finishing {
                condition.unlock()
                break
            }
            let batch = Array(pending.prefix(2000))
            pending.removeFirst(batch.count)
            let stopping = finishing
            condition.unlock()

            let (calls, kinds) = makeCalls(for: batch)
            while true {
                do {
                    try registerFollowUpQueues(in: batch, on: connection)
                    let replies = try connection.evaluate(calls)
                    // A server that cannot take writes right now (failover, loading): send the batch
                    // again; every call is fenced by its token, so what did go through is refused.
                    if let transient = replies.lazy.compactMap(Self.transientError).first {
                        connection.disconnect()
                        throw RedisCommandError(command: "job outcomes", message: transient)
                    }
                    onReport(tally(replies, kinds: kinds, log: log))
                    if failures > 0 { log.info("reporting job outcomes again", ["worker.id": configuration.workerID]) }
                    failures = 0
                    break
                } catch {
                    failures += 1
                    if failures == 1 { log.warning("cannot report job outcomes: \(error); retrying", ["worker.id": configuration.workerID]) }
                    // Give up on a stopped worker's last batch after a while: unreported jobs are
                    // recovered by lease expiry and run again, never lost.
                    if stopping && failures > 20 {
                        log.error("dropping \(batch.count) unreported outcomes at shutdown; their leases will expire and the jobs run again")
                        break
                    }
                    if error is RedisCommandError { Thread.sleep(forTimeInterval: 0.5) }
                }
            }
        }
        connection.disconnect()
    }

    private enum Kind { case ack, ackWithFollowUps, fail, release }

    /// Error replies that say "not now" rather than "never": the batch is worth sending again.
    static func transientError(_ reply: RedisReply) -> String? {
        guard case .error(let message) = reply else { return nil }
        let code = message.prefix { $0 != " " }
        return ["READONLY", "LOADING", "MASTERDOWN", "BUSY", "TRYAGAIN", "CLUSTERDOWN"].contains(code) ? message : nil
    }

    private var registeredQueues: Set<QueueName> = []

    /// Adds queues that receive follow-ups to the fleet's queue list, once per process.
    private func registerFollowUpQueues(in batch: [JobOutcome], on connection: RedisConnection) throws {
        var fresh: Set<QueueName> = []
        for case .ackWithFollowUps(_, let jobs) in batch {
            for job in jobs where !registeredQueues.contains(job.queue) { fresh.insert(job.queue) }
        }
        guard !fresh.isEmpty else { return }
        var command = RedisCommand("SADD")
        command.append(configuration.keyspace.queues)
        for queue in fresh.sorted() { command.append(queue.rawValue) }
        _ = try connection.send(command)
        registeredQueues.formUnion(fresh)
    }

    private func makeCalls(for batch: [JobOutcome]) -> ([ScriptCall], [Kind]) {
        var acks: [QueueName: [(JobID, LeaseToken)]] = [:]
        var fails: [QueueName: [(JobID, LeaseToken, String, Int, String)]] = [:]
        var releases: [QueueName: [(JobID, LeaseToken)]] = [:]
        let now = configuration.clock.now()
        var calls: [ScriptCall] = []
        var kinds: [Kind] = []
        for outcome in batch {
            switch outcome {
            case .ack(let job): acks[job.queue, default: []].append((job.id, job.token))
            case .fail(let job, let error, let retryAt, let reason):
                fails[job.queue, default: []].append((job.id, job.token, error, retryAt ?? 0, reason ?? ""))
            case .release(let queue, let id, let token): releases[queue, default: []].append((id, token))
            case .ackWithFollowUps(let job, let followUps):
                calls.append(ackWithFollowUpsCall(job, followUps, now: now))
                kinds.append(.ackWithFollowUps)
            }
        }
        for (queue, jobs) in acks {
            let keys = configuration.keyspace.queue(queue)
            calls.append(Self.fencedCall(Scripts.ackJobs, keys: [keys.inflight, keys.stats], jobPrefix: keys.jobPrefix, jobs: jobs))
            kinds.append(.ack)
        }
        for (queue, jobs) in fails {
            let keys = configuration.keyspace.queue(queue)
            var call = ScriptCall(Scripts.failJobs, keys: [keys.inflight, keys.delayed, keys.dead, keys.stats])
            call.append(keys.jobPrefix)
            call.append(now)
            call.append(jobs.count)
            for (id, token, error, retryAt, reason) in jobs {
                call.append(id.rawValue)
                call.append(token.rawValue)
                call.append(error)
                call.append(retryAt)
                call.append(reason)
            }
            calls.append(call)
            kinds.append(.fail)
        }
        for (queue, jobs) in releases {
            let keys = configuration.keyspace.queue(queue)
            calls.append(Self.fencedCall(Scripts.releaseLeases, keys: [keys.inflight, keys.ready, keys.marker], jobPrefix: keys.jobPrefix, jobs: jobs))
            kinds.append(.release)
        }
        return (calls, kinds)
    }

    /// A call of a script that takes the job key prefix, a count, and (id, token) pairs.
    private static func fencedCall(_ script: RedisScript, keys: [String], jobPrefix: String, jobs: [(JobID, LeaseToken)]) -> ScriptCall {
        var call = ScriptCall(script, keys: keys)
        call.append(jobPrefix)
        call.append(jobs.count)
        for (id, token) in jobs {
            call.append(id.rawValue)
            call.append(token.rawValue)
        }
        return call
    }

    private func ackWithFollowUpsCall(_ job: LeasedJob, _ followUps: [NewJob], now: Int) -> ScriptCall {
        let source = configuration.keyspace.queue(job.queue)
        let byQueue = Dictionary(grouping: followUps, by: \.queue).sorted { $0.key < $1.key }
        var keys = [source.inflight, source.stats, source.delayed]
        for (queue, _) in byQueue {
            let target = configuration.keyspace.queue(queue)
            keys += [target.ready, target.delayed, target.inflight, target.marker, target.stats, target.config]
        }
        var call = ScriptCall(Scripts.ackJobWithFollowUps, keys: keys)
        call.append(source.jobPrefix)
        call.append(job.id.rawValue)
        call.append(job.token.rawValue)
        call.append(now)
        call.append(configuration.followUpDefaultMaxDepth)
        call.append(configuration.followUpDefaultRetryAfter.milliseconds)
        call.append(byQueue.count)
        for (queue, jobs) in byQueue {
            call.append(configuration.keyspace.queue(queue).jobPrefix)
            call.append(jobs.count)
            for followUp in jobs {
                call.append(JobID.make().rawValue)
                call.append(JobEnvelope.currentVersion)
                call.append(followUp.type)
                call.append(followUp.payload)
                call.append(followUp.maxAttempts)
                call.append(followUp.runAt ?? 0)
            }
        }
        return call
    }

    private func tally(_ replies: [RedisReply], kinds: [Kind], log: Logger) -> CompletionReport {
        var report = CompletionReport()
        for (reply, kind) in zip(replies, kinds) {
            if case .error(let message) = reply {
                log.error("Redis refused a \(kind) batch: \(message)", ["worker.id": configuration.workerID])
                continue
            }
            switch kind {
            case .release:
                report.released += reply.int ?? 0
            case .ackWithFollowUps:
                switch reply.int {
                case 1: report.acked += 1
                case 2: report.deferred += 1
                default: report.refused += 1
                }
            case .ack, .fail:
                for code in reply.array ?? [reply] {
                    switch code.int {
                    case 1: if kind == .ack { report.acked += 1 } else { report.retried += 1 }
                    case 2: report.buried += 1
                    default: report.refused += 1
                    }
                }
            }
        }
        if report.deferred > 0 {
            log.warning("\(report.deferred) finished jobs put back: a queue their follow-ups go to is full; they run again after its retry-after",
                        ["worker.id": configuration.workerID])
        }
        if report.refused > 0 {
            log.warning("\(report.refused) outcomes refused: their leases had expired and the jobs were handed to another worker",
                        ["worker.id": configuration.workerID])
        }
        return report
    }
}
