import Foundation
import Imaging
import Synchronization

/// Fingerprints of one shot of generated designs, by design id, so that benchmarks and training that
/// photograph tens of thousands of designs do it once. With a directory, they are read from and
/// appended to a file per seed, shot, fingerprint layout, method and working size (records of a
/// little-endian UInt32 design id and a packed fingerprint), so a change that raises
/// `Fingerprint.currentMethod` starts new files.
public final class FingerprintCache: Sendable {
    /// The file, or nil for a cache kept in memory only.
    public let path: String?
    let seed: UInt64
    let shot: Int
    let known: Mutex<[Int: Fingerprint]>
    /// How many fingerprints are computed between two writes of the file.
    let chunk: Int
    /// The bytes of one record: a design id and a packed fingerprint.
    static var record: Int { 4 + Fingerprint.packedByteCount }

    /// The cache of photo `shot` of the designs of `seed`, read from `directory` if given; a
    /// `variant` (such as the photos of button sets laid out anew) has files of its own.
    public init(directory: String?, seed: UInt64, shot: Int, variant: String? = nil, chunk: Int = 2_000) {
        self.seed = seed
        self.shot = shot
        self.chunk = max(1, chunk)
        path = directory.map { "\($0)/match-bench-seed\(seed)-shot\(shot)\(variant.map { "-\($0)" } ?? "")-v\(Fingerprint.currentVersion)-m\(Fingerprint.currentMethod)-\(Fingerprint.packedByteCount)-w\(Fingerprint.workingLongSide).bin" }
        var loaded: [Int: Fingerprint] = [:]
        if let path, let data = FileManager.default.contents(atPath: path) {
            let bytes = [UInt8](data), record = Self.record
            var offset = 0
            while offset + record <= bytes.count {
                let id = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
                if let fingerprint = try? Fingerprint(packed: Array(bytes[(offset + 4)..<(offset + record)])) { loaded[id] = fingerprint }
                offset += record
            }
        }
        known = Mutex(loaded)
    }

    /// The fingerprint of each design's photo by design id, computing (on every core) and keeping the
    /// missing ones. They are appended to the file a chunk at a time, so a run stopped halfway keeps
    /// what it computed; `progress` is told after each chunk how many of the missing ones are done.
    public func fingerprints(_ designs: [ItemDesign], progress: (_ done: Int, _ missing: Int) -> Void = { _, _ in }) throws(FingerprintCacheError) -> [Int: Fingerprint] {
        let missing = known.withLock { known in designs.filter { known[$0.id] == nil } }
        for start in stride(from: 0, to: missing.count, by: chunk) {
            let fresh = compute(Array(missing[start..<min(start + chunk, missing.count)]))
            try append(fresh)
            known.withLock { known in for (id, fingerprint) in fresh { known[id] = fingerprint } }
            progress(start + fresh.count, missing.count)
        }
        return known.withLock { $0 }
    }

    private func compute(_ designs: [ItemDesign]) -> [(Int, Fingerprint)] {
        let computed = Mutex<[(Int, Fingerprint)]>([])
        let (seed, shot) = (seed, shot)
        DispatchQueue.concurrentPerform(iterations: designs.count) { index in
            let fingerprint = Fingerprint(image: Photographer.photograph(designs[index], shot: shot, seed: seed).image)
            computed.withLock { $0.append((designs[index].id, fingerprint)) }
        }
        return computed.withLock { $0 }
    }

    private func append(_ fresh: [(Int, Fingerprint)]) throws(FingerprintCacheError) {
        guard let path, !fresh.isEmpty else { return }
        var bytes: [UInt8] = []
        for (id, fingerprint) in fresh { bytes += withUnsafeBytes(of: UInt32(id).littleEndian, Array.init) + fingerprint.packed() }
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw FingerprintCacheError(path: path) }
        defer { try? handle.close() }
        do {
            // A record cut short by a run stopped mid-write is dropped, so the records stay aligned.
            let end = try handle.seekToEnd(), record = UInt64(Self.record)
            if end % record != 0 { try handle.truncate(atOffset: end - end % record) }
            try handle.write(contentsOf: bytes)
        } catch {
            throw FingerprintCacheError(path: path)
        }
    }
}

/// A fingerprint cache file that cannot be written.
public struct FingerprintCacheError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public var description: String { "cannot write the fingerprint cache \(path) (does its directory exist?)" }
}
