import Foundation

extension Fingerprint {
    /// The locality-sensitive codes of this fingerprint under `scheme` (by default `BucketScheme.current`),
    /// one per tree; see `BucketCode`.
    public func bucketCodes(scheme: BucketScheme = .current) -> [BucketCode] {
        hashes(scheme: scheme).enumerated().map { tree, values in
            let symbols = values.map { Character(UnicodeScalar(UInt8(48 + max(0, min(63, $0 + 32))))) }
            return BucketCode(tree: "v\(version)s\(scheme.tag)t\(tree)", symbols: String(symbols))
        }
    }

    /// The quantised projections of the embedding, `hashesPerBand` per tree.
    func hashes(scheme: BucketScheme) -> [[Int]] {
        let x: [Float]
        switch scheme.embedding {
        case .features: x = bucketEmbedding()
        case .learned: x = LearnedMetric.standard.flipAveragedProjection(self)
        }
        let projections = switch scheme {
        case .forest: Self.forestProjections
        case .learnedForest: Self.learnedForestProjections
        default: Self.makeProjections(count: scheme.bands * scheme.hashesPerBand, dimensions: x.count)
        }
        return x.withUnsafeBufferPointer { x in
            (0..<scheme.bands).map { band in
                (0..<scheme.hashesPerBand).map { hIndex in
                    let p = projections[band * scheme.hashesPerBand + hIndex]
                    // In index order, one term at a time: a code must not change with how the sum is grouped.
                    let dot = p.direction.withUnsafeBufferPointer { direction in
                        var dot: Float = 0
                        for i in 0..<min(x.count, direction.count) { dot += direction[i] * x[i] }
                        return dot
                    }
                    return Int((dot / scheme.width + p.offset).rounded(.down))
                }
            }
        }
    }

    /// Seed of the projection stream: codes must never change between processes or releases.
    static let projectionSeed: UInt64 = 0x5EED_50C4_3A7C_0001

    /// The vector hashed into codes: colour histogram, the rotation-free pattern spectrum and the
    /// outline's moment invariants, scaled to their weight in `distance(to:)`; none depends on the item's
    /// axes or handedness, so a left glove and a right glove hash alike.
    func bucketEmbedding() -> [Float] {
        colour + Self.radialProfile(spectrum).map { 0.5 * $0 } + shapeMoments.map { 0.15 * $0 } + [0.3 * logf(contrast + 0.1)]
    }

    static let bucketEmbeddingCount = chromaBins * chromaBins * lightnessBins + spectrumBands + 3 + 1

    struct Projection { let direction: [Float]; let offset: Float }

    private static let forestProjections = makeProjections(count: BucketScheme.forest.bands * BucketScheme.forest.hashesPerBand, dimensions: bucketEmbeddingCount)
    private static let learnedForestProjections = makeProjections(count: BucketScheme.learnedForest.bands * BucketScheme.learnedForest.hashesPerBand,
                                                                  dimensions: LearnedMetric.standard.outputDimensions)

    /// The first `count` projections of a fixed stream: Gaussian directions and uniform offsets from a
    /// fixed seed (SplitMix64 + Box–Muller), so that codes never change between processes, and a scheme
    /// with fewer projections of as many dimensions uses a prefix of a larger one's.
    private static func makeProjections(count: Int, dimensions dims: Int) -> [Projection] {
        var state = projectionSeed
        func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Float((z ^ (z >> 31)) >> 40) / Float(1 << 24)
        }
        return (0..<count).map { _ in
            let direction = (0..<dims).map { _ in (-2 * logf(max(next(), 1e-7))).squareRoot() * cosf(2 * .pi * next()) }
            return Projection(direction: direction, offset: next())
        }
    }
}
