import Foundation
import Synchronization
import Testing
@testable import QueueKit

@Suite struct FollowUpTests {
    @Test func followUpsAreEnqueuedWithTheAckAndOnlyOnSuccess() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let first = fleet.queue("first"), next = fleet.queue("next")
        var handlers = JobHandlers()
        handlers.register("stage", payload: DiagnosticJobs.Sleep.self, retry: .constant(.milliseconds(10))) { payload, context in
            context.enqueueOnSuccess(NewJob(queue: next, type: "noop", payload: Array("{\"from\":\(payload.ms)}".utf8)))
            if payload.ms < 0 { throw PermanentJobError("negative") }
        }
        let worker = Worker(configuration: fleet.workerConfiguration(queues: ["first"]), handlers: handlers)
        try await withWorker(worker) {
            try await fleet.producer().enqueue((0..<20).map { NewJob(queue: first, type: "stage", encodingMs: $0) })
            try await fleet.producer().enqueue(NewJob(queue: first, type: "stage", encodingMs: -1))
            try await eventually("stage one settled") {
                let stats = try await fleet.stats("first")
                return stats.done == 20 && stats.dead == 1
            }
        }
        let stats = try await fleet.stats("next")
        #expect(stats.ready == 20, "a failed job's follow-up was enqueued, or a success lost one")
        #expect(stats.enqueued == 20)
    }

    /// Backpressure reaches upstream: a worker whose jobs' follow-ups go to a full queue puts the
    /// finished jobs back (their attempts not counted) instead of passing the queue's depth limit, and
    /// finishes them, each follow-up enqueued once, when the queue has room again.
    @Test func aFullFollowUpQueueHoldsBackTheJobsThatFeedIt() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let first = fleet.queue("first"), next = fleet.queue("next")
        try await fleet.operatorAPI().setMaxDepth(of: next, to: 5, retryAfter: .milliseconds(200))
        var handlers = JobHandlers()
        let laterAttempts = Mutex(0)
        handlers.register("stage", payload: DiagnosticJobs.Sleep.self) { payload, context in
            // A deferral is not an attempt: every run of these jobs is their first.
            if context.attempt > 1 { laterAttempts.withLock { $0 += 1 } }
            context.enqueueOnSuccess(NewJob(queue: next, type: "noop", payload: Array("{\"from\":\(payload.ms)}".utf8)))
        }
        let worker = Worker(configuration: fleet.workerConfiguration(queues: ["first"]), handlers: handlers)
        try await withWorker(worker) {
            try await fleet.producer().enqueue((0..<12).map { NewJob(queue: first, type: "stage", encodingMs: $0, maxAttempts: 1) })
            try await eventually("the follow-up queue filled and the rest were put back") {
                let stats = try await fleet.stats("first")
                return stats.done == 5 && stats.deferred >= 7
            }
            // Run again at each retry-after, they keep waiting while the queue stays full: never past
            // its depth, nothing dead.
            try await eventually("each held job put back again") { try await fleet.stats("first").deferred >= 14 }
            let waiting = try await fleet.stats("first"), full = try await fleet.stats("next")
            #expect(full.ready == 5 && full.refused >= 7)
            #expect(waiting.done == 5 && waiting.dead == 0)
            try await fleet.operatorAPI().setMaxDepth(of: next, to: 100)
            try await eventually("all finished once there is room") { try await fleet.stats("first").done == 12 }
        }
        let drained = try await fleet.stats("next"), upstream = try await fleet.stats("first")
        #expect(drained.ready == 12 && drained.enqueued == 12, "a follow-up was lost or enqueued twice")
        #expect(upstream.dead == 0 && upstream.retried == 0)
        #expect(worker.counts.deferred == upstream.deferred && worker.counts.acked == 12)
        #expect(laterAttempts.withLock { $0 } == 0, "a deferral counted as an attempt")
    }

    /// A queue whose jobs' follow-ups go to the queue itself: the job being finished does not count
    /// against the room its follow-ups need (a job asking for as many as the limit runs once it is
    /// alone), and a retry-after of 0 still holds the limit.
    @Test func aFollowUpToItsOwnQueueFitsWhereTheJobWas() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let loop = fleet.queue("loop")
        try await fleet.operatorAPI().setMaxDepth(of: loop, to: 3, retryAfter: .zero)
        var handlers = JobHandlers()
        DiagnosticJobs.register(into: &handlers)
        handlers.register("step", payload: DiagnosticJobs.Sleep.self) { payload, context in
            if payload.ms < 5 { context.enqueueOnSuccess(try NewJob(queue: loop, type: "step", encoding: DiagnosticJobs.Sleep(ms: payload.ms + 1))) }
            // Three follow-ups, which fit only when nothing else is queued.
            if payload.ms == 100 {
                for _ in 0..<3 { context.enqueueOnSuccess(NewJob(queue: loop, type: "noop")) }
            }
        }
        let worker = Worker(configuration: fleet.workerConfiguration(queues: ["loop"]), handlers: handlers)
        try await withWorker(worker) {
            try await fleet.producer().enqueue([NewJob(queue: loop, type: "step", encodingMs: 0), NewJob(queue: loop, type: "step", encodingMs: 100)])
            // Six steps, the job asking for three, and its three no-ops.
            try await eventually("everything ran") { try await fleet.stats("loop").done == 10 }
        }
        let stats = try await fleet.stats("loop")
        #expect(stats.deferred >= 1, "the job asking for three follow-ups beside the steps was not held back")
        #expect(stats.dead == 0 && stats.enqueued == 10)
    }

    @Test func aStaleAckEnqueuesNoFollowUps() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let keys = fleet.keyspace.queue(fleet.queue())
        let target = fleet.keyspace.queue(fleet.queue("next"))
        var call = ScriptCall(Scripts.ackJobWithFollowUps, keys: [keys.inflight, keys.stats, keys.delayed, target.ready, target.delayed,
                                                                 target.inflight, target.marker, target.stats, target.config])
        for value in [keys.jobPrefix, "nosuchjob", "1", "\(JobClock.system.now())", "0", "1000", "1", target.jobPrefix, "1",
                      JobID.make().rawValue, "1", "noop", "{}", "3", "0"] { call.append(value) }
        #expect(try await fleet.client.evaluate(call) == .integer(0))
        #expect(try await fleet.stats("next").ready == 0)
    }
}

