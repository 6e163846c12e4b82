import Foundation
import Imaging
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

    /// `match-bench --true-outlines`: each photo's item taken from the true outline beside it
    /// (NAME.mask.png) instead of found, for the fingerprint, for the kept mask or for both, or
    /// (`--true-outlines-under`) only where the found one overlaps it by less than a limit; a photo
    /// without one is named in the error, never measured half.
    @Test func trueOutlinesBesideThePhotosStandInForFindingTheItem() throws {
        let sock = try #require(DesignCatalogue.make(count: 20, seed: 2).first { $0.kind == .sock })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outlines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("0\t0\tsock\ts-0.png\t-\n0\t1\tsock\ts-1.png\t-\n".utf8).write(to: directory.appendingPathComponent("manifest.tsv"))
        // The true outline told is the photo's left half: far from the sock the fingerprint finds.
        func writeLeftHalf(of photo: DecodedImage, shot: Int) throws {
            let half = (0..<photo.pixelCount).map { $0 % photo.width < photo.width / 2 ? UInt8(255) : 0 }
            let outline = DecodedImage(width: photo.width, height: photo.height, layout: .grayscale, pixels: half)
            try Data(ImageEncoder.png(outline)).write(to: directory.appendingPathComponent("s-\(shot).mask.png"))
        }
        let photos = (0..<2).map { Photographer.photograph(sock, shot: $0, seed: 2).image }
        for (shot, photo) in photos.enumerated() { try Data(ImageEncoder.png(photo)).write(to: directory.appendingPathComponent("s-\(shot).png")) }
        try writeLeftHalf(of: photos[0], shot: 0)
        let set = try PhotoManifest(directory: directory.path)
        let missing = #expect(throws: PhotoManifestError.self) { try set.measuringEveryPhoto(outlines: .trueForBoth) }
        #expect(missing?.description.contains("s-1.mask.png is missing") == true, "\(String(describing: missing))")
        try writeLeftHalf(of: photos[1], shot: 1)

        let decoded = try ImageDecoder.decode(Data(contentsOf: directory.appendingPathComponent("s-0.png")), reducedFor: Fingerprint.workingLongSide)
        let half = try #require(try set.trueOutline(of: set.entries[0], photo: decoded))
        let share = Double(half.filter { $0 }.count) / Double(half.count)
        #expect(share > 0.45 && share < 0.55, "\(share)")
        let found = try set.measuringEveryPhoto(), both = try set.measuringEveryPhoto(outlines: .trueForBoth)
        let forFingerprint = try set.measuringEveryPhoto(outlines: .trueForFingerprint), forCheck = try set.measuringEveryPhoto(outlines: .trueForPhotoCheck)
        let told = try #require(Fingerprint(image: decoded, itemMask: half))
        #expect(found["s-0.png"]!.mask.inside != half && found["s-0.png"]!.fingerprint != told)
        #expect(both["s-0.png"]!.mask.inside == half && both["s-0.png"]!.fingerprint == told)
        #expect(forFingerprint["s-0.png"]!.mask == found["s-0.png"]!.mask && forFingerprint["s-0.png"]!.fingerprint == told)
        #expect(forCheck["s-0.png"]!.mask.inside == half && forCheck["s-0.png"]!.fingerprint == found["s-0.png"]!.fingerprint)
        #expect(both["s-0.png"]!.toldOutline && !found["s-0.png"]!.toldOutline)

        // `--true-outlines-under`: the true outline only where the found one overlaps it by less.
        let pairs = zip(found["s-0.png"]!.mask.inside, half)
        let overlap = Float(pairs.filter { $0 && $1 }.count) / Float(pairs.filter { $0 || $1 }.count)
        let under = try set.measuringEveryPhoto(outlines: .trueForBoth, overlapUnder: overlap + 0.001)
        let notUnder = try set.measuringEveryPhoto(outlines: .trueForBoth, overlapUnder: overlap)
        #expect(under["s-0.png"]!.toldOutline && under["s-0.png"]!.mask.inside == half && under["s-0.png"]!.fingerprint == told)
        #expect(!notUnder["s-0.png"]!.toldOutline && notUnder["s-0.png"]!.mask == found["s-0.png"]!.mask
                && notUnder["s-0.png"]!.fingerprint == found["s-0.png"]!.fingerprint)
    }
}
