import Foundation

/// Items whose pieces lie loose (a set of buttons: picked up and put down again, each owner's set
/// lies in its own arrangement) compared piece by piece, wherever the pieces lie and however each
/// is turned: laying the whole of one photo over the other would measure the arrangement, which says
/// nothing about whether the sets are alike.
extension PhotoAlignment {
    /// One piece of an item: its size and its look sampled on rings around its centre.
    struct Piece {
        let area: Float
        /// `pieceRings` × `pieceSpokes` samples of (relative lightness, chroma, chroma), ring by ring.
        let samples: [SIMD3<Float>]
        let mean: SIMD3<Float>
        /// Mean squared distance of the samples from `mean`.
        let variance: Float
    }

    static let pieceRings = 6
    static let pieceSpokes = 32
    /// The most pieces of each item compared (the largest); a set of more is judged by these.
    static let mostPieces = 12
    /// A region under this share of the largest one is a speck, not a piece.
    static let smallestPiece: Float = 0.3

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

    /// How two pieces agree at the turn (of every `pieceSpokes`-th of a circle, mirrored or not) where
    /// their patterns correlate best; the overlap is 1.
    static func compared(_ p: Piece, _ q: Piece) -> PhotoAlignment {
        let spokes = pieceSpokes, n = Float(p.samples.count)
        var best = (correlation: -Float.infinity, shift: 0, mirrored: false)
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
                        if correlation > best.correlation { best = (correlation, shift, mirrored) }
                    }
                }
            }
        }
        let difference = p.mean - q.mean
        return PhotoAlignment(patternCorrelation: best.correlation, overlap: 1, chromaDifference: (abs(difference.y) + abs(difference.z)) / 2,
                              lightDifference: abs(difference.x))
    }

    /// The pieces of `item`'s mask, the largest first (at most `mostPieces`): pieces touching in the
    /// mask (the outline's gaps closed) are parted by eroding it as deep as parts it into the most
    /// regions of a piece's size, each piece then sampled on rings around its centre out to its
    /// radius.
    static func pieces(of item: AlignableItem) -> [Piece] {
        let w = item.width, h = item.height
        var inside = item.planes.map { $0.x > 0.5 }
        var best: (depth: Int, regions: [(count: Float, x: Float, y: Float)]) = (0, [])
        for depth in 1...5 {
            inside = eroded(inside, w, h)
            let regions = labelled(inside, w, h)
            guard let largest = regions.map(\.count).max() else { break }
            let kept = regions.filter { $0.count >= smallestPiece * largest }
            if kept.count > best.regions.count { best = (depth, kept) }
        }
        let spokes = pieceSpokes, rings = pieceRings
        return best.regions.sorted { $0.count > $1.count }.prefix(mostPieces).map { region in
            let radius = (region.count / .pi).squareRoot() + Float(best.depth)
            let cx = region.x / region.count, cy = region.y / region.count
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
            return Piece(area: Float.pi * radius * radius, samples: samples, mean: mean, variance: variance)
        }
    }

    /// `inside` less its pixels with a 4-neighbour outside it (or on the border).
    private static func eroded(_ inside: [Bool], _ w: Int, _ h: Int) -> [Bool] {
        var out = inside
        for y in 0..<h {
            for x in 0..<w where inside[y * w + x] {
                let i = y * w + x
                if x == 0 || y == 0 || x == w - 1 || y == h - 1 || !inside[i - 1] || !inside[i + 1] || !inside[i - w] || !inside[i + w] {
                    out[i] = false
                }
            }
        }
        return out
    }

    /// The 8-connected regions of `inside`: each one's pixel count and the sums of its x and y.
    private static func labelled(_ inside: [Bool], _ w: Int, _ h: Int) -> [(count: Float, x: Float, y: Float)] {
        var seen = [Bool](repeating: false, count: inside.count)
        var regions: [(count: Float, x: Float, y: Float)] = []
        var stack: [Int] = []
        for start in inside.indices where inside[start] && !seen[start] {
            var region: (count: Float, x: Float, y: Float) = (0, 0, 0)
            seen[start] = true
            stack.append(start)
            while let i = stack.popLast() {
                let x = i % w, y = i / w
                region.count += 1; region.x += Float(x); region.y += Float(y)
                for dy in -1...1 {
                    for dx in -1...1 {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
                        let j = ny * w + nx
                        if inside[j] && !seen[j] { seen[j] = true; stack.append(j) }
                    }
                }
            }
            regions.append(region)
        }
        return regions
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
