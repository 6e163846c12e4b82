@testable import Imaging
import PhotoLab
import Testing

@Suite struct PhotoAlignmentTests {
    /// A pink-dotted white sock (design 11 of seed 2) and its near miss in the same colours with
    /// checks (design 207): the learned metric puts both within 0.02 of each other from the second
    /// photo of the sock; laid over it, the sock's own first photo agrees clearly better.
    @Test(arguments: [PhotoAlignment.Search.full, .shortlisted, .turning])
    func twoPhotosOfOneSockAgreeBetterThanTheSockAndItsNearMiss(search: PhotoAlignment.Search) throws {
        let designs = DesignCatalogue.make(count: 208, seed: 2)
        let sock = designs[11], nearMiss = designs[207]
        try #require(nearMiss.nearMissOf == sock.id && nearMiss.pattern.kindName != sock.pattern.kindName)
        func item(_ design: ItemDesign, shot: Int) -> AlignableItem {
            AlignableItem(image: Photographer.photograph(design, shot: shot, seed: 2).image)
        }
        let query = item(sock, shot: 1)
        let same = PhotoAlignment(query, item(sock, shot: 0), search: search), other = PhotoAlignment(query, item(nearMiss, shot: 0), search: search)
        #expect(same.patternCorrelation > other.patternCorrelation + 0.2, "\(same) \(other)")
        #expect(same.agreement > other.agreement + 0.2, "\(same) \(other)")
        #expect(same.overlap > 0.7)
    }

    /// A button set (design 130 of seed 1) has no clear axis: each photo's frame turns with how a few
    /// pixels of its outline fall, so the axis flips alone lay the two photos over each other badly.
    /// Tried at every turn in evenly scaled frames as well, they agree; the check keeps the better.
    @Test(arguments: [PhotoAlignment.Search.full, .shortlisted, .turning])
    func aButtonSetAgreesWithItsOtherPhotoAtAnyTurn(search: PhotoAlignment.Search) throws {
        let set = DesignCatalogue.make(count: 131, seed: 1)[130]
        try #require(set.kind == .buttonSet)
        let query = AlignableItem(image: Photographer.photograph(set, shot: 1, seed: 1).image)
        let filed = AlignableItem(image: Photographer.photograph(set, shot: 0, seed: 1).image)
        #expect(query.turnsFreely && filed.turnsFreely)
        let check = PhotoAlignment(query, filed, search: search)
        let flipsOnly = PhotoAlignment.aligned(query, filed, turns: (0..<4).map { ($0, 0) }, search: search)
        #expect(check.agreement > flipsOnly.agreement + 0.3, "\(check) \(flipsOnly)")
        #expect(check.agreement > 1, "\(check)")
    }

    /// A sock (design 88 of seed 2) whose two photos' canonical frames lie further apart than the
    /// coarse search corrects: laid over each other under the axis flips they hardly agree. Turned
    /// freely in evenly scaled frames as well (`Search.turning`, v18), they do, and clearly better
    /// than the next sock of the catalogue does under the same search.
    @Test func aSockWhoseFramesDisagreeLinesUpWhenTurned() throws {
        let designs = DesignCatalogue.make(count: 120, seed: 2)
        let sock = designs[88]
        let other = try #require(designs.dropFirst(89).first { $0.kind == .sock })
        try #require(sock.kind == .sock)
        func item(_ design: ItemDesign, shot: Int) -> AlignableItem {
            AlignableItem(image: Photographer.photograph(design, shot: shot, seed: 2).image)
        }
        let query = item(sock, shot: 1), filed = item(sock, shot: 0)
        #expect(!query.turnsFreely && !filed.turnsFreely)
        let flipsOnly = PhotoAlignment(query, filed, search: .shortlisted)
        let turned = PhotoAlignment(query, filed, search: .turning)
        let stranger = PhotoAlignment(query, item(other, shot: 0), search: .turning)
        #expect(flipsOnly.agreement < 0.8, "\(flipsOnly)")
        #expect(turned.agreement > flipsOnly.agreement + 0.5, "\(turned) against \(flipsOnly)")
        #expect(turned.agreement > stranger.agreement + 0.3, "\(turned) against \(stranger)")
    }

