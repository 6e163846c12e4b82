import Foundation

extension Fingerprint {
    /// Weights of each part of the distance; defaults were tuned on PhotoLab photos (`ops/bench-match` measures them).
    public struct Weights: Sendable {
        /// Colour histogram (Hellinger distance).
        public var colour: Float = 2.5
        /// Per-cell colour of the layout grid (axis-bound).
        public var layoutColour: Float = 1.0
        /// Per-cell occupancy of the layout grid: the outline (axis-bound).
        public var layoutOccupancy: Float = 0.1
        /// Radial profile of occupancy and colour (rotation-free).
        public var rings: Float = 1.75
        /// Gradient-orientation histogram (axis-bound; its Fourier magnitudes when the axis is unreliable).
        public var orientation: Float = 1.8
        /// Pattern contrast.
        public var contrast: Float = 0.05
        /// Pattern transition counts.
        public var frequency: Float = 0.05
        /// Aspect ratio and solidity.
        public var shape: Float = 0.75
        /// Overall exposure-dependent brightness.
        public var brightness: Float = 0.45
        /// Pattern power spectrum (axis-bound; its radial profile when the axis is unreliable).
        public var spectrum: Float = 1.75
        /// Hu moment invariants of the outline.
        public var moments: Float = 0.5

        /// The tuned defaults.
        public init() {}
    }

    /// Similarity at or above which two photos are considered to show the same design (or a glove pair)
    /// without looking at other candidates: chosen for about 1 % of queries meeting any false match on
    /// PhotoLab photos, it accepts only a minority of true pairs. Ranking candidates (best match, with a
    /// margin over the runner-up, as `MatchingRole` does) is the stronger decision: accepting at this
    /// threshold regardless of the runner-up adds false matches from near-miss designs (same colours,
    /// another pattern), so a ranking rule should not short-cut on it.
    public static let matchThreshold: Float = 0.15

    /// Dissimilarity (0 = identical, grows without bound); symmetric, and the same for a fingerprint and
    /// its mirror image because the axis-bound parts are compared under all four axis flips. Fingerprints
    /// of different versions are infinitely far apart. It leaves `relativeColour` out, as it was tuned
    /// before that part existed: v1 to v3 and pricing, which use it, measure as they always did.
    public func distance(to other: Fingerprint, weights: Weights = Weights()) -> Float {
        // A stored fingerprint of another layout version never matches; recompute it from the photo.
        // (The flip maps assume the layout's sizes, which a decoded fingerprint might not have.)
        guard version == other.version, colour.count == other.colour.count,
              [layout.count, other.layout.count].allSatisfy({ $0 == 4 * Self.layoutSide * Self.layoutSide }),
              [spectrum.count, other.spectrum.count].allSatisfy({ $0 == Self.spectrumBands * Self.spectrumSectors }),
              [orientation.count, other.orientation.count].allSatisfy({ $0 == Self.orientationBins })
        else { return .greatestFiniteMagnitude }
        var d = weights.colour * Self.euclidean(colour, other.colour)
        d += weights.rings * Self.meanAbsolute(rings, other.rings, lightWeight: 0.25)
        // Orientation and spectrum of a plain item describe noise and shading, so they count only when both
        // items clearly carry a pattern.
        let textured = max(0, min(1, (min(contrast, other.contrast) - 0.1) / 0.3))
        d += weights.contrast * abs(logf(contrast + 0.05) - logf(other.contrast + 0.05))
        d += weights.frequency * abs(logf(1 + frequencyU + frequencyV) - logf(1 + other.frequencyU + other.frequencyV))
        d += weights.shape * (abs(logAspect - other.logAspect) + abs(solidity - other.solidity))
        d += weights.moments * Self.l1(shapeMoments, other.shapeMoments)
        d += weights.brightness * abs(logBrightness - other.logBrightness)
        let orientationFree = textured * weights.orientation * Self.spectrumDistance(orientation, other.orientation)
            + textured * weights.spectrum * Self.euclidean(Self.radialProfile(spectrum), Self.radialProfile(other.spectrum))

        let confidence = min(axisConfidence, other.axisConfidence)
        var bestFlip = Float.greatestFiniteMagnitude
        // `other` under each axis flip, read through index maps rather than copied: this runs for every
        // candidate of every match.
        for maps in FlipMaps.all {
            var part = weights.layoutColour * Self.layoutColourDistance(layout, other.layout, cells: maps.cells)
            part += weights.layoutOccupancy * Self.layoutOccupancyDistance(layout, other.layout, cells: maps.cells)
            part += textured * weights.orientation * Self.shiftTolerantL1(orientation, other.orientation, bins: maps.orientation)
            part += textured * weights.spectrum * Self.euclidean(spectrum, other.spectrum, order: maps.spectrum)
            bestFlip = min(bestFlip, part)
        }
        d += confidence * bestFlip + (1 - confidence) * orientationFree
        return d
    }

    /// exp(-distance): 1 for identical fingerprints, towards 0 for unrelated ones.
    public func similarity(to other: Fingerprint) -> Float { expf(-distance(to: other)) }

    /// Whether `other` is similar enough to be reported as a match.
    public func matches(_ other: Fingerprint) -> Bool { similarity(to: other) >= Self.matchThreshold }

