extension Scripts {
    /// failJobs: records a failed attempt for leased jobs and schedules a retry or buries the job in
    /// the dead-letter queue, each only if its lease token is current.
    ///
    /// Input:
    ///   KEYS[1] inflight  ZSET   leased job ids
    ///   KEYS[2] delayed   ZSET   retry schedule by due time
    ///   KEYS[3] dead      ZSET   dead job ids by time of death
    ///   KEYS[4] stats     HASH   counters (`failed`, `retried`, `dead`)
    ///   ARGV[1] job key prefix; ARGV[2] now (ms); ARGV[3] job count n;
    ///   then per job: id, token, this attempt's error, retry due time (ms; 0 = dead now),
    ///   reason for the dead-letter queue ("" = the error)
    /// Output:
    ///   an array of n integers: 1 retry scheduled, 2 dead, 0 refused (stale token)
    static let failJobs = RedisScript(name: "failJobs", source: """
        local inflight, delayed, dead, stats = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local jobPrefix, now, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])

        local result, retried, buried = {}, 0, 0
        for i = 0, n - 1 do
          local b = 3 + i * 5
          local id, token, message, retryAt, reason = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], tonumber(ARGV[b + 4]), ARGV[b + 5]
          local key = jobPrefix .. id
          if redis.call('HGET', key, 'tok') == token then
            local attempt = tonumber(redis.call('HGET', key, 'att')) or 0
            redis.call('RPUSH', key .. ':errors', cjson.encode({attempt = attempt, at = now, error = message}))
            redis.call('ZREM', inflight, id)
            redis.call('HDEL', key, 'tok')
            if retryAt > 0 then
              redis.call('ZADD', delayed, retryAt, id)
              retried = retried + 1
              result[i + 1] = 1
            else
              redis.call('ZADD', dead, now, id)
              if reason == '' then reason = message end
              redis.call('HSET', key, 'dead_at', now, 'reason', reason)
              buried = buried + 1
              result[i + 1] = 2
            end
          else
            result[i + 1] = 0
          end
        end
        if retried + buried > 0 then redis.call('HINCRBY', stats, 'failed', retried + buried) end
        if retried > 0 then redis.call('HINCRBY', stats, 'retried', retried) end
        if buried > 0 then redis.call('HINCRBY', stats, 'dead', buried) end
        return result
        """)
}