    /// Beside an item without a clear axis (a button set), the searches before v18 turn an item with
    /// one (a sock) in its canonical frame, as they always have; `.turning` turns it in its evenly
    /// scaled frame.
    @Test func anItemWithAnAxisIsTurnedInItsCanonicalFrameBesideOneWithout() throws {
        let designs = DesignCatalogue.make(count: 131, seed: 1)
        let set = designs[130]
        let sock = try #require(designs.first { $0.kind == .sock })
        let buttons = AlignableItem(image: Photographer.photograph(set, shot: 1, seed: 1).image)
        let socks = AlignableItem(image: Photographer.photograph(sock, shot: 0, seed: 1).image)
        try #require(buttons.turnsFreely && !socks.turnsFreely)
        let flips = (0..<4).map { (flip: $0, degrees: Float(0)) }
        for (search, frame) in [(PhotoAlignment.Search.shortlisted, socks), (.turning, socks.evenlyFramed)] {
            let even = buttons.evenlyFramed
            let flipped = PhotoAlignment.aligned(buttons, socks, turns: flips, search: search)
            let turned = PhotoAlignment.refined(even, frame, from: PhotoAlignment.placedAtBestTurns(even, frame, search: search).placement)
            #expect(PhotoAlignment(buttons, socks, search: search).agreement == max(flipped.agreement, turned.agreement), "\(search)")
        }
        #expect(socks.framedForTurning.map == socks.map && socks.evenlyFramed.map != socks.map)
    }

    /// A button set laid out anew (design 130 of seed 1, as another owner's set of the same buttons
    /// would lie) hardly coincides with its first photo laid over it whole. Compared button by
    /// button, it agrees clearly better, and better than another set of as many holes in other
    /// colours does; the look of a version that compares loose pieces (v15, discount 0.5) takes the
    /// piece look less its discount, the better of the two here.
    @Test func aButtonSetLaidOutAnewAgreesButtonByButton() throws {
        let designs = DesignCatalogue.make(count: 131, seed: 1)
        let set = designs[130]
        let facts = try #require(set.shape.buttonFacts)
        let other = try #require(designs.first { $0.kind == .buttonSet && $0.id != set.id && $0.shape.buttonFacts?.holes == facts.holes })
        let moved = try #require(set.laidOutAnew(seed: 7))
        let filed = AlignableItem(image: Photographer.photograph(set, shot: 0, seed: 1).image)
        let query = AlignableItem(image: Photographer.photograph(moved, shot: 1, seed: 1).image)
        let stranger = AlignableItem(image: Photographer.photograph(other, shot: 1, seed: 1).image)
        #expect(PhotoAlignment.pieces(of: filed).count == facts.count && PhotoAlignment.pieces(of: query).count == facts.count)
        let whole = PhotoAlignment(query, filed, search: .shortlisted)
        let pieces = try #require(PhotoAlignment(piecesOf: query, filed))
        let strangers = try #require(PhotoAlignment(piecesOf: stranger, filed))
        #expect(pieces.agreement > whole.agreement + 0.3, "\(pieces) against \(whole)")
        #expect(pieces.agreement > strangers.agreement + 0.2, "\(pieces) against \(strangers)")
        // v15's discount, 0.5: the piece look still wins for this set.
        let looked = PhotoAlignment(query, filed, search: .shortlisted, loosePieces: 0.5)
        #expect(pieces.agreement - 0.5 > whole.agreement)
        #expect(abs(looked.agreement - (pieces.agreement - 0.5)) < 1e-5)
    }

