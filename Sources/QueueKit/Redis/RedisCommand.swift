/// The arguments of one Redis command, packed into one buffer so that a command with thousands of
/// arguments (a bulk enqueue) costs two allocations rather than one per argument.
public struct RedisCommand: Sendable {
    /// The command or script name, kept apart for error messages (arguments may hold payloads).
    public let name: String
    var bytes: [UInt8] = []
    var ends: [Int] = []

    public init(_ name: String) {
        self.name = name
        append(name)
    }

    /// A command from its words, as in `RedisCommand("GET", "key")`.
    public init(_ name: String, _ arguments: String...) {
        self.init(name)
        for argument in arguments { append(argument) }
    }

    public var count: Int { ends.count }

    public mutating func append(_ argument: String) {
        bytes.append(contentsOf: argument.utf8)
        ends.append(bytes.count)
    }

    public mutating func append(_ argument: some Collection<UInt8>) {
        bytes.append(contentsOf: argument)
        ends.append(bytes.count)
    }

    public mutating func append(_ argument: Int) {
        append(String(argument))
    }

    /// Calls `body` with hiredis' argc/argv/argvlen view of this command.
    func withArgv<R>(_ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        let count = ends.count
        return bytes.withUnsafeBufferPointer { buffer in
            // An empty buffer has no base address; hiredis only needs a valid pointer for zero-length args.
            let base = UnsafeRawPointer(buffer.baseAddress) ?? UnsafeRawPointer(bitPattern: 1)!
            let argv = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: count)
            let lengths = UnsafeMutablePointer<Int>.allocate(capacity: count)
            defer {
                argv.deallocate()
                lengths.deallocate()
            }
            var start = 0
            for i in 0..<count {
                argv[i] = (base + start).assumingMemoryBound(to: CChar.self)
                lengths[i] = ends[i] - start
                start = ends[i]
            }
            return body(Int32(count), argv, lengths)
        }
    }
}
