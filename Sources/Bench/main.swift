import FleetCommand
import Foundation
import QueueKit
import Synchronization

let usage = """
    Usage: fleet-bench [options]

    Measures QueueKit against the Redis given by --redis (use a private one: ops/bench starts it):
    enqueue one by one and in bulk, a drain through the full lease/ack cycle by worker processes,
    and enqueue-to-start latency at a light steady rate.

    Options:
      --jobs N          jobs for the bulk enqueue and the drain (default 200000)
      --single N        jobs enqueued one by one (default 20000)
      --processes N     worker processes for the drain (default 2)
      --concurrency N   jobs running at once per worker process (default 200)
      --rate N          jobs/s for the latency run (default 200)
      --probes N        jobs in the latency run (default 2000)

    \(FleetEnvironment.help)
    """

func rate(_ count: Int, _ elapsed: Duration) -> String {
    String(format: "%9.0f jobs/s  (%d jobs in %.3f s)", Double(count) / elapsed.timeInterval, count, elapsed.timeInterval)
}

await runTool("fleet-bench") {
    let arguments = try Arguments(
        CommandLine.arguments.dropFirst(),
        options: FleetEnvironment.options.union(["jobs", "single", "processes", "concurrency", "rate", "probes"]), flags: [])
    if arguments.wantsHelp { return say(usage) }
    let environment = try FleetEnvironment(arguments, tool: "fleet-bench")
    let jobs = try arguments.int("jobs", default: 200_000, range: 1...10_000_000)
    let single = try arguments.int("single", default: 20_000, range: 1...10_000_000)
    let processes = try arguments.int("processes", default: 2, range: 1...64)
    let concurrency = try arguments.int("concurrency", default: 200, range: 1...10_000)
    let probeRate = try arguments.int("rate", default: 200, range: 1...100_000)
    let probes = try arguments.int("probes", default: 2000, range: 10...1_000_000)
    let keyspace = Keyspace(prefix: "bench-\(getpid())")
    let client = RedisClient(environment.redis)
    try await client.connect()
    let queue = JobQueue(client: client, keyspace: keyspace)
    let api = QueueOperator(client: client, keyspace: keyspace)

    // 1. One by one: a round trip per job.
    let singles = try QueueName("bench-single")
    var start = ContinuousClock.now
    for _ in 0..<single { try await queue.enqueue(NewJob(queue: singles, type: "noop")) }
    say("enqueue, one by one:        " + rate(single, ContinuousClock.now - start))

    // 2. Bulk: 1000 jobs per round trip, into a paused queue that the drain then uses.
    let drain = try QueueName("bench-drain")
    try await api.pause(drain)
    let batch = (0..<1000).map { _ in NewJob(queue: drain, type: "noop") }
    start = ContinuousClock.now
    var sent = 0
    while sent < jobs {
        let n = min(1000, jobs - sent)
        try await queue.enqueue(n == 1000 ? batch : Array(batch.prefix(n)))
        sent += n
    }
    say("enqueue, bulk (1000/call):  " + rate(jobs, ContinuousClock.now - start))

    // 3. Drain through worker processes: lease, run the noop handler, ack.
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("workers")
    var workers: [Process] = []
    for _ in 0..<processes {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["run", "--queues", drain.rawValue, "--concurrency", "\(concurrency)", "--redis", "\(environment.redis.url)",
                             "--prefix", keyspace.prefix, "--log-level", "warning"]
        try process.run()
        workers.append(process)
    }
    try await Task.sleep(for: .seconds(1))  // let the processes start and block, idle, on the paused queue
    start = ContinuousClock.now
    try await api.resume(drain)
    while try await api.stats(of: drain).done < jobs {
        try await Task.sleep(for: .milliseconds(2))
    }
    let drained = ContinuousClock.now - start
    say("drain, \(processes) worker processes:  " + rate(jobs, drained) + "  lease/run/ack, concurrency \(concurrency) each")
    for process in workers { process.terminate() }
    for process in workers { process.waitUntilExit() }

    // 4. Latency at a light steady rate, measured in this process from just before the enqueue
    //    call to the handler's start.
    let latencies = Mutex<[Double]>([])
    var handlers = JobHandlers()
    struct Probe: Codable, Sendable { var t: Double }
    handlers.register("probe", payload: Probe.self) { probe, _ in
        let now = Date().timeIntervalSince1970 * 1e6
        latencies.withLock { $0.append((now - probe.t) / 1000) }
    }
    let probeQueue = try QueueName("bench-latency")
    let worker = Worker(configuration: WorkerConfiguration(
        redis: environment.redis, queues: [probeQueue], keyspace: keyspace, concurrency: 10,
        logger: Logger(label: "bench", level: .warning)), handlers: handlers)
    async let running: Void = worker.run()
    try await Task.sleep(for: .milliseconds(500))
    let interval = Duration.microseconds(1_000_000 / probeRate)
    var next = ContinuousClock.now
    for _ in 0..<probes {
        next += interval
        let payload = Array("{\"t\":\(Date().timeIntervalSince1970 * 1e6)}".utf8)
        try await queue.enqueue(NewJob(queue: probeQueue, type: "probe", payload: payload))
        try await Task.sleep(until: next)
    }
    while latencies.withLock({ $0.count }) < probes { try await Task.sleep(for: .milliseconds(10)) }
    worker.requestStop()
    try await running
    let sorted = latencies.withLock { $0 }.sorted()
    func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    say(String(format: "enqueue-to-start at %d jobs/s: p50 %.3f ms, p99 %.3f ms, max %.3f ms (%d jobs)",
               probeRate, percentile(0.50), percentile(0.99), sorted.last ?? 0, sorted.count))

    // Leave the private Redis as we found it.
    _ = try await client.withConnection { try $0.deleteKeys(matching: keyspace.prefix + ":*") }
}
