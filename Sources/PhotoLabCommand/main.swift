import FleetCommand
import Foundation
import Imaging
import PhotoLab
import Workers

let usage = """
    Usage: photolab demo-set DIR [--seed N]
           photolab segmentation [--designs N --seed N | --photos DIR] [--worst K] [--write DIR]
                                 [--first-mask]
           photolab train-metric --out FILE [--designs N] [--seed N] [--photos DIR[,DIR...]]
                                 [--dimensions K] [--hard-negatives R] [--neighbours K]
                                 [--cache DIR] [--check-designs N] [--check-photos DIR]
           photolab pair-spread [--designs N] [--seed N] [--far D] [--cache DIR]
           photolab compare PHOTO PHOTO [--write FILE]
           photolab variation-cost [--designs N] [--seed N]
           photolab fingerprint-time PHOTO [PHOTO] [--runs N]
           photolab resolution [--designs N] [--seed N] [--scales LIST] [--cache DIR]
           photolab export-features --out FILE [--designs N] [--seed N] [--cache DIR]
           photolab near-duplicates [--sizes LIST] [--seed N]

    demo-set writes generated phone photos for the demo into DIR and prints one upload per line:
    USER PRODUCT FILE [NAME=VALUE ...]. The set: a pair of socks, a left and a right glove, two
    button sets, a container with its lid, a lid with no partner, and a lone sock.

    segmentation measures how well the fingerprint finds the item in each photo of N designs
    (socks, gloves, button sets; default 300) against the generator's own outline, or in the photos
    of --photos DIR against the outlines beside them (ops/other-photos DIR --masks): per photo, the
    item pixels missed plus the backdrop pixels taken, more than 2 pixels from the outline, over the
    item's area. Prints the share of photos over 10 % and 20 % error, mostly missed parts or mostly
    extra (clutter), and the K worst photos (design/shot). --write DIR saves each of them as a PNG:
    the photo at working size beside it with the found item lit, backdrop taken in red and item
    parts missed in blue. For the photos within 10 %, it also prints the error with every pixel
    counted (the outline's own place) and how the found area compares with the true one.
    --first-mask measures the first mask alone, without the graph-cut refinement (colour models
    and a minimum cut) that the fingerprint applies to it.

    train-metric photographs N designs (socks, gloves, button sets; default 3000) twice, learns the
    matcher's photo metric from the pairs (LearnedMetric.train: K dimensions, default 80) and writes
    it as Swift source to FILE (Sources/Imaging/Matching/LearnedMetric+standard.swift is the one the
    matcher uses). --hard-negatives R learns it R more times, each time weighing, beside random
    pairs of designs, each photo's K nearest other designs under the metric learned before
    (--neighbours, default 5). Then it checks the new metric and the built-in one on --check-designs
    N designs (default 6000; 0 skips the check) of seed 2 by a full scan without the index: every
    design's second photo is a query twice, once with its first photo in the gallery and once
    without, and it prints how often the nearest design is the partner, and the recall of the rule
    d1 < r × d2 at the loosest r that keeps false matches at 1 %. The
    default seed, 3, is neither match-bench's (1) nor the check's (2), so that the benchmark
    measures photos the metric never saw. --cache DIR keeps the fingerprints (in the files that
    match-bench --cache uses). --photos DIR,... also learns from the pairs of labelled photo sets
    of one's own (ops/other-photos writes one), and --check-photos DIR checks both metrics on one
    the same way.

    pair-spread measures the two photos of every tenth design of N (socks, gloves, button sets;
    default 6000, seed 2) with the matcher's learned metric: the spread of the distance between
    them, how many pairs lie farther apart than D (default 5.0, v16's ceiling), how many of those have a photo
    whose segmentation (as measured by the segmentation command) is more than 10 % off, and how the
    distance goes with the segmentation error and with each way the two shots differ (rotation,
    scale, tilt, exposure, tone curve, blur, noise, JPEG quality). A partner farther than the
    default matcher's ceiling is never judged by its photo, and is lost whatever the index and the
    decision rule do.

    compare tells why two photos (JPEG or PNG files) do or do not match: the learned metric's
    distance d between them with the default matcher's ceiling and ratio for it (README has each
    version's numbers), what d would be were each part of the fingerprint (colour histogram,
    layout, spectrum, ...) the same in both photos (which parts keep them apart), the share of
    each photo the item takes, and the photo check's
    measurements (v5: pattern correlation, mask overlap, chroma and lightness differences,
    agreement) and, when both photos show two pieces or more (a button set), the same measured
    piece by piece, wherever the pieces lie (how v15 also looks at a button set; the overlap is
    then the share of pieces paired). --write FILE saves a PNG of the two photos at working size, each beside itself with
    the found item lit and the backdrop dimmed.

    variation-cost photographs N designs (default 6000, seed 2: train-metric's check) again with one
    group of the ways photos differ held at a studio shot's (tilt, clutter, tint, light, optics),
    then with all of them held, then with the item's true outline given to the fingerprint instead
    of found (alone, and with all but tilt held), and prints for each the full-scan recall with the
    built-in metric (nearest is the partner; the ratio rule's recall at false matches up to 1 %).
    About 90 s per line on two cores.

    fingerprint-time measures what an uploads worker spends on one photo: decoding it and computing
    its fingerprint, with the JPEG decoded whole and decoded at the reduced scale the fleet uses
    (ImageDecoder's reducedFor), N runs each (default 20), and how far apart the two fingerprints are.
    Given a second photo, it also times v11's photo check, what a matching worker adds per match
    besides reading and decoding the two photos: preparing a photo for it (AlignableItem) with the
    mask its upload kept, as the fleet does, and without (the item found again), and laying one
    over the other (PhotoAlignment) with the full coarse search of v11 to v13, the shortlisted
    one of v14 to v17 and the one of v18 to v23 (and v25) that also turns items the axis flips leave
    apart, and that one again on copies at twice the working size (v24), with the agreement each
    finds, and, when both show two pieces or more (a button set),
    comparing them piece by piece as v15 also does.

    resolution takes the second photo of each of N designs (default 6000, seed 2: train-metric's
    check) again with a camera of each of LIST times the pixels along each side (default
    0.75,1.4,2,3; the same scene, pose and light), decodes it as the uploads worker does, and prints
    how far its fingerprint moved from the photo's at the usual size, and the full-scan recall with
    every query photo at that size against a gallery at the usual size.

    export-features writes, for numerical work outside Swift (numpy), the learned metric's input for
    both photos of the photo-product designs among the first N (default 3000, seed 3): per design
    one record of 1 + 8 × \(LearnedMetric.inputDimensions) little-endian Float32 values, the design's
    group (0 button-set h2, 1 button-set h4, 2 glove, 3 sock), then photo 0 and photo 1 each under
    the four axis flips (none, u, v, both; Fingerprint.featureVector reordered by
    Fingerprint.featureFlips), the metric's distance being the least over the flips of one photo.
    --cache DIR as for train-metric.

    near-duplicates draws the catalogue of each size in LIST (default 1000,10000,126000: the
    designs match-bench's --sizes draws, seed 1 by default) and counts the socks and gloves that
    have a near duplicate: another design of the same kind, pattern kind and shape whose every
    parameter (colours in the same roles, stripe period, duty and angle, dot spacing, check and
    argyle size, leg, foot and finger lengths, cuff and heel colours) is within a tolerance, tight
    (colours within 0.06, lengths within 4 %, duty 0.03, angle 0.05 rad) and loose (twice that).
    Such pairs could not be told apart from photos, so their share bounds the recall a benchmark
    of that size can ask for. Rendering nothing, it takes about 20 seconds at 126,000 designs.
    """

