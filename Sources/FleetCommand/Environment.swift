import Foundation
import QueueKit

/// The settings every fleet tool shares: `--redis URL` or `REDIS_URL`, `--prefix` or `FLEET_PREFIX`.
public struct FleetEnvironment: Sendable {
    public static let options: Set<String> = ["redis", "prefix", "log-level"]
    public static let help = """
        Common options:
          --redis URL        Redis to use: redis://[user:password@]host:port[/db] or unix:///path
                             (default: $REDIS_URL, else redis://127.0.0.1:6379)
          --prefix NAME      key namespace (default: $FLEET_PREFIX, else fleet)
          --log-level LEVEL  debug, info, warning or error (default: info)
        """

    public let redis: RedisConfiguration
    public let keyspace: Keyspace
    public let logLevel: Logger.Level

    public init(_ arguments: Arguments, tool: String) throws {
        let environment = ProcessInfo.processInfo.environment
        let urlText = arguments.value("redis") ?? environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"
        redis = RedisConfiguration(url: try RedisURL(parsing: urlText), clientName: tool)
        let prefix = arguments.value("prefix") ?? environment["FLEET_PREFIX"] ?? "fleet"
        guard !prefix.isEmpty, !prefix.contains(where: { $0 == "{" || $0 == "}" || $0 == " " }) else {
            throw UsageError("--prefix must be non-empty, without spaces or braces")
        }
        keyspace = Keyspace(prefix: prefix)
        let levelName = arguments.value("log-level") ?? environment["LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(name: levelName) else {
            throw UsageError("--log-level must be debug, info, warning or error, not '\(levelName)'")
        }
        logLevel = level
    }

    public func logger(_ label: String) -> Logger { Logger(label: label, level: logLevel) }
}

/// Runs a tool's body and turns any error into one line on standard error and an exit code:
/// 2 for a wrong command line, 1 for everything else. Never a stack trace.
public func runTool(_ tool: String, _ body: () async throws -> Void) async -> Never {
    do {
        try await body()
        exit(0)
    } catch let error as UsageError {
        printError("\(tool): \(error.description) (see '\(tool) --help')")
        exit(2)
    } catch let error as RedisURLError {
        printError("\(tool): \(error.description)")
        exit(2)
    } catch let error as QueueNameError {
        printError("\(tool): \(error.description)")
        exit(2)
    } catch {
        printError("\(tool): \(error)")
        exit(1)
    }
}

public func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes a line to standard output right away (unbuffered, so that pipes see progress).
public func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
