import Foundation
import Imaging

/// The closer look of an algorithm version with `MatchingRole.Verification` or `.Confirmation`: lays
/// the photos of the closest candidates over the job's own and says which one, if any, shows the same
/// thing, or how well the best one agrees. Keeps the photos it has prepared for the job's next
/// attempt (when a chosen partner was taken meanwhile).
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

    let verification: MatchingRole.Verification?
    let query: Item
    let photos: (any PhotoSource)?
    /// How the photos are laid over each other (the version's `Confirmation.search`).
    let search: PhotoAlignment.Search
    /// The discount on comparing the item's pieces one by one, for a product whose pieces lie loose
    /// under a version that does (`Confirmation.loosePieces`); nil: the photos are laid over each other only.
    let loosePieces: Float?
    /// How finely the photos are sampled (the version's `Confirmation.detail`, `AlignableItem`).
    let detail: Int
    private var prepared: [String: AlignableItem] = [:]

    init(_ verification: MatchingRole.Verification?, query: Item, photos: (any PhotoSource)?, search: PhotoAlignment.Search, loosePieces: Float?,
         detail: Int = 1) {
        self.verification = verification
        self.query = query
        self.photos = photos
        self.search = search
        self.loosePieces = loosePieces
        self.detail = detail
    }

    /// The verdict on `scored` (candidates with their photo similarity, most similar first). Items
    /// without a photo (containers, lids) are left to the rule's numbers. Nil without a
    /// `verification` (the rule's numbers, or its confirmation, decide).
    mutating func verdict(among scored: [(Item, Double)]) async -> Verdict? {
        guard let verification else { return nil }
        guard query.fingerprint != nil else { return .unavailable }
        let shortlist = Array(scored.prefix(verification.shortlist).filter { $0.1 > Item.photoFloor })
        // No candidate worth a look: no photo is read or prepared.
        guard !shortlist.isEmpty else { return .noMatch }
        guard let looks = await looks(at: shortlist.map(\.0)) else { return .unavailable }
        let ranked = zip(shortlist, looks).map { entry, look in
            (item: entry.0, similarity: entry.1, score: Double(look.agreement) - verification.distanceWeight * -log(entry.1))
        }.sorted { $0.score > $1.score }
        guard let best = ranked.first, best.score > verification.threshold,
              ranked.count < 2 || best.score - ranked[1].score >= verification.margin else { return .noMatch }
        return .match(best.item, best.similarity)
    }

    /// What `candidate`'s photo laid over the job's own shows, or nil when either has no
    /// fingerprint or its photo cannot be read.
    mutating func look(at candidate: Item) async -> PhotoAlignment? {
        guard query.fingerprint != nil else { return nil }
        return await looks(at: [candidate])?.first
    }

    /// Each of `candidates`' photos laid over the job's own, or nil when a photo is missing; read,
    /// prepared and laid over each other on a photo-work thread (`PhotoWork`).
    private mutating func looks(at candidates: [Item]) async -> [PhotoAlignment]? {
        let (query, photos, known, search, loosePieces, detail) = (query, photos, prepared, search, loosePieces, detail)
        let looked = await PhotoWork.run { () -> (prepared: [String: AlignableItem], looks: [PhotoAlignment]?) in
            var prepared = known
            func alignable(_ item: Item) -> AlignableItem? {
                if let ready = prepared[item.id] { return ready }
                guard item.fingerprint != nil, let photos, let photo = photos.photo(of: item) else { return nil }
                // A photo without a mask of its working size has its item found again, and kept.
                let kept = photo.mask.flatMap { $0.fits(photo.image) ? $0 : nil }
                let mask = kept ?? ObjectSegmentation.mask(of: photo.image)
                if kept == nil { photos.keep(mask, for: item) }
                let alignable = AlignableItem(image: photo.image, mask: mask, detail: detail)
                prepared[item.id] = alignable
                return alignable
            }
            guard let own = alignable(query) else { return (prepared, nil) }
            var looks: [PhotoAlignment] = []
            for candidate in candidates {
                guard let theirs = alignable(candidate) else { return (prepared, nil) }
                looks.append(PhotoAlignment(own, theirs, search: search, loosePieces: loosePieces))
            }
            return (prepared, looks)
        }
        prepared = looked.prepared
        return looked.looks
    }
}
