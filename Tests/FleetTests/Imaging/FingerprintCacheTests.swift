import Foundation
import Imaging
import PhotoLab
import Testing

/// The benchmarks' fingerprint cache: written a chunk at a time, so a long run stopped halfway keeps
/// what it computed, and read back as written even after a write cut short.
@Suite struct FingerprintCacheTests {
    @Test func aCacheIsReadBackAsWrittenEvenAfterAWriteCutShort() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let designs = Array(DesignCatalogue.make(count: 7, seed: 5))
        let first = FingerprintCache(directory: directory.path, seed: 5, shot: 0, chunk: 2)
        var told: [String] = []
        let five = try first.fingerprints(Array(designs.prefix(5))) { told.append("\($0)/\($1)") }
        #expect(five.count == 5)
        #expect(told == ["2/5", "4/5", "5/5"], "told after each chunk written")
        let path = try #require(first.path)
        let record = 4 + Fingerprint.packedByteCount
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 5 * record)

        // A run stopped in the middle of a write leaves part of a record behind.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0xAB, count: 7))
        try handle.close()

        let second = FingerprintCache(directory: directory.path, seed: 5, shot: 0, chunk: 2)
        let seven = try second.fingerprints(designs)
        #expect(seven.count == 7)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 7 * record, "the cut-short record is dropped and the new ones stay aligned")
        let third = FingerprintCache(directory: directory.path, seed: 5, shot: 0)
        let read = try third.fingerprints(designs) { _, _ in Issue.record("nothing is missing, so nothing is computed") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 7 * record, "all seven were read back, none computed again")
        for design in designs {
            #expect(read[design.id]?.packed() == seven[design.id]?.packed(), "design \(design.id)")
        }
        #expect(five.keys.allSatisfy { five[$0]?.packed() == read[$0]?.packed() })
    }
}
