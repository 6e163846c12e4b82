import Foundation

/// A small structured logger: one line per event, `time level label: message key=value ...`.
/// Libraries log at info or lower, with dotted metadata keys (`job.id`), never payloads.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        public var description: String { ["debug", "info", "warning", "error"][rawValue] }

        /// Parses `debug`, `info`, `warning` or `error`.
        public init?(name: String) {
            switch name.lowercased() {
            case "debug": self = .debug
            case "info": self = .info
            case "warning", "warn": self = .warning
            case "error": self = .error
            default: return nil
            }
        }
    }

    public let label: String
    public var level: Level
    private let sink: @Sendable (String) -> Void

    /// A logger writing to standard error.
    public init(label: String, level: Level = .info) {
        self.init(label: label, level: level) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// A logger writing each formatted line to `sink`.
    public init(label: String, level: Level = .info, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.level = level
        self.sink = sink
    }

    /// A logger that drops everything.
    public static let disabled = Logger(label: "", level: .error) { _ in }

    public func log(_ level: Level, _ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) {
        guard level >= self.level else { return }
        var line = "\(Self.timestamp()) \(level) \(label): \(message())"
        for (key, value) in metadata {
            line += " \(key)=\(value.contains(" ") ? "\"\(value)\"" : value)"
        }
        sink(line)
    }

    public func debug(_ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) { log(.debug, message(), metadata) }
    public func info(_ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) { log(.info, message(), metadata) }
    public func warning(_ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) { log(.warning, message(), metadata) }
    public func error(_ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) { log(.error, message(), metadata) }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(now.tv_nsec / 1_000_000))
    }
}
