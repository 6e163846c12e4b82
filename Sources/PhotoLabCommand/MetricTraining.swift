import FleetCommand
import Foundation
import Imaging
import PhotoLab
import Synchronization

/// `photolab train-metric`: learns the matcher's photo metric from generated photo pairs, writes it as
/// Swift source, and checks it against the built-in one on designs of another seed.
struct MetricTraining {
    /// Both photos' fingerprints of one design, with the group it may be confused within.
    typealias Pair = (group: String, shots: (Fingerprint, Fingerprint))

    let designs: Int
    let seed: UInt64
    /// Labelled photo sets of one's own (`PhotoManifest`) whose pairs are learned from too.
    let photoSets: [String]
    let dimensions: Int
    let hardNegativeRounds: Int
    let neighbours: Int
    let checkDesigns: Int
    /// A labelled photo set the metrics are also checked on.
    let checkPhotos: String?
    let cache: String?
    static let checkSeed: UInt64 = 2

    /// The photo products, grouped by what may be confused (the button-set product filters on holes).
    static func group(of design: ItemDesign) -> String? {
        group(of: design.kind, holes: design.shape.buttonFacts?.holes)
    }

    /// The group of an item of `kind` (with `holes`, for a button set); nil for other kinds.
    static func group(of kind: ItemKind, holes: Int?) -> String? {
        switch kind {
        case .sock, .glove: return kind.rawValue
        case .buttonSet: return holes.map { "button-set h\($0)" }
        default: return nil
        }
    }

