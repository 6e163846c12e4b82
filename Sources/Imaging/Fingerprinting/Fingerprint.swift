/// A compact perceptual description of the item in a photo (590 floats, 2.4 KB), stable under the way
/// people photograph things (rotation, scale, light, blur, noise, compression, background) and
/// different for different designs; its one responsibility is to be compared with `distance(to:)`.
///
/// Parts that depend on the item's axes are stored in its canonical frame (see `CanonicalFrame`) and
/// compared under all four axis flips, so a photo and its mirror image have the same fingerprint up to
/// a flip: a left glove matches the right glove of the same design.
public struct Fingerprint: Sendable, Codable, Equatable {
    /// Layout version; fingerprints of different versions must not be compared: 1 until 2026-12-05,
    /// 2 with `relativeColour`.
    public static let currentVersion = 2
    /// How fingerprints are computed: 1 from the first mask alone (until 2026-12-03), 2 from the
    /// outline refined by a graph cut, with items that have no clear axis sampled evenly, 3
    /// (2026-12-05) with the segmentation's threshold lowered for items of low contrast that the
    /// minimum contrast would miss, 4 (layout 2, 2026-12-05) with `relativeColour`, 5 (2026-12-05)
    /// with the threshold lowered also past a patterned backdrop's tones and past clutter that stands
    /// out far off the centre (`ObjectSegmentation.segment`), 6 (2026-12-05) with the pieces of a set
    /// that lie farther out than the satellites' reach kept when they look like the set's
    /// (`ObjectSegmentation.likeTheSet`) and clutter found far off the centre left out while the
    /// threshold is lowered, and 8 (2026-12-07; 7 is the unlanded experiment of docs/experiments)
    /// with the mask grown into an item's parts near the backdrop's colour and the lowered
    /// threshold's edge measured over rings (`ObjectSegmentation.grown`, `edgeContrast`), and 9
    /// (2026-12-07) with a last round of the graph cut on the working copy before its smoothing
    /// (`WorkingImage.sharp`, `ObjectSegmentation.sharpFeatures`). Fingerprints of
    /// different methods within one layout compare, a little worse than of one method; the matcher
    /// keeps each item's (`Item.fingerprintMethod`) so that older ones, and those of an older layout,
    /// can be computed again from their photos (`queuectl refingerprint`). Raise it with any change
    /// to the computation.
    public static let currentMethod = 9
    /// Side of the layout grid (cells per axis).
    public static let layoutSide = 6
    /// Chroma bins per axis and relative-lightness bins of the colour histogram.
    public static let chromaBins = 8, lightnessBins = 3
    /// Values of each colour histogram (`colour`, `relativeColour`).
    public static var colourBinCount: Int { chromaBins * chromaBins * lightnessBins }
    /// Orientation bins over 180 degrees.
    public static let orientationBins = 12
    /// Concentric rings in the radial profile.
    public static let ringCount = 4

    /// Layout version this value was computed with.
    public var version: Int
    /// Soft histogram over (chroma1, chroma2, relative lightness), square-rooted so that Euclidean
    /// distance is the Hellinger distance; `chromaBins² × lightnessBins` values.
    public var colour: [Float]
    /// The same histogram of the item's colours after the light's colour is taken out: each channel
    /// divided by its geometric mean over the item, as if the item were grey on average. A plain item
    /// falls in the middle; a striped one keeps how its colours stand to each other, which a white
    /// balance or tone curve that moves all of them together leaves nearly as it is.
    public var relativeColour: [Float]
    /// Per layout cell: occupancy, chroma1, chroma2, relative lightness (`layoutSide² × 4`), row-major with
    /// `u` (the long axis) varying fastest.
    public var layout: [Float]
    /// Per ring from the centre outwards: occupancy, chroma1, chroma2, relative lightness (`ringCount × 4`).
    public var rings: [Float]
    /// Gradient-orientation histogram inside the item relative to its long axis, summing to 1.
    public var orientation: [Float]
    /// Pattern power spectrum in the canonical frame: `spectrumBands × spectrumSectors` square-rooted
    /// shares, band-major; sector 0 runs along `u`.
    public var spectrum: [Float]
    /// Pattern contrast: robust range of the principal colour channel over mean intensity.
    public var contrast: Float
    /// Pattern transitions per item length along `u` and along `v` (0 for plain items).
    public var frequencyU: Float, frequencyV: Float
    /// log(length / width) of the item's oriented extent.
    public var logAspect: Float
    /// log of the first three Hu moment invariants of the item's outline: independent of position, scale,
    /// rotation and reflection; they separate an L-shaped sock from a five-fingered glove or a disc.
    public var shapeMoments: [Float]
    /// Item area over its oriented bounding-box area.
    public var solidity: Float
    /// log of the item's bright-level intensity; exposure-dependent, so weighted lightly.
    public var logBrightness: Float
    /// 0...1: how well defined the long axis is (0 for round or square items).
    public var axisConfidence: Float
}
