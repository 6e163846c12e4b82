import FleetCommand
import Foundation
import Imaging
import PhotoLab
import Synchronization

/// `photolab resolution`: how much a photo's pixel count moves its fingerprint. The second photo of
/// every design of `train-metric`'s check is taken again by a camera with `scale` times the pixels
/// along each side (the same scene, pose and light), sent through JPEG and decoded as the uploads
/// worker decodes it; it prints how far that lies from the photo at its usual size, and the full-scan
/// recall when every query photo is taken at that size against a gallery at the usual size.
struct ResolutionSpread {
    let designs: Int
    let seed: UInt64
    let scales: [Float]
    let cache: String?

    func run() throws {
        let set = try MetricTraining.photographed(designs, seed: seed, cache: cache)
        let metric = LearnedMetric.standard
        say("\(set.count) designs of seed \(seed); each second photo taken again at another resolution (photos at 1x are 320-400 pixels long):")
        for scale in scales {
            let started = ContinuousClock.now
            let taken = Mutex<[Int: Fingerprint]>([:])
            let seed = seed
            DispatchQueue.concurrentPerform(iterations: set.count) { k in
                let photo = Photographer.photograph(set[k].design, shot: 1, seed: seed, resolution: scale)
                // As the uploads worker reads it: the JPEG, decoded at the reduced scale the fleet uses.
                guard let image = try? ImageDecoder.decode(photo.jpeg, reducedFor: Fingerprint.workingLongSide) else {
                    preconditionFailure("PhotoLab's own JPEG of design \(set[k].design.id) does not decode")
                }
                let fingerprint = Fingerprint(image: image)
                taken.withLock { $0[k] = fingerprint }
            }
            let rescaled = taken.withLock { $0 }
            let moved = set.indices.map { metric.distance(set[$0].shots.1, rescaled[$0]!) }.sorted()
            let scanned: [MetricTraining.Pair] = set.indices.map { (set[$0].group, (set[$0].shots.0, rescaled[$0]!)) }
            let result = MetricTraining.fullScan(scanned, metric: metric)
            say(String(format: "  x%.2f: moved from itself median %.2f, 90th percentile %.2f, max %.2f, %d of %d over 2 (a true pair's median); as queries: nearest is the partner for %.3f, recall %.3f at %.2f %% false  [%.0f s]",
                       scale, moved[moved.count / 2], moved[moved.count * 9 / 10], moved.last ?? 0, moved.filter { $0 > 2 }.count, moved.count,
                       result.nearestIsPartner, result.recall, 100 * result.falseRate, (ContinuousClock.now - started).timeInterval))
        }
    }
}
