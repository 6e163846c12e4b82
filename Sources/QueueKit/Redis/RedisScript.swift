/// A Lua script that performs one atomic transition. Loaded once per connection with SCRIPT LOAD and
/// called by its SHA with EVALSHA; reloaded when the server answers NOSCRIPT (after a restart).
public struct RedisScript: Sendable, Hashable {
    /// The script's name, used in error messages in place of its arguments.
    public let name: String
    public let source: String

    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }
}

/// One call of a script: its keys and arguments, packed for hiredis as an EVALSHA command whose SHA
/// is filled in when the connection knows it.
public struct ScriptCall: Sendable {
    public let script: RedisScript
    private var packed: RedisCommand
    private static let shaLength = 40

    public init(_ script: RedisScript, keys: [String]) {
        self.script = script
        packed = RedisCommand("EVALSHA")
        packed.append(String(repeating: "0", count: Self.shaLength))
        packed.append(keys.count)
        for key in keys { packed.append(key) }
    }

    public mutating func append(_ argument: String) { packed.append(argument) }
    public mutating func append(_ argument: Int) { packed.append(argument) }
    public mutating func append(_ argument: some Collection<UInt8>) { packed.append(argument) }

    /// The EVALSHA command for the script loaded under `sha` (40 hex digits, as SCRIPT LOAD answers).
    func command(sha: String) -> RedisCommand {
        precondition(sha.utf8.count == Self.shaLength, "a script SHA has 40 hex digits")
        var command = packed
        let start = packed.ends[0]
        command.bytes.replaceSubrange(start..<(start + Self.shaLength), with: sha.utf8)
        return command
    }
}
