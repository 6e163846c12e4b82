@testable import Imaging
import PhotoLab
import XCTest

/// The graph cut that refines a found item (GridCut), and what the refinement does to outlines.
final class SegmentationTests: XCTestCase {
    /// On small grids with random costs, the cut's labelling costs exactly the least any labelling costs
    /// (all 2^12 tried).
    func testTheCutIsTheCheapestLabelling() {
        var rng = SeededRandom(seed: 11)   // fixed, so that a failure can be run again
        let w = 4, h = 3, n = w * h
        for _ in 0..<200 {
            let fg = (0..<n).map { _ in Float.random(in: 0...5, using: &rng) }
            let bg = (0..<n).map { _ in Float.random(in: 0...5, using: &rng) }
            var pairs: [(Int, Int, Float)] = []
            for y in 0..<h {
                for x in 0..<w {
                    if x + 1 < w { pairs.append((y * w + x, y * w + x + 1, Float.random(in: 0...3, using: &rng))) }
                    if y + 1 < h { pairs.append((y * w + x, (y + 1) * w + x, Float.random(in: 0...3, using: &rng))) }
                }
            }
            func cost(_ labels: [Bool]) -> Float {
                var total: Float = 0
                for p in 0..<n { total += labels[p] ? fg[p] : bg[p] }
                for (p, q, c) in pairs where labels[p] != labels[q] { total += c }
                return total
            }
            var cut = GridCut(pixels: n, neighboursPerPixel: 2)
            for p in 0..<n { cut.setLabelCosts(p, foreground: fg[p], background: bg[p]) }
            for (p, q, c) in pairs { cut.setNeighbourCost(p, q, c) }
            let found = cost(cut.foreground())
            var best = Float.greatestFiniteMagnitude
            for bits in 0..<(1 << n) { best = min(best, cost((0..<n).map { bits >> $0 & 1 == 1 })) }
            XCTAssertEqual(found, best, accuracy: 1e-3)
        }
    }

    /// The refinement (which the fingerprint uses since the tenth session) finds outlines closer to the item's than
    /// the first mask does: over the photos of 20 designs, the median share of the item's area that
    /// the found item and the generator's outline disagree on. Measured on 966 photos, the mean over
    /// those within 10 % was 0.141 for the first mask and 0.075 refined (0.072 without the bias).
    func testTheRefinementFollowsTheItemCloser() {
        let seed: UInt64 = 2
        var first: [Double] = [], refined: [Double] = []
        for design in DesignCatalogue.make(count: 20, seed: seed) where [.sock, .glove, .buttonSet].contains(design.kind) {
            for shot in 0..<2 {
                let photo = Photographer.photograph(design, shot: shot, seed: seed).image
                for refine in [false, true] {
                    let mask = ObjectSegmentation.maskImage(for: photo, refine: refine)
                    let truth = Photographer.groundTruthMask(design, shot: shot, seed: seed, width: mask.width, height: mask.height)
                    let wrong = truth.indices.filter { (mask.pixels[$0] > 127) != truth[$0] }.count
                    let error = Double(wrong) / Double(max(1, truth.filter { $0 }.count))
                    if refine { refined.append(error) } else { first.append(error) }
                }
            }
        }
        XCTAssertGreaterThan(first.count, 20)
        let medianFirst = first.sorted()[first.count / 2], medianRefined = refined.sorted()[refined.count / 2]
        XCTAssertLessThan(medianRefined, 0.75 * medianFirst, "median share wrongly labelled, refined against the first mask")
    }

    /// A grey sock on a grey cloth: the item departs from its smooth backdrop by less than the
    /// minimum contrast. The threshold is lowered until it is found where it lies, instead of the
    /// centred ellipse assumed when nothing is found (the item here is off centre, so the two differ).
    func testAnItemOfLowContrastIsFoundWhereItLies() {
        let photo = SyntheticPhoto { x, y in (x > 64 && x < 160 && y > 80 && y < 180 ? 124 : 150) + Double(x) / 320 * 6 }
        XCTAssertGreaterThan(photo.overlapOfFoundItem(), 0.8, "overlap of the found item with the true one")
    }

