import Foundation
import Testing
@testable import QueueKit

/// Blocking Redis I/O and the heartbeat stay off Swift's cooperative pool. Serialized: one of these
/// tests hogs the pool on purpose, the other measures whether the pool is free.
@Suite(.serialized) struct CooperativePoolTests {
    /// More blocked Redis waits than cores must not stop other tasks: hiredis' blocking calls run on
    /// the connections' own threads, never on the cooperative pool.
    @Test func blockingCallsLeaveTheCooperativePoolFree() async throws {
        let fleet = TestFleet()
        let waits = ProcessInfo.processInfo.activeProcessorCount * 4
        let clients = (0..<waits).map { _ in RedisClient(fleet.redis) }
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Duration.self) { group in
            for (i, client) in clients.enumerated() {
                group.addTask {
                    _ = try await client.send("BLPOP", fleet.keyspace.prefix + ":nothing:\(i)", "2")
                    return ContinuousClock.now - started
                }
            }
            // While every blocked call waits, ordinary tasks still run to completion promptly.
            try await Task.sleep(for: .milliseconds(200))
            let progress = try await eightShortTasks()
            let progressAt = ContinuousClock.now - started
            #expect(progress == 28)
            #expect(progressAt < .milliseconds(1500), "other tasks waited \(progressAt) behind blocked Redis calls")
            for try await blockedFor in group {
                #expect(blockedFor >= .milliseconds(1900), "a blocking call returned early")
            }
        }
    }

    /// Handlers that keep every cooperative thread busy must not lose their leases: the heartbeat
    /// beats from a thread of its own. A rival recoverer runs all along and would take back any
    /// lease that lapsed.
    @Test func handlersHoggingTheCPUKeepTheirLeases() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        var handlers = JobHandlers()
        handlers.register("spin", payload: DiagnosticJobs.Empty.self) { _, _ in
            let end = Date(timeIntervalSinceNow: 2)
            var x: UInt64 = 1
            while Date() < end { x = x &* 6364136223846793005 &+ 1 }
            if x == 42 { print("") }
        }
        let jobs = ProcessInfo.processInfo.activeProcessorCount * 2
        let worker = Worker(configuration: fleet.workerConfiguration(concurrency: jobs, lease: .milliseconds(700)), handlers: handlers)
        let rivalStop = StopSignal()
        let rival = DedicatedThread(name: "rival-recoverer") {
            let connection = RedisConnection(fleet.redis)
            let recoverer = LeaseRecoverer(configuration: fleet.workerConfiguration(lease: .milliseconds(700)))
            while !rivalStop.isStopped {
                try? recoverer.perform(on: connection)
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        try await withWorker(worker) {
            try await fleet.producer().enqueue((0..<jobs).map { _ in NewJob(queue: q, type: "spin") })
            try await eventually("the spinning jobs finished", timeout: .seconds(60)) { try await fleet.stats().done == jobs }
        }
        rivalStop.stop()
        await rival.join()
        let stats = try await fleet.stats()
        #expect(stats.recovered == 0, "leases lapsed while handlers hogged the CPU")
        #expect(worker.counts.refused == 0)
    }
}