await runTool("photolab") {
    let arguments = try Arguments(CommandLine.arguments.dropFirst(), options: ["seed", "designs", "photos", "check-photos", "worst", "write", "dimensions", "out", "check-designs", "cache", "far", "runs", "scales", "hard-negatives", "neighbours", "sizes"], flags: ["first-mask"])
    if arguments.wantsHelp || arguments.positionals.isEmpty { return say(usage) }
    if arguments.flag("first-mask") && arguments.positionals[0] != "segmentation" {
        throw UsageError("--first-mask applies to 'photolab segmentation' only; the fingerprint always refines its first mask")
    }
    switch arguments.positionals[0] {
    case "demo-set":
        guard arguments.positionals.count == 2 else { throw UsageError("usage: photolab demo-set DIR") }
        try writeDemoSet(to: arguments.positionals[1], seed: UInt64(try arguments.int("seed", default: 2026)))
    case "segmentation":
        guard arguments.positionals.count == 1 else {
            throw UsageError("usage: photolab segmentation [--designs N --seed N | --photos DIR] [--worst K] [--write DIR] [--first-mask]")
        }
        let cases: [SegmentationCase], description: String
        if let photos = arguments.value("photos") {
            if arguments.value("designs") != nil || arguments.value("seed") != nil {
                throw UsageError("--photos measures the photos in DIR; --designs and --seed choose PhotoLab's instead")
            }
            cases = try SegmentationCase.directory(photos)
            description = photos
        } else {
            let designs = try arguments.int("designs", default: 300, range: 1...1_000_000), seed = try arguments.int("seed", default: 1)
            cases = SegmentationCase.photoLab(designs: designs, seed: UInt64(seed))
            description = "\(cases.count / 2) designs (seed \(seed))"
        }
        try measureSegmentation(cases, described: description, worst: try arguments.int("worst", default: 10, range: 0...1000),
                                writingTo: arguments.value("write"), refine: !arguments.flag("first-mask"))
    case "train-metric":
        guard arguments.positionals.count == 1, let out = arguments.value("out") else {
            throw UsageError("usage: photolab train-metric --out FILE [--designs N] [--seed N] [--photos DIR[,DIR...]] [--dimensions K] [--hard-negatives R] [--neighbours K] [--cache DIR] [--check-designs N] [--check-photos DIR]")
        }
        let training = MetricTraining(
            designs: try arguments.int("designs", default: 3000, range: 500...1_000_000), seed: UInt64(try arguments.int("seed", default: 3)),
            photoSets: arguments.value("photos").map { $0.split(separator: ",").map(String.init) } ?? [],
            dimensions: try arguments.int("dimensions", default: 80, range: 1...LearnedMetric.inputDimensions),
            hardNegativeRounds: try arguments.int("hard-negatives", default: 0, range: 0...10),
            neighbours: try arguments.int("neighbours", default: 5, range: 1...100),
            checkDesigns: try arguments.int("check-designs", default: 6000, range: 0...1_000_000),
            checkPhotos: arguments.value("check-photos"),
            cache: arguments.value("cache"))
        try training.run(writingTo: out)
    case "export-features":
        guard arguments.positionals.count == 1, let out = arguments.value("out") else {
            throw UsageError("usage: photolab export-features --out FILE [--designs N] [--seed N] [--cache DIR]")
        }
        try exportFeatures(designs: try arguments.int("designs", default: 3000, range: 1...1_000_000),
                           seed: UInt64(try arguments.int("seed", default: 3)), cache: arguments.value("cache"), to: out)
    case "pair-spread":
        guard arguments.positionals.count == 1 else { throw UsageError("usage: photolab pair-spread [--designs N] [--seed N] [--far D] [--cache DIR]") }
        let far = arguments.value("far") ?? "5.0"
        guard let distance = Float(far), distance > 0, distance.isFinite else { throw UsageError("--far must be a positive number, not '\(far)'") }
        try PairSpread(designs: try arguments.int("designs", default: 6000, range: 10...1_000_000), seed: UInt64(try arguments.int("seed", default: 2)),
                       far: distance, cache: arguments.value("cache")).run()
    case "variation-cost":
        guard arguments.positionals.count == 1 else { throw UsageError("usage: photolab variation-cost [--designs N] [--seed N]") }
        VariationCost(designs: try arguments.int("designs", default: 6000, range: 100...1_000_000), seed: UInt64(try arguments.int("seed", default: 2))).run()
    case "compare":
        guard arguments.positionals.count == 3 else { throw UsageError("usage: photolab compare PHOTO PHOTO [--write FILE]") }
        try compare(arguments.positionals[1], arguments.positionals[2], writingTo: arguments.value("write"))
    case "fingerprint-time":
        guard (2...3).contains(arguments.positionals.count) else { throw UsageError("usage: photolab fingerprint-time PHOTO [PHOTO] [--runs N]") }
        let runs = try arguments.int("runs", default: 20, range: 1...10_000)
        try timeFingerprint(arguments.positionals[1], runs: runs)
        if arguments.positionals.count == 3 { try timePhotoCheck(arguments.positionals[1], arguments.positionals[2], runs: runs) }
    case "resolution":
        guard arguments.positionals.count == 1 else { throw UsageError("usage: photolab resolution [--designs N] [--seed N] [--scales LIST] [--cache DIR]") }
        let list = arguments.value("scales") ?? "0.75,1.4,2,3"
        let scales = list.split(separator: ",").map { Float($0) }
        guard !scales.isEmpty, scales.allSatisfy({ $0.map { $0 >= 0.25 && $0 <= 12 } ?? false }) else {
            throw UsageError("--scales must be a comma-separated list of numbers from 0.25 to 12, not '\(list)'")
        }
        try ResolutionSpread(designs: try arguments.int("designs", default: 6000, range: 100...1_000_000), seed: UInt64(try arguments.int("seed", default: 2)),
                             scales: scales.map { $0! }, cache: arguments.value("cache")).run()
    case "near-duplicates":
        guard arguments.positionals.count == 1 else { throw UsageError("usage: photolab near-duplicates [--sizes LIST] [--seed N]") }
        let list = arguments.value("sizes") ?? "1000,10000,126000"
        let sizes = list.split(separator: ",").map { Int($0) }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0.map { (1...1_000_000).contains($0) } ?? false }) else {
            throw UsageError("--sizes must be a comma-separated list of design counts from 1 to 1000000, not '\(list)'")
        }
        countNearDuplicates(sizes: sizes.map { $0! }, seed: UInt64(try arguments.int("seed", default: 1)))
    default:
        throw UsageError("unknown command '\(arguments.positionals[0])'; use demo-set, segmentation, train-metric, pair-spread, compare, variation-cost, fingerprint-time, resolution, export-features or near-duplicates")
    }
}

