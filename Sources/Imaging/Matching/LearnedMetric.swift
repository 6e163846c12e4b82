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
    public static var inputDimensions: Int { Fingerprint.featureCount }
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
        do { return try builtIn.get() }
        catch { fatalError("LearnedMetric+standard.swift is damaged or of another fingerprint layout (\(error)); run photolab train-metric again") }
    }()

    /// LearnedMetric+standard.swift read, or why it cannot be (`photolab train-metric` checks a new
    /// metric against it, and must run when the fingerprint's layout has outgrown it).
    public static let builtIn = Result { () throws(LearnedMetricError) in
        try LearnedMetric(encodedRows: standardRows, outputDimensions: standardDimensions, scale: standardScale)
    }

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

    /// The mean of a fingerprint's points under the four axis flips: one point that no flip changes,
    /// whose Euclidean distances follow the metric's own closely (an index can hash it).
    public func flipAveragedProjection(_ fingerprint: Fingerprint) -> [Float] {
        let flipped = flippedProjections(fingerprint)
        return (0..<outputDimensions).map { k in flipped.reduce(0) { $0 + $1[k] } / Float(flipped.count) }
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

extension LearnedMetric {
    /// The parts of `Fingerprint.featureVector`, by name, in order: what `distancesWithEachPartAgreeing`
    /// makes agree one at a time.
    public static var parts: [(name: String, values: Range<Int>)] {
        typealias Ranges = Fingerprint.FeatureRange
        let scalars = Fingerprint.FeatureRange.scalars
        return [
            ("colour histogram", Ranges.colour),
            ("colour histogram without the light's colour", Ranges.relativeColour),
            ("layout", Ranges.layout),
            ("rings", Ranges.layout.upperBound..<Ranges.orientation.lowerBound),
            ("orientation", Ranges.orientation),
            ("spectrum", Ranges.spectrum),
            ("contrast", scalars..<(scalars + 1)),
            ("transitions", (scalars + 1)..<(scalars + 3)),
            ("outline, brightness and axis", (scalars + 3)..<(scalars + 10)),
            ("orientation harmonics", (scalars + 10)..<inputDimensions),
        ]
    }

    /// For each of `parts`, the distance of `a` and `b` were that part the same in both photos (its
    /// values left out of both): which parts keep two photos apart. Parts are not independent (the
    /// map mixes them), so the drops need not add up to the distance.
    public func distancesWithEachPartAgreeing(_ a: Fingerprint, _ b: Fingerprint) -> [(part: String, distance: Float)] {
        guard a.hasCurrentLayout, b.hasCurrentLayout else { return Self.parts.map { ($0.name, .greatestFiniteMagnitude) } }
        let xa = a.featureVector, xb = b.featureVector
        return Self.parts.map { part in
            func without(_ x: [Float]) -> [Float] { x.indices.map { part.values.contains($0) ? 0 : x[$0] } }
            let flipped = Fingerprint.featureFlips.map { order in project(without(order.map { xa[$0] })) }
            return (part.name, distance(from: flipped, toPoint: project(without(xb))))
        }
    }
}

/// A learned metric that cannot be built or read.
public struct LearnedMetricError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Fingerprint {
    /// Length of `featureVector`: every packed value and the orientation histogram's three harmonic magnitudes.
    public static var featureCount: Int { packedFloatCount + 3 }

    /// Every value of the fingerprint in `packed()` order, with the pattern contrast and transition
    /// counts on a log scale (as `distance(to:)` compares them), then the orientation histogram's
    /// harmonic magnitudes: the input of `LearnedMetric`.
    ///
    /// The parts read along the item's axes (layout, orientation, spectrum, transitions along `u` and
    /// `v`) are blended toward values that do not depend on the axes, as far as the axis is unreliable
    /// (`1 - axisConfidence`): a nearly round item or a group of buttons has an axis that a few pixels
    /// of outline turn by any angle, so for them only what survives any turn is compared (layout cells
    /// averaged over their band of distance from the centre, spectrum sectors averaged per band,
    /// orientation flat with its harmonic magnitudes kept, one transition count).
    public var featureVector: [Float] {
        var x = packedValues
        let scalars = FeatureRange.scalars
        x[scalars] = logf(max(0, contrast) + 0.05)
        x[scalars + 1] = log1pf(max(0, frequencyU))
        x[scalars + 2] = log1pf(max(0, frequencyV))
        let axis = hasCurrentLayout ? max(0, min(1, axisConfidence.isFinite ? axisConfidence : 0)) : 1
        let magnitudes = Self.harmonicMagnitudes(Array(x[FeatureRange.orientation]))
        if axis < 1 {
            func blend(_ range: Range<Int>, toward invariant: (Int) -> Float) {
                let values = range.map(invariant)
                for (k, i) in range.enumerated() { x[i] = axis * x[i] + (1 - axis) * values[k] }
            }
            let layout = Array(x[FeatureRange.layout])
            blend(FeatureRange.layout) { i in
                let offset = i - FeatureRange.layout.lowerBound, cell = offset / 4, value = offset % 4
                let band = FeatureRange.layoutBands[cell]
                return band.reduce(0) { $0 + layout[4 * $1 + value] } / Float(band.count)
            }
            let spectrum = Array(x[FeatureRange.spectrum]), sectors = Self.spectrumSectors
            blend(FeatureRange.spectrum) { i in
                let band = (i - FeatureRange.spectrum.lowerBound) / sectors
                return spectrum[(band * sectors)..<((band + 1) * sectors)].reduce(0, +) / Float(sectors)
            }
            blend(FeatureRange.orientation) { _ in 1 / Float(Self.orientationBins) }
            let transitions = (x[scalars + 1] + x[scalars + 2]) / 2
            blend((scalars + 1)..<(scalars + 3)) { _ in transitions }
        }
        return x + magnitudes
    }

    /// Where the axis-bound parts sit in `featureVector`, and for each layout cell the cells of its band
    /// of distance from the centre.
    enum FeatureRange {
        static let colour = 0..<colourBinCount
        static let relativeColour = colour.upperBound..<(colour.upperBound + colourBinCount)
        static let layout = relativeColour.upperBound..<(relativeColour.upperBound + 4 * layoutSide * layoutSide)
        static let orientation = (layout.upperBound + 4 * ringCount)..<(layout.upperBound + 4 * ringCount + orientationBins)
        static let spectrum = orientation.upperBound..<(orientation.upperBound + spectrumBands * spectrumSectors)
        /// The first of the ten single values after the spectrum (contrast, the two transition counts,
        /// aspect, three moments, solidity, brightness, axis confidence).
        static var scalars: Int { packedFloatCount - 10 }
        static let layoutBands: [[Int]] = (0..<(layoutSide * layoutSide)).map { cell in
            let side = layoutSide
            // Three bands of distance from the centre (of six on a 6 × 6 grid): a turn of any angle
            // keeps a cell's content near its distance, not among the cells a quarter turn would name.
            func band(_ c: Int) -> Int {
                let a = 2 * (c % side) - (side - 1), b = 2 * (c / side) - (side - 1)
                return (a * a + b * b) * 3 / (2 * (side - 1) * (side - 1) + 1)
            }
            return (0..<(side * side)).filter { band($0) == band(cell) }
        }
    }

    /// Whether the parts have the sizes of the current layout version.
    var hasCurrentLayout: Bool {
        version == Self.currentVersion && colour.count == Self.colourBinCount && relativeColour.count == Self.colourBinCount
            && layout.count == 4 * Self.layoutSide * Self.layoutSide && rings.count == 4 * Self.ringCount
            && orientation.count == Self.orientationBins && spectrum.count == Self.spectrumBands * Self.spectrumSectors
            && shapeMoments.count == 3
    }

    /// For each axis flip, where each value of `featureVector` comes from (`FlipMaps` over the vector).
    public static let featureFlips: [[Int]] = FlipMaps.all.map { maps in
        let layoutStart = FeatureRange.layout.lowerBound, orientationStart = FeatureRange.orientation.lowerBound
        let spectrumStart = FeatureRange.spectrum.lowerBound
        var order = Array(0..<featureCount)
        for (cell, source) in maps.cells.enumerated() {
            for c in 0..<4 { order[layoutStart + 4 * cell + c] = layoutStart + 4 * source + c }
        }
        for (bin, source) in maps.orientation.enumerated() { order[orientationStart + bin] = orientationStart + source }
        for (bin, source) in maps.spectrum.enumerated() { order[spectrumStart + bin] = spectrumStart + source }
        return order
    }
}
