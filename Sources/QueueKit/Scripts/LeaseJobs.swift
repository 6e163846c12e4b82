extension Scripts {
    /// leaseJobs: takes up to `max` ready jobs for one worker, each with a fenced lease.
    ///
    /// Input:
    ///   KEYS[1] ready     LIST   ready job ids (popped from the right: oldest first)
    ///   KEYS[2] inflight  ZSET   leased job ids by lease deadline
    ///   KEYS[3] marker    ZSET   wake-up marker, set again when jobs remain for other workers
    ///   KEYS[4] stats     HASH   its `leased` counter doubles as the token sequence
    ///   KEYS[5] config    HASH   `paused` = 1 stops leasing
    ///   ARGV[1] job key prefix; ARGV[2] now (ms); ARGV[3] lease duration (ms); ARGV[4] max jobs;
    ///   ARGV[5] worker id
    /// Output:
    ///   a flat array, 10 values per job: id, token, attempt, v, type, payload, max, enq, tenant, idem
    ///   (missing fields are nil). Ids whose job hash is gone are skipped.
    static let leaseJobs = RedisScript(name: "leaseJobs", source: """
        local ready, inflight, marker, stats, config = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
        local jobPrefix, now, leaseMs, max, worker = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]

        if redis.call('HGET', config, 'paused') == '1' then return {} end
        local ids = redis.call('RPOP', ready, max)
        if not ids then return {} end

        local deadline = now + leaseMs
        local token = redis.call('HINCRBY', stats, 'leased', #ids) - #ids
        local out = {}
        for _, id in ipairs(ids) do
          local key = jobPrefix .. id
          if redis.call('EXISTS', key) == 1 then
            token = token + 1
            local attempt = redis.call('HINCRBY', key, 'att', 1)
            redis.call('HSET', key, 'tok', token, 'worker', worker, 'leased_at', now)
            redis.call('ZADD', inflight, deadline, id)
            local f = redis.call('HMGET', key, 'v', 'type', 'payload', 'max', 'enq', 'tenant', 'idem')
            local n = #out
            out[n + 1] = id; out[n + 2] = tostring(token); out[n + 3] = attempt
            for j = 1, 7 do out[n + 3 + j] = f[j] end
          end
        end
        if redis.call('LLEN', ready) > 0 then redis.call('ZADD', marker, 0, 'm') end
        return out
        """)
}
