/// What the dashboard controls, whichever way the fleet is read: the poller (every host
/// directly) or a Prometheus server (`--prometheus`).
protocol FleetSource: AnyObject, Sendable {
    /// Starts reading; `spread` spreads the first polls over the interval (the dashboard).
    func start(spread: Bool)
    func stop()
    func setPaused(_ value: Bool)
    /// Reads every host now (the dashboard's `r`).
    func pollAllNow()
    func setInterval(_ secs: Double)
    /// Reads one host now (its detail view opened). A source that reads the whole fleet at
    /// once reads it all.
    func pollNow(_ index: Int)
}

extension Poller: FleetSource {}
