import Imaging
import PhotoLab
import XCTest

/// The codes an index files items under: fixed length, symbols below the index's separators, stable,
/// and the two photos of a design share a prefix far more often than strangers do.
final class BucketCodeTests: XCTestCase {
    static let designs = DesignCatalogue.make(count: 16, seed: 4)
    static let shots: [(Fingerprint, Fingerprint)] = designs.map { d in
        (Fingerprint(image: Photographer.photograph(d, shot: 0, seed: 4).image),
         Fingerprint(image: Photographer.photograph(d, shot: 1, seed: 4).image))
    }

    func testForestCodesArePrefixComparable() {
        let forest = BucketScheme.current
        func sharePrefix(_ a: [BucketCode], _ b: [BucketCode]) -> Bool {
            zip(a, b).contains { $0.symbols.prefix(11) == $1.symbols.prefix(11) }
        }
        let codes = Self.shots.map { ($0.0.bucketCodes(), $0.1.bucketCodes()) }
        var partners = 0, strangers = 0
        for (design, (codesA, codesB)) in codes.enumerated() {
            XCTAssertEqual(codesA, Self.shots[design].0.bucketCodes(), "the same fingerprint always gives the same codes")
            XCTAssertEqual(codesA.count, forest.bands)
            XCTAssertEqual(Set(codesA.map(\.tree)).count, forest.bands)
            for code in codesA {
                XCTAssertEqual(code.symbols.utf8.count, forest.hashesPerBand)
                XCTAssertTrue(code.symbols.utf8.allSatisfy { $0 >= 48 && $0 <= 111 }, code.symbols)
            }
            if sharePrefix(codesA, codesB) { partners += 1 }
            for other in codes.indices where other != design && sharePrefix(codesA, codes[other].1) { strangers += 1 }
        }
        XCTAssertGreaterThanOrEqual(partners, codes.count - 2, "designs whose photos share an 11-symbol prefix")
        // Strangers sharing one: few of the 240 ordered pairs, or every query would fetch the catalogue.
        XCTAssertLessThan(strangers, codes.count * (codes.count - 1) / 4, "stranger pairs sharing an 11-symbol prefix")
    }

    /// Items stay filed under the codes they got: codes that changed under the same tag (the metric
    /// learned again, the projection's arithmetic regrouped, a compiler that sums otherwise) would
    /// leave every waiting item where no query looks, and `queuectl reindex --drop-old` could not
    /// clear them. So the current scheme's codes of fixed fingerprints are pinned; when this fails on
    /// purpose, give `BucketScheme.current` a new tag (and say `queuectl reindex` in the release).
    /// The fingerprints are drawn, not taken from photos: a new fingerprint method changes what a
    /// photo's fingerprint is, and `queuectl refingerprint` files such items again under their new
    /// codes, so that needs no new tag.
    func testTheCurrentSchemesCodesAreTheOnesItemsWereFiledUnder() throws {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a over every code and tree name, in order (recorded 2026-12-07, tag 6)
        var random = SeededRandom(seed: 4)
        for _ in 0..<16 {
            var bytes = [UInt8(Fingerprint.currentVersion)]
            for _ in 0..<(Fingerprint.packedByteCount - 1) / 4 {
                withUnsafeBytes(of: random.unit().bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            for code in try Fingerprint(packed: bytes).bucketCodes() {
                for byte in (code.tree + code.symbols).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
        }
        XCTAssertEqual(String(hash, radix: 16), "fd55a56198cc9097", "the codes of scheme \(BucketScheme.current.tag) changed: give the scheme a new tag")
    }
}
