import FleetCommand
import Foundation
import Imaging
import PhotoLab
import Synchronization

/// `photolab variation-cost`: what each way two photos of one design differ costs the matcher. The
/// designs of `train-metric`'s check are photographed again with one group of variations held at a
/// studio shot's (the rest of each photo unchanged), then with all of them held, and matched by a
/// full scan with the built-in metric, as `train-metric` checks a metric. A group whose removal
/// raises recall most is where the fingerprint is least robust.
struct VariationCost {
    let designs: Int
    let seed: UInt64

    func run() {
        let set = DesignCatalogue.make(count: designs, seed: seed).filter { MetricTraining.group(of: $0) != nil }
        // The last two cases also tell the fingerprint where the item is (the generator's outline)
        // instead of letting it find the item: what finding it costs. (Tilt stays: the outline is
        // drawn for the photo as taken.)
        let allButTilt = Set(ShotVariation.Aspect.allCases).subtracting([.tilt])
        let cases: [(name: String, steady: Set<ShotVariation.Aspect>, outline: Bool)] = [("nothing (as match-bench)", [], false)]
            + ShotVariation.Aspect.allCases.map { ($0.rawValue, [$0], false) }
            + [("all of them", Set(ShotVariation.Aspect.allCases), false), ("the outline (told)", [], true),
               ("all but tilt, outline told", allButTilt, true)]
        say("\(set.count) designs of seed \(seed), two photos each, matched by a full scan with the built-in metric:")
        for (name, steady, outline) in cases {
            let started = ContinuousClock.now
            let photographed = Mutex<[Int: (Fingerprint, Fingerprint)]>([:])
            let seed = seed
            DispatchQueue.concurrentPerform(iterations: set.count) { k in
                let shots = (0..<2).map { shot in
                    let image = Photographer.photograph(set[k], shot: shot, seed: seed, steady: steady).image
                    guard outline else { return Fingerprint(image: image) }
                    let (width, height) = Fingerprint.workingSize(of: image)
                    let truth = Photographer.groundTruthMask(set[k], shot: shot, seed: seed, width: width, height: height)
                    guard let told = Fingerprint(image: image, itemMask: truth) else {
                        preconditionFailure("the outline of design \(set[k].id) does not fit its photo's working size")
                    }
                    return told
                }
                photographed.withLock { $0[k] = (shots[0], shots[1]) }
            }
            let fingerprints = photographed.withLock { $0 }
            let scanned: [MetricTraining.Pair] = set.indices.map { (MetricTraining.group(of: set[$0])!, fingerprints[$0]!) }
            let result = MetricTraining.fullScan(scanned, metric: LearnedMetric.standard)
            say(String(format: "  held steady %@ nearest is the partner for %.3f; recall %.3f at %.2f %% false (d1 < %.2f × d2)  [%.0f s]",
                       name.padding(toLength: 26, withPad: " ", startingAt: 0), result.nearestIsPartner, result.recall, 100 * result.falseRate, result.ratio, (ContinuousClock.now - started).timeInterval))
        }
    }
}
