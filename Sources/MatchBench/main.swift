import FleetCommand
import Foundation
import Imaging
import PhotoLab
import QueueKit
import Synchronization
import Workers

let usage = """
    Usage: match-bench [--sizes 1000,10000,100000] [--queries N] [--seed N] [--algorithm v1|v2]

    Measures the matcher on generated photos (PhotoLab: each design photographed twice under
    rotation, scale, lighting, blur, noise, clutter, perspective and JPEG re-encoding). For each
    index size it files one photo of that many designs (socks, gloves, button sets) in the Redis
    index, then runs the matching worker's code on the other photo of --queries of them, and on
    --queries photos of designs that are not in the index. Prints recall (the true partner was
    matched), the false-match rate (a wrong partner, or any match for an absent design), and
    milliseconds per match.

    \\(FleetEnvironment.help)
    """

struct Query { let item: Item; let partner: String? }

func product(for design: ItemDesign, shot: Int = 0) -> (String, [String: String])? {
    switch design.kind {
    case .sock: return ("sock", [:])
    case .glove: return ("glove", ["hand": shot == 0 ? "left" : "right"])  // shot 1 is the mirrored hand
    case .buttonSet: return ("button-set", ["count": "\(4 + design.id % 5)", "holes": "\(design.id % 2 == 0 ? 2 : 4)", "diameter_mm": "18"])
    default: return nil
    }
}

/// Fingerprints one photo of each design on every core.
func items(_ designs: [ItemDesign], shot: Int, seed: UInt64, prefix: String) -> [Item] {
    let results = Mutex<[Int: Item]>([:])
    DispatchQueue.concurrentPerform(iterations: designs.count) { index in
        let design = designs[index]
        guard let (name, attributes) = product(for: design, shot: shot) else { return }
        let photo = Photographer.photograph(design, shot: shot, seed: seed)
        let item = Item(id: "\(prefix)\(design.id)", user: "\(prefix)user\(design.id)", product: name,
                        attributes: ItemAttributes(attributes), fingerprint: Fingerprint(image: photo.image), createdAt: design.id)
        results.withLock { $0[index] = item }
    }
    let all = results.withLock { $0 }
    return (0..<designs.count).compactMap { all[$0] }
}

await runTool("match-bench") {
    let arguments = try Arguments(CommandLine.arguments.dropFirst(), options: FleetEnvironment.options.union(["sizes", "queries", "seed", "algorithm"]), flags: [])
    if arguments.wantsHelp { return say(usage) }
    let environment = try FleetEnvironment(arguments, tool: "match-bench")
    let sizes = (arguments.value("sizes") ?? "1000,10000,100000").split(separator: ",").compactMap { Int($0) }
    let queryCount = try arguments.int("queries", default: 300, range: 10...100_000)
    let seed = UInt64(try arguments.int("seed", default: 1))
    let client = RedisClient(environment.redis)
    try await client.connect()
    let products = ProductCatalog.standard

    for size in sizes {
        let keyspace = Keyspace(prefix: "match-bench-\(getpid())-\(size)")
        let store = MatchStore(client: client, keyspace: keyspace)
        let flags = FeatureFlags(client: client, keyspace: keyspace)
        let algorithm = arguments.value("algorithm") ?? "v1"
        try await flags.set(MatchingRole.algorithmFlag, FlagRollout(variant: algorithm, fallback: algorithm, percent: 100))
        let role = MatchingRole(products: products, store: store, flags: flags, vendors: VendorCatalog(entries: []))
        // Designs: `size` indexed, plus `queryCount` that are never indexed (their queries must not match).
        let all = DesignCatalogue.make(count: size + queryCount, seed: seed).filter { product(for: $0) != nil }
        let indexed = Array(all.prefix(min(size, all.count - queryCount)))
        let absent = Array(all.suffix(queryCount))
        var started = ContinuousClock.now
        let indexItems = items(indexed, shot: 0, seed: seed, prefix: "i")
        let fingerprinting = ContinuousClock.now - started
        started = ContinuousClock.now
        for item in indexItems {
            try await store.store(item)
            _ = try await store.file(item.id, under: products[item.product]!.filing(of: item).fileUnder)
        }
        let filing = ContinuousClock.now - started
        let step = max(1, indexed.count / queryCount)
        let present = stride(from: 0, to: indexed.count, by: step).prefix(queryCount).map { indexed[$0] }
        var queries = items(present, shot: 1, seed: seed, prefix: "q").map { Query(item: $0, partner: "i" + $0.id.dropFirst()) }
        queries += items(absent, shot: 1, seed: seed, prefix: "q").map { Query(item: $0, partner: nil) }

        var found = 0, wrong = 0, falseOnAbsent = 0, presentCount = 0
        var perProduct: [String: (found: Int, total: Int)] = [:]
        var elapsed: [Double] = []
        for query in queries {
            try await store.store(query.item)
            let context = JobContext.forTesting(id: JobID(query.item.id))
            let clock = ContinuousClock.now
            let outcome = try await role.handle(DomainJobs.Match(item: query.item.id), context: context)
            elapsed.append((ContinuousClock.now - clock).timeInterval * 1000)
            var partner: String?
            if case .matched(let id) = outcome, let match = try await store.match(id) {
                partner = match.itemA == query.item.id ? match.itemB : match.itemA
            }
            if let expected = query.partner {
                presentCount += 1
                perProduct[query.item.product, default: (0, 0)].total += 1
                if partner == expected {
                    found += 1
                    perProduct[query.item.product, default: (0, 0)].found += 1
                } else if partner != nil { wrong += 1 }
            } else if partner != nil {
                falseOnAbsent += 1
            }
        }
        elapsed.sort()
        let mean = elapsed.reduce(0, +) / Double(max(1, elapsed.count))
        let falseRate = Double(wrong + falseOnAbsent) / Double(max(1, queries.count))
        say(String(format: "algorithm %@, index %6d items: recall %.3f (%d/%d), false matches %.2f %% (%d wrong partner, %d for absent designs of %d), match %.2f ms mean, %.2f ms p50, %.2f ms p99",
                   algorithm, indexItems.count, Double(found) / Double(max(1, presentCount)), found, presentCount, falseRate * 100, wrong, falseOnAbsent,
                   queries.count - presentCount, mean, elapsed[elapsed.count / 2], elapsed[min(elapsed.count - 1, elapsed.count * 99 / 100)]))
        say("   recall by product: " + perProduct.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.found)/\($0.value.total)" }.joined(separator: ", "))
        say(String(format: "   (fingerprinting %.1f s on %d cores, filing %.1f s)", fingerprinting.timeInterval,
                   ProcessInfo.processInfo.activeProcessorCount, filing.timeInterval))
        // Leave the private Redis as we found it.
        _ = try await client.withConnection { try $0.deleteKeys(matching: keyspace.prefix + ":*") }
    }
}
