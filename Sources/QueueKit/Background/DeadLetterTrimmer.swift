/// Keeps each dead-letter queue bounded in count and age, so that a flood of failures cannot fill
/// Redis (the dead jobs an operator has not looked at within the retention are dropped, oldest first).
struct DeadLetterTrimmer: BackgroundDuty {
    let configuration: WorkerConfiguration

    var name: String { "dead-letter trimming" }
    var interval: Duration { .seconds(10) }

    func perform(on connection: RedisConnection) throws {
        let before = configuration.clock.now() - configuration.deadLetterRetention.milliseconds
        let calls = configuration.queues.map { queue in
            let keys = configuration.keyspace.queue(queue)
            var call = ScriptCall(Scripts.trimDeadJobs, keys: [keys.dead, keys.stats])
            call.append(keys.jobPrefix)
            call.append(configuration.deadLetterLimit)
            call.append(before)
            call.append(1000)
            return call
        }
        for reply in try connection.evaluate(calls) {
            if case .error(let message) = reply { throw RedisCommandError(command: Scripts.trimDeadJobs.name, message: message) }
        }
    }
}
