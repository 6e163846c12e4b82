import Foundation

/// A small deterministic random generator (SplitMix64) so that a seed always yields the same photos,
/// on every platform and toolchain; the helpers below avoid the standard library's unspecified
/// `random(in:using:)` algorithms for the same reason.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts a stream from `seed`.
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// Next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// Uniform integer in `range`.
    public mutating func integer(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Float) -> Bool { unit() < p }

    /// Standard normal sample (Box–Muller).
    public mutating func gaussian() -> Float {
        let u1 = max(unit(), 1e-7), u2 = unit()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[integer(0...(items.count - 1))] }

    /// A child stream whose values do not depend on how much of this stream is consumed later.
    public mutating func fork() -> SeededRandom { SeededRandom(seed: next()) }
}
