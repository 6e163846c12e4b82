extension Fingerprint {
    /// Bytes of `packed()` for the current layout version: one version byte and 590 Float32 values.
    public static var packedByteCount: Int { 1 + 4 * packedFloatCount }

    static var packedFloatCount: Int {
        2 * colourBinCount + layoutSide * layoutSide * 4 + ringCount * 4 + orientationBins
            + spectrumBands * spectrumSectors + 4 + 3 + 3
    }

    /// A compact binary form for storage (2,361 bytes in layout version 2, against about 9 KB of
    /// JSON): the layout version as one byte, then every part as little-endian IEEE-754 Float32, in
    /// this order: `colour`, `relativeColour`, `layout`, `rings`, `orientation`, `spectrum`,
    /// `contrast`, `frequencyU`, `frequencyV`, `logAspect`, `shapeMoments`, `solidity`,
    /// `logBrightness`, `axisConfidence`.
    ///
    /// The length depends only on the version, so a reader can check it before trusting the contents.
    public func packed() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.packedByteCount)
        out.append(UInt8(truncatingIfNeeded: version))
        for value in packedValues {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Reads the form written by `packed()`; the result equals the packed fingerprint exactly.
    ///
    /// Throws `FingerprintPackingError` when the version byte is not `currentVersion` (a fingerprint of
    /// another layout must be recomputed from its photo) or the length is not `packedByteCount`.
    public init(packed bytes: [UInt8]) throws(FingerprintPackingError) {
        guard let versionByte = bytes.first, Int(versionByte) == Self.currentVersion else {
            throw .unsupportedVersion(bytes.first.map(Int.init))
        }
        guard bytes.count == Self.packedByteCount else { throw .wrongLength(bytes.count, expected: Self.packedByteCount) }
        var cursor = 1
        func take(_ count: Int) -> [Float] {
            defer { cursor += 4 * count }
            return bytes.withUnsafeBytes { raw in
                [Float](unsafeUninitializedCapacity: count) { floats, initialized in
                    for k in 0..<count {
                        floats[k] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: cursor + 4 * k, as: UInt32.self)))
                    }
                    initialized = count
                }
            }
        }
        version = Int(versionByte)
        colour = take(Self.colourBinCount)
        relativeColour = take(Self.colourBinCount)
        layout = take(Self.layoutSide * Self.layoutSide * 4)
        rings = take(Self.ringCount * 4)
        orientation = take(Self.orientationBins)
        spectrum = take(Self.spectrumBands * Self.spectrumSectors)
        let scalars = take(4)
        (contrast, frequencyU, frequencyV, logAspect) = (scalars[0], scalars[1], scalars[2], scalars[3])
        shapeMoments = take(3)
        let tail = take(3)
        (solidity, logBrightness, axisConfidence) = (tail[0], tail[1], tail[2])
    }

    /// Every stored value in packing order (see `packed()`); arrays shorter or longer than the layout
    /// requires are padded with zeros or cut, so the packed length never varies within a version.
    var packedValues: [Float] {
        func fixed(_ values: [Float], _ count: Int) -> [Float] {
            Array(values.prefix(count)) + [Float](repeating: 0, count: max(0, count - values.count))
        }
        return fixed(colour, Self.colourBinCount) + fixed(relativeColour, Self.colourBinCount)
            + fixed(layout, Self.layoutSide * Self.layoutSide * 4)
            + fixed(rings, Self.ringCount * 4)
            + fixed(orientation, Self.orientationBins)
            + fixed(spectrum, Self.spectrumBands * Self.spectrumSectors)
            + [contrast, frequencyU, frequencyV, logAspect]
            + fixed(shapeMoments, 3)
            + [solidity, logBrightness, axisConfidence]
    }
}
