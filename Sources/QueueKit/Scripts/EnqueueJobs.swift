extension Scripts {
    /// enqueueJobs: adds a batch of jobs to one queue, all or none, refusing the batch when it would
    /// push the queue past its maximum depth.
    ///
    /// Input:
    ///   KEYS[1] ready     LIST   ready job ids
    ///   KEYS[2] delayed   ZSET   delayed job ids by due time
    ///   KEYS[3] inflight  ZSET   leased job ids (counted in the depth)
    ///   KEYS[4] marker    ZSET   wake-up marker for blocked workers
    ///   KEYS[5] stats     HASH   counters
    ///   KEYS[6] config    HASH   max_depth, retry_after_ms
    ///   ARGV[1] job key prefix; ARGV[2] idempotency key prefix
    ///   ARGV[3] now (ms); ARGV[4] default max depth (0 = unbounded); ARGV[5] default retry-after (ms)
    ///   ARGV[6] job count n; then per job 9 values:
    ///           id, version, type, payload, max attempts, due time (ms, 0 = now), tenant ("" = none),
    ///           idempotency key ("" = none), idempotency TTL (ms)
    /// Output:
    ///   {1, id1, ..., idn}: the job ids, where a repeated idempotency key gives the first job's id
    ///   {-1, retryAfterMs, depth, maxDepth}: queue full, nothing was added
    static let enqueueJobs = RedisScript(name: "enqueueJobs", source: """
        local ready, delayed, inflight, marker, stats, config = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
        local jobPrefix, idemPrefix = ARGV[1], ARGV[2]
        local now = tonumber(ARGV[3])
        local maxDepth = tonumber(redis.call('HGET', config, 'max_depth') or ARGV[4])
        local n = tonumber(ARGV[6])

        local depth = redis.call('LLEN', ready) + redis.call('ZCARD', delayed) + redis.call('ZCARD', inflight)
        if maxDepth > 0 and depth + n > maxDepth then
          redis.call('HINCRBY', stats, 'refused', n)
          local retryAfter = tonumber(redis.call('HGET', config, 'retry_after_ms') or ARGV[5])
          return {-1, retryAfter, depth, maxDepth}
        end

        local result = {1}
        local added, wake = 0, false
        for i = 0, n - 1 do
          local b = 6 + i * 9
          local id, v, jobType, payload, maxAttempts = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5]
          local due, tenant, idem, idemTTL = tonumber(ARGV[b + 6]), ARGV[b + 7], ARGV[b + 8], ARGV[b + 9]
          local prior = false
          if idem ~= '' then
            prior = redis.call('GET', idemPrefix .. idem)
            if not prior then redis.call('SET', idemPrefix .. idem, id, 'PX', idemTTL) end
          end
          if prior then
            result[#result + 1] = prior
          else
            local key = jobPrefix .. id
            redis.call('HSET', key, 'v', v, 'type', jobType, 'payload', payload, 'max', maxAttempts, 'enq', now, 'att', 0)
            if tenant ~= '' then redis.call('HSET', key, 'tenant', tenant) end
            if idem ~= '' then redis.call('HSET', key, 'idem', idem) end
            if due > now then
              redis.call('ZADD', delayed, due, id)
            else
              redis.call('LPUSH', ready, id)
              wake = true
            end
            added = added + 1
            result[#result + 1] = id
          end
        end
        if wake then redis.call('ZADD', marker, 0, 'm') end
        if added > 0 then redis.call('HINCRBY', stats, 'enqueued', added) end
        return result
        """)
}
