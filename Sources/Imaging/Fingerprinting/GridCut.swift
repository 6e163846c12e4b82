/// A minimum s-t cut on a pixel grid: every pixel has a cost for each of two labels and a cost for
/// each neighbour that gets the other label; the cut is the labelling of least total cost.
///
/// Boykov and Kolmogorov's max-flow ("An experimental comparison of min-cut/max-flow algorithms for
/// energy minimization in vision", 2004): two search trees grow from the terminals, an augmenting path
/// is found where they meet, and the trees are repaired (orphans adopted) instead of being rebuilt,
/// which suits grids, where paths are short and many. Iterative, sized for working images of ~20,000
/// pixels.
struct GridCut {
    private enum Tree: UInt8 { case free, source, sink }
    private static let terminal: Int32 = -1, orphan: Int32 = -2, none: Int32 = -3

    private let count: Int
    private var first: [Int32]
    private var next: [Int32] = []
    private var head: [Int32] = []
    private var residual: [Float] = []
    /// Residual capacity from the source (positive) or to the sink (negative).
    private var terminalResidual: [Float]

    /// A grid of `pixels` nodes.
    init(pixels: Int, neighboursPerPixel: Int) {
        count = pixels
        first = [Int32](repeating: -1, count: pixels)
        terminalResidual = [Float](repeating: 0, count: pixels)
        let arcs = 2 * neighboursPerPixel * pixels
        next.reserveCapacity(arcs); head.reserveCapacity(arcs); residual.reserveCapacity(arcs)
    }

    /// Costs of giving pixel `p` the foreground and the background label.
    mutating func setLabelCosts(_ p: Int, foreground: Float, background: Float) {
        // The foreground is the source side: a pixel there is cut from the sink at its foreground cost.
        terminalResidual[p] = background - foreground
    }

    /// Cost paid when `p` and `q` get different labels.
    mutating func setNeighbourCost(_ p: Int, _ q: Int, _ cost: Float) {
        head.append(Int32(q)); residual.append(cost); next.append(first[p]); first[p] = Int32(head.count - 1)
        head.append(Int32(p)); residual.append(cost); next.append(first[q]); first[q] = Int32(head.count - 1)
    }

