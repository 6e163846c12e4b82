@testable import Imaging
import PhotoLab
import XCTest

/// The learned photo metric: what the matcher relies on (pairs closer than strangers, mirror images
/// alike, other layouts never close) and the linear algebra that trains it.
final class LearnedMetricTests: XCTestCase {
    typealias Shots = FingerprintTests

    func testPartnersAreCloserThanStrangersAndLookalikes() {
        let metric = LearnedMetric.standard
        XCTAssertEqual(metric.outputDimensions, 80)
        let striped = ItemDesign(id: 0, kind: .sock, pattern: Shots.stripes, shape: Shots.sockShape)
        let dotted = ItemDesign(id: 1, kind: .sock, pattern: Shots.dots, shape: Shots.sockShape)
        let a = Shots.fingerprint(striped, vary: false)
        let same = Shots.fingerprint(striped, vary: true), other = Shots.fingerprint(dotted, vary: true)
        XCTAssertLessThan(metric.distance(a, same), 0.6 * metric.distance(a, other),
                          "a pair must be clearly closer than stripes and dots in the same colours")
    }

    /// `photolab compare` names the parts that keep two photos apart: the parts cover every value of
    /// the metric's input once, and a difference in the colour histogram alone is gone when that
    /// part is made to agree, and nowhere else.
    func testEachPartMadeToAgreeRemovesItsOwnDifference() {
        let parts = LearnedMetric.parts.map(\.values)
        XCTAssertEqual(parts.first?.lowerBound, 0)
        XCTAssertEqual(parts.last?.upperBound, LearnedMetric.inputDimensions)
        XCTAssertTrue(zip(parts, parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty })
        let metric = LearnedMetric.standard
        let a = Shots.fingerprint(ItemDesign(id: 0, kind: .sock, pattern: Shots.stripes, shape: Shots.sockShape), vary: false)
        var recoloured = a
        recoloured.colour = a.colour.reversed()
        let full = metric.distance(a, recoloured)
        XCTAssertGreaterThan(full, 0.5)
        for (part, distance) in metric.distancesWithEachPartAgreeing(a, recoloured) {
            if part == "colour histogram" { XCTAssertEqual(distance, 0, accuracy: 1e-3) } else { XCTAssertGreaterThan(distance, 0.5 * full, part) }
        }
    }

    func testMirrorImagesAndFlipsAreAlike() {
        let metric = LearnedMetric.standard
        let glove = ItemDesign(id: 0, kind: .glove, pattern: Shots.dots, shape: .glove(fingerLength: 0.5, cuff: nil))
        let left = Shots.fingerprint(glove, vary: false), right = Shots.fingerprint(glove, mirrored: true, vary: true)
        XCTAssertEqual(metric.distance(left, left), 0, accuracy: 1e-3)
        XCTAssertEqual(metric.distance(left, right), metric.distance(left, right.mirrored()), accuracy: 1e-2 * metric.distance(left, right))
        XCTAssertEqual(metric.distance(left, right), metric.distance(right, left), accuracy: 1e-2 * metric.distance(left, right))
        // Projecting the query once gives what comparing the pair gives.
        XCTAssertEqual(metric.distance(from: metric.flippedProjections(left), to: right), metric.distance(left, right), accuracy: 1e-4)
    }