@Suite struct FeatureFlagTests {
    @Test func percentageRolloutIsStableAndRollsBackAtOnce() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let flags = FeatureFlags(client: fleet.client, keyspace: fleet.keyspace)
        #expect(try await flags.variant(of: "matcher", for: "u1", default: "v1") == "v1")
        try await flags.set("matcher", FlagRollout(variant: "v2", fallback: "v1", percent: 30))
        var onV2: Set<String> = []
        for n in 0..<1000 where try await flags.variant(of: "matcher", for: "user-\(n)", default: "v1") == "v2" {
            onV2.insert("user-\(n)")
        }
        #expect((230...370).contains(onV2.count), "30 % rollout gave \(onV2.count) of 1000")
        // Growing the rollout keeps everyone who had the new variant on it.
        try await flags.set("matcher", FlagRollout(variant: "v2", fallback: "v1", percent: 60))
        for user in onV2 { #expect(try await flags.variant(of: "matcher", for: user, default: "v1") == "v2") }
        try await flags.rollBack("matcher")
        for user in onV2 { #expect(try await flags.variant(of: "matcher", for: user, default: "v1") == "v1") }
        #expect(try await flags.all()["matcher"]?.percent == 0)
    }
}

@Suite struct DeadLetterTrimTests {
    @Test func theDeadLetterQueueStaysBoundedInCountAndAge() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        var handlers = JobHandlers()
        DiagnosticJobs.register(into: &handlers)
        let worker = Worker(configuration: fleet.workerConfiguration(), handlers: handlers)
        try await withWorker(worker) {
            try await fleet.producer().enqueue((0..<30).map { _ in
                NewJob(queue: q, type: "fail", payload: Array("{\"message\":\"x\",\"permanent\":true}".utf8))
            })
            try await eventually("all dead") { try await fleet.stats().dead == 30 }
        }
        var configuration = fleet.workerConfiguration()
        configuration.deadLetterLimit = 10
        let connection = RedisConnection(fleet.redis)
        try DeadLetterTrimmer(configuration: configuration).perform(on: connection)
        #expect(try await fleet.stats().dead == 10)
        let jobKeys = try connection.send("KEYS", fleet.keyspace.queue(q).jobPrefix + "*").array ?? []
        #expect(jobKeys.count == 20, "dropped dead jobs left their hashes behind")  // 10 hashes + 10 error lists
        configuration.deadLetterRetention = .zero
        configuration.clock = .shifted(by: .seconds(1))
        try DeadLetterTrimmer(configuration: configuration).perform(on: connection)
        #expect(try await fleet.stats().dead == 0)
    }
}
