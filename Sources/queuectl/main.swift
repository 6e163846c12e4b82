import FleetCommand
import Foundation
import QueueKit

let usage = """
    Usage: queuectl COMMAND [options]

    Inspect and steer the fleet's queues.

    Commands:
      queues                      list the queues producers have used, with their counts
      stats QUEUE                 ready, in flight, delayed, dead, done and other counters
      dlq list QUEUE              the newest dead jobs with their reason and every attempt's error
      dlq requeue QUEUE [ID...]   give dead jobs (the given ones, else all up to --limit) fresh attempts
      pause QUEUE                 stop workers from leasing the queue's jobs (enqueue still works)
      resume QUEUE                let workers lease again
      limit QUEUE N               refuse enqueues past N jobs in the queue (0: producers' default)

    Options:
      --json       machine-readable output (stats, dlq list, queues)
      --limit N    how many dead jobs to list or requeue (default 20 for list, 1000 for requeue)

    \(FleetEnvironment.help)
    """

func printTable(_ rows: [[String]]) {
    guard let first = rows.first else { return }
    var widths = first.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    for row in rows {
        say(row.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    say(String(decoding: try encoder.encode(value), as: UTF8.self))
}

func isoTime(_ ms: Int) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
}

await runTool("queuectl") {
    let words = Array(CommandLine.arguments.dropFirst())
    let arguments = try Arguments(words, options: FleetEnvironment.options.union(["limit"]), flags: ["json"])
    if arguments.wantsHelp || words.isEmpty {
        say(usage)
        return
    }
    let environment = try FleetEnvironment(arguments, tool: "queuectl")
    let words2 = arguments.positionals
    let client = RedisClient(environment.redis)
    let api = QueueOperator(client: client, keyspace: environment.keyspace)
    func queueArgument(_ index: Int) throws -> QueueName {
        guard words2.count > index else { throw UsageError("'\(words2.prefix(index).joined(separator: " "))' needs a QUEUE") }
        return try QueueName(words2[index])
    }
    try await client.connect()
    switch words2.first {
    case "queues":
        var all: [QueueStats] = []
        for queue in try await api.listQueues() { all.append(try await api.stats(of: queue)) }
        if arguments.flag("json") { return try printJSON(all) }
        if all.isEmpty { return say("no queues yet") }
        printTable([["QUEUE", "READY", "IN FLIGHT", "DELAYED", "DEAD", "DONE", "PAUSED"]] + all.map {
            [$0.queue.rawValue, "\($0.ready)", "\($0.inFlight)", "\($0.delayed)", "\($0.dead)", "\($0.done)", $0.paused ? "yes" : "no"]
        })
    case "stats":
        guard words2.count == 2 else { throw UsageError("usage: queuectl stats QUEUE") }
        let stats = try await api.stats(of: try queueArgument(1))
        if arguments.flag("json") { return try printJSON(stats) }
        printTable([
            ["queue", stats.queue.rawValue + (stats.paused ? " (paused)" : "")],
            ["ready", "\(stats.ready)"], ["in flight", "\(stats.inFlight)"], ["delayed", "\(stats.delayed)"],
            ["dead", "\(stats.dead)"], ["done", "\(stats.done)"], ["enqueued", "\(stats.enqueued)"],
            ["retried", "\(stats.retried)"], ["recovered", "\(stats.recovered)"], ["refused (full)", "\(stats.refused)"],
            ["max depth", stats.maxDepth == 0 ? "producers' default" : "\(stats.maxDepth)"],
            ["oldest ready", "\(stats.oldestReadyAgeMs) ms"],
        ])
    case "dlq":
        guard words2.count >= 3 else { throw UsageError("usage: queuectl dlq list|requeue QUEUE") }
        let queue = try queueArgument(2)
        switch words2[1] {
        case "list":
            guard words2.count == 3 else { throw UsageError("usage: queuectl dlq list QUEUE") }
            let jobs = try await api.listDeadJobs(in: queue, limit: try arguments.int("limit", default: 20, range: 1...100_000))
            if arguments.flag("json") { return try printJSON(jobs) }
            if jobs.isEmpty { return say("no dead jobs in \(queue)") }
            for job in jobs {
                say("\(job.id)  type=\(job.type)  attempts=\(job.attempts)/\(job.maxAttempts)  died=\(isoTime(job.diedAt))  payload=\(job.payloadBytes) bytes")
                say("  reason: \(job.reason)")
                for attempt in job.errors {
                    say("  attempt \(attempt.attempt) at \(isoTime(attempt.at)): \(attempt.error)")
                }
            }
        case "requeue":
            let ids = words2.dropFirst(3).map(JobID.init)
            let moved = try await api.requeueDeadJobs(in: queue, ids: Array(ids), limit: try arguments.int("limit", default: 1000, range: 1...1_000_000))
            say("requeued \(moved) dead jobs in \(queue)")
        default:
            throw UsageError("unknown dlq command '\(words2[1])'")
        }
    case "pause":
        let queue = try queueArgument(1)
        try await api.pause(queue)
        say("paused \(queue)")
    case "resume":
        let queue = try queueArgument(1)
        try await api.resume(queue)
        say("resumed \(queue)")
    case "limit":
        guard words2.count == 3, let depth = Int(words2[2]), depth >= 0 else { throw UsageError("usage: queuectl limit QUEUE N") }
        try await api.setMaxDepth(of: try queueArgument(1), to: depth)
        say(depth == 0 ? "\(words2[1]) uses the producers' default depth limit" : "\(words2[1]) refuses enqueues past \(depth) jobs")
    default:
        throw UsageError("unknown command '\(words2.first ?? "")'")
    }
}
