import Imaging
import PhotoLab
import XCTest

/// The keys an index files items under: stable spelling per scheme, and few candidates per query.
final class BucketKeyTests: XCTestCase {
    static let designs = DesignCatalogue.make(count: 16, seed: 4)
    static let shots: [(Fingerprint, Fingerprint)] = designs.map { d in
        (Fingerprint(image: Photographer.photograph(d, shot: 0, seed: 4).image),
         Fingerprint(image: Photographer.photograph(d, shot: 1, seed: 4).image))
    }

    func testEachSchemeSpellsItsOwnKeys() {
        let fp = Self.shots[0].0
        let current = fp.bucketKeys(), legacy = fp.bucketKeys(scheme: .legacy)
        XCTAssertEqual(current, fp.bucketKeys(scheme: .current))
        XCTAssertEqual(current.count, Fingerprint.Bucketing.bands)
        XCTAssertTrue(current.allSatisfy { $0.rawValue.hasPrefix("v1s2b") }, current[0].rawValue)
        XCTAssertEqual(current[0].rawValue.split(separator: ":")[1].split(separator: ".").count, BucketScheme.current.hashesPerBand)
        // Scheme 1 keeps the spelling indexes were built with.
        XCTAssertEqual(legacy.count, 20)
        XCTAssertTrue(legacy.allSatisfy { $0.rawValue.hasPrefix("v1b") }, legacy[0].rawValue)
        XCTAssertTrue(Set(current).isDisjoint(with: legacy))
    }

    /// The current scheme must find the other shot about as often as scheme 1 while matching fewer items.
    func testCurrentSchemeFindsPartnersAmongFewerCandidates() {
        func measure(_ scheme: BucketScheme) -> (partners: Int, candidates: Int) {
            let indexed = Self.shots.map { Set($0.0.bucketKeys(scheme: scheme)) }
            var partners = 0, candidates = 0
            for (design, pair) in Self.shots.enumerated() {
                let keys = Set(pair.1.bucketKeys(scheme: scheme))
                if !keys.isDisjoint(with: indexed[design]) { partners += 1 }
                candidates += indexed.filter { !$0.isDisjoint(with: keys) }.count
            }
            return (partners, candidates)
        }
        let current = measure(.current), legacy = measure(.legacy)
        XCTAssertGreaterThanOrEqual(current.partners, Self.shots.count - 2, "partners sharing a key")
        XCTAssertGreaterThanOrEqual(current.partners, legacy.partners - 1)
        XCTAssertLessThan(current.candidates, legacy.candidates)
    }

    /// Forest codes: one per tree, fixed length, symbols below the index's separators, stable, and the
    /// two photos of a design share the shallowest prefix in some tree.
    func testForestCodesArePrefixComparable() {
        let forest = BucketScheme.forest
        var sharing = 0
        for (a, b) in Self.shots {
            let codesA = a.bucketCodes(), codesB = b.bucketCodes()
            XCTAssertEqual(codesA, a.bucketCodes(), "the same fingerprint always gives the same codes")
            XCTAssertEqual(codesA.count, forest.bands)
            XCTAssertEqual(Set(codesA.map(\.tree)).count, forest.bands)
            for code in codesA {
                XCTAssertEqual(code.symbols.utf8.count, forest.hashesPerBand)
                XCTAssertTrue(code.symbols.utf8.allSatisfy { $0 >= 48 && $0 <= 111 }, code.symbols)
            }
            if zip(codesA, codesB).contains(where: { $0.symbols.prefix(11) == $1.symbols.prefix(11) }) { sharing += 1 }
        }
        XCTAssertGreaterThanOrEqual(sharing, Self.shots.count - 2, "designs whose photos share an 11-symbol prefix")
    }
}
