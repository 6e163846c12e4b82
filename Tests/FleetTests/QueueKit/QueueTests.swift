import Foundation
import Synchronization
import Testing
@testable import QueueKit
import Producer

/// Records what handlers saw, shared between the test and the worker's tasks.
final class Recorder: Sendable {
    private let events = Mutex<[(id: JobID, attempt: Int, at: Int)]>([])
    func record(_ context: JobContext) { events.withLock { $0.append((context.id, context.attempt, JobClock.system.now())) } }
    var all: [(id: JobID, attempt: Int, at: Int)] { events.withLock { $0 } }
    var count: Int { events.withLock { $0.count } }

    /// A worker whose `mark` jobs record when they started here.
    func markingWorker(_ configuration: WorkerConfiguration) -> Worker {
        var handlers = JobHandlers()
        handlers.register("mark", payload: DiagnosticJobs.Empty.self) { _, context in self.record(context) }
        return Worker(configuration: configuration, handlers: handlers)
    }
}

@Suite struct EnqueueTests {
    @Test func bulkEnqueueKeepsOrderAndIdempotencyKeysDeduplicate() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let producer = fleet.producer()
        let q = fleet.queue()
        let ids = try await producer.enqueue((0..<500).map { NewJob(queue: q, type: "noop", payload: Array("{\"n\":\($0)}".utf8)) })
        #expect(Set(ids).count == 500)
        let first = try await producer.enqueue(NewJob(queue: q, type: "noop", idempotencyKey: "order-42"))
        let again = try await producer.enqueue(NewJob(queue: q, type: "noop", idempotencyKey: "order-42"))
        #expect(first == again)
        let stats = try await fleet.stats()
        #expect(stats.ready == 501)
        #expect(stats.enqueued == 501)
        // Oldest first: the first enqueued job is at the consuming end of the ready list.
        let tail = try await fleet.client.send("LINDEX", fleet.keyspace.queue(q).ready, "-1").string
        #expect(tail == ids[0].rawValue)
    }

    @Test func refusesOversizedPayloadsAndBadJobsWithTypedErrors() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        var options = JobQueue.Options()
        options.maxPayloadBytes = 1024
        let producer = fleet.producer(options)
        let q = fleet.queue()
        await #expect(throws: EnqueueError.self) {
            try await producer.enqueue(NewJob(queue: q, type: "noop", payload: Array(repeating: 65, count: 1025)))
        }
        await #expect(throws: EnqueueError.self) { try await producer.enqueue(NewJob(queue: q, type: "", payload: [])) }
        await #expect(throws: EnqueueError.self) { try await producer.enqueue(NewJob(queue: q, type: "noop", maxAttempts: 0)) }
        #expect(try await fleet.stats().ready == 0)
    }

    @Test func aFullQueueRefusesTheWholeBatchWithARetryHint() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let producer = fleet.producer()
        let q = fleet.queue()
        try await fleet.operatorAPI().setMaxDepth(of: q, to: 10, retryAfter: .milliseconds(250))
        try await producer.enqueue((0..<8).map { _ in NewJob(queue: q, type: "noop") })
        do {
            try await producer.enqueue((0..<3).map { _ in NewJob(queue: q, type: "noop") })
            Issue.record("a batch past the depth limit was accepted")
        } catch let error as EnqueueError {
            #expect(error.code == .queueFull)
            #expect(error.retryAfter == .milliseconds(250))
            #expect(error.description.contains("retry after 250 ms"))
        }
        let stats = try await fleet.stats()
        #expect(stats.ready == 8)
        #expect(stats.refused == 3)
        try await producer.enqueue((0..<2).map { _ in NewJob(queue: q, type: "noop") })
        #expect(try await fleet.stats().ready == 10)
    }
}

@Suite struct LeaseTests {
    /// Leases one job straight through the script, as a worker's fetch thread does.
    func lease(_ fleet: TestFleet, clock: JobClock = .system, leaseMs: Int = 10_000) async throws -> [LeasedJob] {
        let keys = fleet.keyspace.queue(fleet.queue())
        var call = ScriptCall(Scripts.leaseJobs, keys: [keys.ready, keys.inflight, keys.marker, keys.stats, keys.config])
        call.append(keys.jobPrefix)
        call.append(clock.now())
        call.append(leaseMs)
        call.append(10)
        call.append("test-worker")
        return try LeasedJob.parse(try await fleet.client.evaluate(call), queue: fleet.queue())
    }

