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

    /// Whether `stop()` is called within `timeout` (at once if it already was).
    func wait(atMost timeout: Duration) async -> Bool {
        let once = ResumeOnce()
        return await withCheckedContinuation { continuation in
            once.set(continuation)
            whenStopped { once.resume(returning: true) }
            let (seconds, attoseconds) = timeout.components
            let nanoseconds = max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { once.resume(returning: false) }
        }
    }

    /// A signal that stops when the first of `signals` does.
    static func first(of signals: [StopSignal]) -> StopSignal {
        let any = StopSignal()
        for signal in signals { signal.whenStopped { any.stop() } }
        return any
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

/// A continuation resumed by whichever of several callbacks comes first.
private final class ResumeOnce: Sendable {
    private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Bool, Never>) { self.continuation.withLock { $0 = continuation } }

    func resume(returning value: Bool) {
        continuation.withLock { stored -> CheckedContinuation<Bool, Never>? in defer { stored = nil }; return stored }?.resume(returning: value)
    }
}
