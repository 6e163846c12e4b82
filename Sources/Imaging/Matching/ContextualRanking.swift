/// Re-ranks match candidates by contextual dissimilarity: the distance between two fingerprints divided
/// by the geometric mean of their neighbourhood radii (each one's mean distance to its `k` nearest
/// other items). A dim, cluttered or blurred photo is far from everything, and a plain navy sock is close
/// to every other navy sock; dividing by the radius compares each pair against what is normal for those
/// two photos. On PhotoLab photos this raises recall@1 by 2 to 4 points (see imaging-bench).
///
/// Its one responsibility is that arithmetic; where radii are stored and when they are refreshed (for
/// example when an item gains a new close neighbour) is the index's business.
public enum ContextualRanking {
    /// Neighbours averaged into a radius.
    public static let defaultNeighbourCount = 3

    /// Mean distance from `fingerprint` to its `k` nearest fingerprints in `others` (skip itself there).
    /// With fewer than `k` others it averages those there are; with none it returns 1 (no re-weighting).
    public static func neighbourhoodRadius(of fingerprint: Fingerprint, among others: [Fingerprint], k: Int = defaultNeighbourCount) -> Float {
        radius(fromDistances: others.map { fingerprint.distance(to: $0) }, k: k)
    }

    /// The radius from already computed distances to other items (the caller's candidate set).
    public static func radius(fromDistances distances: [Float], k: Int = defaultNeighbourCount) -> Float {
        let nearest = distances.filter { $0.isFinite }.sorted().prefix(max(1, k))
        guard !nearest.isEmpty else { return 1 }
        return max(1e-3, nearest.reduce(0, +) / Float(nearest.count))
    }

    /// The contextual score of a pair: lower is a better match.
    public static func score(distance: Float, radius a: Float, radius b: Float) -> Float {
        distance / (max(1e-3, a) * max(1e-3, b)).squareRoot()
    }

    /// Candidate indices ordered from best to worst contextual score for a query.
    public static func rank(query: Fingerprint, queryRadius: Float, candidates: [(fingerprint: Fingerprint, radius: Float)])
        -> [(index: Int, score: Float)]
    {
        candidates.enumerated()
            .map { (index: $0.offset, score: score(distance: query.distance(to: $0.element.fingerprint), radius: queryRadius, radius: $0.element.radius)) }
            .sorted { $0.score < $1.score }
    }
}
