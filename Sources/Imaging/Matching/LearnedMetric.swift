import Foundation

/// A distance between fingerprints learned from pairs of photos of the same things: a linear map of
/// every fingerprint value (`Fingerprint.featureVector`) into a smaller space where differences between
/// two photos of one design are small and differences between designs are large (Fisher's linear
/// discriminant), compared there by Euclidean distance under the best of the four axis flips.
///
/// The hand-weighted `Fingerprint.distance(to:)` adds a dozen part distances; this metric weighs every
/// value and every combination of values by how much it varies between photos of one thing (light,
/// pose, backdrop, segmentation) against how much it varies between things. Distances are divided by
/// `scale`, so that they are on the scale of `Fingerprint.distance(to:)` (same median for true pairs).
/// `LearnedMetric.standard` is the one the matcher uses; `photolab train-metric` makes it.
public struct LearnedMetric: Sendable {
    /// Length of `Fingerprint.featureVector`.
    public static var inputDimensions: Int { Fingerprint.packedFloatCount }
    /// Dimensions of the learned space.
    public let outputDimensions: Int
    /// The map, `outputDimensions` rows of `inputDimensions` values, row-major.
    public let rows: [Float]
    /// The same rows in lanes of eight, each row zero-padded to `lanesPerRow` lanes (the projection
    /// runs for every candidate of every match).
    private let lanes: [SIMD8<Float>]
    private static var lanesPerRow: Int { (inputDimensions + 7) / 8 }
    /// Divisor of raw distances (see the type's summary).
    public let scale: Float

    /// A metric from its map (`outputDimensions` × `inputDimensions` values, row-major) and scale.
    public init(rows: [Float], outputDimensions: Int, scale: Float) throws(LearnedMetricError) {
        let n = Self.inputDimensions
        guard outputDimensions > 0, rows.count == outputDimensions * n else {
            throw LearnedMetricError("a metric of \(outputDimensions) dimensions needs \(outputDimensions * n) values, not \(rows.count)")
        }
        guard scale > 0, scale.isFinite, rows.allSatisfy(\.isFinite) else {
            throw LearnedMetricError("the metric has a value that is not finite or a scale that is not positive")
        }
        self.rows = rows
        self.outputDimensions = outputDimensions
        self.scale = scale
        lanes = (0..<outputDimensions).flatMap { row in Self.inLanes(rows[(row * n)..<((row + 1) * n)].map { $0 / scale }) }
    }

    private static func inLanes<C: Collection<Float>>(_ values: C) -> [SIMD8<Float>] {
        var out = [SIMD8<Float>](repeating: .zero, count: lanesPerRow)
        for (i, value) in values.enumerated() { out[i / 8][i % 8] = value }
        return out
    }

    /// The metric the matcher uses, learned by `photolab train-metric` (LearnedMetric+standard.swift).
    public static let standard: LearnedMetric = {
        do { return try LearnedMetric(encodedRows: standardRows, outputDimensions: standardDimensions, scale: standardScale) }
        catch { fatalError("LearnedMetric+standard.swift is damaged (\(error)); run photolab train-metric again") }
    }()

