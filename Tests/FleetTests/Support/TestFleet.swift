import Foundation
@testable import QueueKit

/// The Redis the suite shares (`REDIS_URL`, set by ops/test; otherwise one started for this test
/// process), and a fresh key prefix per test so that tests run in parallel without flushing.
enum SharedRedis {
    static let url: RedisURL = {
        if let text = ProcessInfo.processInfo.environment["REDIS_URL"], let url = try? RedisURL(parsing: text) {
            return url
        }
        // Started once for this test process and shut down when the process exits.
        let server = try! RedisServer(["--maxmemory-policy", "noeviction"])
        fallbackServer = server
        atexit { fallbackServer?.destroy() }
        return server.url
    }()
}

private nonisolated(unsafe) var fallbackServer: RedisServer?

/// One test's corner of Redis: its own prefix, clients, and a clean-up that deletes its keys.
struct TestFleet: Sendable {
    let url: RedisURL
    let keyspace: Keyspace
    let client: RedisClient

    init(url: RedisURL = SharedRedis.url) {
        self.url = url
        keyspace = Keyspace(prefix: "test-\(UUID().uuidString.prefix(8).lowercased())")
        client = RedisClient(RedisConfiguration(url: url, clientName: "test"))
    }

    var redis: RedisConfiguration { RedisConfiguration(url: url) }

    func queue(_ name: String = "jobs") -> QueueName { try! QueueName(name) }

    func producer(_ options: JobQueue.Options = JobQueue.Options()) -> JobQueue {
        JobQueue(client: client, keyspace: keyspace, options: options)
    }

    func operatorAPI() -> QueueOperator { QueueOperator(client: client, keyspace: keyspace) }

    func workerConfiguration(queues: [String] = ["jobs"], concurrency: Int = 10, lease: Duration = .seconds(10),
                             grace: Duration = .seconds(5)) -> WorkerConfiguration {
        WorkerConfiguration(
            redis: redis, queues: queues.map { try! QueueName($0) }, keyspace: keyspace, concurrency: concurrency,
            leaseDuration: lease, shutdownGrace: grace, logger: Logger(label: "test-worker", level: .error))
    }

    func stats(_ queue: String = "jobs") async throws -> QueueStats {
        try await operatorAPI().stats(of: self.queue(queue))
    }

    /// Deletes every key under this test's prefix.
    func cleanUp() async {
        let pattern = keyspace.prefix + ":*"
        _ = try? await client.withConnection { try $0.deleteKeys(matching: pattern) }
    }
}

/// Waits until `condition` holds, checking every 20 ms, failing after `timeout`.
func eventually(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        do {
            if try await condition() { return }
        } catch is RedisConnectionError {
            // The test restarted Redis or is waiting for it; ask again.
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestFailure("timed out after \(timeout) waiting for: \(what)")
}

/// Runs eight short tasks on the cooperative pool and returns the sum of their numbers (28) once
/// all are done: how long this takes tells a test whether the pool is free.
func eightShortTasks() async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        for n in 0..<8 { group.addTask { try await Task.sleep(for: .milliseconds(10)); return n } }
        return try await group.reduce(0, +)
    }
}

/// Runs a worker in this process while `body` runs, then stops it and waits for its drain.
func withWorker<T: Sendable>(_ worker: Worker, _ body: () async throws -> T) async throws -> T {
    async let running: Void = worker.run()
    do {
        let result = try await body()
        worker.requestStop()
        try await running
        return result
    } catch {
        worker.requestStop()
        try? await running
        throw error
    }
}

/// The directory holding the built executables (workers, producer, queuectl).
let binDirectory: URL = {
    if let dir = ProcessInfo.processInfo.environment["FLEET_BIN_DIR"] { return URL(fileURLWithPath: dir) }
    // The test bundle sits in the same build directory as the executables.
    var url = Bundle.main.bundleURL
    for _ in 0..<4 {
        if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("workers").path) { return url }
        url.deleteLastPathComponent()
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug")
}()

/// A fleet executable run as a child process.
final class ToolProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()

    init(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = binDirectory.appendingPathComponent(tool)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "REDIS_URL")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    func kill(_ signal: Int32) { Glibc.kill(process.processIdentifier, signal) }

    var isRunning: Bool { process.isRunning }

    /// Waits for the exit (failing after `timeout`) and returns status, stdout and stderr.
    func finish(timeout: Duration = .seconds(30)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(SIGKILL)
                throw TestFailure("\(process.executableURL!.lastPathComponent) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, out, err)
    }

    /// Runs a tool to completion.
    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) async throws
        -> (status: Int32, stdout: String, stderr: String) {
        try await ToolProcess(tool, arguments, environment: environment).finish()
    }
}
