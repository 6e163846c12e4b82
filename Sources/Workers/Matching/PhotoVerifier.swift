import Foundation
import Imaging

/// The closer look of an algorithm version with `MatchingRole.Verification`: lays the photos of the
/// closest candidates over the job's own and says which one, if any, shows the same thing. Keeps the
/// photos it has prepared for the job's next attempt (when a chosen partner was taken meanwhile).
struct PhotoVerifier {
    enum Verdict: Equatable {
        /// This candidate (one of those given, with its photo similarity).
        case match(Item, Double)
        /// No candidate's photo agrees well enough, and clearly better than the others'.
        case noMatch
        /// A photo is missing or unreadable (an item stored before photos were kept, a lost blob):
        /// the version's own numbers decide (see `MatchingRole.Rule.verification`).
        case unavailable
    }

    let verification: MatchingRole.Verification
    let query: Item
    let photos: (any PhotoSource)?
    private var prepared: [String: AlignableItem] = [:]

    init(_ verification: MatchingRole.Verification, query: Item, photos: (any PhotoSource)?) {
        self.verification = verification
        self.query = query
        self.photos = photos
    }

    /// The verdict on `scored` (candidates with their photo similarity, most similar first). Items
    /// without a photo (containers, lids) are left to the rule's numbers.
    mutating func verdict(among scored: [(Item, Double)]) -> Verdict {
        guard query.fingerprint != nil else { return .unavailable }
        let shortlist = scored.prefix(verification.shortlist).filter { $0.1 > Item.photoFloor }
        // No candidate worth a look: no photo is read or prepared.
        guard !shortlist.isEmpty else { return .noMatch }
        guard let own = alignable(query) else { return .unavailable }
        var ranked: [(item: Item, similarity: Double, score: Double)] = []
        for (candidate, similarity) in shortlist {
            guard let theirs = alignable(candidate) else { return .unavailable }
            let score = Double(PhotoAlignment(own, theirs).agreement) - verification.distanceWeight * -log(similarity)
            ranked.append((candidate, similarity, score))
        }
        ranked.sort { $0.score > $1.score }
        guard let best = ranked.first, best.score > verification.threshold,
              ranked.count < 2 || best.score - ranked[1].score >= verification.margin else { return .noMatch }
        return .match(best.item, best.similarity)
    }

    private mutating func alignable(_ item: Item) -> AlignableItem? {
        if let ready = prepared[item.id] { return ready }
        guard item.fingerprint != nil, let image = photos?.photo(of: item) else { return nil }
        let alignable = AlignableItem(image: image)
        prepared[item.id] = alignable
        return alignable
    }
}
