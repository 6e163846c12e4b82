import Foundation

/// A content-addressed store of uploaded photos in a directory the fleet shares: a blob's key is
/// the SHA-256 of its bytes, so storing the same photo twice stores it once, and jobs carry the
/// key, never the bytes.
public struct BlobStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The default directory: `$FLEET_BLOB_DIR`, else `/tmp/sockmatcher-blobs`.
    public static func fromEnvironment(_ override: String? = nil) -> BlobStore {
        let path = override ?? ProcessInfo.processInfo.environment["FLEET_BLOB_DIR"] ?? "/tmp/sockmatcher-blobs"
        return BlobStore(directory: URL(fileURLWithPath: path))
    }

    /// Stores `bytes` and returns their key. Writes to a temporary name and renames, so a reader
    /// never sees half a blob.
    public func put(_ bytes: [UInt8]) throws -> String {
        let key = SHA256.hex(bytes)
        let url = path(for: key)
        if FileManager.default.fileExists(atPath: url.path) { return key }
        try write(bytes, to: url, key: key)
        return key
    }

    /// The bytes stored under `key`.
    public func get(_ key: String) throws(BlobError) -> [UInt8] {
        try Self.check(key)
        guard let data = FileManager.default.contents(atPath: path(for: key).path) else {
            throw BlobError(key: key, reason: "no blob with this key in \(directory.path)")
        }
        return Array(data)
    }

    /// Stores `bytes` derived from the blob `key` (what the fleet worked out from it once, such as
    /// where a photo shows its item), as `name` beside it, replacing what was there.
    public func put(_ bytes: [UInt8], beside key: String, as name: String) throws {
        precondition(!name.isEmpty && !name.contains("/"), "a name beside a blob is a plain file name extension")
        try Self.check(key)
        try write(bytes, to: path(for: key).appendingPathExtension(name), key: key)
    }

    /// The bytes stored as `name` beside the blob `key`, or nil when there are none.
    public func get(beside key: String, _ name: String) -> [UInt8]? {
        guard (try? Self.check(key)) != nil, let data = FileManager.default.contents(atPath: path(for: key).appendingPathExtension(name).path) else {
            return nil
        }
        return Array(data)
    }

    private static func check(_ key: String) throws(BlobError) {
        guard key.count == 64, key.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw BlobError(key: key, reason: "not a blob key (64 lower-case hex digits)")
        }
    }

    /// Writes to a temporary name and renames, so a reader never sees half a file.
    private func write(_ bytes: [UInt8], to url: URL, key: String) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.appendingPathExtension("tmp-\(UUID().uuidString)")
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw BlobError(key: key, reason: "cannot store in \(directory.path): \(String(cString: strerror(errno)))")
        }
    }

    private func path(for key: String) -> URL {
        directory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key)
    }
}

/// A blob that cannot be stored or read.
public struct BlobError: Error, Sendable, CustomStringConvertible {
    public let key: String
    public let reason: String
    public var description: String { "blob \(key.prefix(16)): \(reason)" }
}