func countNearDuplicates(sizes: [Int], seed: UInt64) {
    let catalogue = DesignCatalogue.make(count: sizes.max() ?? 0, seed: seed)
    for size in sizes {
        let designs = Array(catalogue.prefix(size))
        let textiles = designs.filter { $0.kind == .sock || $0.kind == .glove }.count
        let counts = [DesignTolerance.tight, .loose].map { DesignCatalogue.nearDuplicates(in: designs, within: $0).count }
        say(String(format: "%7d designs of seed %d: %d socks and gloves, with a near duplicate %d (%.1f %%) within the tight tolerance, %d (%.1f %%) within the loose",
                   size, seed, textiles, counts[0], 100 * Double(counts[0]) / Double(max(1, textiles)), counts[1], 100 * Double(counts[1]) / Double(max(1, textiles))))
    }
}

func writeDemoSet(to path: String, seed: UInt64) throws {
    let directory = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let designs = DesignCatalogue.make(count: 80, seed: seed, nearMissShare: 0)
    func first(_ kind: ItemKind, skipping: Int = 0) throws -> ItemDesign {
        guard let design = designs.filter({ $0.kind == kind }).dropFirst(skipping).first else {
            throw UsageError("seed \(seed) drew no \(kind) design; try another --seed")
        }
        return design
    }
    func write(_ design: ItemDesign, shot: Int, name: String) throws -> String {
        let photo = Photographer.photograph(design, shot: shot, seed: seed)
        let url = directory.appendingPathComponent("\(name).jpg")
        try Data(photo.jpeg).write(to: url)
        return url.path
    }
    let sock = try first(.sock), glove = try first(.glove), buttons = try first(.buttonSet)
    let container = try first(.container), lid = try first(.lid), loneSock = try first(.sock, skipping: 1)
    // Both owners state what the photos show: the set's own count and holes (from v19 on a set
    // matches only a set of as many), and diameters measured a little apart, within tolerance.
    guard let facts = buttons.shape.buttonFacts else { throw UsageError("seed \(seed) drew a button set without buttons; try another --seed") }
    let lines = [
        "u-1001 sock \(try write(sock, shot: 0, name: "sock-a"))",
        "u-1002 sock \(try write(sock, shot: 1, name: "sock-b"))",
        "u-2001 glove \(try write(glove, shot: 0, name: "glove-left")) hand=left",
        "u-2002 glove \(try write(glove, shot: 1, name: "glove-right")) hand=right",
        "u-3001 button-set \(try write(buttons, shot: 0, name: "buttons-a")) count=\(facts.count) holes=\(facts.holes) diameter_mm=18",
        "u-3002 button-set \(try write(buttons, shot: 1, name: "buttons-b")) count=\(facts.count) holes=\(facts.holes) diameter_mm=18.3",
        "u-4001 container \(try write(container, shot: 0, name: "container")) shape=rectangular width_mm=120 length_mm=180",
        "u-4002 lid \(try write(lid, shot: 0, name: "lid")) shape=rectangular width_mm=121 length_mm=181",
        "u-4003 lid \(try write(lid, shot: 1, name: "lonely-lid")) shape=round diameter_mm=150",
        "u-5001 sock \(try write(loneSock, shot: 0, name: "lone-sock"))",
    ]
    for line in lines { say(line) }
}

