// What identifies a metric family at registration, so a second registration can be compared with the first.

/// Everything that must match for a second registration to return the first family.
struct FamilyDescriptor: Sendable, Equatable {
    /// Which series class backs the family (an integer and a floating counter are both `counter`).
    enum SeriesKind: String, Sendable {
        case counter = "integer counter"
        case floatingCounter = "floating counter"
        case gauge
        case histogram
        case summary
    }

    /// Family name; for counters without `_total`.
    let name: String
    let type: MetricType
    let kind: SeriesKind
    let help: String
    let unit: String
    /// Sorted.
    let labelNames: [String]
    /// Histograms: finite upper bounds.
    var buckets: [Double] = []
    /// Summaries: exported quantiles and sketch accuracy.
    var quantiles: [Double] = []
    var relativeAccuracy: Double = 0

    /// Sample names this family writes in either format; two families must not share any.
    var sampleNames: [String] {
        switch type {
        case .counter: return [name, name + "_total", name + "_created"]
        case .gauge: return [name]
        case .histogram: return [name, name + "_bucket", name + "_sum", name + "_count", name + "_created"]
        case .summary: return [name, name + "_sum", name + "_count", name + "_created"]
        }
    }

    /// The name on Prometheus text 0.0.4's HELP and TYPE lines: counters keep `_total` there.
    var prometheusTextName: String {
        type == .counter ? name + "_total" : name
    }

    /// Throws if a family already registered as `self` cannot be returned for `requested`.
    func checkCompatible(with requested: FamilyDescriptor) throws(MetricsRegistryError) {
        if type != requested.type {
            throw .typeConflict(metric: name, registered: type, requested: requested.type)
        }
        if kind != requested.kind {
            throw .seriesKindConflict(metric: name, registered: kind.rawValue, requested: requested.kind.rawValue)
        }
        if labelNames != requested.labelNames {
            throw .labelNamesConflict(metric: name, registered: labelNames, requested: requested.labelNames)
        }
        if unit != requested.unit {
            throw .unitConflict(metric: name, registered: unit, requested: requested.unit)
        }
        if buckets != requested.buckets || quantiles != requested.quantiles
            || relativeAccuracy != requested.relativeAccuracy
        {
            throw .bucketsConflict(metric: name)
        }
    }
}
