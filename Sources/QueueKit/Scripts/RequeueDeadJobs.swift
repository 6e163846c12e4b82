extension Scripts {
    /// requeueDeadJobs: gives dead jobs a fresh set of attempts (an operator's redrive), oldest death
    /// first; their error history is kept.
    ///
    /// Input:
    ///   KEYS[1] dead      ZSET   dead job ids
    ///   KEYS[2] ready     LIST   ready job ids
    ///   KEYS[3] marker    ZSET   wake-up marker
    ///   KEYS[4] stats     HASH   counters (`redriven`)
    ///   ARGV[1] job key prefix; ARGV[2] most jobs to move; ARGV[3..] particular ids (none = oldest)
    /// Output:
    ///   the number of jobs made ready
    static let requeueDeadJobs = RedisScript(name: "requeueDeadJobs", source: """
        local dead, ready, marker, stats = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local jobPrefix, limit = ARGV[1], tonumber(ARGV[2])

        local ids = {}
        if #ARGV > 2 then
          for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
        else
          ids = redis.call('ZRANGE', dead, 0, limit - 1)
        end
        local moved = 0
        for _, id in ipairs(ids) do
          if redis.call('ZREM', dead, id) == 1 then
            local key = jobPrefix .. id
            if redis.call('EXISTS', key) == 1 then
              redis.call('HSET', key, 'att', 0)
              redis.call('HDEL', key, 'dead_at', 'reason')
              redis.call('LPUSH', ready, id)
              moved = moved + 1
            end
          end
        end
        if moved > 0 then
          redis.call('ZADD', marker, 0, 'm')
          redis.call('HINCRBY', stats, 'redriven', moved)
        end
        return moved
        """)
}
