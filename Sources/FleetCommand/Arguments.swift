/// The command line of a fleet tool: `--name value`, `--name=value`, boolean `--flag`s and
/// positional words. Every option is declared; an unknown one is an error, never ignored.
public struct Arguments {
    public private(set) var positionals: [String] = []
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// Parses `words` given the options that take a value and the boolean flags.
    public init(_ words: some Sequence<String>, options: Set<String>, flags allowedFlags: Set<String>) throws(UsageError) {
        var iterator = words.makeIterator()
        var onlyPositionals = false
        while let word = iterator.next() {
            if onlyPositionals || !word.hasPrefix("--") || word == "-" {
                if !onlyPositionals && word.hasPrefix("-") && word.count > 1 && word != "-h" {
                    throw UsageError("unknown option '\(word)'")
                }
                if word == "-h" { flags.insert("help"); continue }
                positionals.append(word)
                continue
            }
            if word == "--" { onlyPositionals = true; continue }
            var name = String(word.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if name == "help" { flags.insert("help"); continue }
            if allowedFlags.contains(name) {
                guard value == nil else { throw UsageError("--\(name) takes no value") }
                flags.insert(name)
            } else if options.contains(name) {
                guard let given = value ?? iterator.next() else { throw UsageError("--\(name) needs a value") }
                values[name] = given
            } else {
                throw UsageError("unknown option '--\(name)'")
            }
        }
    }

    public func flag(_ name: String) -> Bool { flags.contains(name) }
    public var wantsHelp: Bool { flags.contains("help") }

    public func value(_ name: String) -> String? { values[name] }

    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int> = 0...Int.max) throws(UsageError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("--\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
        }
        return number
    }

    public func required(_ name: String) throws(UsageError) -> String {
        guard let value = values[name] else { throw UsageError("--\(name) is required") }
        return value
    }
}

/// A command line that cannot be run as given. Tools print it on one line and exit 2.
public struct UsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