/// One photo whose segmentation is measured: a name to print, the photo, and its true outline at a
/// given size (the found mask's).
struct SegmentationCase {
    let label: String
    let file: String
    let photo: @Sendable () -> DecodedImage
    let truth: @Sendable (_ width: Int, _ height: Int) -> [Bool]

    /// Both shots of N PhotoLab designs (socks, gloves, button sets) of a seed.
    static func photoLab(designs count: Int, seed: UInt64) -> [SegmentationCase] {
        DesignCatalogue.make(count: count, seed: seed).filter { [.sock, .glove, .buttonSet].contains($0.kind) }.flatMap { design in
            (0..<2).map { photoLab(design, shot: $0, seed: seed) }
        }
    }

    static func photoLab(_ design: ItemDesign, shot: Int, seed: UInt64) -> SegmentationCase {
        SegmentationCase(label: "\(design.label) shot \(shot)", file: "\(design.id)-\(shot)",
                         photo: { Photographer.photograph(design, shot: shot, seed: seed).image },
                         truth: { Photographer.groundTruthMask(design, shot: shot, seed: seed, width: $0, height: $1) })
    }

    /// The photos named by DIR/manifest.tsv that have a true outline beside them (NAME.mask.png, white
    /// where the item is, as `ops/other-photos --masks` writes it), decoded as the uploads worker does.
    static func directory(_ path: String) throws -> [SegmentationCase] {
        let manifest: PhotoManifest
        do { manifest = try PhotoManifest(directory: path) } catch { throw UsageError("\(error) (--photos DIR)") }
        func read(_ url: URL) throws -> DecodedImage {
            guard let data = FileManager.default.contents(atPath: url.path) else { throw UsageError("cannot read \(url.path)") }
            do { return try ImageDecoder.decode(data, reducedFor: Fingerprint.workingLongSide) } catch { throw UsageError("\(url.path): \(error)") }
        }
        let cases = try manifest.entries.compactMap { entry -> SegmentationCase? in
            let file = manifest.url(of: entry)
            let photo = try read(file)
            let outline: [Bool]?
            do { outline = try manifest.trueOutline(of: entry, photo: photo) } catch { throw UsageError("\(error)") }
            guard let truth = outline else { return nil }
            let size = ObjectSegmentation.maskSize(of: photo)
            return SegmentationCase(label: "\(entry.product) \(entry.design) shot \(entry.shot)", file: file.deletingPathExtension().lastPathComponent,
                                    photo: { photo },
                                    truth: { width, height in
                                        guard width != size.width || height != size.height else { return truth }
                                        // Another size: the nearest kept pixel.
                                        return (0..<(width * height)).map { truth[($0 / width) * size.height / height * size.width + ($0 % width) * size.width / width] }
                                    })
        }
        guard !cases.isEmpty else { throw UsageError("\(path): no photo in manifest.tsv has a NAME.mask.png beside it (ops/other-photos DIR --masks writes them)") }
        return cases
    }
}

