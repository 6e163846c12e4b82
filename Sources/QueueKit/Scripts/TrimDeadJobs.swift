extension Scripts {
    /// trimDeadJobs: keeps the dead-letter queue bounded: drops dead jobs past the retention time
    /// and, oldest first, past the maximum count, with their payloads and error lists.
    ///
    /// Input:
    ///   KEYS[1] dead   ZSET   dead job ids by time of death
    ///   KEYS[2] stats  HASH   counters (`dead_trimmed`)
    ///   ARGV[1] job key prefix; ARGV[2] maximum dead jobs kept; ARGV[3] drop those dead before (ms);
    ///   ARGV[4] most jobs dropped per call
    /// Output:
    ///   the number of dead jobs dropped
    static let trimDeadJobs = RedisScript(name: "trimDeadJobs", source: """
        local dead, stats = KEYS[1], KEYS[2]
        local jobPrefix, keep, before, limit = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])

        local ids = redis.call('ZRANGEBYSCORE', dead, '-inf', '(' .. before, 'LIMIT', 0, limit)
        local excess = redis.call('ZCARD', dead) - #ids - keep
        if excess > 0 then
          local extra = redis.call('ZRANGE', dead, #ids, #ids + math.min(excess, limit) - 1)
          for _, id in ipairs(extra) do ids[#ids + 1] = id end
        end
        for _, id in ipairs(ids) do
          redis.call('ZREM', dead, id)
          redis.call('DEL', jobPrefix .. id, jobPrefix .. id .. ':errors')
        end
        if #ids > 0 then redis.call('HINCRBY', stats, 'dead_trimmed', #ids) end
        return #ids
        """)
}
