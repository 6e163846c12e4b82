import Foundation
import PhotoLab
import Testing

/// A labelled photo set of one's own (`match-bench --photos`, `photolab segmentation --photos`): read
/// as written, and refused in one line that says where, never half read.
@Suite struct PhotoManifestTests {
    func manifest(_ text: String) throws -> Result<PhotoManifest, PhotoManifestError> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(text.utf8).write(to: directory.appendingPathComponent("manifest.tsv"))
        return Result { () throws(PhotoManifestError) in try PhotoManifest(directory: directory.path, products: ["sock", "button-set"]) }
    }

    @Test func aSetIsReadAsWritten() throws {
        let read = try manifest("0\t0\tsock\t00000-0.jpg\t-\n0\t1\tsock\t00000-1.jpg\t-\n\n1\t1\tbutton-set\tb.jpg\tholes=2,count=4\n1\t0\tbutton-set\ta.jpg\tholes=2,count=4\n").get()
        #expect(read.entries.map(\.file) == ["00000-0.jpg", "00000-1.jpg", "b.jpg", "a.jpg"])
        #expect(read.entries[2].design == 1 && read.entries[2].shot == 1 && read.entries[2].product == "button-set")
        #expect(read.entries[2].attributes == ["holes": "2", "count": "4"])
    }

    @Test(arguments: [
        ("0\t0\tsock\ta.jpg\n", "line 1: expected 5 tab-separated fields"),
        ("0\t0\tsock\ta.jpg\t-\n\n0\t2\tsock\tb.jpg\t-\n", "line 3: the shot must be 0 or 1"),
        ("0\t0\tsock\t\t-\n", "line 1: the file name is empty"),
        ("0\t0\that\ta.jpg\t-\n", "line 1: unknown product 'hat'"),
        ("0\t0\tsock\ta.jpg\tholes\n", "line 1: attributes must be k=v,k=v or -"),
        ("0\t0\tsock\ta.jpg\t-\n0\t0\tsock\tb.jpg\t-\n", "design 0 needs exactly one photo of shot 0 and one of shot 1"),
    ])
    func badLinesAreRefusedSayingWhere(text: String, reason: String) throws {
        guard case .failure(let error) = try manifest(text) else { Issue.record("\(text.debugDescription) was read"); return }
        #expect(error.description.contains(reason), "\(error)")
        #expect(!error.description.contains("\n"))
    }
}