func measureSegmentation(_ cases: [SegmentationCase], described description: String, worst: Int, writingTo directory: String?, refine: Bool = true) throws {
    var errors: [(error: Double, missedMost: Bool, entry: SegmentationCase)] = []
    var strict: [Double] = [], areaRatios: [Double] = []
    for entry in cases {
        let measured = segmentationError(entry, refine: refine)
        errors.append((measured.error, measured.missedMost, entry))
        strict.append(measured.strict)
        areaRatios.append(measured.areaRatio)
    }
    let n = Double(max(1, errors.count))
    let over10 = errors.filter { $0.error > 0.1 }, over20 = errors.filter { $0.error > 0.2 }
    say(String(format: "%d photos of %@: mean error %.3f; over 10 %%: %.3f of photos (%d mostly missed parts, %d mostly clutter); over 20 %%: %.3f",
               errors.count, description, errors.map(\.error).reduce(0, +) / n, Double(over10.count) / n,
               over10.filter(\.missedMost).count, over10.filter { !$0.missedMost }.count, Double(over20.count) / n))
    let fine = errors.indices.filter { errors[$0].error <= 0.1 }
    let logRatios = fine.map { log(areaRatios[$0]) }
    let meanLog = logRatios.reduce(0, +) / Double(max(1, logRatios.count))
    let spread = (logRatios.map { ($0 - meanLog) * ($0 - meanLog) }.reduce(0, +) / Double(max(1, logRatios.count))).squareRoot()
    say(String(format: "  of the %d photos within 10 %%: every pixel counted, mean error %.3f; found area over true area: mean %.3f, spread (log) %.3f",
               fine.count, fine.map { strict[$0] }.reduce(0, +) / Double(max(1, fine.count)), exp(meanLog), spread))
    if let directory {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw UsageError("cannot create \(directory): \(error.localizedDescription)")
        }
    }
    for (rank, measured) in errors.sorted(by: { $0.error > $1.error }).prefix(worst).enumerated() {
        var line = String(format: "  %.2f %@ %@", measured.error, measured.missedMost ? "missed" : "extra ", measured.entry.label)
        if let directory {
            let path = "\(directory)/\(String(format: "%03d", rank + 1))-\(measured.entry.file).png"
            try writePNG(segmentationPicture(measured.entry, refine: refine), to: path)
            line += "  " + path
        }
        say(line)
    }
}

func exportFeatures(designs count: Int, seed: UInt64, cache: String?, to path: String) throws {
    let set = try MetricTraining.photographed(count, seed: seed, cache: cache)
    let groups = ["button-set h2", "button-set h4", "glove", "sock"]
    var values: [Float] = []
    values.reserveCapacity(set.count * (1 + 8 * LearnedMetric.inputDimensions))
    for entry in set {
        guard let group = groups.firstIndex(of: entry.group) else { preconditionFailure("no export code for group \(entry.group)") }
        values.append(Float(group))
        for photo in [entry.shots.0, entry.shots.1] {
            let x = photo.featureVector
            for order in Fingerprint.featureFlips { values += order.map { x[$0] } }
        }
    }
    let data = values.map(\.bitPattern.littleEndian).withUnsafeBytes { Data($0) }
    do { try data.write(to: URL(fileURLWithPath: path)) } catch { throw UsageError("cannot write \(path): \(error.localizedDescription)") }
    say("wrote \(path): \(set.count) designs of seed \(seed), \(1 + 8 * LearnedMetric.inputDimensions) values each")
}

