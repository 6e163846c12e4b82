import Foundation
import Imaging
import Synchronization

extension PhotoManifest {
    /// Every photo of the set read, decoded at the fleet's reduced scale and fingerprinted as an
    /// uploads worker does (on every core), with the mask the fingerprint found: by file name. The
    /// first photo, in the manifest's order, that cannot be read or decoded is named in the error.
    public func measuringEveryPhoto() throws(PhotoManifestError) -> [String: (fingerprint: Fingerprint, mask: ObjectSegmentation.Mask)] {
        let resultsByFile = Mutex<[String: Result<(fingerprint: Fingerprint, mask: ObjectSegmentation.Mask), PhotoManifestError>]>([:])
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let entry = entries[index]
            let result: Result<(fingerprint: Fingerprint, mask: ObjectSegmentation.Mask), PhotoManifestError>
            if let bytes = try? Data(contentsOf: url(of: entry)) {
                do throws(ImageDecodingError) { result = .success(Fingerprint.measuring(try ImageDecoder.decode(bytes, reducedFor: Fingerprint.workingLongSide))) }
                catch { result = .failure(PhotoManifestError("photo \(entry.file): \(error.message)")) }
            } else {
                result = .failure(PhotoManifestError("cannot read the photo \(url(of: entry).path)"))
            }
            resultsByFile.withLock { $0[entry.file] = result }
        }
        let results = resultsByFile.withLock { $0 }
        var measured: [String: (fingerprint: Fingerprint, mask: ObjectSegmentation.Mask)] = [:]
        for entry in entries {
            switch results[entry.file]! {
            case .success(let value): measured[entry.file] = value
            case .failure(let error): throw error
            }
        }
        return measured
    }
}
