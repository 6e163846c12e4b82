import QueueKit

/// The job handlers a `workers` process runs. The domain roles (uploads, matching, billing,
/// personalization) register here as they arrive; every process also runs the diagnostic types.
public enum Roles {
    /// Handlers for a worker process: the diagnostic job types `noop`, `sleep` and `fail`.
    public static func handlers() -> JobHandlers {
        var handlers = JobHandlers()
        DiagnosticJobs.register(into: &handlers)
        return handlers
    }
}