    /// Both photos' fingerprints of the photo-product designs among the first `count` of `seed`, with
    /// their groups, kept in `cache` if given.
    static func photographed(_ count: Int, seed: UInt64, cache: String?) throws -> [(design: ItemDesign, group: String, shots: (Fingerprint, Fingerprint))] {
        if let cache {
            do { try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true) }
            catch { throw UsageError("cannot create the cache directory \(cache)") }
        }
        let designs = DesignCatalogue.make(count: count, seed: seed).filter { group(of: $0) != nil }
        let shots = try (0..<2).map { try FingerprintCache(directory: cache, seed: seed, shot: $0).fingerprints(designs) }
        return designs.map { ($0, group(of: $0)!, (shots[0][$0.id]!, shots[1][$0.id]!)) }
    }

    /// The photo-product designs of a labelled photo set, in the groups of `group(of:)` (socks,
    /// gloves, button sets by their holes), both photos read and fingerprinted as an uploads worker does.
    static func photographed(_ manifest: PhotoManifest) throws -> [Pair] {
        // The manifest names products as the fleet does; PhotoLab's kinds name the same three.
        let kinds: [String: ItemKind] = ["sock": .sock, "glove": .glove, "button-set": .buttonSet]
        let designs = Dictionary(grouping: manifest.entries, by: \.design).sorted { $0.key < $1.key }.compactMap { _, shots -> (group: String, shots: [PhotoManifest.Entry])? in
            let sorted = shots.sorted { $0.shot < $1.shot }
            guard let kind = kinds[sorted[0].product], let group = group(of: kind, holes: sorted[0].attributes["holes"].flatMap { Int($0) }) else { return nil }
            return (group, sorted)
        }
        let skipped = Set(manifest.entries.map(\.design)).count - designs.count
        if skipped > 0 { say("\(manifest.directory.path): \(skipped) designs left out (not a sock, glove or button set with its holes)") }
        let measured: [String: PhotoManifest.MeasuredPhoto]
        do { measured = try manifest.measuringEveryPhoto() } catch { throw UsageError("\(error)") }
        return designs.map { ($0.group, (measured[$0.shots[0].file]!.fingerprint, measured[$0.shots[1].file]!.fingerprint)) }
    }

    /// `photographed(_:seed:cache:)` without the designs.
    func pairs(_ count: Int, seed: UInt64) throws -> [Pair] {
        try Self.photographed(count, seed: seed, cache: cache).map { ($0.group, $0.shots) }
    }

    /// The labelled photo set in `path`, read before minutes are spent on anything else.
    static func manifest(_ path: String) throws -> PhotoManifest {
        do { return try PhotoManifest(directory: path) } catch { throw UsageError("\(error)") }
    }

    func run(writingTo out: String) throws {
        let sets = try photoSets.map { (path: $0, manifest: try Self.manifest($0)) }
        let checkSet = try checkPhotos.map { (path: $0, manifest: try Self.manifest($0)) }
        let begun = ContinuousClock.now
        var started = begun
        var training = try pairs(designs, seed: seed)
        say(String(format: "photographed and fingerprinted %d designs twice (seed %d) in %.0f s", training.count, seed, (ContinuousClock.now - started).timeInterval))
        for set in sets {
            started = ContinuousClock.now
            let pairs = try Self.photographed(set.manifest)
            training += pairs
            say(String(format: "read and fingerprinted both photos of %d designs in %@ in %.0f s", pairs.count, set.path, (ContinuousClock.now - started).timeInterval))
        }
        let metric = try LearnedMetric.train(pairs: training.map(\.shots), groups: training.map(\.group), dimensions: dimensions,
                                              hardNegativeRounds: hardNegativeRounds, neighbours: neighbours)
        let photos = photoSets.isEmpty ? "" : " --photos \(photoSets.joined(separator: ","))"
        let source = """
            // Generated by `photolab train-metric --designs \(designs) --seed \(seed)\(photos) --dimensions \(dimensions) --hard-negatives \(hardNegativeRounds) --neighbours \(neighbours)`; do not edit.
            // The matcher's learned photo metric (see LearnedMetric): \(metric.outputDimensions) × \(LearnedMetric.inputDimensions) little-endian
            // Float32 values, base64, and the scale.

            extension LearnedMetric {
                static let standardDimensions = \(metric.outputDimensions)
                static let standardScale: Float = \(metric.scale)
                static let standardRows = "\(metric.encodedRows)"
            }

            """
        do { try source.write(toFile: out, atomically: true, encoding: .utf8) } catch { throw UsageError("cannot write \(out): \(error.localizedDescription)") }
        say(String(format: "wrote %@: %d dimensions, scale %.3f, in %.0f s in all", out, metric.outputDimensions, metric.scale, (ContinuousClock.now - begun).timeInterval))
        var checks: [(name: String, pairs: [Pair])] = []
        if checkDesigns > 0 {
            checks.append(("\(checkDesigns) designs of seed \(Self.checkSeed)", try pairs(checkDesigns, seed: Self.checkSeed)))
        }
        if let checkSet { checks.append((checkSet.path, try Self.photographed(checkSet.manifest))) }
        guard !checks.isEmpty else { return }
        var metrics = [("new", metric)]
        switch LearnedMetric.builtIn {
        case .success(let builtIn): metrics.insert(("built in", builtIn), at: 0)
        case .failure(let error): say("the built-in metric is not checked: \(error)")
        }
        for check in checks {
            for (name, candidate) in metrics {
                let result = Self.fullScan(check.pairs, metric: candidate)
                say(String(format: "check on %@ (%d photo-product designs), %@ metric: nearest is the partner for %.3f; d1 < %.2f × d2 keeps false matches at %.2f %% with recall %.3f",
                           check.name, check.pairs.count, name, result.nearestIsPartner, result.ratio, 100 * result.falseRate, result.recall))
                say(String(format: "   of the %d designs whose nearest is not the partner, %d have their partner farther than 9 in 10 designs' partners (d %.2f): the two photos disagree, rather than a stranger being unusually close",
                           result.misses, result.farMisses, result.farPartner))
            }
        }
    }

    /// Matches the second photo of every design against the first photos of its group by `metric`, twice:
    /// present (the gallery holds its partner) and absent (its own first photo left out), so that every
    /// design is a query of both kinds.
    struct ScanResult {
        /// Share of present queries whose nearest gallery photo is the partner.
        let nearestIsPartner: Double
        /// The loosest ratio rule d1 < ratio × d2 that keeps false matches at or below 1 %, its false
        /// matches (over all queries) and recall.
        let ratio: Double, falseRate: Double, recall: Double
        /// Present queries whose nearest is not the partner, and how many of those have their partner
        /// farther than `farPartner`, the 90th percentile of every present query's partner distance.
        let misses: Int, farMisses: Int
        let farPartner: Float
    }

    static func fullScan(_ set: [Pair], metric: LearnedMetric) -> ScanResult {
        let points = set.map { metric.project($0.shots.0) }
        let outcomes = Mutex<[(present: Bool, bestIsPartner: Bool, d1: Float, d2: Float, partner: Float)]>([])
        DispatchQueue.concurrentPerform(iterations: set.count) { q in
            let flipped = metric.flippedProjections(set[q].shots.1)
            var first = Float.greatestFiniteMagnitude, second = Float.greatestFiniteMagnitude
            for g in set.indices where g != q && set[g].group == set[q].group {
                let d = metric.distance(from: flipped, toPoint: points[g])
                if d < first { second = first; first = d } else if d < second { second = d }
            }
            let partner = metric.distance(from: flipped, toPoint: points[q])
            let withPartner = partner < first ? (true, true, partner, first, partner) : (true, false, first, min(second, partner), partner)
            outcomes.withLock { $0 += [withPartner, (false, false, first, second, partner)] }
        }
        let all = outcomes.withLock { $0 }
        let present = set.count
        let nearest = Double(all.filter { $0.present && $0.bestIsPartner }.count) / Double(max(1, present))
        var chosen = (ratio: 0.0, falseRate: 0.0, recall: 0.0)
        for step in 1...99 {
            let ratio = Double(step) / 100
            let accepted = all.filter { Double($0.d1) < ratio * Double($0.d2) }
            let wrong = accepted.filter { !($0.present && $0.bestIsPartner) }.count
            let falseRate = Double(wrong) / Double(all.count)
            guard falseRate <= 0.01 else { break }
            chosen = (ratio, falseRate, Double(accepted.count - wrong) / Double(max(1, present)))
        }
        let partners = all.filter(\.present).map(\.partner).sorted()
        let far = partners.isEmpty ? 0 : partners[partners.count * 9 / 10]
        let misses = all.filter { $0.present && !$0.bestIsPartner }
        return ScanResult(nearestIsPartner: nearest, ratio: chosen.ratio, falseRate: chosen.falseRate, recall: chosen.recall,
                          misses: misses.count, farMisses: misses.filter { $0.partner > far }.count, farPartner: far)
    }
}
