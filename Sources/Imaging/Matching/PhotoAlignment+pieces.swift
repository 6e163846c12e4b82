import Foundation

/// Items whose pieces lie loose (a set of buttons: picked up and put down again, each owner's set
/// lies in its own arrangement) compared piece by piece, wherever the pieces lie and however each
/// is turned: laying the whole of one photo over the other would measure the arrangement, which says
/// nothing about whether the sets are alike.
extension PhotoAlignment {
    /// One piece of an item: its look sampled on rings around its centre.
    struct Piece {
        /// `pieceRings` × `pieceSpokes` samples of (relative lightness, chroma, chroma), ring by ring.
        let samples: [SIMD3<Float>]
        let mean: SIMD3<Float>
        /// Mean squared distance of the samples from `mean`.
        let variance: Float
    }

    static let pieceRings = 6
    static let pieceSpokes = 32

    /// The two items compared piece by piece: each piece of one paired with the piece of the other it
    /// agrees with best (turned freely, mirrored or not), and measured as `PhotoAlignment` measures a
    /// whole item: the pattern correlation, chroma and lightness differences (of the pieces' mean
    /// colours) averaged over the pairs, and as the overlap, the share of pieces paired (fewer pieces
    /// in one photo than the other lowers it) less `discount`. Nil unless both items have at least
    /// two pieces: one piece is laid over the other whole (`init(_:_:search:)`).
    public init?(piecesOf a: AlignableItem, _ b: AlignableItem, discount: Float = 0) {
        let (mine, theirs) = (Self.pieces(of: a), Self.pieces(of: b))
        guard mine.count >= 2, theirs.count >= 2 else { return nil }
        var pairs: [(i: Int, j: Int, agreement: PhotoAlignment)] = []
        for (i, p) in mine.enumerated() {
            for (j, q) in theirs.enumerated() { pairs.append((i, j, Self.compared(p, q))) }
        }
        // Greedily, the pairs that agree best first, each piece in one pair.
        pairs.sort { $0.agreement.agreement > $1.agreement.agreement }
        var usedMine = Set<Int>(), usedTheirs = Set<Int>()
        var correlation: Float = 0, chroma: Float = 0, light: Float = 0, paired: Float = 0
        for pair in pairs where !usedMine.contains(pair.i) && !usedTheirs.contains(pair.j) {
            usedMine.insert(pair.i)
            usedTheirs.insert(pair.j)
            correlation += pair.agreement.patternCorrelation
            chroma += pair.agreement.chromaDifference
            light += pair.agreement.lightDifference
            paired += 1
        }
        self.init(patternCorrelation: correlation / paired, overlap: paired / Float(max(mine.count, theirs.count)) - discount,
                  chromaDifference: chroma / paired, lightDifference: light / paired)
    }

    /// How two pieces agree: their patterns' correlation at the turn (of every `pieceSpokes`-th of a
    /// circle, mirrored or not) where it is greatest, the differences of their mean colours, and an
    /// overlap of 1.
    static func compared(_ p: Piece, _ q: Piece) -> PhotoAlignment {
        let spokes = pieceSpokes, n = Float(p.samples.count)
        var best = -Float.infinity
        let stabiliser: Float = 0.0004
        let scale = 1 / max(1e-6, (p.variance * q.variance).squareRoot() + stabiliser)
        p.samples.withUnsafeBufferPointer { a in
            q.samples.withUnsafeBufferPointer { b in
                for mirrored in [false, true] {
                    for shift in 0..<spokes {
                        var covariance: Float = 0
                        for ring in 0..<pieceRings {
                            let row = ring * spokes
                            for spoke in 0..<spokes {
                                let other = mirrored ? (spokes - spoke + shift) % spokes : (spoke + shift) % spokes
                                let d = (a[row + spoke] - p.mean) * (b[row + other] - q.mean)
                                covariance += d.x + d.y + d.z
                            }
                        }
                        let correlation = (covariance / n + stabiliser) * scale
                        best = max(best, correlation)
                    }
                }
            }
        }
        let difference = p.mean - q.mean
        return PhotoAlignment(patternCorrelation: best, overlap: 1, chromaDifference: (abs(difference.y) + abs(difference.z)) / 2,
                              lightDifference: abs(difference.x))
    }

    /// The pieces of `item`'s outline (`ObjectSegmentation.discs(in:)`, at the working size whatever
    /// the copy sampled), the largest first, each sampled on rings around its centre out to its radius.
    static func pieces(of item: AlignableItem) -> [Piece] {
        let spokes = pieceSpokes, rings = pieceRings
        // Working pixels to the copy's (pixel centres at whole numbers).
        let k = item.copyScale
        return ObjectSegmentation.discs(in: item.outline).map { disc in
            let (cx, cy, radius) = k == 1 ? (disc.x, disc.y, disc.radius) : ((disc.x + 0.5) * k - 0.5, (disc.y + 0.5) * k - 0.5, disc.radius * k)
            var samples: [SIMD3<Float>] = []
            samples.reserveCapacity(rings * spokes)
            item.planes.withUnsafeBufferPointer { p in
                for ring in 0..<rings {
                    let r = radius * 0.85 * (Float(ring) + 0.5) / Float(rings)
                    for spoke in 0..<spokes {
                        let angle = 2 * Float.pi * Float(spoke) / Float(spokes)
                        let s = sample(p, item, cx + r * cosf(angle), cy + r * sinf(angle))
                        samples.append(SIMD3(s.y, s.z, s.w))
                    }
                }
            }
            let mean = samples.reduce(SIMD3<Float>.zero, +) / Float(samples.count)
            let variance = samples.reduce(Float(0)) { sum, s in let d = s - mean; return sum + (d * d).sum() } / Float(samples.count)
            return Piece(samples: samples, mean: mean, variance: variance)
        }
    }
}

extension PhotoAlignment {
    /// `b` laid over `a` whole and, for an item whose pieces lie loose (`loosePieces`, the discount
    /// of a piece-by-piece look), also compared piece by piece: the look that agrees better. The
    /// whole look counts where the pieces lie as they did (the same arrangement is strong evidence);
    /// the piece look finds a set laid out anew, but strangers' pieces agree more easily than their
    /// arrangements, hence its discount.
    public init(_ a: AlignableItem, _ b: AlignableItem, search: Search, loosePieces discount: Float?) {
        let whole = PhotoAlignment(a, b, search: search)
        guard let discount, let pieces = PhotoAlignment(piecesOf: a, b, discount: discount), pieces.agreement > whole.agreement else {
            self = whole
            return
        }
        self = pieces
    }
}
