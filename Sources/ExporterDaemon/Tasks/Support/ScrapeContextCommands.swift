import Common

/// A scrape's deadline and cancellation reach the commands it runs: a scrape the supervisor
/// cuts off kills its children instead of leaving them running.
extension ScrapeContext: CommandContext {}
