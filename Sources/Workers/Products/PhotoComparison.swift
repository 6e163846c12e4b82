import Foundation
import Imaging

/// How the matcher compares two items' photos, as the matching algorithm version (a feature flag,
/// see `MatchingRole`) says: the metric, the floor below which a candidate is refused, and whether
/// a set's stated count of pieces is part of its look. Products ask `similarity(of:to:)` and never
/// name a metric.
public struct PhotoComparison: Sendable {
    public enum Metric: String, Sendable {
        /// `Fingerprint.distance(to:)`: a dozen part distances with hand-tuned weights.
        case tuned
        /// `LearnedMetric.standard`: every fingerprint value, weighed by how it varies between photos
        /// of one thing against between things.
        case learned
    }

    public let metric: Metric
    /// The lowest similarity worth considering at all: products refuse a candidate below it, so
    /// that it is neither scored nor anyone's runner-up (`Item.photoFloor` unless the matching
    /// algorithm's rule gives another).
    public let floor: Double
    /// Whether the algorithm version holds a set of loose pieces to the number of pieces its owner
    /// states: a set of four buttons does not look like a set of six, though no count of the pieces
    /// in a photo is sure (touching buttons merge into one). A product whose upload states such a
    /// count checks it in its `compatibility` when this is set (`ButtonSet`). v19 on; before, a
    /// button set's count only priced it.
    public let countsStatedPieces: Bool
    /// The job's own item and its photo's points under each flip, projected once for all candidates.
    private let query: (id: String, flipped: [[Float]])?

    /// A comparison by `metric`; give the job's `query` item when it will be compared with many.
    public init(_ metric: Metric, query: Item? = nil, floor: Double = Item.photoFloor, countsStatedPieces: Bool = false) {
        self.metric = metric
        self.floor = floor
        self.countsStatedPieces = countsStatedPieces
        if metric == .learned, let query, let fingerprint = query.fingerprint {
            self.query = (query.id, LearnedMetric.standard.flippedProjections(fingerprint))
        } else {
            self.query = nil
        }
    }

    /// `similarity(of:to:)` when it reaches `floor`, else nil: what a product that goes by the
    /// photos answers for a candidate's photo.
    public func similarityAboveFloor(of item: Item, to candidate: Item) -> Double? {
        let similarity = similarity(of: item, to: candidate)
        return similarity >= floor ? similarity : nil
    }

    /// exp(−distance) of the two items' photos, 0...1: 1 for identical photos, towards 0 for unrelated
    /// ones, 0 when either has none. A left glove's photo is similar to its right partner's (both
    /// metrics compare under the mirror image).
    public func similarity(of item: Item, to candidate: Item) -> Double {
        guard let mine = item.fingerprint, let theirs = candidate.fingerprint else { return 0 }
        switch metric {
        case .tuned:
            return Double(mine.similarity(to: theirs))
        case .learned:
            let metric = LearnedMetric.standard
            if let query, query.id == item.id { return Double(expf(-metric.distance(from: query.flipped, to: theirs))) }
            return Double(expf(-metric.distance(mine, theirs)))
        }
    }
}
