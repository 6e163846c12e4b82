import QueueKit

/// The matching's atomic steps, each a Lua script with a header like QueueKit's.
enum MatchScripts {
    /// storeItem: stores an uploaded item once; a repeat (the upload job ran again) keeps the first.
    ///
    /// Input:
    ///   KEYS[1] item HASH
    ///   ARGV[1] user; ARGV[2] product; ARGV[3] attributes JSON; ARGV[4] packed fingerprint ("" = none);
    ///   ARGV[5] created (ms)
    /// Output:
    ///   the item's state: "new", "waiting" or "matched"
    static let storeItem = RedisScript(name: "storeItem", source: """
        local item = KEYS[1]
        if redis.call('EXISTS', item) == 0 then
          redis.call('HSET', item, 'user', ARGV[1], 'product', ARGV[2], 'attrs', ARGV[3], 'fp', ARGV[4],
                     'created', ARGV[5], 'state', 'new')
        end
        return redis.call('HGET', item, 'state')
        """)

    /// fileItem: files an unmatched item in the index, where partners looking for it find it.
    ///
    /// Input:
    ///   KEYS[1] item HASH
    ///   ARGV[1] index key prefix; ARGV[2] item id; ARGV[3..] index keys
    /// Output:
    ///   the item's state: "waiting" (filed), "matched" (left alone) or nil (no such item)
    static let fileItem = RedisScript(name: "fileItem", source: """
        local item = KEYS[1]
        local indexPrefix, id = ARGV[1], ARGV[2]
        local state = redis.call('HGET', item, 'state')
        if state == 'new' or state == 'waiting' then
          redis.call('HSET', item, 'state', 'waiting')
          for i = 3, #ARGV do redis.call('SADD', indexPrefix .. ARGV[i], id) end
          return 'waiting'
        end
        return state
        """)

    /// recordMatch: matches two waiting items, exactly once even when two workers race on the two
    /// halves of a pair: both leave the index and point at one match record.
    ///
    /// Input:
    ///   KEYS[1] item A HASH; KEYS[2] item B HASH; KEYS[3] match HASH; KEYS[4] user A's matches ZSET;
    ///   KEYS[5] user B's matches ZSET; KEYS[6] users SET
    ///   (item A is the one whose job records the match: it is stored as `by`)
    ///   ARGV[1] match id; ARGV[2] item A id; ARGV[3] item B id; ARGV[4] now (ms); ARGV[5] score;
    ///   ARGV[6] price JSON; ARGV[7] algorithm; ARGV[8] index key prefix;
    ///   ARGV[9] count of A's index keys, then A's keys, then B's keys
    /// Output:
    ///   {1, match id} recorded; {0, existing match id or ""} one of the items was taken
    static let recordMatch = RedisScript(name: "recordMatch", source: """
        local itemA, itemB, match, userA, userB, users = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
        local matchID, idA, idB, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local a = redis.call('HMGET', itemA, 'state', 'match', 'user', 'product')
        local b = redis.call('HMGET', itemB, 'state', 'match', 'user', 'product')
        if a[1] ~= 'waiting' then return {0, a[2] or ''} end
        if b[1] ~= 'waiting' then return {0, ''} end
        redis.call('HSET', itemA, 'state', 'matched', 'match', matchID)
        redis.call('HSET', itemB, 'state', 'matched', 'match', matchID)
        local indexPrefix, countA = ARGV[8], tonumber(ARGV[9])
        for i = 10, #ARGV do
          local id = (i < 10 + countA) and idA or idB
          redis.call('SREM', indexPrefix .. ARGV[i], id)
        end
        redis.call('HSET', match, 'item_a', idA, 'item_b', idB, 'user_a', a[3], 'user_b', b[3], 'product_a', a[4],
                   'product_b', b[4], 'score', ARGV[5], 'price', ARGV[6], 'algorithm', ARGV[7], 'created', now, 'by', idA)
        redis.call('ZADD', userA, now, matchID)
        redis.call('ZADD', userB, now, matchID)
        redis.call('SADD', users, a[3], b[3])
        return {1, matchID}
        """)
}
