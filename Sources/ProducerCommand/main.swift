import FleetCommand
import Foundation
import Producer
import QueueKit
import Workers

let usage = """
    Usage: producer enqueue --queue Q --type T [options]
           producer upload --user U --product P --photo FILE [NAME=VALUE ...]

    enqueue: enqueues jobs and prints their ids (or, with --count over 1, how many and how fast).
    upload: checks a photo (JPEG or PNG) and the product's attributes, stores the photo in the blob
    store, enqueues the upload job and prints its id. Products and their attributes:
      sock; glove [hand=left|right]; button-set count=N holes=N diameter_mm=X;
      container and lid: shape=round diameter_mm=X | shape=square width_mm=X |
                         shape=rectangular width_mm=X length_mm=Y

    Upload options:
      --user U              the customer id of the owner
      --product P           \(ProductCatalog.standard.names.joined(separator: ", "))
      --photo FILE          the photo
      --blob-dir DIR        the shared photo store (default: $FLEET_BLOB_DIR, else /tmp/sockmatcher-blobs)

    Enqueue options:
      --queue Q             queue to add to (required)
      --type T              job type, e.g. noop, sleep, fail (required)
      --payload JSON        the job's payload (default {})
      --count N             how many jobs (default 1)
      --batch N             jobs per round trip when --count > 1 (default 1000; 1 = one by one)
      --delay-ms N          run no earlier than N ms from now (default 0)
      --max-attempts N      attempts before the dead-letter queue (default 5)
      --idempotency-key K   a repeated enqueue with K returns the first job's id (only with --count 1)
      --tenant T            tenant the job belongs to
      --patience-ms N       how long to wait out a full queue before failing (default 5000)

    \(FleetEnvironment.help)
    """

await runTool("producer") {
    let words = Array(CommandLine.arguments.dropFirst())
    let arguments = try Arguments(
        words, options: FleetEnvironment.options.union([
            "queue", "type", "payload", "count", "batch", "delay-ms", "max-attempts", "idempotency-key", "tenant", "patience-ms",
            "user", "product", "photo", "blob-dir",
        ]), flags: [])
    if arguments.wantsHelp || words.isEmpty {
        say(usage)
        return
    }
    let environment = try FleetEnvironment(arguments, tool: "producer")
    if arguments.positionals.first == "upload" {
        return try await upload(arguments, environment)
    }
    guard arguments.positionals == ["enqueue"] else {
        throw UsageError("unknown command '\(arguments.positionals.joined(separator: " "))'")
    }
    let queueName = try QueueName(try arguments.required("queue"))
    let type = try arguments.required("type")
    let payload = arguments.value("payload") ?? "{}"
    guard (try? JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed])) != nil else {
        throw UsageError("--payload is not valid JSON")
    }
    let count = try arguments.int("count", default: 1, range: 1...100_000_000)
    let batch = try arguments.int("batch", default: 1000, range: 1...100_000)
    let delay = try arguments.int("delay-ms", default: 0, range: 0...(365 * 86_400_000))
    let idempotencyKey = arguments.value("idempotency-key")
    if idempotencyKey != nil && count > 1 { throw UsageError("--idempotency-key makes sense with --count 1 only") }
    let client = RedisClient(environment.redis)
    let queue = JobQueue(client: client, keyspace: environment.keyspace)
    let producer = Producer(queue: queue, patience: .milliseconds(try arguments.int("patience-ms", default: 5000)))
    let maxAttempts = try arguments.int("max-attempts", default: 5, range: 1...1000)
    try await client.connect()
    // The due time by Redis' clock, so that the delay holds on a host whose clock is off.
    let job = NewJob(
        queue: queueName, type: type, payload: Array(payload.utf8), maxAttempts: maxAttempts,
        runAt: delay > 0 ? try await queue.now() + delay : nil,
        tenant: arguments.value("tenant"), idempotencyKey: idempotencyKey)
    if count == 1 {
        say(try await producer.enqueue(job).rawValue)
        return
    }
    let start = ContinuousClock.now
    var sent = 0
    while sent < count {
        let n = min(batch, count - sent)
        try await producer.enqueue(Array(repeating: job, count: n))
        sent += n
    }
    let seconds = (ContinuousClock.now - start).timeInterval
    say("enqueued \(count) '\(type)' jobs to \(queueName) in \(String(format: "%.3f", seconds)) s (\(Int(Double(count) / max(seconds, 1e-9))) jobs/s)")
}

func upload(_ arguments: Arguments, _ environment: FleetEnvironment) async throws {
    let user = try arguments.required("user")
    let product = try arguments.required("product")
    let path = try arguments.required("photo")
    var attributes: [String: String] = [:]
    for word in arguments.positionals.dropFirst() {
        let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { throw UsageError("attributes are NAME=VALUE, not '\(word)'") }
        attributes[parts[0]] = parts[1]
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw UsageError("cannot read the photo '\(path)'")
    }
    // No connect first: the photo and the attributes are checked before Redis is asked anything.
    let client = RedisClient(environment.redis)
    let uploader = Uploader(producer: Producer(queue: JobQueue(client: client, keyspace: environment.keyspace)),
                            blobs: .fromEnvironment(arguments.value("blob-dir")))
    say(try await uploader.upload(user: user, product: product, photo: Array(data), attributes: attributes).rawValue)
}