    /// Two buttons joined by a band as wide as half a button (a shadow between them, or the outline's
    /// gaps closed), which eroding the mask by 4 pixels would not part, are two pieces, each found
    /// at its centre with its radius; a speck beside them is no piece.
    @Test func touchingButtonsArePartedAtTheirCentres() throws {
        let (w, h) = (80, 44)
        func inDisc(_ x: Int, _ y: Int, _ cx: Int, _ cy: Int, _ r: Int) -> Bool { (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r }
        let inside = (0..<(w * h)).map { i -> Bool in
            let (x, y) = (i % w, i / w)
            return inDisc(x, y, 20, 22, 10) || inDisc(x, y, 43, 22, 10) || (x >= 20 && x <= 43 && abs(y - 22) <= 5) || inDisc(x, y, 70, 8, 3)
        }
        let mask = try #require(ObjectSegmentation.Mask(width: w, height: h, telling: inside))
        let discs = ObjectSegmentation.discs(in: mask).sorted { $0.x < $1.x }
        #expect(discs.count == 2, "\(discs)")
        for (disc, centre) in zip(discs, [(x: Float(20), y: Float(22)), (x: 43, y: 22)]) {
            #expect(abs(disc.x - centre.x) <= 1.5 && abs(disc.y - centre.y) <= 1.5 && abs(disc.radius - 10) <= 1.5, "\(disc)")
        }
    }

    /// The button sets among PhotoLab's first 130 designs of seed 1 (13 sets), each photographed as
    /// drawn and laid out anew: the look finds most sets' buttons one by one, and nearly every photo
    /// parts into two buttons or more. Eroding the mask (until the twenty-seventh session) found the
    /// true count in 17 of the 26 photos and left 4 whole; finding each button at a peak of the
    /// distance to the backdrop finds it in 22 and leaves 2 (of all 31 sets among the first 400
    /// designs: 43 and 9 of 62 photos against 51 and 4).
    @Test func mostButtonSetsArePartedIntoTheirButtons() throws {
        let sets = DesignCatalogue.make(count: 130, seed: 1).filter { $0.kind == .buttonSet }
        var exact = 0, whole = 0, photos = 0
        for set in sets {
            let facts = try #require(set.shape.buttonFacts)
            let moved = try #require(set.laidOutAnew(seed: 7))
            for (design, shot) in [(set, 0), (moved, 1)] {
                let found = PhotoAlignment.pieces(of: AlignableItem(image: Photographer.photograph(design, shot: shot, seed: 1).image)).count
                photos += 1
                if found == facts.count { exact += 1 }
                if found < 2 { whole += 1 }
            }
        }
        #expect(photos == 26)
        #expect(exact >= 21 && whole <= 2, "\(exact) of \(photos) photos parted into their true count, \(whole) not parted")
    }

    /// A glove and its mirror image (the other hand) coincide under one of the axis flips.
    @Test(arguments: [PhotoAlignment.Search.full, .shortlisted, .turning])
    func aGloveAgreesWithItsOtherHand(search: PhotoAlignment.Search) throws {
        let glove = try #require(DesignCatalogue.make(count: 40, seed: 5).first { $0.kind == .glove })
        let left = AlignableItem(image: Photographer.photograph(glove, shot: 0, seed: 5).image)
        let right = AlignableItem(image: Photographer.photograph(glove, shot: 1, seed: 5).image)
        let alignment = PhotoAlignment(left, right, search: search)
        #expect(alignment.overlap > 0.7 && alignment.patternCorrelation > 0.5, "\(alignment)")
    }

    /// The shortlisted search scores every coarse placement on a rough sample and only the best few
    /// on the finer one; for two photos of one design it finds nearly the agreement the full search
    /// finds, on the first six socks, gloves and button sets of seed 4.
    @Test func theShortlistedSearchFindsAboutWhatTheFullOneFinds() throws {
        let designs = DesignCatalogue.make(count: 30, seed: 4)
        var compared = 0, turnedToo = 0
        for design in designs where [.sock, .glove, .buttonSet].contains(design.kind) {
            let query = AlignableItem(image: Photographer.photograph(design, shot: 1, seed: 4).image)
            let filed = AlignableItem(image: Photographer.photograph(design, shot: 0, seed: 4).image)
            let full = PhotoAlignment(query, filed, search: .full), shortlisted = PhotoAlignment(query, filed, search: .shortlisted)
            #expect(abs(shortlisted.agreement - full.agreement) < 0.1, "design \(design.id) (\(design.kind)): \(shortlisted) against \(full)")
            // Turning as well (v18) keeps what the flips find, or finds better below `linedUp`.
            if !query.turnsFreely && !filed.turnsFreely {
                let turning = PhotoAlignment(query, filed, search: .turning)
                #expect(turning.agreement >= shortlisted.agreement, "design \(design.id): \(turning) against \(shortlisted)")
                if shortlisted.agreement >= PhotoAlignment.linedUp { #expect(turning.agreement == shortlisted.agreement) }
                turnedToo += 1
            }
            compared += 1
            if compared == 6 { break }
        }
        #expect(compared == 6 && turnedToo > 0)
    }

    /// A photo laid over another with the mask its upload kept (packed and read back) agrees exactly
    /// as when the item is found again; a mask that says otherwise is what is used, and one of
    /// another size than the photo's working copy is passed over.
    @Test(arguments: [PhotoAlignment.Search.full, .shortlisted, .turning])
    func theKeptMaskStandsInForFindingTheItemAgain(search: PhotoAlignment.Search) throws {
        let sock = try #require(DesignCatalogue.make(count: 20, seed: 2).first { $0.kind == .sock })
        let first = Photographer.photograph(sock, shot: 0, seed: 2).image, second = Photographer.photograph(sock, shot: 1, seed: 2).image
        let query = AlignableItem(image: second)
        let found = PhotoAlignment(query, AlignableItem(image: first), search: search)
        let packed = Fingerprint.measuring(first).mask.packed()
        let kept = PhotoAlignment(query, AlignableItem(image: first, mask: try ObjectSegmentation.Mask(packed: packed)), search: search)
        #expect(kept.agreement == found.agreement && kept.overlap == found.overlap)
        // The photo's top half of rows cleared from the mask (this sock lies across both halves): the
        // overlap falls (by 0.09 with the shortlisted search, which finds a placement making up for
        // some of it).
        var half = packed
        for i in 5..<(5 + (half.count - 5) / 2) { half[i] = 0 }
        let cut = PhotoAlignment(query, AlignableItem(image: first, mask: try ObjectSegmentation.Mask(packed: half)), search: search)
        #expect(cut.overlap < found.overlap - 0.05, "\(cut) \(found)")
        // The mask with its sides swapped is of another size than the photo's working copy: not used.
        let size = Fingerprint.workingSize(of: first)
        try #require(size.width != size.height)
        let swapped = Array(packed[0..<1] + packed[3..<5] + packed[1..<3] + packed[5...])
        #expect(PhotoAlignment(query, AlignableItem(image: first, mask: try ObjectSegmentation.Mask(packed: swapped)), search: search).agreement == found.agreement)
    }

    /// A mask's packed form: a method byte, the size, a bit per pixel; other methods, wrong lengths,
    /// empty input and masks of no item are refused with one sentence.
    @Test func masksSurviveTheirPackedFormAndBadBytesAreRefused() throws {
        let mask = Fingerprint.measuring(Photographer.photograph(DesignCatalogue.make(count: 1, seed: 2)[0], shot: 0, seed: 2).image).mask
        let packed = mask.packed()
        #expect(packed.count == 5 + (mask.width * mask.height + 7) / 8)
        #expect(try ObjectSegmentation.Mask(packed: packed) == mask)
        var older = packed
        older[0] &-= 1
        for bad in [[], older, Array(packed.dropLast()), packed + [0], Array(packed.prefix(3))] {
            #expect(throws: MaskPackingError.self) { try ObjectSegmentation.Mask(packed: bad) }
        }
        let refused = #expect(throws: MaskPackingError.self) { try ObjectSegmentation.Mask(packed: older) }
        #expect(refused?.message == "The packed mask was found by segmentation method \(older[0]); this library reads method \(ObjectSegmentation.Mask.currentMethod) only.")
        // Zeroed bytes of the right length (a file after a crash) mark no item: refused.
        #expect(throws: MaskPackingError.self) { try ObjectSegmentation.Mask(packed: Array(packed[0..<5]) + Array(repeating: 0, count: packed.count - 5)) }
    }

    /// v24 samples a copy of each photo at twice the working size. The copy's frame must be the
    /// working copy's carried over: the same photo at both sizes lines up with itself (a map left
    /// in working pixels would lay the item at half its size), and the sock of the first test
    /// still agrees with its own other photo clearly better than with its near miss.
    @Test func aFinerCopyLinesUpAsTheWorkingCopyDoes() throws {
        let designs = DesignCatalogue.make(count: 208, seed: 2)
        let sock = designs[11], nearMiss = designs[207]
        let photo = Photographer.photograph(sock, shot: 1, seed: 2).image
        let working = AlignableItem(image: photo), finer = AlignableItem(image: photo, detail: 2)
        #expect(finer.width == 2 * working.width && finer.height == 2 * working.height)
        let itself = PhotoAlignment(working, finer, search: .turning)
        #expect(itself.overlap > 0.95 && itself.patternCorrelation > 0.85, "\(itself)")
        func item(_ design: ItemDesign, shot: Int) -> AlignableItem {
            AlignableItem(image: Photographer.photograph(design, shot: shot, seed: 2).image, detail: 2)
        }
        let same = PhotoAlignment(finer, item(sock, shot: 0), search: .turning)
        let other = PhotoAlignment(finer, item(nearMiss, shot: 0), search: .turning)
        #expect(same.agreement > other.agreement + 0.2, "\(same) \(other)")
        #expect(same.overlap > 0.7)
    }

    /// A photo smaller than the finer copy (here a third of the usual photo's size, under the
    /// working size itself) is sampled as it is: the same pixels as the working copy's.
    @Test func aSmallPhotoIsSampledAsItIs() throws {
        let small = reduced(Photographer.photograph(DesignCatalogue.make(count: 12, seed: 2)[11], shot: 1, seed: 2).image, by: 3)
        try #require(max(small.width, small.height) < WorkingImage.longSide)
        let working = AlignableItem(image: small), finer = AlignableItem(image: small, detail: 2)
        #expect(finer.width == small.width && finer.height == small.height && finer.copyScale == 1)
        #expect(finer.planes == working.planes && finer.map == working.map)
    }

    /// A photo between the working size and twice it (three quarters of the usual photo's size) is
    /// also sampled as it is, each working pixel standing for its long side / 160 of its pixels:
    /// it still lines up with its own working copy.
    @Test func aPhotoUnderTwiceTheWorkingSizeLinesUpWithItsWorkingCopy() throws {
        let photo = reduced(Photographer.photograph(DesignCatalogue.make(count: 12, seed: 2)[11], shot: 1, seed: 2).image, by: 4.0 / 3)
        let long = max(photo.width, photo.height)
        try #require(long > WorkingImage.longSide && long < 2 * WorkingImage.longSide)
        let working = AlignableItem(image: photo), finer = AlignableItem(image: photo, detail: 2)
        #expect(finer.width == photo.width && finer.height == photo.height)
        #expect(abs(finer.copyScale - Float(long) / Float(WorkingImage.longSide)) < 1e-5)
        let itself = PhotoAlignment(working, finer, search: .turning)
        #expect(itself.overlap > 0.95 && itself.patternCorrelation > 0.85, "\(itself)")
    }

    /// A red sock-like bar with a darker cuff at one end, and the same bar plain: block by block
    /// the two agree nearly everywhere (plain blocks agree whatever their colours: measured 0.95
    /// against the bar's own other photo's 1.00), so mostly the lightness difference tells them
    /// apart in v23's look. Over the whole item at once the cuff falls where it falls in the bar's
    /// own other photo and nowhere in the plain bar's (measured 1.00 against 0.48).
    @Test func theWholeItemsCorrelationSeesACuffTheBlocksDoNot() throws {
        let cuffed = AlignableItem(image: bar(cuff: true, shift: 0)), again = AlignableItem(image: bar(cuff: true, shift: 3))
        let plain = AlignableItem(image: bar(cuff: false, shift: 0))
        let same = PhotoAlignment(cuffed, again, search: .turning), other = PhotoAlignment(cuffed, plain, search: .turning)
        #expect(same.itemCorrelation > 0.9, "\(same)")
        #expect(other.itemCorrelation < 0.6, "\(other)")
        #expect(other.patternCorrelation > 0.9 && other.overlap > 0.9, "\(other)")
        #expect(same.itemCorrelation - other.itemCorrelation > 5 * (same.patternCorrelation - other.patternCorrelation), "\(same) \(other)")
    }

    /// A 200 × 150 photo of a 120 × 40 red bar on grey, `shift` pixels right of the middle, with a
    /// fixed noise of a few levels (as a sensor's, the same every run), and with `cuff` its last
    /// quarter a darker red.
    private func bar(cuff: Bool, shift: Int) -> DecodedImage {
        let (w, h) = (200, 150)
        var pixels: [UInt8] = []
        for y in 0..<h {
            for x in 0..<w {
                let u = x - 40 - shift, inside = u >= 0 && u < 120 && y >= 55 && y < 95
                let colour: (Int, Int, Int) = !inside ? (150, 150, 145) : cuff && u >= 90 ? (110, 30, 35) : (210, 70, 75)
                for (k, c) in [colour.0, colour.1, colour.2].enumerated() {
                    let noise = (x * 7_919 + y * 104_729 + k * 31 + shift * 13) % 9 - 4
                    pixels.append(UInt8(max(0, min(255, c + noise))))
                }
            }
        }
        return DecodedImage(width: w, height: h, layout: .rgb, pixels: pixels)
    }

    /// `photo` made `factor` times smaller along each side, each pixel the nearest one's.
    private func reduced(_ photo: DecodedImage, by factor: Double) -> DecodedImage {
        let (w, h, channels) = (Int(Double(photo.width) / factor), Int(Double(photo.height) / factor), photo.layout.channels)
        let pixels = (0..<(w * h * channels)).map { k in
            let (i, c) = (k / channels, k % channels)
            let (x, y) = (min(photo.width - 1, Int(Double(i % w) * factor)), min(photo.height - 1, Int(Double(i / w) * factor)))
            return photo.pixels[(y * photo.width + x) * channels + c]
        }
        return DecodedImage(width: w, height: h, layout: photo.layout, pixels: pixels)
    }
}
