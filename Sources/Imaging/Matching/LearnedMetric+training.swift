import Foundation
import Synchronization

extension LearnedMetric {
    /// Learns a metric from photo pairs: `pairs[i]` are two photos of one thing, and `groups[i]` says
    /// which things may be confused with it (the same kind of product). Fisher's linear discriminant:
    /// the within-pair scatter `Sw` (differences of the two photos of each thing, under the flip that
    /// best aligns them) and the between-thing scatter `Sb` (differences of photos of two random things
    /// of one group), both averaged over the four axis flips so that the metric treats a photo and its
    /// mirror image alike; `Sw` is regularised by `regularisation` × its mean variance. The map is the
    /// `dimensions` generalised eigenvectors of (`Sb`, `Sw`) with the largest eigenvalues λ, each
    /// weighted by √(1 − 1/λ) (directions where things differ no more than photos do count for
    /// nothing). The scale makes the median distance of the pairs that of `Fingerprint.distance(to:)`.
    ///
    /// With `hardNegativeRounds` > 0 the metric is learned again that many times, the between-thing
    /// scatter each time half random pairs and half each photo's `neighbours` nearest photos of other
    /// things of its group under the metric learned before (hard negatives): the look-alikes a matcher
    /// must refuse differ from a photo in fewer ways than a random stranger, and random pairs barely
    /// weigh those ways.
    public static func train(pairs: [(Fingerprint, Fingerprint)], groups: [String], dimensions: Int = 80,
                             regularisation: Double = 0.01, hardNegativeRounds: Int = 0,
                             neighbours: Int = 5) throws(LearnedMetricError) -> LearnedMetric {
        let n = inputDimensions
        let usable = pairs.indices.filter { pairs[$0].0.hasCurrentLayout && pairs[$0].1.hasCurrentLayout }
        guard usable.count > n, groups.count == pairs.count, (1...n).contains(dimensions) else {
            throw LearnedMetricError("training needs more than \(n) pairs of current-layout fingerprints, one group per pair, and 1...\(n) dimensions")
        }
        guard hardNegativeRounds >= 0, neighbours >= 1 else {
            throw LearnedMetricError("hard-negative rounds must be 0 or more and neighbours 1 or more")
        }
        let first = usable.map { pairs[$0].0.featureVector.map(Double.init) }
        let second = usable.map { pairs[$0].1.featureVector.map(Double.init) }
        let flips = Fingerprint.featureFlips

        var within = SymmetricScatter(n)
        for (a, b) in zip(first, second) {
            let aligned = flips.map { order in order.map { b[$0] } }.min { squaredDistance(a, $0) < squaredDistance(a, $1) }!
            within.add(zip(a, aligned).map { $0 - $1 })
        }
        var between = SymmetricScatter(n)
        var random = SplitMix(seed: 0x5EED_0F_F15E4)
        let byGroup = Dictionary(grouping: usable.indices, by: { groups[usable[$0]] })
        for members in byGroup.values where members.count > 1 {
            for _ in 0..<3 {
                for (k, partner) in zip(members, random.shuffled(members)) where k != partner {
                    between.add(zip(first[k], first[partner]).map { $0 - $1 })
                }
            }
        }
        var sw = within.averagedOverFlips(flips)
        let randomBetween = between.averagedOverFlips(flips)
        let ridge = regularisation * (0..<n).reduce(0) { $0 + sw[$1 * n + $1] } / Double(n)
        for i in 0..<n { sw[i * n + i] += ridge }
        guard let lower = cholesky(sw, n) else { throw LearnedMetricError("the within-pair scatter is not positive definite") }

        var rows = discriminant(lower: lower, between: randomBetween, n: n, dimensions: dimensions)
        for _ in 0..<hardNegativeRounds {
            let current = try LearnedMetric(rows: rows, outputDimensions: rows.count / n, scale: 1)
            let hard = hardNegatives(first: first, second: second, groups: usable.map { groups[$0] }, metric: current, neighbours: neighbours)
            let hardBetween = hard.averagedOverFlips(flips)
            rows = discriminant(lower: lower, between: zip(randomBetween, hardBetween).map { ($0 + $1) / 2 }, n: n, dimensions: dimensions)
        }

        // Scale: the pairs' median distance equals their median hand-tuned distance.
        let unscaled = try LearnedMetric(rows: rows, outputDimensions: rows.count / n, scale: 1)
        let learned = usable.map { unscaled.distance(pairs[$0].0, pairs[$0].1) }.sorted()
        let tuned = usable.map { pairs[$0].0.distance(to: pairs[$0].1) }.sorted()
        let scale = learned[learned.count / 2] / max(1e-6, tuned[tuned.count / 2])
        return try LearnedMetric(rows: rows, outputDimensions: rows.count / n, scale: scale)
    }

