import FleetCommand
import Foundation
import QueueKit
import Workers

let usage = """
    Usage: workers run --role ROLE[,ROLE...] [options]
           workers run --queues Q[,Q...] [options]

    Runs a worker process: leases jobs from the queues and runs their handlers until SIGTERM or
    SIGINT, then stops leasing, lets running jobs finish (up to --grace-s), hands back the rest
    and exits 0. A second signal exits at once.

    Options:
      --role R,R         domain roles to run: \(Roles.names.joined(separator: ", ")); each serves the
                         queue of its name unless --queues says otherwise
      --queues Q,Q       queues to work on, served in rotation (required without --role)
      --blob-dir DIR     the shared photo store (default: $FLEET_BLOB_DIR, else /tmp/sockmatcher-blobs)
      --vendor-catalog F partner vendor catalog JSON (default: the shipped one)
      --concurrency N    jobs running at once (default 20)
      --lease-batch N    most jobs leased in one round trip (default 100)
      --lease-ms N       lease duration; the heartbeat renews it every third (default 10000)
      --grace-s N        seconds running jobs get to finish after a stop (default 25)
      --allow-eviction   run even if Redis' maxmemory-policy may evict keys (jobs could vanish)

    Job types: upload (uploads), match (matching), and in every role \(Roles.handlers().types.joined(separator: ", "))

    \(FleetEnvironment.help)
    """

await runTool("workers") {
    let words = Array(CommandLine.arguments.dropFirst())
    let arguments = try Arguments(
        words, options: FleetEnvironment.options.union(["role", "queues", "concurrency", "lease-batch", "lease-ms", "grace-s", "blob-dir", "vendor-catalog"]),
        flags: ["allow-eviction"])
    if arguments.wantsHelp || words.isEmpty {
        say(usage)
        return
    }
    guard arguments.positionals == ["run"] else {
        throw UsageError("unknown command '\(arguments.positionals.joined(separator: " "))'")
    }
    let environment = try FleetEnvironment(arguments, tool: "workers")
    let roles = (arguments.value("role") ?? "").split(separator: ",").map(String.init)
    for role in roles where !Roles.names.contains(role) {
        throw UsageError("unknown role '\(role)'; roles: \(Roles.names.joined(separator: ", "))")
    }
    guard let queueList = arguments.value("queues") ?? (roles.isEmpty ? nil : roles.joined(separator: ",")) else {
        throw UsageError("--role or --queues is required")
    }
    let queues = try queueList.split(separator: ",").map { try QueueName(String($0)) }
    guard !queues.isEmpty else { throw UsageError("--queues needs at least one queue") }
    // A domain queue without its role would dead-letter every job as an unknown type.
    for queue in queues where Roles.names.contains(queue.rawValue) && !roles.contains(queue.rawValue) {
        throw UsageError("queue '\(queue)' holds '\(queue)' jobs: add --role \(queue)")
    }
    var handlers = Roles.handlers()
    if !roles.isEmpty {
        let vendors = try VendorCatalog.load(path: arguments.value("vendor-catalog") ?? ProcessInfo.processInfo.environment["FLEET_VENDOR_CATALOG"])
        handlers = Roles.handlers(for: roles, in: Roles.Environment(
            redis: environment.redis, keyspace: environment.keyspace,
            blobs: .fromEnvironment(arguments.value("blob-dir")), vendors: vendors))
    }
    let grace = try arguments.int("grace-s", default: 25, range: 0...3600)
    let configuration = WorkerConfiguration(
        redis: environment.redis, queues: queues, keyspace: environment.keyspace,
        concurrency: try arguments.int("concurrency", default: 20, range: 1...10_000),
        leaseBatch: try arguments.int("lease-batch", default: 100, range: 1...10_000),
        leaseDuration: .milliseconds(try arguments.int("lease-ms", default: 10_000, range: 300...3_600_000)),
        shutdownGrace: .seconds(grace),
        logger: environment.logger("workers"),
        requireNoEviction: !arguments.flag("allow-eviction"))
    let worker = Worker(configuration: configuration, handlers: handlers)
    let logger = configuration.logger
    let signals = ShutdownSignals { number in
        logger.info("received \(number == SIGTERM ? "SIGTERM" : "SIGINT"); draining", ["worker.id": configuration.workerID])
        worker.requestStop()
        // Handlers that ignore cancellation must not keep the process alive forever.
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(grace + 10)) {
            printError("workers: jobs still running \(grace + 10) s after the stop; exiting (their leases were handed back)")
            exit(0)
        }
    }
    try await worker.run()
    withExtendedLifetime(signals) {}
}
