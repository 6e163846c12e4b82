import Foundation

extension ObjectSegmentation {
    /// Colour models and a graph cut (GrabCut's idea, Rother, Kolmogorov and Blake 2004) refine a first
    /// mask: the item's colours are learned from the mask, the backdrop's from the rest, both as
    /// departures from the smooth backdrop model (so lighting gradients do not count), and every pixel
    /// takes the label its colour and its neighbours favour, boundaries preferring to fall where the
    /// colour changes; three rounds, each learning from the last, a pixel leaving the first mask's
    /// label only when its colour argues for it by more than `bias`. It takes off most clutter that
    /// touches the item and halves the error of the outline's place (README has the figures). An
    /// item in its backdrop's colours stays as hard as before: nothing tells its pixels apart.
    /// `photolab segmentation` measures it, and with `--first-mask` the first mask alone.
    static func refined(_ initial: Mask, features f: [Float], departures r: [Float], rounds: Int = 3) -> Mask {
        let w = initial.width, h = initial.height, n = w * h
        guard initial.area > 0, initial.area < n else { return initial }
        // Contrast: neighbours whose colours differ by much are cheap to separate (the same every round).
        var links: [(p: Int, q: Int, difference: Float, length: Float)] = []
        links.reserveCapacity(neighbourOffsets.count * n)
        for y in 0..<h {
            for x in 0..<w {
                for (dx, dy) in neighbourOffsets where x + dx >= 0 && x + dx < w && y + dy < h {
                    let p = y * w + x, q = (y + dy) * w + x + dx
                    links.append((p, q, squaredDistance(f, p, q), dx != 0 && dy != 0 ? 1.4142 : 1))
                }
            }
        }
        let beta = 1 / (2 * max(1e-6, links.reduce(0) { $0 + $1.difference } / Float(max(1, links.count))))
        let linkCosts = links.map { smoothness / $0.length * expf(-beta * $0.difference) }
        var mask = initial
        for _ in 0..<rounds {
            // Both models learn from pixels clear of the outline, where blur mixes the two.
            var core = mask, near = mask
            for _ in 0..<2 { core = morph(core, erode: true) }
            for _ in 0..<3 { near = morph(near, erode: false) }
            var inside: [Int] = [], outside: [Int] = []
            for i in 0..<n {
                if core.inside[i] { inside.append(i) } else if !near.inside[i] { outside.append(i) }
            }
            guard inside.count >= 20, outside.count >= 20 else { return mask }
            let item = ColourModel(r, sample: inside), backdrop = ColourModel(r, sample: outside)
            var cut = GridCut(pixels: n, neighboursPerPixel: neighbourOffsets.count)
            for i in 0..<n {
                // A pixel leaves the first mask's label only when its colour argues for it by more than `bias`.
                let keep = initial.inside[i]
                cut.setLabelCosts(i, foreground: item.cost(r, i) + (keep ? 0 : bias), background: backdrop.cost(r, i) + (keep ? bias : 0))
            }
            for (link, cost) in zip(links, linkCosts) { cut.setNeighbourCost(link.p, link.q, cost) }
            let labels = cut.foreground()
            if labels == mask.inside { break }
            mask.inside = labels
        }
        return mask
    }

    /// Weight of keeping neighbours together against the colour models' costs (nats).
    static let smoothness: Float = 12
    /// Cost (nats) of giving a pixel the other label than the first mask gave it: a colour that fits
    /// both models about equally (a white stripe on a grey backdrop) stays where the first mask put it.
    static let bias: Float = 2
    /// Right, down-left, down and down-right: each neighbour pair of the 8-neighbourhood once.
    static let neighbourOffsets: [(Int, Int)] = [(1, 0), (-1, 1), (0, 1), (1, 1)]

    @inline(__always)
    static func squaredDistance(_ f: [Float], _ p: Int, _ q: Int) -> Float {
        let a = f[3 * p] - f[3 * q], b = f[3 * p + 1] - f[3 * q + 1], c = f[3 * p + 2] - f[3 * q + 2]
        return a * a + b * b + c * c
    }

    /// A mixture of a few Gaussians over three features, fitted by k-means and one set of moments per
    /// cluster; `cost` is the negative log likelihood.
    struct ColourModel {
        struct Component {
            var weight: Float
            var mean: (Float, Float, Float)
            /// Inverse covariance (symmetric: xx, xy, xz, yy, yz, zz) and log determinant of the covariance.
            var inverse: (Float, Float, Float, Float, Float, Float)
            var logDeterminant: Float
        }
        var components: [Component] = []

        init(_ f: [Float], sample: [Int], count k: Int = 8) {
            // At most 3,000 pixels, evenly spread, decide the clusters.
            let stride = max(1, sample.count / 3000)
            let points = Swift.stride(from: 0, to: sample.count, by: stride).map { sample[$0] }
            let (centres, _) = ObjectSegmentation.kMeans(f, points, k: k)
            let clusters = centres.count / 3
            var assign = [Int](repeating: 0, count: points.count)
            for (j, i) in points.enumerated() { assign[j] = ObjectSegmentation.nearestCentre(f, i, centres) }
            for c in 0..<clusters {
                var count: Float = 0, m0: Float = 0, m1: Float = 0, m2: Float = 0
                for (j, i) in points.enumerated() where assign[j] == c {
                    count += 1; m0 += f[3 * i]; m1 += f[3 * i + 1]; m2 += f[3 * i + 2]
                }
                guard count >= 3 else { continue }
                m0 /= count; m1 /= count; m2 /= count
                // Noise and JPEG keep every colour at least this uncertain.
                let floor: Float = 0.0004
                var xx = floor, xy: Float = 0, xz: Float = 0, yy = floor, yz: Float = 0, zz = floor
                for (j, i) in points.enumerated() where assign[j] == c {
                    let a = f[3 * i] - m0, b = f[3 * i + 1] - m1, d = f[3 * i + 2] - m2
                    xx += a * a / count; xy += a * b / count; xz += a * d / count
                    yy += b * b / count; yz += b * d / count; zz += d * d / count
                }
                let c00 = yy * zz - yz * yz, c01 = xz * yz - xy * zz, c02 = xy * yz - xz * yy
                let det = xx * c00 + xy * c01 + xz * c02
                guard det > 0 else { continue }
                let inverse = (c00 / det, c01 / det, c02 / det, (xx * zz - xz * xz) / det, (xy * xz - xx * yz) / det, (xx * yy - xy * xy) / det)
                components.append(Component(weight: count / Float(points.count), mean: (m0, m1, m2), inverse: inverse, logDeterminant: logf(det)))
            }
        }

        func cost(_ f: [Float], _ i: Int) -> Float {
            var likelihood: Float = 0
            for c in components {
                let a = f[3 * i] - c.mean.0, b = f[3 * i + 1] - c.mean.1, d = f[3 * i + 2] - c.mean.2
                let v = c.inverse
                let q = a * a * v.0 + b * b * v.3 + d * d * v.5 + 2 * (a * b * v.1 + a * d * v.2 + b * d * v.4)
                likelihood += c.weight * expf(-0.5 * min(q, 80) - 0.5 * c.logDeterminant)
            }
            // Some floor keeps one odd pixel from costing without bound.
            return min(40, -logf(max(likelihood, 1e-30)))
        }
    }
}