    /// A darker sock on a checked cloth: its two tones depart from a smooth backdrop by more than the
    /// sock does, so the threshold cannot be lowered past them; once they count as backdrop too it
    /// can, and the sock is found where it lies (with the checks taken for the item, or the centred
    /// ellipse, the overlap is far lower).
    func testAFaintItemOnACheckedClothIsFound() {
        let photo = SyntheticPhoto { x, y in
            x > 64 && x < 160 && y > 80 && y < 180 ? 120 : ((x / 16 + y / 16) % 2 == 0 ? 145 : 175)
        }
        XCTAssertGreaterThan(photo.overlapOfFoundItem(), 0.8, "overlap of the found item with the true one")
    }

    /// A faint sock in the middle and a dark box near a corner: at the minimum contrast only the box
    /// stands out. Far off the centre, it is taken for clutter and the threshold is lowered until the
    /// sock is found.
    func testAFaintItemBesideClutterThatStandsOutIsFound() {
        let photo = SyntheticPhoto(item: { x, y in x > 110 && x < 210 && y > 70 && y < 170 }) { x, y in
            if x > 110 && x < 210 && y > 70 && y < 170 { return 132 }
            return x > 250 && x < 290 && y > 20 && y < 55 ? 40 : 150
        }
        XCTAssertGreaterThan(photo.overlapOfFoundItem(), 0.8, "overlap of the found item with the true one")
    }

    /// A dark sock near the left edge, far off the centre, on a backdrop lit a little brighter in the
    /// middle: lowering the threshold in search of a fainter item nearer the centre finds only that
    /// soft patch of light, whose edge does not stand out from the backdrop's noise, and the sock stands.
    func testAnItemFarOffTheCentreStaysFound() {
        let photo = SyntheticPhoto(item: { x, y in x > 12 && x < 90 && y > 90 && y < 160 }) { x, y in
            if x > 12 && x < 90 && y > 90 && y < 160 { return 90 }
            let r2 = Double((x - 160) * (x - 160) + (y - 120) * (y - 120))
            return 150 * (1 + 0.12 * exp(-r2 / (2 * 45 * 45)))
        }
        XCTAssertGreaterThan(photo.overlapOfFoundItem(), 0.8, "overlap of the found item with the true one")
    }

    /// A faint item in the middle and a larger dark box beside it, far enough off the centre to be
    /// taken for clutter: at a lowered threshold both stand out, and the box, three times the item's
    /// size, would be chosen again. It is left out of the lowered search, and the item is found.
    func testClutterFoundFarOffTheCentreIsLeftOutOfTheLoweredSearch() {
        let item = { (x: Int, y: Int) in x > 140 && x < 180 && y > 100 && y < 140 }
        let photo = SyntheticPhoto(item: item) { x, y in
            if item(x, y) { return 135 }
            return x > 197 && x < 267 && y > 90 && y < 150 ? 40 : 150
        }
        XCTAssertGreaterThan(photo.overlapOfFoundItem(), 0.8, "overlap of the found item with the true one")
    }

    /// A glove in a grey a little darker than its cloth's, with a black cuff: at the minimum contrast
    /// only the cuff stands out, a fifth of the glove and near the centre, so the threshold is not
    /// lowered. The mask grows from the cuff into the rest of the glove, whose edge stands out from
    /// the cloth's noise.
    func testAnItemsPartsNearTheBackdropsColourAreTakenIn() {
        let glove = { (x: Int, y: Int) in x > 110 && x < 210 && y > 60 && y < 180 }
        let photo = SyntheticPhoto(item: glove) { x, y in
            guard glove(x, y) else { return 150 }
            return y > 156 ? 40 : 134
        }
        XCTAssertGreaterThan(photo.overlapOfFoundItem(), 0.8, "overlap of the found glove with the true one")
    }

    /// A dark box beside a soft patch of brighter light that departs from the backdrop's plane by
    /// more than its noise and touches the box: the mask does not grow into the patch, whose edge
    /// fades without standing out.
    func testTheMaskDoesNotGrowIntoASwellOfLight() {
        let box = { (x: Int, y: Int) in x > 110 && x < 160 && y > 95 && y < 145 }
        let photo = SyntheticPhoto(item: box) { x, y in
            if box(x, y) { return 60 }
            let r2 = Double((x - 200) * (x - 200) + (y - 120) * (y - 120))
            return 150 * (1 + 0.15 * exp(-r2 / (2 * 40 * 40)))
        }
        XCTAssertGreaterThan(photo.overlapOfFoundItem(), 0.8, "overlap of the found box with the true one")
    }

