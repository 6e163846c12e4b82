import FleetCommand
import Foundation
import Imaging
import PhotoLab
import Synchronization

/// `photolab pair-spread`: how far apart the matcher's metric puts the two photos of one design, and
/// what about the photos goes with a large distance (segmentation errors, pose, light, optics). A
/// true pair that the metric puts beyond the default matcher's ceiling is lost whatever the index
/// and the decision rule do, so this says where the next gain in recall has to come from.
struct PairSpread {
    let designs: Int
    let seed: UInt64
    let far: Float
    let cache: String?

    /// One true pair: its distance and, per photo, what the generator did and how well the item was found.
    struct Pair {
        let design: ItemDesign
        let distance: Float
        let variations: (ShotVariation, ShotVariation)
        let segmentation: (Double, Double)
    }

    func run() throws {
        let started = ContinuousClock.now
        // Every tenth photo-product design, as `train-metric`'s check and match-bench sample them.
        let all = try MetricTraining.photographed(designs, seed: seed, cache: cache)
        let sample = stride(from: 0, to: all.count, by: 10).map { all[$0] }
        let metric = LearnedMetric.standard
        let pairs = Mutex<[Pair]>([])
        let seed = seed
        DispatchQueue.concurrentPerform(iterations: sample.count) { k in
            let (design, _, shots) = sample[k]
            let pair = Pair(design: design, distance: metric.distance(shots.1, shots.0),
                            variations: (Photographer.variation(of: design, shot: 0, seed: seed), Photographer.variation(of: design, shot: 1, seed: seed)),
                            segmentation: (segmentationError(.photoLab(design, shot: 0, seed: seed)).error, segmentationError(.photoLab(design, shot: 1, seed: seed)).error))
            pairs.withLock { $0.append(pair) }
        }
        let measured = pairs.withLock { $0 }.sorted { $0.design.id < $1.design.id }
        report(measured, seconds: (ContinuousClock.now - started).timeInterval)
    }

    func report(_ pairs: [Pair], seconds: Double) {
        let distances = pairs.map(\.distance).sorted()
        func quantile(_ q: Double) -> Float { distances.isEmpty ? 0 : distances[min(distances.count - 1, Int(q * Double(distances.count)))] }
        let farPairs = pairs.filter { $0.distance > far }
        let badlyFound = { (p: Pair) in max(p.segmentation.0, p.segmentation.1) > 0.1 }
        say(String(format: "%d true pairs (every tenth sock, glove and button-set design of %d, seed %d), learned metric, in %.0f s",
                   pairs.count, designs, seed, seconds))
        say(String(format: "distance between the two photos: median %.2f, 90th percentile %.2f, 97th %.2f; over %.2f: %d pairs (%.1f %%)",
                   quantile(0.5), quantile(0.9), quantile(0.97), far, farPairs.count, 100 * Double(farPairs.count) / Double(max(1, pairs.count))))
        say(String(format: "pairs with a photo whose segmentation is over 10 %% off: %d of %d in all, %d of the %d over %.2f",
                   pairs.filter(badlyFound).count, pairs.count, farPairs.filter(badlyFound).count, farPairs.count, far))
        let distance = pairs.map { Double($0.distance) }
        let factors: [(String, (Pair) -> Double)] = [
            ("segmentation error (worse photo)", { max($0.segmentation.0, $0.segmentation.1) }),
            ("rotation difference", { Double(abs($0.variations.0.rotation - $0.variations.1.rotation)) }),
            ("scale ratio (log)", { Double(abs(logf($0.variations.0.scale / $0.variations.1.scale))) }),
            ("smaller scale", { Double(min($0.variations.0.scale, $0.variations.1.scale)) }),
            ("tilt (larger)", { Double(max(hypotf($0.variations.0.tiltX, $0.variations.0.tiltY), hypotf($0.variations.1.tiltX, $0.variations.1.tiltY))) }),
            ("exposure ratio (log)", { Double(abs(logf($0.variations.0.gain / $0.variations.1.gain))) }),
            ("gamma difference", { Double(abs($0.variations.0.gamma - $0.variations.1.gamma)) }),
            ("blur (larger)", { Double(max($0.variations.0.blur, $0.variations.1.blur)) }),
            ("noise (larger)", { Double(max($0.variations.0.noise, $0.variations.1.noise)) }),
            ("JPEG quality (lower)", { Double(min($0.variations.0.jpegQuality, $0.variations.1.jpegQuality)) }),
        ]
        say("correlation of the distance with: " + factors.map { name, value in
            String(format: "%@ %.2f", name, Self.correlation(pairs.map(value), distance))
        }.joined(separator: ", "))
        let groups = Dictionary(grouping: pairs) { "\($0.design.kind.rawValue) \($0.design.pattern.kindName)" }
        say("by product and pattern (pairs, median distance, share over \(String(format: "%.2f", far))): " + groups.keys.sorted().map { key in
            let members = groups[key]!, sorted = members.map(\.distance).sorted()
            return String(format: "%@ %d %.2f %.2f", key, members.count, sorted[sorted.count / 2],
                          Double(members.filter { $0.distance > far }.count) / Double(members.count))
        }.joined(separator: "; "))
    }

    /// Pearson's correlation coefficient (0 when either side does not vary).
    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        guard n > 1 else { return 0 }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }
}
