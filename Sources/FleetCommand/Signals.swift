import Synchronization
import Dispatch
import Foundation

/// Calls `onFirst` at the first SIGTERM or SIGINT; a second one exits at once with status 130,
/// for an operator who does not want to wait for the drain.
public final class ShutdownSignals: Sendable {
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    public init(onFirst: @escaping @Sendable (Int32) -> Void) {
        // A parent may have blocked these signals (test runners do), and children inherit the mask.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGTERM)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        let queue = DispatchQueue(label: "fleet.signals")
        let count = Mutex(0)
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                let seen = count.withLock { $0 += 1; return $0 }
                if seen == 1 { onFirst(number) } else {
                    printError("second signal: exiting without draining; leased jobs run again after their leases expire")
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
