import Foundation
import Testing
@testable import QueueKit

/// The executables as operators run them: worker processes killed and stopped, and the command
/// lines' answers to bad input.
@Suite struct ProcessTests {
    func workerArguments(_ fleet: TestFleet, _ extra: [String]) -> [String] {
        ["run", "--queues", "jobs", "--redis", "\(SharedRedis.url)", "--prefix", fleet.keyspace.prefix] + extra
    }

    @Test func aWorkerKilledWithSIGKILLLosesNoJobs() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        // Long enough that the test sees them all held even on a loaded machine.
        try await fleet.producer().enqueue((0..<12).map { _ in NewJob(queue: q, type: "sleep", encodingMs: 5000) })
        let doomed = try ToolProcess("workers", workerArguments(fleet, ["--concurrency", "12", "--lease-ms", "2000"]))
        try await eventually("the first worker holds every job") { try await fleet.stats().inFlight == 12 }
        doomed.kill(SIGKILL)
        let result = try await doomed.finish()
        #expect(result.status == SIGKILL)
        #expect(try await fleet.stats().done == 0)

        let rescuer = try ToolProcess("workers", workerArguments(fleet, ["--concurrency", "12", "--lease-ms", "2000"]))
        try await eventually("another worker finished them", timeout: .seconds(45)) { try await fleet.stats().done == 12 }
        rescuer.kill(SIGTERM)
        #expect(try await rescuer.finish().status == 0)
        let stats = try await fleet.stats()
        #expect(stats.recovered == 12 && stats.dead == 0 && stats.inFlight == 0 && stats.ready == 0)
    }

    @Test func SIGTERMDrainsRunningJobsAndExitsZero() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        try await fleet.producer().enqueue((0..<4).map { _ in NewJob(queue: q, type: "sleep", encodingMs: 3000) })
        let worker = try ToolProcess("workers", workerArguments(fleet, ["--concurrency", "4"]))
        try await eventually("jobs running") { try await fleet.stats().inFlight == 4 }
        worker.kill(SIGTERM)
        let result = try await worker.finish(timeout: .seconds(20))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let stats = try await fleet.stats()
        #expect(stats.done == 4 && stats.inFlight == 0 && stats.ready == 0)
        #expect(result.stderr.contains("worker stopped"))
    }

    @Test func jobsOutlastingTheGracePeriodAreHandedBack() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let q = fleet.queue()
        try await fleet.producer().enqueue((0..<3).map { _ in NewJob(queue: q, type: "sleep", encodingMs: 60_000) })
        let worker = try ToolProcess("workers", workerArguments(fleet, ["--concurrency", "3", "--grace-s", "1"]))
        try await eventually("jobs running") { try await fleet.stats().inFlight == 3 }
        worker.kill(SIGTERM)
        let result = try await worker.finish(timeout: .seconds(20))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let stats = try await fleet.stats()
        #expect(stats.ready == 3 && stats.inFlight == 0 && stats.dead == 0)
        // The interrupted attempt does not count against the job.
        let attempts = try await fleet.client.send("HGET", fleet.keyspace.queue(q).job(JobID(
            try #require(try await fleet.client.send("LINDEX", fleet.keyspace.queue(q).ready, "0").string))), "att")
        #expect(attempts.int == 0)
    }

    @Test func commandLinesAnswerBadInputWithOneLine() async throws {
        let closedPort = try RedisServer.freePort()
        let cases: [(tool: String, arguments: [String], status: Int32, says: String)] = [
            ("queuectl", ["stats", "jobs", "--redis", "redis://127.0.0.1:\(closedPort)"], 1, "cannot reach Redis at 127.0.0.1:\(closedPort)"),
            ("queuectl", ["stats", "jobs", "--redis", "http://nope"], 2, "malformed Redis URL"),
            ("queuectl", ["stats", "jobs", "--frobnicate"], 2, "unknown option '--frobnicate'"),
            ("producer", ["enqueue", "--queue", "jobs", "--type", "noop", "--redis", "redis://127.0.0.1:\(closedPort)"], 1, "cannot reach Redis"),
            ("producer", ["enqueue", "--queue", "bad queue", "--type", "noop"], 2, "invalid queue name"),
            ("producer", ["enqueue", "--queue", "jobs"], 2, "--type is required"),
            ("producer", ["enqueue", "--queue", "jobs", "--type", "noop", "--payload", "{oops"], 2, "--payload is not valid JSON"),
            ("workers", ["run", "--queues", "jobs", "--redis", "redis://127.0.0.1:\(closedPort)"], 1, "cannot reach Redis"),
            ("workers", ["run", "--queues", "jobs", "--concurrency", "many"], 2, "--concurrency must be a whole number"),
            ("workers", ["fly"], 2, "unknown command 'fly'"),
            ("workers", ["run", "--queues", "uploads"], 2, "add --role uploads"),
            ("producer", ["upload", "--user", "u", "--product", "sock", "--photo", "/etc/hostname"], 1, "not a recognised image"),
            ("producer", ["upload", "--user", "u", "--product", "glove", "--photo", "/etc/hostname"], 1, "attribute 'hand' is missing"),
            ("producer", ["upload", "--user", "u", "--product", "hubcap", "--photo", "/etc/hostname"], 1, "unknown product 'hubcap'"),
        ]
        for c in cases {
            let result = try await ToolProcess.run(c.tool, c.arguments)
            let lines = result.stderr.split(separator: "\n")
            #expect(result.status == c.status, "\(c.tool) \(c.arguments): status \(result.status), stderr \(result.stderr)")
            #expect(lines.count == 1, "\(c.tool) \(c.arguments) printed \(lines.count) lines: \(result.stderr)")
            #expect(result.stderr.contains(c.says), "\(c.tool) \(c.arguments) said: \(result.stderr)")
        }
    }

    @Test func aWrongPasswordIsToldInOneLine() async throws {
        let server = try RedisServer(["--requirepass", "right"])
        defer { server.destroy() }
        let result = try await ToolProcess.run("queuectl", ["stats", "jobs", "--redis", "redis://:wrong@127.0.0.1:\(server.port)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("refused the login"))
        #expect(!result.stderr.contains("wrong"), "the password was printed")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func theToolsDriveAQueueEndToEnd() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let common = ["--redis", "\(SharedRedis.url)", "--prefix", fleet.keyspace.prefix]
        let enqueued = try await ToolProcess.run("producer", ["enqueue", "--queue", "jobs", "--type", "noop", "--count", "300"] + common)
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        let failing = try await ToolProcess.run(
            "producer", ["enqueue", "--queue", "jobs", "--type", "fail", "--payload", "{\"message\":\"card declined\",\"permanent\":true}"] + common)
        #expect(failing.status == 0)
        let worker = try ToolProcess("workers", ["run", "--queues", "jobs"] + common)
        try await eventually("drained") { try await fleet.stats().done == 300 }
        try await eventually("dead letter") { try await fleet.stats().dead == 1 }
        worker.kill(SIGINT)
        #expect(try await worker.finish().status == 0)
        let stats = try await ToolProcess.run("queuectl", ["stats", "jobs", "--json"] + common)
        let decoded = try JSONDecoder().decode(QueueStats.self, from: Data(stats.stdout.utf8))
        #expect(decoded.done == 300 && decoded.dead == 1)
        let dlq = try await ToolProcess.run("queuectl", ["dlq", "list", "jobs"] + common)
        #expect(dlq.stdout.contains("card declined"))
        #expect(dlq.stdout.contains("type=fail"))
    }
}