    /// A dark glove whose fingers lie one working pixel apart (two pixels of this photo): the working
    /// copy's smoothing mixes the line of cloth between them with the fingers, and the graph cut took
    /// it (all 72 pixels checked here: a mitten). In the copy before smoothing the line is still the
    /// cloth's, and the last round on that copy leaves it out.
    func testTheClothBetweenAGlovesFingersIsLeftOut() {
        let finger = { (x: Int) in (x - 120) % 20 < 18 }
        let glove = { (x: Int, y: Int) in x >= 120 && x < 200 && (y >= 110 && y < 190 || y >= 50 && y < 110 && finger(x)) }
        let photo = SyntheticPhoto(item: glove) { x, y in glove(x, y) ? 70 : 150 }
        let between = stride(from: 56, to: 104, by: 2).flatMap { y in [138, 158, 178].map { (x: $0, y: y) } }
        let taken = between.filter { photo.isFound(x: $0.x, y: $0.y) }.count
        XCTAssertLessThan(taken, between.count / 4, "pixels of cloth between the fingers taken for the glove, of \(between.count)")
        XCTAssertGreaterThan(photo.overlapOfFoundItem(), 0.9, "overlap of the found glove with the true one")
    }

    /// Five dark buttons: three near the centre, two farther out than satellites reach (0.86 of half
    /// the shorter side), and a paler disc of their size as far out. The two far buttons are kept for
    /// looking like the set; the disc of another shade stays out.
    func testTheFarPiecesOfASetAreKeptAndClutterIsNot() {
        let buttons = [(125, 105), (190, 105), (158, 150), (65, 80), (250, 170)], clutter = (90, 190)
        func within(_ centre: (Int, Int), _ x: Int, _ y: Int) -> Bool {
            (x - centre.0) * (x - centre.0) + (y - centre.1) * (y - centre.1) < 14 * 14
        }
        let photo = SyntheticPhoto(item: { x, y in buttons.contains { within($0, x, y) } }) { x, y in
            if buttons.contains(where: { within($0, x, y) }) { return 60 }
            return within(clutter, x, y) ? 110 : 150
        }
        XCTAssertGreaterThan(photo.overlapOfFoundItem(), 0.8, "overlap of the found buttons with the true ones")
        XCTAssertFalse(photo.isFound(x: clutter.0, y: clutter.1), "the paler disc is taken for a button")
    }
}

/// A grey 320 × 240 photo drawn by `shade` (grey level at x, y) with a little noise; `item` says where
/// the item lies (by default, where the first test's sock does).
private struct SyntheticPhoto {
    static let width = 320, height = 240
    let image: DecodedImage
    let truth: [Bool]
    /// What `ObjectSegmentation` takes for the item (white), at working size.
    let found: DecodedImage

    init(item: (Int, Int) -> Bool = { x, y in x > 64 && x < 160 && y > 80 && y < 180 }, shade: (Int, Int) -> Double) {
        let w = Self.width, h = Self.height
        var truth = [Bool](repeating: false, count: w * h), pixels = [UInt8](repeating: 0, count: w * h * 3)
        var noise: UInt64 = 12345
        for y in 0..<h {
            for x in 0..<w {
                noise = noise &* 6364136223846793005 &+ 1442695040888963407
                truth[y * w + x] = item(x, y)
                let value = shade(x, y) + Double(noise >> 62) - 1.5
                for c in 0..<3 { pixels[(y * w + x) * 3 + c] = UInt8(value) }
            }
        }
        image = DecodedImage(width: w, height: h, layout: .rgb, pixels: pixels)
        self.truth = truth
        found = ObjectSegmentation.maskImage(for: image)
    }

    /// Whether `ObjectSegmentation` takes the photo's pixel (x, y) for the item.
    func isFound(x: Int, y: Int) -> Bool {
        found.pixels[(y * found.height / Self.height) * found.width + x * found.width / Self.width] > 127
    }

    /// Intersection over union of the item `ObjectSegmentation` finds with the true one.
    func overlapOfFoundItem() -> Double {
        var both = 0, either = 0
        for y in 0..<found.height {
            for x in 0..<found.width {
                let taken = found.pixels[y * found.width + x] > 127
                let item = truth[(y * Self.height / found.height) * Self.width + x * Self.width / found.width]
                if taken && item { both += 1 }
                if taken || item { either += 1 }
            }
        }
        return Double(both) / Double(max(1, either))
    }
}
