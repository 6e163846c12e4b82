/// Extends the leases of the jobs this process is still running, so that a long job keeps its lease
/// and only a dead or stalled process loses its jobs.
struct Heartbeat: BackgroundDuty {
    let configuration: WorkerConfiguration
    let leases: LeaseBook

    var name: String { "heartbeat" }
    var interval: Duration { configuration.heartbeatInterval }

    func perform(on connection: RedisConnection) throws {
        let held = leases.snapshot()
        if held.isEmpty { return }
        let deadline = configuration.clock.now() + configuration.leaseDuration.milliseconds
        var calls: [ScriptCall] = []
        var order: [(QueueName, [JobID])] = []
        for (queue, jobs) in held {
            let keys = configuration.keyspace.queue(queue)
            var call = ScriptCall(Scripts.extendLeases, keys: [keys.inflight])
            call.append(keys.jobPrefix)
            call.append(deadline)
            call.append(jobs.count)
            for (id, token) in jobs {
                call.append(id.rawValue)
                call.append(token.rawValue)
            }
            calls.append(call)
            order.append((queue, Array(jobs.keys)))
        }
        let replies = try connection.evaluate(calls)
        let stillHeld = leases.snapshot()
        for (reply, (queue, ids)) in zip(replies, order) {
            if case .error(let message) = reply { throw RedisCommandError(command: Scripts.extendLeases.name, message: message) }
            // A job that finished while the call was out is refused too; only warn for leases still held.
            let lost = zip(ids, reply.array ?? []).filter { $0.1.int == 0 && stillHeld[queue]?[$0.0] != nil }.map(\.0)
            for id in lost {
                configuration.logger.warning("lease lost: the job was taken back and may run elsewhere",
                                             ["queue": queue.rawValue, "job.id": id.rawValue])
            }
        }
    }
}