func timeFingerprint(_ path: String, runs: Int) throws {
    guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
    let bytes = [UInt8](data)
    var fingerprints: [Fingerprint] = []
    for (name, longSide) in [("decoded whole", nil), ("decoded reduced", Fingerprint.workingLongSide)] as [(String, Int?)] {
        func decoded() throws -> DecodedImage {
            do { return try ImageDecoder.decode(bytes, reducedFor: longSide) } catch { throw UsageError("\(path): \(error)") }
        }
        // One run first, untimed, so that neither way pays for warming up.
        _ = Fingerprint(image: try decoded())
        let started = ContinuousClock.now
        var image: DecodedImage?
        for _ in 0..<runs {
            image = try decoded()
            fingerprints.append(Fingerprint(image: image!))
        }
        let perRun = (ContinuousClock.now - started).timeInterval * 1000 / Double(runs)
        say(String(format: "%@: %.1f ms per photo to decode and fingerprint (%d runs; %dx%d photo decoded at %dx%d)",
                   name, perRun, runs, image!.sourceWidth, image!.sourceHeight, image!.width, image!.height))
    }
    say(String(format: "learned distance between the two fingerprints: %.3f (two photos of one design: about 2)",
               LearnedMetric.standard.distance(fingerprints[0], fingerprints[runs])))
}

/// Milliseconds per run of `body`, after one untimed run.
func milliseconds<T>(runs: Int, _ body: () throws -> T) rethrows -> Double {
    _ = try body()
    let started = ContinuousClock.now
    for _ in 0..<runs { _ = try body() }
    return (ContinuousClock.now - started).timeInterval * 1000 / Double(runs)
}

func timePhotoCheck(_ first: String, _ second: String, runs: Int) throws {
    let images = try [first, second].map { path in
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
        do { return try ImageDecoder.decode(data, reducedFor: Fingerprint.workingLongSide) } catch { throw UsageError("\(path): \(error)") }
    }
    let mask = ObjectSegmentation.mask(of: images[0])
    let prepareKept = milliseconds(runs: runs) { AlignableItem(image: images[0], mask: mask) }
    let prepareFound = milliseconds(runs: runs) { AlignableItem(image: images[0]) }
    let prepareFiner = milliseconds(runs: runs) { AlignableItem(image: images[0], mask: mask, detail: 2) }
    let (a, b) = (AlignableItem(image: images[0]), AlignableItem(image: images[1]))
    let (fineA, fineB) = (AlignableItem(image: images[0], detail: 2), AlignableItem(image: images[1], detail: 2))
    let full = milliseconds(runs: runs) { PhotoAlignment(a, b, search: .full) }
    let shortlisted = milliseconds(runs: runs) { PhotoAlignment(a, b, search: .shortlisted) }
    let turning = milliseconds(runs: runs) { PhotoAlignment(a, b, search: .turning) }
    let finer = milliseconds(runs: runs) { PhotoAlignment(fineA, fineB, search: .turning) }
    say(String(format: "photo check: %.1f ms to prepare a decoded photo with its kept mask (AlignableItem), %.1f ms finding the item again, %.1f ms with its kept mask at twice the working size (v24), %d runs each; to lay one over the other (PhotoAlignment): %.1f ms with the full search (v11 to v13), agreement %.9f; %.1f ms shortlisted (v14 to v17), agreement %.9f; %.1f ms turning as well (v18 to v23, v25), agreement %.9f; %.1f ms so at twice the working size (v24), agreement %.9f",
               prepareKept, prepareFound, prepareFiner, runs, full, PhotoAlignment(a, b, search: .full).agreement,
               shortlisted, PhotoAlignment(a, b, search: .shortlisted).agreement, turning, PhotoAlignment(a, b, search: .turning).agreement,
               finer, PhotoAlignment(fineA, fineB, search: .turning).agreement))
    if let pieces = PhotoAlignment(piecesOf: a, b) {
        say(String(format: "piece by piece (how v15 also compares a button set): %.2f ms, agreement %.9f (before the discount)",
                   milliseconds(runs: runs) { PhotoAlignment(piecesOf: a, b) }, pieces.agreement))
    }
}