    /// A button set's axis is wherever a few pixels of outline put it: turning its layout, orientation
    /// histogram and spectrum in the frame must not move its features, while a sock's must move.
    func testFeaturesOfAnItemWithoutAnAxisIgnoreHowTheFrameTurned() {
        let striped = ItemDesign(id: 0, kind: .sock, pattern: Shots.stripes, shape: Shots.sockShape)
        var round = Shots.fingerprint(striped, vary: false)
        round.axisConfidence = 0   // as if it were round
        var turned = round
        // A quarter turn of the layout grid and the spectrum's sectors, a third of a turn of the orientations.
        let side = Fingerprint.layoutSide, sectors = Fingerprint.spectrumSectors, bins = Fingerprint.orientationBins
        turned.layout = (0..<(side * side)).flatMap { cell -> [Float] in
            let source = (side - 1 - cell % side) * side + cell / side
            return Array(round.layout[(4 * source)..<(4 * source + 4)])
        }
        turned.spectrum = round.spectrum.indices.map { round.spectrum[($0 / sectors) * sectors + ($0 % sectors + 2) % sectors] }
        turned.orientation = (0..<bins).map { round.orientation[($0 + bins / 3) % bins] }
        (turned.frequencyU, turned.frequencyV) = (round.frequencyV, round.frequencyU)
        XCTAssertNotEqual(turned.layout, round.layout)
        XCTAssertEqual(Fingerprint.featureCount, round.featureVector.count)
        for (a, b) in zip(round.featureVector, turned.featureVector) { XCTAssertEqual(a, b, accuracy: 1e-5) }

        var sock = round, turnedSock = turned
        sock.axisConfidence = 1; turnedSock.axisConfidence = 1
        XCTAssertGreaterThan(zip(sock.featureVector, turnedSock.featureVector).map { abs($0 - $1) }.reduce(0, +), 0.1)

        // Half-way, the blend still commutes with the axis flips: a mirrored photo is as far as the photo.
        var half = round, mirrored = round.mirrored()
        half.axisConfidence = 0.5; mirrored.axisConfidence = 0.5
        let metric = LearnedMetric.standard
        XCTAssertEqual(metric.distance(half, mirrored), 0, accuracy: 1e-3)
        XCTAssertEqual(metric.distance(from: metric.flippedProjections(half), to: mirrored), metric.distance(mirrored, half), accuracy: 1e-3)
    }

    func testAnotherLayoutVersionIsNeverClose() {
        let sock = ItemDesign(id: 0, kind: .sock, pattern: Shots.stripes, shape: Shots.sockShape)
        let a = Shots.fingerprint(sock, vary: false)
        var old = a
        old.version = 0
        XCTAssertEqual(LearnedMetric.standard.distance(a, old), .greatestFiniteMagnitude)
        XCTAssertEqual(LearnedMetric.standard.distance(old, a), .greatestFiniteMagnitude)
    }

    func testRowsSurviveTheirTextFormAndBadInputIsRefused() throws {
        let metric = LearnedMetric.standard
        let copy = try LearnedMetric(encodedRows: metric.encodedRows, outputDimensions: metric.outputDimensions, scale: metric.scale)
        XCTAssertEqual(copy.rows, metric.rows)
        XCTAssertThrowsError(try LearnedMetric(rows: [1, 2, 3], outputDimensions: 1, scale: 1))
        XCTAssertThrowsError(try LearnedMetric(encodedRows: "not base64!", outputDimensions: 1, scale: 1))
        XCTAssertThrowsError(try LearnedMetric(rows: metric.rows, outputDimensions: metric.outputDimensions, scale: 0))
    }

    func testLinearAlgebraOfTraining() throws {
        // A symmetric positive definite matrix with known factor and eigenvalues.
        let n = 4
        let q = [1.0, 1, 1, 1, 1, -1, 1, -1, 1, 1, -1, -1, 1, -1, -1, 1].map { $0 / 2 }   // orthonormal columns
        let eigenvalues = [9.0, 4, 2, 0.5]
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { m[i * n + j] += q[i * n + k] * eigenvalues[k] * q[j * n + k] } } }
        let (values, vectors) = LearnedMetric.jacobiEigen(m, n)
        XCTAssertEqual(values.sorted(by: >), eigenvalues, accuracy: 1e-9)
        for k in 0..<n {   // m·v = λ·v for each returned pair
            for i in 0..<n {
                let mv = (0..<n).reduce(0.0) { $0 + m[i * n + $1] * vectors[$1 * n + k] }
                XCTAssertEqual(mv, values[k] * vectors[i * n + k], accuracy: 1e-9)
            }
        }
        let l = try XCTUnwrap(LearnedMetric.cholesky(m, n))
        let b = [1.0, -2, 3, 0.5]
        let y = LearnedMetric.forwardSolve(l, n, b), x = LearnedMetric.backSolve(l, n, y)   // m·x = b
        for i in 0..<n { XCTAssertEqual((0..<n).reduce(0.0) { $0 + m[i * n + $1] * x[$1] }, b[i], accuracy: 1e-9) }
        XCTAssertNil(LearnedMetric.cholesky([1, 2, 2, 1], 2), "an indefinite matrix has no Cholesky factor")
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