    @Test func aStaleTokenCannotAckFailOrExtend() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        let keys = fleet.keyspace.queue(q)
        try await fleet.producer().enqueue(NewJob(queue: q, type: "noop", maxAttempts: 3))
        let first = try #require(try await lease(fleet, leaseMs: 1000).first)

        // The lease expires; a recoverer (running 2 s in the future) takes the job back.
        var recover = ScriptCall(Scripts.recoverExpiredLeases, keys: [keys.inflight, keys.ready, keys.dead, keys.marker, keys.stats])
        recover.append(keys.jobPrefix)
        recover.append(JobClock.shifted(by: .seconds(2)).now())
        recover.append(100)
        #expect(try await fleet.client.evaluate(recover).array?.first?.int == 1)
        let second = try #require(try await lease(fleet).first)
        #expect(second.id == first.id)
        #expect(second.attempt == 2)
        #expect(second.token != first.token)

        var ack = ScriptCall(Scripts.ackJobs, keys: [keys.inflight, keys.stats])
        ack.append(keys.jobPrefix); ack.append(1); ack.append(first.id.rawValue); ack.append(first.token.rawValue)
        #expect(try await fleet.client.evaluate(ack).array == [.integer(0)])

        var extend = ScriptCall(Scripts.extendLeases, keys: [keys.inflight])
        extend.append(keys.jobPrefix); extend.append(JobClock.system.now() + 60_000); extend.append(1)
        extend.append(first.id.rawValue); extend.append(first.token.rawValue)
        #expect(try await fleet.client.evaluate(extend).array == [.integer(0)])

        var fail = ScriptCall(Scripts.failJobs, keys: [keys.inflight, keys.delayed, keys.dead, keys.stats])
        fail.append(keys.jobPrefix); fail.append(JobClock.system.now()); fail.append(1)
        fail.append(first.id.rawValue); fail.append(first.token.rawValue); fail.append("stale"); fail.append(0); fail.append("")
        #expect(try await fleet.client.evaluate(fail).array == [.integer(0)])

        // The current holder is untouched and can ack.
        var ack2 = ScriptCall(Scripts.ackJobs, keys: [keys.inflight, keys.stats])
        ack2.append(keys.jobPrefix); ack2.append(1); ack2.append(second.id.rawValue); ack2.append(second.token.rawValue)
        #expect(try await fleet.client.evaluate(ack2).array == [.integer(1)])
        let stats = try await fleet.stats()
        #expect(stats.done == 1 && stats.dead == 0 && stats.inFlight == 0 && stats.recovered == 1)
    }

    /// A worker on a host whose clock is a minute behind writes its lease deadlines in Redis' time
    /// (its clock corrected by Redis' TIME), so a worker on a correct host does not take its running
    /// job away; without the correction, the deadline would look a minute past and the job run twice.
    @Test func aHostWhoseClockIsBehindKeepsItsLeases() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        try await fleet.producer().enqueue(NewJob(queue: q, type: "sleep", payload: Array(#"{"ms":4000}"#.utf8), maxAttempts: 3))
        func worker(behind: Duration) -> (Worker, ClockCorrection) {
            let correction = ClockCorrection()
            var configuration = fleet.workerConfiguration(concurrency: 1, lease: .seconds(3))
            configuration.clock = JobClock(correctedBy: correction) { Int(Date().timeIntervalSince1970 * 1000) - behind.milliseconds }
            configuration.recoverInterval = .milliseconds(200)
            var handlers = JobHandlers()
            DiagnosticJobs.register(into: &handlers)
            return (Worker(configuration: configuration, handlers: handlers), correction)
        }
        let (slow, slowCorrection) = worker(behind: .seconds(60)), (right, _) = worker(behind: .zero)
        try await withWorker(slow) {
            try await eventually("the slow host leased the job") { try await fleet.stats().inFlight == 1 }
            #expect(abs(slowCorrection.milliseconds - 60_000) < 1_000, "measured \(slowCorrection.milliseconds) ms")
            try await withWorker(right) {
                try await eventually("done", timeout: .seconds(20)) { try await fleet.stats().done == 1 }
            }
        }
        let stats = try await fleet.stats()
        #expect(stats.recovered == 0 && stats.retried == 0, "\(stats)")
    }

    /// A producer on a host whose clock is ten minutes behind enqueues by Redis' clock: the job's
    /// enqueue time, and the due time of a delayed job computed from `now()`, are Redis' time, so the
    /// delay holds for workers (whose clocks follow Redis'); queuectl's age of the oldest ready job
    /// is Redis' too, whatever its host's clock says.
    @Test func producersAndOperatorsFollowRedisClock() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        let keys = fleet.keyspace.queue(q)
        var options = JobQueue.Options()
        let correction = ClockCorrection()
        options.clock = JobClock(correctedBy: correction) { Int(Date().timeIntervalSince1970 * 1000) - 600_000 }
        let producer = fleet.producer(options)
        func redisNow() async throws -> Int { try #require(try await fleet.client.send("TIME").timeMilliseconds) }
        let ready = try await producer.enqueue(NewJob(queue: q, type: "noop"))
        let delayed = try await producer.enqueue(NewJob(queue: q, type: "noop", runAt: try await producer.now() + 30_000))
        let now = try await redisNow()
        #expect(abs(correction.milliseconds - 600_000) < 1_000, "measured \(correction.milliseconds) ms")
        let enqueued = try await fleet.client.send("HGET", keys.job(ready), "enq").int ?? 0
        #expect(abs(now - enqueued) < 5_000, "enqueued at \(enqueued), Redis' clock \(now)")
        let due = try await fleet.client.send("ZSCORE", keys.delayed, delayed.rawValue).int ?? 0
        #expect(abs(due - (now + 30_000)) < 5_000, "due at \(due), Redis' clock \(now)")

        let ahead = QueueOperator(client: fleet.client, keyspace: fleet.keyspace, clock: .shifted(by: .seconds(600)))
        let age = try await ahead.stats(of: q).oldestReadyAgeMs
        #expect(age < 60_000, "the oldest ready job is \(age) ms old by a clock ten minutes ahead")
    }

    @Test func anExpiredLeaseOnTheLastAttemptIsDead() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        let keys = fleet.keyspace.queue(q)
        try await fleet.producer().enqueue(NewJob(queue: q, type: "noop", maxAttempts: 1))
        _ = try await lease(fleet, leaseMs: 100)
        var recover = ScriptCall(Scripts.recoverExpiredLeases, keys: [keys.inflight, keys.ready, keys.dead, keys.marker, keys.stats])
        recover.append(keys.jobPrefix); recover.append(JobClock.shifted(by: .seconds(1)).now()); recover.append(100)
        #expect(try await fleet.client.evaluate(recover).array == [.integer(0), .integer(1)])
        let dead = try await fleet.operatorAPI().listDeadJobs(in: q)
        #expect(dead.count == 1)
        #expect(dead[0].reason.contains("lease expired"))
        #expect(dead[0].errors.count == 1)
    }
}

