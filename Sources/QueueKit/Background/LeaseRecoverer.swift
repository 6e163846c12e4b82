/// Takes back the jobs of workers that died or stalled (their leases expired), making them ready
/// again or dead when that was their last attempt.
struct LeaseRecoverer: BackgroundDuty {
    let configuration: WorkerConfiguration

    var name: String { "lease recovery" }
    var interval: Duration { configuration.recoverInterval }

    func perform(on connection: RedisConnection) throws {
        let now = configuration.clock.now()
        let calls = configuration.queues.map { queue in
            let keys = configuration.keyspace.queue(queue)
            var call = ScriptCall(Scripts.recoverExpiredLeases, keys: [keys.inflight, keys.ready, keys.dead, keys.marker, keys.stats])
            call.append(keys.jobPrefix)
            call.append(now)
            call.append(1000)
            return call
        }
        let replies = try connection.evaluate(calls)
        for (queue, reply) in zip(configuration.queues, replies) {
            if case .error(let message) = reply { throw RedisCommandError(command: Scripts.recoverExpiredLeases.name, message: message) }
            let counts = reply.array ?? []
            let recovered = counts.first?.int ?? 0, buried = counts.count > 1 ? counts[1].int ?? 0 : 0
            if recovered + buried > 0 {
                configuration.logger.info("recovered jobs of a lost worker", [
                    "queue": queue.rawValue, "jobs.ready": String(recovered), "jobs.dead": String(buried)])
            }
        }
    }
}
