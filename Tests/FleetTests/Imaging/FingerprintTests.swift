import Imaging
import PhotoLab
import XCTest

/// Matching behaviour a user would notice: pairs match, mirrored gloves match, look-alikes do not.
final class FingerprintTests: XCTestCase {
    static let navy = Colour(byte: 28, 38, 92), white = Colour(byte: 236, 236, 230)
    static let stripes = Pattern.stripes(navy, white, period: 0.25, angle: 0, duty: 0.5)
    static let dots = Pattern.dots(navy, white, spacing: 0.22, radius: 0.06)
    static let sockShape = ItemShape.sock(leg: 1.1, foot: 0.9, cuff: nil, heelToe: nil)

    /// A realistic but fixed second shot: turned, smaller, darker, warmer, slightly blurred, recompressed.
    static func otherShot(_ v: inout ShotVariation) {
        v.rotation = 0.4
        v.scale = 0.62
        v.offsetX = 0.05
        v.gain = 0.8
        v.tint = Colour(1.05, 1, 0.93)
        v.gradientX = 0.15
        v.blur = 0.8
        v.noise = 0.015
        v.jpegQuality = 70
        v.background = .plain(Colour(byte: 200, 170, 130))
    }

    static func fingerprint(_ design: ItemDesign, mirrored: Bool = false, vary: Bool) -> Fingerprint {
        var v = ShotVariation.neutral
        if vary { otherShot(&v) }
        var rng = SeededRandom(seed: 7)
        let raw = Photographer.render(design, mirrored: mirrored, variation: v, rng: &rng)
        let decoded = try! ImageDecoder.decode(ImageEncoder.jpeg(raw, quality: v.jpegQuality))
        return Fingerprint(image: decoded)
    }

    func testSameDesignMatchesAcrossShots() {
        let sock = ItemDesign(id: 0, kind: .sock, pattern: Self.stripes, shape: Self.sockShape)
        let a = Self.fingerprint(sock, vary: false), b = Self.fingerprint(sock, vary: true)
        XCTAssertTrue(a.matches(b), "similarity \(a.similarity(to: b))")
        XCTAssertTrue(zip(a.bucketCodes(), b.bucketCodes()).contains { $0.symbols.prefix(11) == $1.symbols.prefix(11) }, "a true pair shares a code prefix")
    }

    func testNearMissInSameColoursIsRejected() {
        let striped = ItemDesign(id: 0, kind: .sock, pattern: Self.stripes, shape: Self.sockShape)
        let dotted = ItemDesign(id: 1, kind: .sock, pattern: Self.dots, shape: Self.sockShape)
        let a = Self.fingerprint(striped, vary: false)
        let same = Self.fingerprint(striped, vary: true), other = Self.fingerprint(dotted, vary: true)
        XCTAssertLessThan(a.distance(to: same), a.distance(to: other))
        XCTAssertFalse(a.matches(other), "stripes and dots in navy and white are different socks (similarity \(a.similarity(to: other)))")
    }

    func testLeftGloveMatchesRightGlove() {
        let red = Colour(byte: 196, 32, 38), grey = Colour(byte: 128, 128, 130)
        let glove = ItemDesign(id: 0, kind: .glove, pattern: .checks(red, grey, size: 0.2), shape: .glove(fingerLength: 0.5, cuff: white()))
        let otherGlove = ItemDesign(id: 1, kind: .glove, pattern: .stripes(red, grey, period: 0.2, angle: 0, duty: 0.5), shape: .glove(fingerLength: 0.5, cuff: white()))
        let left = Self.fingerprint(glove, vary: false)
        let right = Self.fingerprint(glove, mirrored: true, vary: true)
        let stranger = Self.fingerprint(otherGlove, mirrored: true, vary: true)
        XCTAssertLessThan(left.distance(to: right), left.distance(to: stranger))
        XCTAssertTrue(left.matches(right), "similarity \(left.similarity(to: right))")
    }

