import Synchronization

/// The leases this worker holds, by queue: what the heartbeat extends and what a shutdown hands back.
final class LeaseBook: Sendable {
    private let held = Mutex<[QueueName: [JobID: LeaseToken]]>([:])

    func add(_ jobs: [LeasedJob]) {
        held.withLock { held in
            for job in jobs { held[job.queue, default: [:]][job.id] = job.token }
        }
    }

    func remove(_ job: LeasedJob) {
        held.withLock { held in
            if held[job.queue]?[job.id] == job.token { held[job.queue]?[job.id] = nil }
        }
    }

    /// A copy of every held lease.
    func snapshot() -> [QueueName: [JobID: LeaseToken]] {
        held.withLock { $0.filter { !$0.value.isEmpty } }
    }

    /// Empties the book and returns what it held.
    func removeAll() -> [QueueName: [JobID: LeaseToken]] {
        held.withLock { held in
            let all = held.filter { !$0.value.isEmpty }
            held.removeAll()
            return all
        }
    }
}
