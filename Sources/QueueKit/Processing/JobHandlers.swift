import Foundation
import Synchronization

/// What a handler knows about the job it runs, and where it leaves the jobs to enqueue when it
/// succeeds.
public struct JobContext: Sendable {
    public let id: JobID
    public let queue: QueueName
    public let type: String
    /// 1 on the first run.
    public let attempt: Int
    public let maxAttempts: Int
    public let enqueuedAt: Int
    public let tenant: String?
    public let logger: Logger
    let followUps: FollowUps

    /// Enqueues `job` if and only if this job succeeds, in the same atomic step as its ack. Use it
    /// for the next stage of a pipeline, so that a crash can neither lose the next stage nor run
    /// it for a job that will run again.
    public func enqueueOnSuccess(_ job: NewJob) {
        followUps.append(job)
    }

    /// A context for calling a handler directly in a test.
    public static func forTesting(id: JobID = JobID.make(), queue: QueueName = try! QueueName("test"), type: String = "test",
                                  attempt: Int = 1, maxAttempts: Int = 5) -> JobContext {
        JobContext(id: id, queue: queue, type: type, attempt: attempt, maxAttempts: maxAttempts, enqueuedAt: 0,
                   tenant: nil, logger: .disabled, followUps: FollowUps())
    }

    /// The jobs enqueued on success so far.
    public var pendingFollowUps: [NewJob] { followUps.all }
}

/// The jobs a handler asked to enqueue on success.
final class FollowUps: Sendable {
    private let jobs = Mutex<[NewJob]>([])
    func append(_ job: NewJob) { jobs.withLock { $0.append(job) } }
    var all: [NewJob] { jobs.withLock { $0 } }
}

/// Thrown by a handler for a failure that retrying cannot fix: the job goes straight to the
/// dead-letter queue with `reason`.
public struct PermanentJobError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The handlers a worker runs, one per job type, each with a typed `Decodable` payload and a retry
/// policy.
public struct JobHandlers: Sendable {
    struct Entry: Sendable {
        let retry: RetryPolicy
        let run: @Sendable ([UInt8], JobContext) async throws -> Void
    }

    private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// Registers `body` for jobs of `type`. The payload is decoded from JSON; a payload that does not
    /// decode sends the job to the dead-letter queue with the reason.
    public mutating func register<Payload: Decodable & Sendable>(
        _ type: String, payload: Payload.Type = Payload.self, retry: RetryPolicy = .default,
        _ body: @escaping @Sendable (Payload, JobContext) async throws -> Void
    ) {
        entries[type] = Entry(retry: retry) { bytes, context in
            let payload: Payload
            do {
                payload = try JSONDecoder().decode(Payload.self, from: Data(bytes))
            } catch {
                throw PermanentJobError("payload does not decode as \(Payload.self): \(JobEnvelope.describe(error))")
            }
            try await body(payload, context)
        }
    }

    /// Registers `body` for jobs of `type` with the payload as raw bytes.
    public mutating func registerRaw(
        _ type: String, retry: RetryPolicy = .default,
        _ body: @escaping @Sendable ([UInt8], JobContext) async throws -> Void
    ) {
        entries[type] = Entry(retry: retry, run: body)
    }

    /// The registered job types, sorted.
    public var types: [String] { entries.keys.sorted() }

    subscript(type: String) -> Entry? { entries[type] }
}