    static func euclidean(_ a: [Float], _ b: [Float]) -> Float {
        var s: Float = 0
        for i in a.indices { let d = a[i] - b[i]; s += d * d }
        return s.squareRoot()
    }

    /// Euclidean distance of `a` and `b` read in `order` (`b[order[i]]` against `a[i]`).
    static func euclidean(_ a: [Float], _ b: [Float], order: [Int]) -> Float {
        var s: Float = 0
        for i in a.indices { let d = a[i] - b[order[i]]; s += d * d }
        return s.squareRoot()
    }

    /// L1 distance of two circular histograms, allowing one bin of rotation either way: the item's axis
    /// comes from its outline, which shadows and clutter tilt by a few degrees. `b` is read through `bins`.
    static func shiftTolerantL1(_ a: [Float], _ b: [Float], bins: [Int]) -> Float {
        let n = a.count
        var best = Float.greatestFiniteMagnitude
        for shift in -1...1 {
            var s: Float = 0
            for i in 0..<n { s += abs(a[i] - b[bins[(i + shift + n) % n]]) }
            best = min(best, s)
        }
        return best
    }

    static func l1(_ a: [Float], _ b: [Float]) -> Float {
        var s: Float = 0
        for i in a.indices { s += abs(a[i] - b[i]) }
        return s
    }

    /// Mean absolute difference over groups of (occupancy, c1, c2, light).
    static func meanAbsolute(_ a: [Float], _ b: [Float], lightWeight: Float) -> Float {
        var s: Float = 0
        for k in 0..<(a.count / 4) {
            s += abs(a[4 * k] - b[4 * k]) + abs(a[4 * k + 1] - b[4 * k + 1]) + abs(a[4 * k + 2] - b[4 * k + 2])
                + lightWeight * abs(a[4 * k + 3] - b[4 * k + 3])
        }
        return s / Float(a.count / 4)
    }

    /// Colour difference of the cells both items cover; `b`'s cell `cells[k]` faces `a`'s cell `k`.
    static func layoutColourDistance(_ a: [Float], _ b: [Float], cells: [Int]) -> Float {
        var s: Float = 0, n: Float = 0
        for k in 0..<(a.count / 4) {
            let j = 4 * cells[k]
            let occ = min(a[4 * k], b[j])
            s += occ * (abs(a[4 * k + 1] - b[j + 1]) + abs(a[4 * k + 2] - b[j + 2]) + 0.5 * abs(a[4 * k + 3] - b[j + 3]))
            n += occ
        }
        return n > 0 ? s / n : 0
    }

    static func layoutOccupancyDistance(_ a: [Float], _ b: [Float], cells: [Int]) -> Float {
        var s: Float = 0
        for k in 0..<(a.count / 4) { s += abs(a[4 * k] - b[4 * cells[k]]) }
        return s / Float(a.count / 4)
    }

    /// Compares orientation histograms by the magnitudes of their circular Fourier coefficients, which
    /// do not change when the whole histogram rotates (the item's axis is unknown for round items).
    static func spectrumDistance(_ a: [Float], _ b: [Float]) -> Float {
        l1(harmonicMagnitudes(a), harmonicMagnitudes(b))
    }

    /// |F1|, |F2|, |F3| of an orientation histogram, times 2: unchanged when the histogram turns.
    static func harmonicMagnitudes(_ h: [Float]) -> [Float] {
        let n = h.count, table = FourierTable.orientation
        return (1...3).map { k in
            var re: Float = 0, im: Float = 0
            for i in 0..<n { re += h[i] * table.cos[(k - 1) * n + i]; im += h[i] * table.sin[(k - 1) * n + i] }
            return 2 * (re * re + im * im).squareRoot()
        }
    }
}

/// cos and sin of 2π·k·i/n for the first three harmonics of the orientation histogram.
private struct FourierTable {
    let cos: [Float], sin: [Float]
    static let orientation: FourierTable = {
        let n = Fingerprint.orientationBins
        let angles = (1...3).flatMap { k in (0..<n).map { i in 2 * Float.pi * Float(k * i) / Float(n) } }
        return FourierTable(cos: angles.map { cosf($0) }, sin: angles.map { sinf($0) })
    }()
}

/// Where each axis flip moves the layout cells, spectrum bins and orientation bins: `flipped(_:)` as
/// index maps, so that distances compare under every flip without copying.
struct FlipMaps: Sendable {
    let cells: [Int], spectrum: [Int], orientation: [Int]

    static let all: [FlipMaps] = AxisFlip.allCases.map(FlipMaps.init)

    init(_ flip: AxisFlip) {
        let side = Fingerprint.layoutSide
        let reverseU = flip == .flipU || flip == .both, reverseV = flip == .flipV || flip == .both
        cells = (0..<(side * side)).map { k in
            let i = k % side, j = k / side
            return (reverseV ? side - 1 - j : j) * side + (reverseU ? side - 1 - i : i)
        }
        let sectors = Fingerprint.spectrumSectors, n = Fingerprint.orientationBins
        let single = flip == .flipU || flip == .flipV
        spectrum = (0..<(Fingerprint.spectrumBands * sectors)).map { index in
            let b = index / sectors, k = index % sectors
            return single ? b * sectors + (sectors - k) % sectors : index
        }
        orientation = (0..<n).map { single ? (n - $0) % n : $0 }
    }
}
