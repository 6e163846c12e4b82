/// The Lua scripts, one per atomic state transition of a job. Each opens with a header listing its
/// keys, arguments and replies; the Swift code that calls a script lives next to its user.
///
/// Conventions: a job is the HASH `<job key prefix><id>` with the fields v, type, payload, max, enq,
/// att (attempts started), tenant, idem, tok (the current lease token), worker, leased_at, dead_at,
/// reason; each attempt's error is a JSON entry in the LIST `<job key prefix><id>:errors`.
/// Times are milliseconds since 1970, passed in by the caller so that tests can simulate the clock.
public enum Scripts {}