    /// The labelling of least cost: true for the pixels on the foreground (source) side.
    mutating func foreground() -> [Bool] {
        var tree = [Tree](repeating: .free, count: count)
        // The arc from a node towards its parent, or `terminal` at a root.
        var parent = [Int32](repeating: GridCut.none, count: count)
        // When a node was last confirmed to reach its terminal (cuts the walks of the adoption stage).
        var verified = [Int32](repeating: 0, count: count)
        var clock: Int32 = 1
        var active: [Int32] = [], activeHead = 0
        var isActive = [Bool](repeating: false, count: count)
        var orphans: [Int32] = []

        func activate(_ p: Int) {
            if !isActive[p] { isActive[p] = true; active.append(Int32(p)) }
        }
        for p in 0..<count where terminalResidual[p] != 0 {
            tree[p] = terminalResidual[p] > 0 ? .source : .sink
            parent[p] = GridCut.terminal
            activate(p)
        }
        // Whether a node's chain of parents reaches its terminal (no orphan on the way).
        func reachesTerminal(_ start: Int) -> Bool {
            var p = start
            while true {
                if verified[p] == clock { break }
                let a = parent[p]
                if a == GridCut.terminal { break }
                if a < 0 { return false }
                p = Int(head[Int(a)])
            }
            p = start
            while verified[p] != clock {
                verified[p] = clock
                let a = parent[p]
                if a == GridCut.terminal { break }
                p = Int(head[Int(a)])
            }
            return true
        }

        while activeHead < active.count {
            let p = Int(active[activeHead]); activeHead += 1
            isActive[p] = false
            guard tree[p] != .free else { continue }
            // Growth: the first arc from this tree into the other one is where a path is found.
            var meeting: Int32 = -1
            var a = first[p]
            while a >= 0 {
                let arc = Int(a), q = Int(head[arc])
                let open = tree[p] == .source ? residual[arc] > 0 : residual[arc ^ 1] > 0
                if open {
                    if tree[q] == .free {
                        tree[q] = tree[p]; parent[q] = Int32(arc ^ 1); activate(q)
                    } else if tree[q] != tree[p] {
                        // The arc from the source-side node to the sink-side one.
                        meeting = tree[p] == .source ? a : a ^ 1
                        break
                    }
                }
                a = next[arc]
            }
            guard meeting >= 0 else { continue }
            // Processed again next: it may meet the other tree elsewhere (its slot still holds it).
            activeHead -= 1
            isActive[p] = true

            // Augmentation along source root ... s-node -> t-node ... sink root.
            let middle = Int(meeting)
            var bottleneck = residual[middle]
            var s = Int(head[middle ^ 1])
            while parent[s] != GridCut.terminal {
                let e = Int(parent[s]); bottleneck = min(bottleneck, residual[e ^ 1]); s = Int(head[e])
            }
            bottleneck = min(bottleneck, terminalResidual[s])
            var t = Int(head[middle])
            while parent[t] != GridCut.terminal {
                let e = Int(parent[t]); bottleneck = min(bottleneck, residual[e]); t = Int(head[e])
            }
            bottleneck = min(bottleneck, -terminalResidual[t])

            residual[middle] -= bottleneck; residual[middle ^ 1] += bottleneck
            s = Int(head[middle ^ 1])
            while parent[s] != GridCut.terminal {
                let e = Int(parent[s])
                residual[e ^ 1] -= bottleneck; residual[e] += bottleneck
                let up = Int(head[e])
                if residual[e ^ 1] <= 0 { parent[s] = GridCut.orphan; orphans.append(Int32(s)) }
                s = up
            }
            terminalResidual[s] -= bottleneck
            if terminalResidual[s] <= 0 { terminalResidual[s] = 0; parent[s] = GridCut.orphan; orphans.append(Int32(s)) }
            t = Int(head[middle])
            while parent[t] != GridCut.terminal {
                let e = Int(parent[t])
                residual[e] -= bottleneck; residual[e ^ 1] += bottleneck
                let up = Int(head[e])
                if residual[e] <= 0 { parent[t] = GridCut.orphan; orphans.append(Int32(t)) }
                t = up
            }
            terminalResidual[t] += bottleneck
            if terminalResidual[t] >= 0 { terminalResidual[t] = 0; parent[t] = GridCut.orphan; orphans.append(Int32(t)) }

            // Adoption: every orphan finds a parent in its own tree that still reaches the terminal, or
            // leaves the tree (its children become orphans, its open neighbours active).
            clock += 1
            while let o = orphans.popLast() {
                let p = Int(o), side = tree[p]
                var adopted = false
                var a = first[p]
                while a >= 0 {
                    let arc = Int(a), q = Int(head[arc])
                    let open = side == .source ? residual[arc ^ 1] > 0 : residual[arc] > 0
                    if tree[q] == side, open, parent[q] != GridCut.orphan, reachesTerminal(q) {
                        parent[p] = Int32(arc); adopted = true; break
                    }
                    a = next[arc]
                }
                if adopted { continue }
                a = first[p]
                while a >= 0 {
                    let arc = Int(a), q = Int(head[arc])
                    if tree[q] == side {
                        let open = side == .source ? residual[arc ^ 1] > 0 : residual[arc] > 0
                        if open { activate(q) }
                        if parent[q] >= 0, Int(head[Int(parent[q])]) == p { parent[q] = GridCut.orphan; orphans.append(Int32(q)) }
                    }
                    a = next[arc]
                }
                tree[p] = .free
                parent[p] = GridCut.none
            }
        }
        return tree.map { $0 == .source }
    }
}
