import Imaging
import PhotoLab
import XCTest

/// The re-ranking an index applies to its bucket candidates.
final class ContextualRankingTests: XCTestCase {
    func testRadiusAveragesNearestDistances() {
        XCTAssertEqual(ContextualRanking.radius(fromDistances: [5, 1, 2, 3, .greatestFiniteMagnitude.nextDown, .infinity], k: 3), 2, accuracy: 1e-6)
        XCTAssertEqual(ContextualRanking.radius(fromDistances: [], k: 3), 1)
    }

    /// A candidate from a crowded neighbourhood (small radius) must beat the plain distance less easily
    /// than one whose neighbourhood is sparse.
    func testScoreNormalisesByNeighbourhood() {
        let crowded = ContextualRanking.score(distance: 1.0, radius: 1.0, radius: 0.5)
        let sparse = ContextualRanking.score(distance: 1.2, radius: 1.0, radius: 2.0)
        XCTAssertLessThan(sparse, crowded)
    }

    func testRankPutsTheSameDesignFirst() {
        let designs = DesignCatalogue.make(count: 5, seed: 3)
        let photos = Photographer.photographAll(designs, seed: 3)
        let fingerprints = photos.map { Fingerprint(image: $0.image) }
        let query = fingerprints[0]
        let others = Array(fingerprints.dropFirst())
        let candidates = others.map { fp in
            (fingerprint: fp, radius: ContextualRanking.neighbourhoodRadius(of: fp, among: fingerprints.filter { $0 != fp }))
        }
        let ranking = ContextualRanking.rank(query: query, queryRadius: ContextualRanking.neighbourhoodRadius(of: query, among: others),
                                             candidates: candidates)
        XCTAssertEqual(ranking.first?.index, 0, "photo 1 is the other shot of design 0")
        XCTAssertEqual(ranking.count, others.count)
    }
}