    /// The map's rows for a between-thing scatter, given the Cholesky factor L of the within-pair one
    /// (Sw = L·Lᵀ): the eigenvectors u of L⁻¹·Sb·L⁻ᵀ give the directions L⁻ᵀ·u.
    private static func discriminant(lower: [Double], between sb: [Double], n: Int, dimensions: Int) -> [Float] {
        var half = [Double](repeating: 0, count: n * n)   // L⁻¹·Sb, column by column
        for column in 0..<n {
            let solved = forwardSolve(lower, n, (0..<n).map { sb[$0 * n + column] })
            for row in 0..<n { half[row * n + column] = solved[row] }
        }
        var reduced = [Double](repeating: 0, count: n * n)  // L⁻¹·(L⁻¹·Sb)ᵀ
        for column in 0..<n {
            let solved = forwardSolve(lower, n, Array(half[(column * n)..<((column + 1) * n)]))
            for row in 0..<n { reduced[row * n + column] = solved[row] }
        }
        for i in 0..<n { for j in 0..<i { let mean = (reduced[i * n + j] + reduced[j * n + i]) / 2; reduced[i * n + j] = mean; reduced[j * n + i] = mean } }
        let (values, vectors) = jacobiEigen(reduced, n)
        var rows: [Float] = []
        for k in values.indices.sorted(by: { values[$0] > values[$1] }).prefix(dimensions) {
            let direction = backSolve(lower, n, (0..<n).map { vectors[$0 * n + k] })
            let weight = max(0, 1 - 1 / max(values[k], 1e-9)).squareRoot()
            rows += direction.map { Float($0 * weight) }
        }
        return rows
    }

    /// The scatter of each thing's second photo against the `neighbours` first photos of other things of
    /// its group nearest to it under `metric`, each difference taken under the axis flip that metric
    /// found nearest.
    private static func hardNegatives(first: [[Double]], second: [[Double]], groups: [String], metric: LearnedMetric,
                                      neighbours: Int) -> SymmetricScatter {
        let flips = Fingerprint.featureFlips
        let points = first.map { metric.project($0.map(Float.init)) }
        let byGroup = Dictionary(grouping: first.indices, by: { groups[$0] })
        let found = Mutex<[(query: Int, other: Int, flip: Int)]>([])
        DispatchQueue.concurrentPerform(iterations: first.count) { q in
            let queryFlips = flips.map { order in metric.project(order.map { Float(second[q][$0]) }) }
            var nearest: [(d: Float, other: Int, flip: Int)] = []
            for g in byGroup[groups[q]]! where g != q {
                for (f, point) in queryFlips.enumerated() {
                    var sum: Float = 0
                    for k in point.indices { let d = point[k] - points[g][k]; sum += d * d }
                    guard nearest.count < neighbours || sum < nearest[nearest.count - 1].d else { continue }
                    if let same = nearest.firstIndex(where: { $0.other == g }) {
                        guard sum < nearest[same].d else { continue }
                        nearest.remove(at: same)
                    }
                    nearest.insert((sum, g, f), at: nearest.firstIndex { $0.d > sum } ?? nearest.count)
                    if nearest.count > neighbours { nearest.removeLast() }
                }
            }
            found.withLock { $0 += nearest.map { (q, $0.other, $0.flip) } }
        }
        var scatter = SymmetricScatter(first[0].count)
        for (q, other, flip) in found.withLock({ $0 }).sorted(by: { ($0.query, $0.other) < ($1.query, $1.other) }) {
            let query = flips[flip].map { second[q][$0] }
            scatter.add(zip(query, first[other]).map { $0 - $1 })
        }
        return scatter
    }

    private static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { let d = a[i] - b[i]; s += d * d }
        return s
    }

    /// The lower-triangular L with L·Lᵀ = `m` (n × n, row-major), or nil when `m` is not positive definite.
    static func cholesky(_ m: [Double], _ n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = m[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0 else { return nil }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        return l
    }

    /// x with L·x = b.
    static func forwardSolve(_ l: [Double], _ n: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in 0..<n {
            var s = x[i]
            for k in 0..<i { s -= l[i * n + k] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }

    /// x with Lᵀ·x = b.
    static func backSolve(_ l: [Double], _ n: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }

    /// Eigenvalues and eigenvectors (as columns, row-major n × n) of a symmetric matrix, by cyclic
    /// Jacobi rotations until the off-diagonal part is negligible.
    static func jacobiEigen(_ matrix: [Double], _ n: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<60 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += a[i * n + j] * a[i * n + j] } }
            if off <= 1e-22 * total { break }
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    guard abs(apq) > 1e-300 else { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {   // columns p and q
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {   // rows p and q
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<n).map { a[$0 * n + $0] }, v)
    }
}

/// Σ d·dᵀ / count over added difference vectors d.
private struct SymmetricScatter {
    let n: Int
    var sum: [Double]
    var count = 0

    init(_ n: Int) {
        self.n = n
        sum = [Double](repeating: 0, count: n * n)
    }

    mutating func add(_ d: [Double]) {
        count += 1
        sum.withUnsafeMutableBufferPointer { s in
            for i in 0..<n where d[i] != 0 {
                let di = d[i]
                for j in 0..<n { s[i * n + j] += di * d[j] }
            }
        }
    }

    /// The mean scatter, averaged over the value orders of the four axis flips.
    func averagedOverFlips(_ flips: [[Int]]) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        let norm = 1 / Double(max(1, count) * flips.count)
        for order in flips {
            for i in 0..<n { for j in 0..<n { out[i * n + j] += sum[order[i] * n + order[j]] * norm } }
        }
        return out
    }
}

/// A small seeded generator for the training's random pairs (reproducible across runs and platforms).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func shuffled<T>(_ values: [T]) -> [T] {
        var out = values
        for i in stride(from: out.count - 1, to: 0, by: -1) { out.swapAt(i, Int(next() % UInt64(i + 1))) }
        return out
    }
}