func compare(_ first: String, _ second: String, writingTo output: String?) throws {
    let images = try [first, second].map { path in
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
        do { return try ImageDecoder.decode(data, reducedFor: Fingerprint.workingLongSide) } catch { throw UsageError("\(path): \(error)") }
    }
    let fingerprints = images.map { Fingerprint(image: $0) }
    let masks = images.map { ObjectSegmentation.maskImage(for: $0) }
    let rule = MatchingRole.rules[MatchingRole.defaultAlgorithm]!
    let items = images.map { AlignableItem(image: $0, detail: rule.confirmation?.detail ?? 1) }
    let alignment = PhotoAlignment(items[0], items[1], search: rule.confirmation?.search ?? .full)
    let distance = LearnedMetric.standard.distance(fingerprints[0], fingerprints[1])
    let (few, many) = (rule.neighbourThresholds(waiting: 0) ?? rule.thresholds(waiting: 0), rule.neighbourThresholds(waiting: nil) ?? rule.thresholds(waiting: nil))
    let against = rule.neighbours == nil ? "the runner-up's d" : "the smaller of the runner-up's d and that of the closest other item the candidate has met"
    say(String(format: "learned distance d %.3f (similarity %.4f); %@ takes a best candidate only at d below %.2f, and below %.2f × %@, among many waiting items (among few: %.2f and %.2f)",
               distance, exp(-Double(distance)), rule.confirmation == nil ? "the default matcher (\(MatchingRole.defaultAlgorithm))" : "without readable photos the default matcher (\(MatchingRole.defaultAlgorithm))",
               many.ceiling, many.ratio, against, few.ceiling, few.ratio))
    say("  with one part the same in both photos, d would be: " + LearnedMetric.standard.distancesWithEachPartAgreeing(fingerprints[0], fingerprints[1])
        .map { String(format: "%@ %.2f", $0.part, $0.distance) }.joined(separator: ", "))
    for (path, mask) in zip([first, second], masks) {
        let inside = mask.pixels.filter { $0 > 127 }.count
        say(String(format: "item found in %.1f %% of %@ (%dx%d working size)", 100 * Double(inside) / Double(mask.pixels.count), path, mask.width, mask.height))
    }
    say(String(format: "photo check: pattern correlation %.3f, mask overlap %.3f, chroma difference %.3f, lightness difference %.3f, agreement %.3f; the pattern correlated over the whole item at once %.3f (v25 counts it)",
               alignment.patternCorrelation, alignment.overlap, alignment.chromaDifference, alignment.lightDifference, alignment.agreement, alignment.itemCorrelation))
    let pieces = PhotoAlignment(piecesOf: items[0], items[1])
    // For a button set, the better of the two looks, the piece look less the version's discount.
    let setLook = pieces.flatMap { p in rule.confirmation?.loosePieces(for: ButtonSet()).map { Double(max(alignment.agreement, p.agreement - $0)) } }
    if let pieces {
        say(String(format: "piece by piece (how a version that compares loose pieces, such as v15, also looks at a button set; before its discount): pattern correlation %.3f, pieces paired %.3f, chroma difference %.3f, lightness difference %.3f, agreement %.3f",
                   pieces.patternCorrelation, pieces.overlap, pieces.chromaDifference, pieces.lightDifference, pieces.agreement))
        if let setLook, let discount = rule.confirmation?.loosePieces(for: ButtonSet()) {
            say(String(format: "for a button set, %@ takes the better of the two looks, the piece look less %.1f: agreement %.3f (the score below is the whole look's)",
                       MatchingRole.defaultAlgorithm, discount, setLook))
        }
    }
    if let confirmation = rule.confirmation {
        let lead = confirmation.lead
        let d = max(Double(distance), 1e-9)
        let alone = confirmation.scoreAlone(d1: d, agreement: confirmation.look(alignment))
        let rivals = confirmation.looks > 2 ? "the best other's looked at" : "the runner-up's"
        let leading = lead.map { String(format: " + %.2f × (agreement − %@, within ±%.2f; %.2f without one)", $0.gain, rivals, $0.limit, $0.usual) } ?? ""
        say(String(format: "with the photos, the default matcher (%@) takes a best candidate at d below %.2f when agreement + %.2f × ln(min(d2, dn, %.0f) / d)%@ is over %.2f among few waiting items, %.2f among many%@; these two alone (no runner-up, nothing else met) score %.3f",
                   MatchingRole.defaultAlgorithm, confirmation.ceiling, confirmation.weight, confirmation.far, leading,
                   confirmation.threshold(waiting: 0), confirmation.threshold(waiting: nil),
                   !confirmation.checksRunnerUp ? "" : lead == nil ? ", unless a runner-up within d \(String(format: "%.2f", confirmation.ceiling)) lines up better"
                       : confirmation.looks > 2 ? "; of up to \(confirmation.looks) candidates within d \(String(format: "%.2f", confirmation.ceiling)), the one that lines up best is judged, its lead over the best of the rest"
                       : "; a runner-up within d \(String(format: "%.2f", confirmation.ceiling)) that lines up better is judged in its place", alone))
        if let setLook, confirmation.looseWeighing != nil {
            // A button set's numbers (v20 on weighs its distance apart).
            let judged = confirmation.judging(ButtonSet())
            say(String(format: "  for a button set it weighs the distance %.2f and holds the score over %.2f among few waiting items, %.2f among many; these two as button sets, with the better look (%.3f), alone score %.3f",
                       judged.weight, judged.threshold(waiting: 0), judged.threshold(waiting: nil), setLook, judged.scoreAlone(d1: d, agreement: .init(plain: setLook))))
        }
        if confirmation.weighsParts {
            // The products that weigh the look's parts their own way (v21 on).
            for name in ProductCatalog.standard.names {
                guard let product = ProductCatalog.standard[name], let weighing = product.photoWeighing else { continue }
                let judged = confirmation.judging(product)
                let look = judged.look(alignment)
                say(String(format: "  as %@s it weighs the look %.2f + %.2f × correlation + %.2f × overlap − %.2f × chroma − %.2f × lightness difference: agreement %.3f; these two alone score %.3f",
                           name, weighing.constant, weighing.correlation, weighing.overlap, weighing.chroma, weighing.light, look.judged,
                           judged.scoreAlone(d1: d, agreement: look)))
            }
        }
    }
    guard let output else { return }
    let panels = zip(images, masks).map { maskedPicture($0, mask: $1, truth: nil) }
    let w = panels.map(\.width).reduce(0, +), h = panels.map(\.height).max() ?? 0
    var pixels = [UInt8](repeating: 255, count: w * h * 3)
    var left = 0
    for panel in panels {
        for y in 0..<panel.height {
            for x in 0..<panel.width { for c in 0..<3 { pixels[(y * w + left + x) * 3 + c] = panel.pixels[(y * panel.width + x) * 3 + c] } }
        }
        left += panel.width
    }
    try writePNG(DecodedImage(width: w, height: h, layout: .rgb, pixels: pixels), to: output)
    say("wrote \(output)")
}