    func testTheLightsColourLeavesTheRelativeColoursAlone() {
        let sock = ItemDesign(id: 0, kind: .sock, pattern: Self.stripes, shape: Self.sockShape)
        func shot(tint: Colour) -> Fingerprint {
            var v = ShotVariation.neutral
            v.tint = tint
            var rng = SeededRandom(seed: 7)
            return Fingerprint(image: try! ImageDecoder.decode(ImageEncoder.png(Photographer.render(sock, mirrored: false, variation: v, rng: &rng))))
        }
        let neutral = shot(tint: Colour(1, 1, 1)), warm = shot(tint: Colour(1.1, 1, 0.88))
        func apart(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
        let colours = apart(neutral.colour, warm.colour), relative = apart(neutral.relativeColour, warm.relativeColour)
        XCTAssertGreaterThan(colours, 0.1, "a warmer light moves the colours")
        XCTAssertLessThan(relative, colours / 3, "but not how they stand to each other")
    }

    func testMirroredFingerprintIsEquivalent() {
        let glove = ItemDesign(id: 0, kind: .glove, pattern: Self.dots, shape: .glove(fingerLength: 0.5, cuff: nil))
        let a = Self.fingerprint(glove, vary: false), b = Self.fingerprint(glove, mirrored: true, vary: true)
        XCTAssertEqual(a.distance(to: b), a.distance(to: b.mirrored()), accuracy: 1e-4)
        XCTAssertEqual(a.mirrored().mirrored(), a)
        XCTAssertEqual(a.distance(to: a), 0, accuracy: 1e-5)
    }

    func testGeneratorAndFingerprintAreDeterministic() throws {
        let designs = DesignCatalogue.make(count: 6, seed: 99)
        XCTAssertEqual(designs, DesignCatalogue.make(count: 6, seed: 99))
        XCTAssertNotEqual(designs, DesignCatalogue.make(count: 6, seed: 100))
        let first = Photographer.photograph(designs[2], shot: 1, seed: 99)
        let again = Photographer.photograph(designs[2], shot: 1, seed: 99)
        XCTAssertEqual(first.jpeg, again.jpeg)
        let fp = Fingerprint(image: first.image)
        XCTAssertEqual(fp, Fingerprint(image: again.image))
        XCTAssertEqual(fp.bucketCodes(), Fingerprint(image: again.image).bucketCodes())
        let coded = try JSONDecoder().decode(Fingerprint.self, from: JSONEncoder().encode(fp))
        XCTAssertEqual(coded, fp)
    }

    func testTwinsShareKindPatternKindAndBothColours() {
        let navy = Colour(byte: 28, 38, 92), red = Colour(byte: 196, 32, 38), yellow = Colour(byte: 240, 200, 40)
        let sock = ItemShape.sock(leg: 1, foot: 0.9, cuff: nil, heelToe: nil)
        let designs = [
            ItemDesign(id: 0, kind: .sock, pattern: .stripes(navy, red, period: 0.2, angle: 0, duty: 0.5), shape: sock),
            // The same colours the other way round and another period: a twin of #0.
            ItemDesign(id: 1, kind: .sock, pattern: .stripes(red, navy, period: 0.3, angle: 0, duty: 0.4), shape: sock),
            ItemDesign(id: 2, kind: .sock, pattern: .dots(navy, red, spacing: 0.2, radius: 0.05), shape: sock),
            ItemDesign(id: 3, kind: .sock, pattern: .stripes(navy, yellow, period: 0.2, angle: 0, duty: 0.5), shape: sock),
            ItemDesign(id: 4, kind: .glove, pattern: .stripes(navy, red, period: 0.2, angle: 0, duty: 0.5),
                       shape: .glove(fingerLength: 0.5, cuff: nil)),
        ]
        XCTAssertEqual(DesignCatalogue.textileTwins(in: designs), [0: 1, 1: 1])
        // The catalogue redraws lookalikes while it can; thousands of designs exhaust the colour pairs.
        XCTAssertEqual(DesignCatalogue.textileTwins(in: DesignCatalogue.make(count: 500, seed: 1)), [:])
        let large = DesignCatalogue.make(count: 6000, seed: 1)
        let textiles = large.filter { $0.kind == .sock || $0.kind == .glove }.count
        XCTAssertGreaterThan(DesignCatalogue.textileTwins(in: large).count, textiles / 2)
    }

    func testNearDuplicatesAgreeInColoursStripesAndShape() {
        let navy = Colour(byte: 28, 38, 92), red = Colour(byte: 196, 32, 38), redder = Colour(byte: 200, 30, 36)
        let sock = ItemShape.sock(leg: 1, foot: 0.9, cuff: nil, heelToe: nil)
        func stripes(_ id: Int, _ second: Colour = red, period: Float, duty: Float = 0.5, shape: ItemShape = sock, kind: ItemKind = .sock) -> ItemDesign {
            ItemDesign(id: id, kind: kind, pattern: .stripes(navy, second, period: period, angle: 0, duty: duty), shape: shape)
        }
        let designs = [
            stripes(0, period: 0.2),
            // Within the tight tolerance of #0: a slightly other red, period 2.5 % longer, duty 0.02 more.
            stripes(1, redder, period: 0.205, duty: 0.52),
            // Period 7 % longer than #0's and 4.7 % longer than #1's: within the loose tolerance only.
            stripes(2, period: 0.215),
            // As #0 but with a cuff, a longer leg, or as a glove: other designs.
            stripes(3, period: 0.2, shape: .sock(leg: 1, foot: 0.9, cuff: navy, heelToe: nil)),
            stripes(4, period: 0.2, shape: .sock(leg: 1.1, foot: 0.9, cuff: nil, heelToe: nil)),
            stripes(5, period: 0.2, shape: .glove(fingerLength: 0.5, cuff: nil), kind: .glove),
        ]
        XCTAssertEqual(DesignCatalogue.nearDuplicates(in: designs, within: .tight), [0, 1])
        XCTAssertEqual(DesignCatalogue.nearDuplicates(in: designs, within: .loose), [0, 1, 2])
        XCTAssertEqual(DesignCatalogue.nearDuplicates(in: DesignCatalogue.make(count: 1000, seed: 1), within: .loose), [])
    }

    func testFingerprintOfBlankOrTinyImageDoesNotCrash() {
        let blank = DecodedImage(width: 40, height: 30, layout: .rgb, pixels: [UInt8](repeating: 128, count: 40 * 30 * 3))
        let tiny = DecodedImage(width: 1, height: 1, layout: .grayscale, pixels: [7])
        XCTAssertEqual(Fingerprint(image: blank).colour.count, Fingerprint.chromaBins * Fingerprint.chromaBins * Fingerprint.lightnessBins)
        XCTAssertEqual(Fingerprint(image: blank).relativeColour.count, Fingerprint.colourBinCount)
        XCTAssertTrue(Fingerprint(image: blank).relativeColour.allSatisfy(\.isFinite))
        XCTAssertEqual(Fingerprint(image: tiny).layout.count, Fingerprint.layoutSide * Fingerprint.layoutSide * 4)
        XCTAssertTrue(Fingerprint(image: tiny).relativeColour.allSatisfy(\.isFinite))
        // One row, twice the working long side: the working copy is 160 × 1 and reads only that row.
        let thin = DecodedImage(width: 320, height: 1, layout: .rgb, pixels: [UInt8](repeating: 90, count: 320 * 3))
        XCTAssertTrue(Fingerprint.workingSize(of: thin) == (160, 1))
        XCTAssertEqual(Fingerprint(image: thin).colour.count, Fingerprint.chromaBins * Fingerprint.chromaBins * Fingerprint.lightnessBins)
        XCTAssertEqual(Fingerprint(image: thin).relativeColour.count, Fingerprint.colourBinCount)
    }

    /// A told outline replaces the segmentation: on a blank photo, where nothing can be found, a told
    /// 40 × 10 bar gives a fingerprint four times as long as wide; a mask of another size is refused.
    func testAToldOutlineIsTheItem() {
        let blank = DecodedImage(width: 100, height: 60, layout: .rgb, pixels: [UInt8](repeating: 128, count: 100 * 60 * 3))
        XCTAssertTrue(Fingerprint.workingSize(of: blank) == (100, 60))
        let bar = (0..<(100 * 60)).map { i in (30..<70).contains(i % 100) && (25..<35).contains(i / 100) }
        let told = Fingerprint(image: blank, itemMask: bar)
        XCTAssertEqual(told?.logAspect ?? 0, logf(4), accuracy: 0.15)
        XCTAssertLessThan(Fingerprint(image: blank).logAspect, 0.7, "found on a blank photo: the central ellipse")
        XCTAssertNil(Fingerprint(image: blank, itemMask: [Bool](repeating: true, count: 10)))
        XCTAssertNil(Fingerprint(image: blank, itemMask: [Bool](repeating: false, count: 100 * 60)))
        let large = DecodedImage(width: 640, height: 480, layout: .grayscale, pixels: [UInt8](repeating: 128, count: 640 * 480))
        XCTAssertTrue(Fingerprint.workingSize(of: large) == (160, 120))
    }

    /// The same scene taken by a camera with three quarters of the pixels along each side (240-300
    /// instead of 320-400), decoded as the uploads worker decodes it, keeps its fingerprint: the working
    /// copy has one long side whatever the photo's. (When it was the photo reduced by a whole factor,
    /// photos this much smaller moved a median of 0.79, on 3,306 designs as on these.)
    func testTheSameSceneAtAnotherResolutionKeepsItsFingerprint() throws {
        let designs = DesignCatalogue.make(count: 100, seed: 7).filter { [.sock, .glove, .buttonSet].contains($0.kind) }.prefix(12)
        let moved = try designs.map { design in
            let photos = [1, 0.75].map { Photographer.photograph(design, shot: 1, seed: 7, resolution: $0) }
            let images = try photos.map { try ImageDecoder.decode($0.jpeg, reducedFor: Fingerprint.workingLongSide) }
            XCTAssertLessThan(images[1].sourceWidth, images[0].sourceWidth)
            return LearnedMetric.standard.distance(Fingerprint(image: images[0]), Fingerprint(image: images[1]))
        }.sorted()
        XCTAssertLessThan(moved[moved.count / 2], 0.55, "median of \(moved)")
        XCTAssertLessThan(moved.last!, 2, "a photo moved as far as a true pair's median: \(moved)")
    }

    private func white() -> Colour { Self.white }
}
