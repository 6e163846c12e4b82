extension Scripts {
    /// recoverExpiredLeases: takes back jobs whose lease deadline passed (their worker died or stalled):
    /// the attempt counts; the job is ready again at the front of the queue, or dead when that was its
    /// last attempt. Clearing the token fences the old holder out.
    ///
    /// Input:
    ///   KEYS[1] inflight  ZSET   leased job ids by deadline
    ///   KEYS[2] ready     LIST   ready job ids
    ///   KEYS[3] dead      ZSET   dead job ids
    ///   KEYS[4] marker    ZSET   wake-up marker
    ///   KEYS[5] stats     HASH   counters (`recovered`, `dead`)
    ///   ARGV[1] job key prefix; ARGV[2] now (ms); ARGV[3] most jobs to recover
    /// Output:
    ///   {made ready again, buried as dead}
    static let recoverExpiredLeases = RedisScript(name: "recoverExpiredLeases", source: """
        local inflight, ready, dead, marker, stats = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
        local jobPrefix, now, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])

        local ids = redis.call('ZRANGEBYSCORE', inflight, '-inf', now, 'LIMIT', 0, limit)
        local recovered, buried = 0, 0
        for _, id in ipairs(ids) do
          local key = jobPrefix .. id
          redis.call('ZREM', inflight, id)
          if redis.call('EXISTS', key) == 1 then
            local f = redis.call('HMGET', key, 'att', 'max', 'worker')
            local attempt, maxAttempts = tonumber(f[1]) or 0, tonumber(f[2]) or 1
            local message = 'lease expired: worker ' .. (f[3] or '?') .. ' stopped renewing it (crashed or stalled)'
            redis.call('RPUSH', key .. ':errors', cjson.encode({attempt = attempt, at = now, error = message}))
            redis.call('HDEL', key, 'tok')
            if attempt >= maxAttempts then
              redis.call('ZADD', dead, now, id)
              redis.call('HSET', key, 'dead_at', now, 'reason', message .. ' on its last attempt')
              buried = buried + 1
            else
              redis.call('RPUSH', ready, id)
              recovered = recovered + 1
            end
          end
        end
        if recovered > 0 then
          redis.call('ZADD', marker, 0, 'm')
          redis.call('HINCRBY', stats, 'recovered', recovered)
        end
        if buried > 0 then redis.call('HINCRBY', stats, 'dead', buried) end
        return {recovered, buried}
        """)
}