@Suite struct WorkerTests {
    @Test func aHandlerThatIgnoresCancellationDoesNotHoldUpTheStop() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        // A handler stuck where cancellation does not reach (a C call, a lock): it returns only when
        // the test lets it, at the end.
        let stuck = StopSignal()
        defer { stuck.stop() }
        var handlers = JobHandlers()
        handlers.register("stuck", payload: DiagnosticJobs.Empty.self) { _, _ in await stuck.wait() }
        let worker = Worker(configuration: fleet.workerConfiguration(grace: .seconds(1)), handlers: handlers)
        let returned = Atomic<Bool>(false)
        let running = Task {
            try await worker.run()
            returned.store(true, ordering: .sequentiallyConsistent)
        }
        let id = try await fleet.producer().enqueue(NewJob(queue: q, type: "stuck"))
        try await eventually("the job is running") { try await fleet.stats().inFlight == 1 }
        worker.requestStop()
        try await eventually("run() returned with the handler still stuck") { returned.load(ordering: .sequentiallyConsistent) }
        try await running.value
        let stats = try await fleet.stats()
        #expect(stats.ready == 1 && stats.inFlight == 0 && stats.done == 0 && stats.dead == 0)
        #expect(try await fleet.client.send("LINDEX", fleet.keyspace.queue(q).ready, "0").string == id.rawValue)
    }

    @Test func retriesWithBackoffThenBuriesWithEveryError() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        let recorder = Recorder()
        var handlers = JobHandlers()
        handlers.register("flaky", payload: DiagnosticJobs.Empty.self, retry: .constant(.milliseconds(300))) { _, context in
            recorder.record(context)
            throw DiagnosticJobs.Failure(description: "attempt \(context.attempt) broke")
        }
        let worker = Worker(configuration: fleet.workerConfiguration(), handlers: handlers)
        let id = try await withWorker(worker) {
            let id = try await fleet.producer().enqueue(NewJob(queue: q, type: "flaky", maxAttempts: 3))
            try await eventually("the job is dead") { try await fleet.stats().dead == 1 }
            return id
        }
        let attempts = recorder.all
        #expect(attempts.map(\.attempt) == [1, 2, 3])
        for (earlier, later) in zip(attempts, attempts.dropFirst()) {
            #expect(later.at - earlier.at >= 300, "retried after \(later.at - earlier.at) ms, before the backoff")
        }
        let dead = try await fleet.operatorAPI().listDeadJobs(in: q)
        #expect(dead.map(\.id) == [id])
        #expect(dead[0].errors.map(\.error) == ["attempt 1 broke", "attempt 2 broke", "attempt 3 broke"])
        #expect(dead[0].reason == "failed on all 3 attempts; last error: attempt 3 broke")
        let stats = try await fleet.stats()
        #expect(stats.retried == 2 && stats.done == 0 && stats.inFlight == 0 && stats.delayed == 0)
    }

    @Test func exponentialJitterStaysWithinItsSteps() {
        let policy = RetryPolicy.exponentialJitter(base: .milliseconds(100), cap: .seconds(1))
        for attempt in 1...10 {
            let ceiling = min(1000, 100 << (attempt - 1))
            for _ in 0..<50 {
                let delay = policy.delay(afterAttempt: attempt).milliseconds
                #expect((0...ceiling).contains(delay))
            }
        }
    }

    @Test func badInputGoesToTheDeadLetterQueueAndTheWorkerGoesOn() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        let keys = fleet.keyspace.queue(q)
        var handlers = JobHandlers()
        DiagnosticJobs.register(into: &handlers)
        let worker = Worker(configuration: fleet.workerConfiguration(), handlers: handlers)
        try await withWorker(worker) {
            let producer = fleet.producer()
            let garbage = try await producer.enqueue(NewJob(queue: q, type: "sleep", payload: Array("not json".utf8)))
            let wrongShape = try await producer.enqueue(NewJob(queue: q, type: "sleep", payload: Array("{\"ms\":\"soon\"}".utf8)))
            let unknown = try await producer.enqueue(NewJob(queue: q, type: "teleport"))
            // A job written by some future producer, with an envelope version this worker does not know.
            let future = JobID.make()
            try await fleet.client.withConnection { connection in
                try connection.send("HSET", keys.job(future), "v", "99", "type", "noop", "payload", "{}", "max", "3", "att", "0")
                try connection.send("LPUSH", keys.ready, future.rawValue)
            }
            try await producer.enqueue((0..<20).map { _ in NewJob(queue: q, type: "noop") })
            try await eventually("all jobs settled") {
                let stats = try await fleet.stats()
                return stats.dead == 4 && stats.done == 20
            }
            let reasons = Dictionary(uniqueKeysWithValues: try await fleet.operatorAPI().listDeadJobs(in: q).map { ($0.id, $0.reason) })
            #expect(reasons[garbage]?.contains("payload does not decode as Sleep: not valid JSON") == true, "\(reasons[garbage] ?? "")")
            #expect(reasons[wrongShape]?.contains("field 'ms' has the wrong type") == true, "\(reasons[wrongShape] ?? "")")
            #expect(reasons[unknown]?.contains("unknown job type 'teleport'") == true)
            #expect(reasons[future]?.contains("unknown envelope version 99") == true)
        }
    }

    @Test func delayedJobsRunNoEarlierThanDue() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        let recorder = Recorder()
        try await withWorker(recorder.markingWorker(fleet.workerConfiguration())) {
            let due = JobClock.system.now() + 1200
            try await fleet.producer().enqueue(NewJob(queue: q, type: "mark", runAt: due))
            try await fleet.producer().enqueue(NewJob(queue: q, type: "mark"))
            try await eventually("both jobs ran") { recorder.count == 2 }
            let times = recorder.all.map(\.at)
            #expect(times[0] < due, "the immediate job waited for the delayed one")
            #expect(times[1] >= due, "the delayed job ran \(due - times[1]) ms early")
        }
    }

    @Test func anIdleWorkerStartsANewJobWithoutPolling() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        let recorder = Recorder()
        var configuration = fleet.workerConfiguration()
        configuration.idleWait = .seconds(4)
        try await withWorker(recorder.markingWorker(configuration)) {
            try await Task.sleep(for: .milliseconds(300))  // let the worker settle into its blocking wait
            for _ in 0..<5 {
                let before = recorder.count
                let sent = JobClock.system.now()
                try await fleet.producer().enqueue(NewJob(queue: q, type: "mark"))
                try await eventually("the job started", timeout: .seconds(3)) { recorder.count > before }
                // Woken by Redis, not by the 4 s wait running out; generous for a loaded CI machine.
                #expect(recorder.all.last!.at - sent < 1000)
            }
        }
    }

    @Test func pausedQueuesAreNotLeasedUntilResumed() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        var handlers = JobHandlers()
        DiagnosticJobs.register(into: &handlers)
        let api = fleet.operatorAPI()
        try await api.pause(q)
        let worker = Worker(configuration: fleet.workerConfiguration(), handlers: handlers)
        try await withWorker(worker) {
            try await fleet.producer().enqueue((0..<50).map { _ in NewJob(queue: q, type: "noop") })
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await fleet.stats().done == 0)
            try await api.resume(q)
            try await eventually("the queue drained") { try await fleet.stats().done == 50 }
        }
    }

    @Test func servesSeveralQueuesAndRedrivesDeadJobs() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let a = fleet.queue("alpha"), b = fleet.queue("beta")
        let fail = Mutex(true)
        var handlers = JobHandlers()
        handlers.register("maybe", payload: DiagnosticJobs.Empty.self) { _, _ in
            if fail.withLock({ $0 }) { throw PermanentJobError("not yet") }
        }
        let worker = Worker(configuration: fleet.workerConfiguration(queues: ["alpha", "beta"]), handlers: handlers)
        try await withWorker(worker) {
            try await fleet.producer().enqueue((0..<30).map { _ in NewJob(queue: a, type: "maybe") })
            try await fleet.producer().enqueue((0..<30).map { _ in NewJob(queue: b, type: "maybe") })
            try await eventually("all dead") {
                let alpha = try await fleet.stats("alpha").dead, beta = try await fleet.stats("beta").dead
                return alpha == 30 && beta == 30
            }
            #expect(try await fleet.operatorAPI().listDeadJobs(in: b, limit: 1).first?.attempts == 1, "a permanent error was retried")
            fail.withLock { $0 = false }
            #expect(try await fleet.operatorAPI().requeueDeadJobs(in: a) == 30)
            try await eventually("redriven jobs done") { try await fleet.stats("alpha").done == 30 }
            #expect(try await fleet.stats("beta").dead == 30)
        }
    }

    @Test func refusesToStartUnderAnEvictingMemoryPolicy() async throws {
        let server = try RedisServer(["--maxmemory-policy", "allkeys-lru"])
        defer { server.destroy() }
        let fleet = TestFleet(url: server.url)
        var handlers = JobHandlers()
        DiagnosticJobs.register(into: &handlers)
        let worker = Worker(configuration: fleet.workerConfiguration(), handlers: handlers)
        do {
            try await worker.run()
            Issue.record("the worker ran under allkeys-lru")
        } catch let error as WorkerStartError {
            #expect(error.message.contains("allkeys-lru"))
        }
    }

    /// Redis restarts (append-only file, fsync always) under a running worker: the worker reconnects
    /// and goes on, and every job enqueued before and after is done exactly once as far as the
    /// counters tell.
    @Test func survivesARedisRestart() async throws {
        let server = try RedisServer(["--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy", "noeviction"])
        defer { server.destroy() }
        let fleet = TestFleet(url: server.url)
        let q = fleet.queue()
        var handlers = JobHandlers()
        DiagnosticJobs.register(into: &handlers)
        let worker = Worker(configuration: fleet.workerConfiguration(concurrency: 5, lease: .seconds(3)), handlers: handlers)
        try await withWorker(worker) {
            try await fleet.producer().enqueue((0..<200).map { _ in NewJob(queue: q, type: "sleep", encodingMs: 10) })
            try await eventually("work under way") { try await fleet.stats().done >= 20 }
            server.stop()
            try await Task.sleep(for: .milliseconds(300))
            try server.start()
            // The producer's connection broke with the restart; Producer reconnects and retries.
            try await Producer(queue: fleet.producer()).enqueue((0..<50).map { _ in NewJob(queue: q, type: "sleep", encodingMs: 10) })
            try await eventually("all 250 jobs done", timeout: .seconds(60)) { try await fleet.stats().done == 250 }
        }
        let stats = try await fleet.stats()
        #expect(stats.dead == 0 && stats.ready == 0 && stats.inFlight == 0 && stats.enqueued == 250)
    }
}

extension NewJob {
    init(queue: QueueName, type: String, encodingMs ms: Int, maxAttempts: Int = 5) {
        self.init(queue: queue, type: type, payload: Array("{\"ms\":\(ms)}".utf8), maxAttempts: maxAttempts)
    }
}
