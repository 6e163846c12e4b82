import FleetCommand
import Foundation
import Imaging
import Producer
import QueueKit
import Workers

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
      matches [--user U]          recorded matches with their suggested prices, and vendor offers
      reindex [--drop-old]        file every waiting item again under its product's current index
                                  keys (after an upgrade that changed the index; safe to repeat);
                                  --drop-old then deletes the older index schemes' trees (only once
                                  every matching and uploads worker runs the new release)
      refingerprint               ask the uploads workers to compute again, from its photo, the
                                  fingerprint of every unmatched item made by an older method or
                                  layout (after an upgrade that changed it; safe to repeat)
      survey                      let every waiting item that has not yet noted its closest
                                  neighbours do so, as its user's matching version would look
                                  (after upgrading to matching v8; safe to repeat)
      flag NAME [VARIANT FALLBACK PERCENT]   show or set a feature flag's rollout by user
      flag NAME --rollback        send every user back to the fallback at once

    Options:
      --json       machine-readable output (stats, dlq list, queues, refingerprint)
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
    let arguments = try Arguments(words, options: FleetEnvironment.options.union(["limit", "user"]), flags: ["json", "rollback", "drop-old"])
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
            ["deferred (a follow-up's queue full)", "\(stats.deferred)"],
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
    case "matches":
        let store = MatchStore(client: client, keyspace: environment.keyspace)
        let user = arguments.value("user")
        let limit = try arguments.int("limit", default: 100, range: 1...100_000)
        let matches: [MatchRecord]
        let users: [String]
        if let user {
            matches = try await store.matches(for: user, limit: limit)
            users = [user]
        } else {
            matches = try await store.allMatches(limit: limit)
            users = try await store.users()
        }
        var offers: [OfferRecord] = []
        for u in users { offers += try await store.offers(for: u) }
        if arguments.flag("json") {
            struct Listing: Encodable { var matches: [MatchRecord]; var offers: [OfferRecord] }
            return try printJSON(Listing(matches: matches, offers: offers))
        }
        if matches.isEmpty && offers.isEmpty { return say("no matches or offers\(user.map { " for user \($0)" } ?? "")") }
        for match in matches {
            say("\(match.id)  \(match.productA) \(match.itemA) (user \(match.userA))  <->  \(match.productB) \(match.itemB) (user \(match.userB))")
            say("  score \(String(format: "%.3f", match.score)), algorithm \(match.algorithm), price \(match.price.explanation)")
        }
        for offer in offers {
            say("offer for user \(offer.user), item \(offer.item): \(offer.offer.vendor) \(offer.offer.kind) \(offer.offer.sku), "
                + String(format: "%d.%02d EUR, fit %.2f", offer.offer.priceCents / 100, offer.offer.priceCents % 100, offer.offer.fit))
        }
    case "reindex":
        guard words2.count == 1 else { throw UsageError("usage: queuectl reindex [--drop-old]") }
        let store = MatchStore(client: client, keyspace: environment.keyspace)
        let filed = try await store.reindex(using: .standard)
        say("filed \(filed) waiting items under the current index (tag \(BucketScheme.current.tag))")
        if arguments.flag("drop-old") {
            say("deleted \(try await store.dropTrees()) index trees of older schemes")
        }
    case "refingerprint":
        guard words2.count == 1 else { throw UsageError("usage: queuectl refingerprint") }
        // Waits out a full uploads queue as long as a batch of the fleet's work takes, not an app's 5 s.
        let producer = Producer(queue: JobQueue(client: client, keyspace: environment.keyspace), patience: .seconds(600))
        let census = try await UploadsRole.requestRefingerprints(in: MatchStore(client: client, keyspace: environment.keyspace)) { jobs in
            try await producer.enqueue(jobs)
        }
        if arguments.flag("json") { return try printJSON(census) }
        say("asked the uploads workers to fingerprint \(census.requested) unmatched items again (method \(Fingerprint.currentMethod))")
        say("\(census.current) unmatched items are current, \(census.matched) items are matched")
        if census.withoutPhoto > 0 {
            say("\(census.withoutPhoto) unmatched items keep their older fingerprint: they were stored before items kept their photo's key")
        }
    case "survey":
        guard words2.count == 1 else { throw UsageError("usage: queuectl survey") }
        let store = MatchStore(client: client, keyspace: environment.keyspace)
        let role = MatchingRole(products: .standard, store: store, flags: FeatureFlags(client: client, keyspace: environment.keyspace),
                                vendors: VendorCatalog(entries: []))
        let looked = try await role.survey()
        say("\(looked) waiting items noted their closest neighbours")
    case "flag":
        guard words2.count >= 2 else { throw UsageError("usage: queuectl flag NAME [VARIANT FALLBACK PERCENT]") }
        let flags = FeatureFlags(client: client, keyspace: environment.keyspace)
        let name = words2[1]
        if arguments.flag("rollback") {
            try await flags.rollBack(name)
        } else if words2.count == 5 {
            guard let percent = Int(words2[4]), (0...100).contains(percent) else { throw UsageError("PERCENT must be 0-100") }
            try await flags.set(name, FlagRollout(variant: words2[2], fallback: words2[3], percent: percent))
        } else if words2.count != 2 {
            throw UsageError("usage: queuectl flag NAME [VARIANT FALLBACK PERCENT]")
        }
        if let rollout = try await flags.rollout(name) {
            say("\(name): \(rollout.variant) for \(rollout.percent) % of users, else \(rollout.fallback)")
        } else {
            say("\(name) is not set")
        }
    default:
        throw UsageError("unknown command '\(words2.first ?? "")'")
    }
}
