/// Moves delayed jobs (scheduled ones and retries waiting out their backoff) to ready when due.
struct DelayedPromoter: BackgroundDuty {
    let configuration: WorkerConfiguration

    var name: String { "delayed-job promotion" }
    var interval: Duration { configuration.promoteInterval }

    func perform(on connection: RedisConnection) throws {
        let now = configuration.clock.now()
        let calls = configuration.queues.map { queue in
            let keys = configuration.keyspace.queue(queue)
            var call = ScriptCall(Scripts.promoteDueJobs, keys: [keys.delayed, keys.ready, keys.marker])
            call.append(now)
            call.append(1000)
            return call
        }
        for reply in try connection.evaluate(calls) {
            if case .error(let message) = reply { throw RedisCommandError(command: Scripts.promoteDueJobs.name, message: message) }
        }
    }
}
