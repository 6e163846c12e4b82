import Foundation
import QueueKit

/// A private redis-server started by a test (for restarts, passwords, eviction policies) in a
/// temporary directory on a free loopback port, stopped with `stop()`.
final class RedisServer: @unchecked Sendable {
    let port: Int
    let directory: URL
    let extraArguments: [String]
    private var process: Process?

    init(_ extraArguments: [String] = []) throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-test-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.extraArguments = extraArguments
        try start()
    }

    var url: RedisURL { RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port)) }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.redisServerPath())
        process.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path, "--save", "",
                             "--logfile", directory.appendingPathComponent("redis.log").path] + extraArguments
        // Not the test's own output: `swift test` waits for every holder of that pipe to exit.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date(timeIntervalSinceNow: 10)
        while Date() < deadline {
            if Self.canConnect(port: port, password: passwordArgument) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestFailure("redis-server did not start on port \(port)")
    }

    private var passwordArgument: String? {
        guard let index = extraArguments.firstIndex(of: "--requirepass"), index + 1 < extraArguments.count else { return nil }
        return extraArguments[index + 1]
    }

    /// Stops the server gracefully with SHUTDOWN (it syncs its append-only file first). Not with a
    /// signal: a test process blocks SIGTERM, and its children inherit the mask.
    func stop() {
        guard let process else { return }
        let url = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port), password: passwordArgument)
        _ = try? RedisConnection(RedisConfiguration(url: url)).send("SHUTDOWN", "NOSAVE")
        let deadline = Date(timeIntervalSinceNow: 10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    func destroy() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    static func redisServerPath() -> String {
        for path in ["/usr/bin/redis-server", "/usr/local/bin/redis-server"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return "/usr/bin/redis-server"
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw TestFailure("no free port") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int, password: String?) -> Bool {
        let url = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port), password: password)
        let connection = RedisConnection(RedisConfiguration(url: url))
        return (try? connection.send("PING")) != nil
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
