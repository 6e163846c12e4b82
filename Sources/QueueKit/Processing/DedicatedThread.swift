import Foundation
import Synchronization

/// A thread of its own for blocking work (hiredis calls, timers that must keep time while handlers
/// hog the cooperative pool), which async code can wait for without blocking.
final class DedicatedThread: Sendable {
    private let done = Mutex<(finished: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            body()
            let waiters = done.withLock { state in
                state.finished = true
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        thread.name = name
        thread.start()
    }

    /// Returns when the thread's body has returned.
    func join() async {
        await withCheckedContinuation { continuation in
            let finished = done.withLock { state in
                if !state.finished { state.waiters.append(continuation) }
                return state.finished
            }
            if finished { continuation.resume() }
        }
    }
}

/// A one-way flag that says "stop": checked by threads, awaited by tasks.
final class StopSignal: Sendable {
    private let state = Mutex<(stopped: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let actions = Mutex<[@Sendable () -> Void]>([])

    /// Runs `action` at the stop (at once if already stopped), on the thread that stops.
    func whenStopped(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state in
            if !state.stopped { actions.withLock { $0.append(action) } }
            return state.stopped
        }
        if now { action() }
    }

    var isStopped: Bool { state.withLock { $0.stopped } }

    func stop() {
        let waiters: [CheckedContinuation<Void, Never>]? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        guard let waiters else { return }
        for action in actions.withLock({ $0 }) { action() }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `stop()` has been called.
    func wait() async {
        await withCheckedContinuation { continuation in
            let stopped = state.withLock { state in
                if !state.stopped { state.waiters.append(continuation) }
                return state.stopped
            }
            if stopped { continuation.resume() }
        }
    }
}
