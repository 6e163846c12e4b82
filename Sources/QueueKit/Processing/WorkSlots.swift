import Foundation

/// Counts the free job slots of a worker (its concurrency). The fetch thread takes slots before it
/// leases and blocks while none are free; finished jobs give theirs back.
final class WorkSlots: @unchecked Sendable {
    private let condition = NSCondition()
    private var free: Int
    private var closed = false

    init(capacity: Int) { free = capacity }

    /// Takes between 1 and `most` slots. While fewer than `enough` are free it waits up to `patience`
    /// for more, so that a busy worker leases in batches rather than one job per round trip.
    /// Returns 0 once closed.
    func take(most: Int, enough: Int, patience: TimeInterval) -> Int {
        condition.lock()
        defer { condition.unlock() }
        while free == 0 && !closed { condition.wait() }
        if free < enough && !closed {
            let until = Date(timeIntervalSinceNow: patience)
            while free < enough && !closed && condition.wait(until: until) {}
        }
        if closed { return 0 }
        let taken = min(free, most)
        free -= taken
        return taken
    }

    func giveBack(_ count: Int) {
        guard count > 0 else { return }
        condition.lock()
        free += count
        condition.signal()
        condition.unlock()
    }

    /// Wakes the fetch thread for good.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
