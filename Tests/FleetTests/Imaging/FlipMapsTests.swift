@testable import Imaging
import PhotoLab
import XCTest

/// The distance compares under axis flips through index maps instead of flipped copies; these
/// check the maps against the copying code they replaced, written out again here.
final class FlipMapsTests: XCTestCase {
    static let fingerprints: [Fingerprint] = DesignCatalogue.make(count: 4, seed: 8).flatMap { design in
        (0..<2).map { Fingerprint(image: Photographer.photograph(design, shot: $0, seed: 8).image) }
    }

    /// The former `flipped(_:)`: layout cells, spectrum sectors and orientation bins moved by copying.
    func referenceFlipped(_ f: Fingerprint, _ flip: AxisFlip) -> Fingerprint {
        if flip == .none { return f }
        let side = Fingerprint.layoutSide
        let reverseU = flip == .flipU || flip == .both, reverseV = flip == .flipV || flip == .both
        var out = f
        for j in 0..<side {
            for i in 0..<side {
                let si = reverseU ? side - 1 - i : i, sj = reverseV ? side - 1 - j : j
                for c in 0..<4 { out.layout[4 * (j * side + i) + c] = f.layout[4 * (sj * side + si) + c] }
            }
        }
        if flip != .both {
            let sectors = Fingerprint.spectrumSectors
            for b in 0..<Fingerprint.spectrumBands {
                for k in 0..<sectors { out.spectrum[b * sectors + k] = f.spectrum[b * sectors + (sectors - k) % sectors] }
            }
            let n = Fingerprint.orientationBins
            for b in 0..<n { out.orientation[b] = f.orientation[(n - b) % n] }
        }
        return out
    }

    func testFlippedMatchesTheCopyingCode() {
        for f in Self.fingerprints {
            for flip in AxisFlip.allCases {
                let expected = referenceFlipped(f, flip), actual = f.flipped(flip)
                XCTAssertEqual(actual.layout, expected.layout)
                XCTAssertEqual(actual.spectrum, expected.spectrum)
                XCTAssertEqual(actual.orientation, expected.orientation)
            }
        }
    }

    func testDistancePartsThroughMapsEqualThePartsOfFlippedCopies() {
        let identity = FlipMaps(.none)
        for a in Self.fingerprints {
            for b in Self.fingerprints {
                for flip in AxisFlip.allCases {
                    let maps = FlipMaps(flip), copy = referenceFlipped(b, flip)
                    XCTAssertEqual(Fingerprint.layoutColourDistance(a.layout, b.layout, cells: maps.cells),
                                   Fingerprint.layoutColourDistance(a.layout, copy.layout, cells: identity.cells))
                    XCTAssertEqual(Fingerprint.layoutOccupancyDistance(a.layout, b.layout, cells: maps.cells),
                                   Fingerprint.layoutOccupancyDistance(a.layout, copy.layout, cells: identity.cells))
                    XCTAssertEqual(Fingerprint.shiftTolerantL1(a.orientation, b.orientation, bins: maps.orientation),
                                   Fingerprint.shiftTolerantL1(a.orientation, copy.orientation, bins: identity.orientation))
                    XCTAssertEqual(Fingerprint.euclidean(a.spectrum, b.spectrum, order: maps.spectrum),
                                   Fingerprint.euclidean(a.spectrum, copy.spectrum))
                }
                // The harmonics from the table equal those from cos and sin computed on the spot.
                var reference: Float = 0
                let n = a.orientation.count
                for k in 1...3 {
                    var ar: Float = 0, ai: Float = 0, br: Float = 0, bi: Float = 0
                    for i in 0..<n {
                        let t = 2 * Float.pi * Float(k * i) / Float(n)
                        ar += a.orientation[i] * cosf(t); ai += a.orientation[i] * sinf(t)
                        br += b.orientation[i] * cosf(t); bi += b.orientation[i] * sinf(t)
                    }
                    reference += abs((ar * ar + ai * ai).squareRoot() - (br * br + bi * bi).squareRoot())
                }
                XCTAssertEqual(Fingerprint.spectrumDistance(a.orientation, b.orientation), 2 * reference, accuracy: 1e-6)
                // Mirror images stay equally far.
                XCTAssertEqual(a.distance(to: b), a.distance(to: b.mirrored()), accuracy: 1e-5)
            }
        }
    }
}
