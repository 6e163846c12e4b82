import Dispatch

/// Reading or writing a photo in the blob store (a directory the fleet shares, perhaps over the
/// network), decoding it and measuring it hold a thread for milliseconds, or for as long as a
/// stalled share takes. Such work runs here, on threads of its own, so that Swift's cooperative
/// pool (a worker's other jobs, the app's requests, and every Redis reply they await) never waits
/// behind it, as `RedisClient` keeps hiredis' blocking calls off the pool.
///
/// Each call gets a serial queue of its own: serial queues draw on dispatch's overcommitting threads,
/// which grow in number while some block. A concurrent queue would not do: on Linux it shares the
/// few threads (one per core) that also run the cooperative pool's tasks.
public enum PhotoWork {
    /// Runs `body` on a photo-work thread and returns (or throws) what it did.
    public static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            DispatchQueue(label: "workers.photo-work").async {
                do throws(E) { continuation.resume(returning: .success(try body())) } catch { continuation.resume(returning: .failure(error)) }
            }
        }
        return try result.get()
    }
}