    /// The rows as base64 of little-endian Float32 values (the form `photolab train-metric` writes).
    public var encodedRows: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 * rows.count)
        for value in rows { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }

    /// A metric from `encodedRows`.
    public init(encodedRows: String, outputDimensions: Int, scale: Float) throws(LearnedMetricError) {
        guard let data = Data(base64Encoded: encodedRows), data.count % 4 == 0 else { throw LearnedMetricError("the rows are not base64 of Float32 values") }
        let bytes = [UInt8](data)
        let values = stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
        try self.init(rows: values, outputDimensions: outputDimensions, scale: scale)
    }

    /// The point of a fingerprint in the learned space (divided by `scale`).
    public func project(_ fingerprint: Fingerprint) -> [Float] {
        project(fingerprint.featureVector)
    }

    func project(_ x: [Float]) -> [Float] {
        let input = Self.inLanes(x), width = Self.lanesPerRow
        return lanes.withUnsafeBufferPointer { w in
            input.withUnsafeBufferPointer { v in
                (0..<outputDimensions).map { row in
                    var sum = SIMD8<Float>.zero
                    let base = row * width
                    for i in 0..<width { sum += w[base + i] * v[i] }
                    return sum.sum()
                }
            }
        }
    }

    /// The points of a fingerprint under each axis flip, for comparing one photo with many: the
    /// distance to another photo is the smallest of `distance(from:to:)` over these.
    public func flippedProjections(_ fingerprint: Fingerprint) -> [[Float]] {
        let x = fingerprint.featureVector
        return Fingerprint.featureFlips.map { order in project(order.map { x[$0] }) }
    }

    /// The distance of `other` from a photo given by its `flippedProjections`: 0 for identical photos,
    /// infinite for fingerprints of another layout version.
    public func distance(from flipped: [[Float]], to other: Fingerprint) -> Float {
        guard other.hasCurrentLayout else { return .greatestFiniteMagnitude }
        return distance(from: flipped, toPoint: project(other))
    }

    /// The distance between a photo given by its `flippedProjections` and one already projected
    /// (`project(_:)`), for scans that project every photo once.
    public func distance(from flipped: [[Float]], toPoint point: [Float]) -> Float {
        var best = Float.greatestFiniteMagnitude
        for candidate in flipped {
            var sum: Float = 0
            for k in 0..<outputDimensions { let d = candidate[k] - point[k]; sum += d * d }
            best = min(best, sum)
        }
        return best.squareRoot()
    }

    /// The distance of two fingerprints (symmetric, the same for a photo and its mirror image).
    public func distance(_ a: Fingerprint, _ b: Fingerprint) -> Float {
        guard a.hasCurrentLayout else { return .greatestFiniteMagnitude }
        return distance(from: flippedProjections(a), to: b)
    }
}

/// A learned metric that cannot be built or read.
public struct LearnedMetricError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Fingerprint {
    /// Every value of the fingerprint in `packed()` order, with the pattern contrast and transition
    /// counts on a log scale (as `distance(to:)` compares them): the input of `LearnedMetric`.
    public var featureVector: [Float] {
        var x = packedValues
        let scalars = Self.packedFloatCount - 10
        x[scalars] = logf(max(0, contrast) + 0.05)
        x[scalars + 1] = log1pf(max(0, frequencyU))
        x[scalars + 2] = log1pf(max(0, frequencyV))
        return x
    }

    /// Whether the parts have the sizes of the current layout version.
    var hasCurrentLayout: Bool {
        version == Self.currentVersion && colour.count == Self.chromaBins * Self.chromaBins * Self.lightnessBins
            && layout.count == 4 * Self.layoutSide * Self.layoutSide && rings.count == 4 * Self.ringCount
            && orientation.count == Self.orientationBins && spectrum.count == Self.spectrumBands * Self.spectrumSectors
            && shapeMoments.count == 3
    }

    /// For each axis flip, where each value of `featureVector` comes from (`FlipMaps` over the vector).
    public static let featureFlips: [[Int]] = FlipMaps.all.map { maps in
        let colourCount = chromaBins * chromaBins * lightnessBins
        let layoutStart = colourCount, ringsStart = layoutStart + 4 * layoutSide * layoutSide
        let orientationStart = ringsStart + 4 * ringCount, spectrumStart = orientationStart + orientationBins
        var order = Array(0..<packedFloatCount)
        for (cell, source) in maps.cells.enumerated() {
            for c in 0..<4 { order[layoutStart + 4 * cell + c] = layoutStart + 4 * source + c }
        }
        for (bin, source) in maps.orientation.enumerated() { order[orientationStart + bin] = orientationStart + source }
        for (bin, source) in maps.spectrum.enumerated() { order[spectrumStart + bin] = spectrumStart + source }
        return order
    }
}