func writePNG(_ image: DecodedImage, to path: String) throws {
    do { try Data(ImageEncoder.png(image)).write(to: URL(fileURLWithPath: path)) } catch {
        throw UsageError("cannot write \(path): \(error.localizedDescription)")
    }
}

/// The photo at the mask's size beside the same photo with the found item lit: backdrop taken in red,
/// item parts missed in blue, the rest of the backdrop dimmed.
func segmentationPicture(_ entry: SegmentationCase, refine: Bool = true) -> DecodedImage {
    let photo = entry.photo()
    let mask = ObjectSegmentation.maskImage(for: photo, refine: refine)
    return maskedPicture(photo, mask: mask, truth: entry.truth(mask.width, mask.height))
}

/// A photo at its mask's size beside the same photo with the found item lit and the rest dimmed; with
/// the true outline, backdrop taken is red and item parts missed are blue.
func maskedPicture(_ photo: DecodedImage, mask: DecodedImage, truth: [Bool]?) -> DecodedImage {
    let w = mask.width, h = mask.height
    var pixels = [UInt8](repeating: 0, count: 2 * w * h * 3)
    for y in 0..<h {
        for x in 0..<w {
            let sx = x * photo.width / w, sy = y * photo.height / h
            let s = (sy * photo.width + sx) * photo.layout.channels
            let rgb = (0..<3).map { photo.pixels[s + (photo.layout.channels == 3 ? $0 : 0)] }
            let found = mask.pixels[y * w + x] > 127, item = truth?[y * w + x] ?? found
            let marked: [UInt8] = found && !item ? [255, 0, 0] : !found && item ? [0, 0, 255] : found ? rgb : rgb.map { $0 / 4 }
            for c in 0..<3 {
                pixels[(y * 2 * w + x) * 3 + c] = rgb[c]
                pixels[(y * 2 * w + w + x) * 3 + c] = marked[c]
            }
        }
    }
    return DecodedImage(width: 2 * w, height: h, layout: .rgb, pixels: pixels)
}

/// How far the fingerprint's idea of the item in a photo is from the generator's outline: the item
/// pixels missed plus the backdrop pixels taken, more than 2 pixels from the outline (where blur makes
/// either answer fair), over the item's area; whether missed pixels are the larger part; every pixel
/// the two disagree on, over the item's area; and the found area over the true one.
func segmentationError(_ entry: SegmentationCase, refine: Bool = true) -> (error: Double, missedMost: Bool, strict: Double, areaRatio: Double) {
    let mask = ObjectSegmentation.maskImage(for: entry.photo(), refine: refine)
    let w = mask.width, h = mask.height
    let truth = entry.truth(w, h)
    func near(_ i: Int, _ value: Bool) -> Bool {
        let x = i % w, y = i / w
        for yy in max(0, y - 2)...min(h - 1, y + 2) { for xx in max(0, x - 2)...min(w - 1, x + 2) where truth[yy * w + xx] == value { return true } }
        return false
    }
    var area = 0, missed = 0, extra = 0, wrong = 0, foundArea = 0
    for i in truth.indices {
        let found = mask.pixels[i] > 127
        if truth[i] { area += 1 }
        if found { foundArea += 1 }
        if found != truth[i] { wrong += 1 }
        if truth[i] && !found && !near(i, false) { missed += 1 }
        if !truth[i] && found && !near(i, true) { extra += 1 }
    }
    return (Double(missed + extra) / Double(max(1, area)), missed >= extra, Double(wrong) / Double(max(1, area)), Double(foundArea) / Double(max(1, area)))
}
