extension ObjectSegmentation {
    /// The most pieces found (the largest); a set of more is judged by these.
    static let mostPieces = 12
    /// A piece whose radius is under this share of the largest one's is a speck, not a piece.
    static let smallestPiece: Float = 0.55

    /// The round pieces of `mask` (buttons), the largest first (at most `mostPieces`): the peaks of
    /// its distance to the backdrop, each the centre of a piece whose radius is the distance there.
    /// Pieces that touch in the mask, joined by their shadows or by the outline's gaps closed, stay
    /// apart: the bridge between two buttons is narrower than either, so each keeps its own peak. A
    /// peak whose disc would overlap a larger piece's by more than `overlapping` allows is a bulge
    /// of that piece or the bridge beside it, and one under `smallestPiece` of the largest radius
    /// is a speck.
    static func discs(in mask: Mask) -> [(x: Float, y: Float, radius: Float)] {
        // Two pieces' centres lie at least this share of their radii's sum apart (a little under 1,
        // for radii measured to an outline blurred outwards).
        let overlapping: Float = 0.85
        let w = mask.width, h = mask.height
        // The chamfer distance (3 along a side, 4 along a diagonal), in thirds of a pixel.
        var distance = mask.inside.map { $0 ? Int.max / 2 : 0 }
        let forward: [(dx: Int, dy: Int, cost: Int)] = [(-1, 0, 3), (0, -1, 3), (-1, -1, 4), (1, -1, 4)]
        let backward = forward.map { (dx: -$0.dx, dy: -$0.dy, cost: $0.cost) }
        func relax(_ i: Int, _ x: Int, _ y: Int, _ steps: [(dx: Int, dy: Int, cost: Int)]) {
            guard distance[i] > 0 else { return }
            for step in steps {
                let xx = x + step.dx, yy = y + step.dy
                let through = (xx < 0 || yy < 0 || xx >= w || yy >= h) ? step.cost : distance[yy * w + xx] + step.cost
                distance[i] = min(distance[i], through)
            }
        }
        for y in 0..<h { for x in 0..<w { relax(y * w + x, x, y, forward) } }
        for y in (0..<h).reversed() { for x in (0..<w).reversed() { relax(y * w + x, x, y, backward) } }
        var peaks: [(x: Int, y: Int, value: Int)] = []
        for y in 0..<h {
            for x in 0..<w where distance[y * w + x] > 3 {
                let value = distance[y * w + x]
                var highest = true
                for dy in -1...1 {
                    for dx in -1...1 where dx != 0 || dy != 0 {
                        let xx = x + dx, yy = y + dy
                        if xx >= 0, yy >= 0, xx < w, yy < h, distance[yy * w + xx] > value { highest = false }
                    }
                }
                if highest { peaks.append((x, y, value)) }
            }
        }
        peaks.sort { $0.value != $1.value ? $0.value > $1.value : ($0.y, $0.x) < ($1.y, $1.x) }
        guard let largest = peaks.first.map({ Float($0.value) / 3 }) else { return [] }
        var discs: [(x: Float, y: Float, radius: Float)] = []
        for peak in peaks {
            let radius = Float(peak.value) / 3
            guard radius >= smallestPiece * largest else { break }
            let (x, y) = (Float(peak.x), Float(peak.y))
            // Buttons lie side by side, not on each other: a peak whose disc would overlap a larger
            // piece's is part of that piece (a plateau or a bulge) or of the bridge to its neighbour.
            guard discs.allSatisfy({ disc in
                ((disc.x - x) * (disc.x - x) + (disc.y - y) * (disc.y - y)).squareRoot() > overlapping * (disc.radius + radius)
            }) else { continue }
            discs.append((x, y, radius))
            if discs.count == mostPieces { break }
        }
        return discs
    }
}
