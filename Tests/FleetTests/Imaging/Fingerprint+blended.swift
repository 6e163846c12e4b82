import Imaging

extension Fingerprint {
    /// Every value moved the share `t` of the way toward `other`'s: a fingerprint at any distance
    /// between two photos', for tests that need one.
    func blended(toward other: Fingerprint, by t: Float) -> Fingerprint {
        func mix(_ a: [Float], _ b: [Float]) -> [Float] { zip(a, b).map { $0 + t * ($1 - $0) } }
        func mix(_ a: Float, _ b: Float) -> Float { a + t * (b - a) }
        var f = self
        (f.colour, f.relativeColour) = (mix(colour, other.colour), mix(relativeColour, other.relativeColour))
        (f.layout, f.rings, f.orientation) = (mix(layout, other.layout), mix(rings, other.rings), mix(orientation, other.orientation))
        (f.spectrum, f.shapeMoments) = (mix(spectrum, other.spectrum), mix(shapeMoments, other.shapeMoments))
        (f.contrast, f.frequencyU, f.frequencyV) = (mix(contrast, other.contrast), mix(frequencyU, other.frequencyU), mix(frequencyV, other.frequencyV))
        (f.logAspect, f.solidity) = (mix(logAspect, other.logAspect), mix(solidity, other.solidity))
        (f.logBrightness, f.axisConfidence) = (mix(logBrightness, other.logBrightness), mix(axisConfidence, other.axisConfidence))
        return f
    }
}
