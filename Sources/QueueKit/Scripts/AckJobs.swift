extension Scripts {
    /// ackJobs: marks leased jobs done and drops them, each only if its lease token is current.
    ///
    /// Input:
    ///   KEYS[1] inflight  ZSET   leased job ids
    ///   KEYS[2] stats     HASH   counters (`done`)
    ///   ARGV[1] job key prefix; ARGV[2] job count n; then per job: id, token
    /// Output:
    ///   an array of n integers: 1 acknowledged, 0 refused (stale token: the lease expired and the job
    ///   was recovered, or it was already acknowledged)
    static let ackJobs = RedisScript(name: "ackJobs", source: """
        local inflight, stats = KEYS[1], KEYS[2]
        local jobPrefix, n = ARGV[1], tonumber(ARGV[2])

        local result, done = {}, 0
        for i = 0, n - 1 do
          local id, token = ARGV[3 + i * 2], ARGV[4 + i * 2]
          local key = jobPrefix .. id
          if redis.call('HGET', key, 'tok') == token then
            redis.call('ZREM', inflight, id)
            redis.call('DEL', key, key .. ':errors')
            done = done + 1
            result[i + 1] = 1
          else
            result[i + 1] = 0
          end
        end
        if done > 0 then redis.call('HINCRBY', stats, 'done', done) end
        return result
        """)
}
