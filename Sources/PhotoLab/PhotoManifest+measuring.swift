import Foundation
import Imaging
import Synchronization

extension PhotoManifest {
    /// Which outline of the item `measuringEveryPhoto` uses: the one the fingerprint finds, as an
    /// upload does, or the true one beside the photo (`NAME.mask.png`, as `ops/other-photos --masks`
    /// writes it) for the fingerprint, for the mask kept for the photo check, or for both. The true
    /// outlines tell how much a better segmentation could give before anyone writes one.
    public enum Outlines: String, Sendable {
        case found
        case trueForFingerprint = "fingerprint"
        case trueForPhotoCheck = "photo-check"
        case trueForBoth = "both"
    }

    /// A photo of the set measured: its fingerprint, the mask kept for the photo check, and whether
    /// the true outline beside it stood in for finding the item (for either).
    public typealias MeasuredPhoto = (fingerprint: Fingerprint, mask: ObjectSegmentation.Mask, toldOutline: Bool)

    /// Every photo of the set read, decoded at the fleet's reduced scale and fingerprinted as an
    /// uploads worker does (on every core), with the mask the fingerprint found, or with the true
    /// outlines `outlines` names: by file name. With `overlapUnder`, a photo takes its true outline
    /// only where the found one overlaps it by less than that (intersection over union), so that
    /// the worth of mending a segmentation's gross failures can be told from that of a finer outline;
    /// it means nothing for `.found`. The first photo, in the manifest's order, that cannot be read
    /// or decoded, or that lacks the true outline asked for, is named in the error.
    public func measuringEveryPhoto(outlines: Outlines = .found, overlapUnder: Float? = nil) throws(PhotoManifestError) -> [String: MeasuredPhoto] {
        let resultsByFile = Mutex<[String: Result<MeasuredPhoto, PhotoManifestError>]>([:])
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let entry = entries[index]
            let result = Result { () throws(PhotoManifestError) in try measuring(entry, outlines: outlines, overlapUnder: overlapUnder) }
            resultsByFile.withLock { $0[entry.file] = result }
        }
        let results = resultsByFile.withLock { $0 }
        var measured: [String: MeasuredPhoto] = [:]
        for entry in entries {
            switch results[entry.file]! {
            case .success(let value): measured[entry.file] = value
            case .failure(let error): throw error
            }
        }
        return measured
    }

    private func measuring(_ entry: Entry, outlines: Outlines, overlapUnder limit: Float?) throws(PhotoManifestError) -> MeasuredPhoto {
        guard let bytes = try? Data(contentsOf: url(of: entry)) else { throw PhotoManifestError("cannot read the photo \(url(of: entry).path)") }
        let photo: DecodedImage
        do throws(ImageDecodingError) { photo = try ImageDecoder.decode(bytes, reducedFor: Fingerprint.workingLongSide) }
        catch { throw PhotoManifestError("photo \(entry.file): \(error.message)") }
        guard outlines != .found else {
            let found = Fingerprint.measuring(photo)
            return (found.fingerprint, found.mask, false)
        }
        let file = outlineURL(of: entry)
        guard let truth = try trueOutline(of: entry, photo: photo) else {
            throw PhotoManifestError("\(file.path) is missing: true outlines need NAME.mask.png beside every photo (ops/other-photos DIR --masks)")
        }
        let size = Fingerprint.workingSize(of: photo)
        guard let told = ObjectSegmentation.Mask(width: size.width, height: size.height, telling: truth),
              let fingerprint = Fingerprint(image: photo, itemMask: truth) else { throw PhotoManifestError("\(file.path) marks no pixel of the item") }
        guard outlines != .trueForBoth || limit != nil else { return (fingerprint, told, true) }
        // The item found as an upload finds it: for the half the true outline does not stand in for,
        // or for the whole where it overlaps the true one well enough.
        let found = Fingerprint.measuring(photo)
        if let limit, Self.overlap(found.mask.inside, truth) >= limit { return (found.fingerprint, found.mask, false) }
        switch outlines {
        case .found, .trueForBoth: return (fingerprint, told, true)
        case .trueForFingerprint: return (fingerprint, found.mask, true)
        case .trueForPhotoCheck: return (found.fingerprint, told, true)
        }
    }

    /// Intersection over union of two masks of one size (1 when both are empty).
    static func overlap(_ a: [Bool], _ b: [Bool]) -> Float {
        var shared = 0, either = 0
        for (x, y) in zip(a, b) {
            if x && y { shared += 1 }
            if x || y { either += 1 }
        }
        return either == 0 ? 1 : Float(shared) / Float(either)
    }

    /// Where the true outline of a photo of the set lies: beside it, as NAME.mask.png.
    public func outlineURL(of entry: Entry) -> URL { url(of: entry).deletingPathExtension().appendingPathExtension("mask.png") }

    /// The true outline beside `entry`'s photo (white where the item is), at the size of the masks its
    /// item is found in (`Fingerprint.workingSize(of: photo)`, row-major), each pixel item when most
    /// of the photo pixels it covers are; nil when the photo has none.
    public func trueOutline(of entry: Entry, photo: DecodedImage) throws(PhotoManifestError) -> [Bool]? {
        let file = outlineURL(of: entry)
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let mask: DecodedImage
        do throws(ImageDecodingError) { mask = try ImageDecoder.decode(data) } catch { throw PhotoManifestError("\(file.path): \(error.message)") }
        guard mask.width == photo.sourceWidth, mask.height == photo.sourceHeight else {
            throw PhotoManifestError("\(file.path) is \(mask.width)x\(mask.height), its photo \(photo.sourceWidth)x\(photo.sourceHeight): a true outline must be the photo's size")
        }
        let size = Fingerprint.workingSize(of: photo)
        var inside = [Int](repeating: 0, count: size.width * size.height), total = inside
        for y in 0..<mask.height {
            for x in 0..<mask.width {
                let cell = min(size.height - 1, y * size.height / mask.height) * size.width + min(size.width - 1, x * size.width / mask.width)
                total[cell] += 1
                if mask.pixels[(y * mask.width + x) * mask.layout.channels] > 127 { inside[cell] += 1 }
            }
        }
        return (0..<inside.count).map { 2 * inside[$0] > total[$0] }
    }
}
