// SpanAnalyzer: derives metrics from spans one at a time, live as a sink or over a replayed log, into a registry.

import Synchronization
import TraceKit
import TraceMetrics
import TraceSync

/// Derives metrics from spans, one span at a time, into a `MetricsRegistry`: per span name, kind and status a
/// calls counter and a duration histogram (with the slowest span of each bucket as exemplar), a self-time
/// histogram, and the families of the configured `DerivationRule`s (the seed's by default).
///
/// The same type serves live, as a sink of the recorder, and offline, fed from a replayed log; the same spans
/// give the same exposition text either way (the order spans arrive in does not matter: counts and sums are
/// integers, exemplars are chosen by value). Memory grows with the number of series, not of spans.
///
/// ```swift
/// let registry = MetricsRegistry()
/// let analyzer = try SpanAnalyzer(registry: registry)
/// try TraceSystem.bootstrap(TraceConfiguration(service: "api", sinks: [logWriter, analyzer]))
/// // ... later, or in another process over the log:
/// for entry in try LogReader(path: "app.tklog", preparingFor: analyzer) {
///     if case .span(let span) = entry { analyzer.consumePrepared(span) }  // prepared on the decoding threads
/// }
/// print(registry.exposition(.openMetrics))
/// ```
public final class SpanAnalyzer: SplitSpanSink {
    /// Where the derived metrics go.
    public let registry: MetricsRegistry
    /// What is derived.
    public let configuration: SpanAnalyzerConfiguration
    /// The attribute keys derivation reads: the dimensions, and every key a rule's condition or label names.
    /// Spans' other attributes do not change what is derived, so a replay can leave them undecoded:
    ///
    /// ```swift
    /// for case .spans(let batch) in try LogBatchReader(path: "app.tklog", attributes: analyzer.attributeKeys) {
    ///     analyzer.consume(batch)
    /// }
    /// ```
    public let attributeKeys: Set<String>

    private let spanMetrics: GenericSpanMetrics?
    private let rules: [CompiledRule]
    /// What the ordered part needs: the self-time tracker, and plans looked up by that part, under one lock.
    private let ordered: Locked<OrderedState>
    private let analyzed = Atomic<UInt64>(0)
    /// Plans by span name, kind and status; rebuilt from scratch when the series caches spend their budget.
    private let plans = Locked(ProbingTable<SpanPlanKey, SpanPlan>())
    private let budget: SeriesCacheBudget

    /// Registers the derived families in `registry`.
    ///
    /// - Throws: `MetricsRegistryError` when a name, label or bucket layout is invalid or clashes with a family
    ///   already registered differently.
    public init(registry: MetricsRegistry, configuration: SpanAnalyzerConfiguration = .init())
        throws(MetricsRegistryError)
    {
        self.registry = registry
        self.configuration = configuration
        self.ordered = Locked(
            OrderedState(
                tracker: SelfTimeTracker(maxPendingChildIntervals: configuration.maxPendingChildIntervals)))
        self.spanMetrics =
            configuration.derivesSpanMetrics
            ? try GenericSpanMetrics(registry: registry, configuration: configuration) : nil
        var rules: [CompiledRule] = []
        for rule in configuration.rules {
            var families: [CompiledFamily] = []
            for family in rule.families {
                families.append(try CompiledFamily(family, registry: registry, seriesLimit: configuration.seriesLimit))
            }
            rules.append(CompiledRule(match: rule.match, families: families))
        }
        self.rules = rules
        var keys = Set(configuration.dimensions)
        for rule in configuration.rules {
            keys.formUnion(rule.match.attributeKeys)
            for family in rule.families {
                keys.formUnion(family.condition.attributeKeys)
                for label in family.labels {
                    if case .attribute(let candidates, _) = label.source { keys.formUnion(candidates) }
                }
            }
        }
        self.attributeKeys = keys
        // Every family caps its series at the limit, so a few times that many cached handles is plenty.
        self.budget = SeriesCacheBudget(limit: max(1_024, configuration.seriesLimit * 8))
    }

    /// Derives the metrics of one finished span. Safe to call from many threads at once.
    public func consume(_ span: SpanRecord) {
        let plan = plan(for: SpanPlanKey(span))
        deriveIgnoringOrder(span, plan: plan, into: DirectObservations())
        guard let generic = plan.generic else { return }
        let timing = SpanTiming(span)
        let selfNanoseconds = ordered.withLock { $0.tracker.selfTimeNanoseconds(of: timing) }
        observeSelfTime(selfNanoseconds, of: span, in: generic)
    }

    /// The order-independent part of `consume(_:)`: everything but self time. Safe on any thread, in any order.
    public func prepare(_ span: SpanRecord) {
        deriveIgnoringOrder(span, plan: plan(for: SpanPlanKey(span)), into: DirectObservations())
    }

    /// `prepare(_:)` for a batch, such as one decoded log block; a replaying `LogReader(path:preparingFor:)`
    /// calls it on its decoding threads. Plans are looked up once per batch, and each series is updated once
    /// per batch, so threads preparing side by side do not contend for the same series.
    public func prepare(contentsOf spans: [SpanRecord]) {
        var local = ProbingTable<SpanPlanKey, SpanPlan>()
        let batch = BatchedObservations()
        defer { batch.commit() }
        for span in spans {
            let key = SpanPlanKey(span)
            let plan: SpanPlan
            if let known = local[key] {
                plan = known
            } else {
                plan = self.plan(for: key)
                local.insert(plan, for: key)
            }
            deriveIgnoringOrder(span, plan: plan, into: batch)
        }
    }

    /// The rest of `consume(_:)` for a span already passed to `prepare(_:)`: self time, which needs the spans in
    /// the order they finished.
    public func consumePrepared(_ span: SpanRecord) {
        guard spanMetrics != nil else { return }
        let key = SpanPlanKey(span)
        let timing = SpanTiming(span)
        let epoch = budget.epoch
        let (selfNanoseconds, known) = ordered.withLock { state -> (UInt64, SpanPlan?) in
            if state.epoch != epoch || state.plans.count >= budget.limit {
                // The shared plans were rebuilt: drop ours, so the caches behind them stay within the budget.
                state.plans.removeAll()
                state.epoch = epoch
            }
            return (state.tracker.selfTimeNanoseconds(of: timing), state.plans[key])
        }
        let plan: SpanPlan
        if let known {
            plan = known
        } else {
            // Looked up outside the ordered lock: making a plan takes the registry's locks.
            plan = self.plan(for: key)
            ordered.withLock { state in if state.epoch == epoch { state.plans.insert(plan, for: key) } }
        }
        if let generic = plan.generic { observeSelfTime(selfNanoseconds, of: span, in: generic) }
    }

    /// Derives the metrics of every span of `batch`, in order: the same as `consume(_:)` on each of
    /// `batch.records`, without making the records. Plans are looked up once per shape, observations gathered
    /// per series and added once per batch, and the self-time state locked once per batch.
    ///
    /// ```swift
    /// for case .spans(let batch) in try LogBatchReader(path: "app.tklog") { analyzer.consume(batch) }
    /// ```
    public func consume(_ batch: SpanBatch) {
        derive(batch, part: .all)
    }

    /// The order-independent part of `consume(_: SpanBatch)`: everything but self time. Safe on any thread, in
    /// any order; a `LogBatchReader(path:preparingFor:)` calls it on its decoding threads.
    ///
    /// ```swift
    /// analyzer.prepare(batch)          // on any thread
    /// analyzer.consumePrepared(batch)  // later, batches in the order their spans finished
    /// ```
    public func prepare(_ batch: SpanBatch) {
        derive(batch, part: .orderIndependent)
    }

    /// The rest of `consume(_: SpanBatch)` for a batch already passed to `prepare(_: SpanBatch)`: self time,
    /// which needs the batches in the order their spans finished.
    ///
    /// ```swift
    /// let reader = try LogBatchReader(path: "app.tklog", attributes: analyzer.attributeKeys, preparingFor: analyzer)
    /// for case .spans(let batch) in reader { analyzer.consumePrepared(batch) }
    /// ```
    public func consumePrepared(_ batch: SpanBatch) {
        derive(batch, part: .selfTime)
    }

    private func derive(_ batch: SpanBatch, part: BatchDerivation.Part) {
        guard batch.count > 0 else { return }
        if part != .selfTime { analyzed.wrappingAdd(UInt64(batch.count), ordering: .relaxed) }
        if part == .selfTime && spanMetrics == nil { return }
        var derivation = BatchDerivation(batch, exemplars: configuration.exemplars, part: part)
        var used = [Bool](repeating: false, count: batch.shapes.count)
        for shape in batch.shapeIndexes { used[Int(shape)] = true }
        for (shape, isUsed) in zip(batch.shapes, used) {
            guard isUsed else {
                derivation.addUnusedShape()
                continue
            }
            let key = SpanPlanKey(name: shape.name, kind: shape.kind, status: shape.status)
            let plan = plan(for: key)
            // A shape also fixes which attributes its spans have: rules that test for one are decided per shape.
            let attributeKeys = part == .selfTime ? [] : Set(shape.keys)
            let rules =
                part == .selfTime ? [] : plan.rules.compactMap { $0.narrowed(to: key, attributeKeys: attributeKeys) }
            derivation.addShape(shape, plan: plan, rules: rules)
        }
        var selfTimes: [UInt64]?
        if part != .orderIndependent, spanMetrics != nil {
            var nanoseconds: [UInt64] = []
            ordered.withLock { state in
                state.batchSelfTimes.compute(batch, tracker: &state.tracker, into: &nanoseconds)
            }
            selfTimes = nanoseconds
        }
        derivation.derive(selfTimes: selfTimes)
        derivation.commit()
    }

    /// Derives the metrics of every span in `spans`.
    public func consume(contentsOf spans: some Sequence<SpanRecord>) {
        for span in spans { consume(span) }
    }

    /// How many spans were analysed.
    public var spanCount: UInt64 { analyzed.load(ordering: .relaxed) }

    /// Child intervals dropped from the self-time buffer because their parent never came (bounded memory).
    public var evictedChildIntervals: UInt64 { ordered.withLock { $0.tracker.evictedChildIntervalCount } }

    /// Child intervals waiting in the self-time buffer for a parent that has not come (yet): after a whole log,
    /// children of parents that were lost (a damaged block) or never recorded.
    ///
    /// ```swift
    /// print("children still waiting for their parents:", analyzer.pendingChildIntervals)
    /// ```
    public var pendingChildIntervals: Int { ordered.withLock { $0.tracker.pendingChildIntervalCount } }

    /// Everything but self time: counters and histograms whose result does not depend on the order spans come in.
    private func deriveIgnoringOrder(
        _ span: some SpanFields, plan: SpanPlan, into observations: some DerivedObservations
    ) {
        analyzed.wrappingAdd(1, ordering: .relaxed)
        derive(span, generic: plan.generic, rules: plan.rules, into: observations)
    }

    /// The counters and histograms of one span: the generic families, then `rules`.
    private func derive(
        _ span: some SpanFields, generic: LabelledSeries<GenericSpanMetrics.Handles>?, rules: [PlannedRule],
        into observations: some DerivedObservations
    ) {
        let exemplar = ExemplarSource(span: span, enabled: configuration.exemplars)
        if let handles = generic?.series(for: span) {
            let weight = span.samplingWeight
            observations.increment(handles.calls, by: weight)
            observations.observe(
                handles.duration, nanoseconds: span.durationNanoseconds, count: weight, exemplar: exemplar)
        }
        for rule in rules { rule.record(span, exemplar: exemplar, into: observations) }
    }

    private func observeSelfTime(
        _ nanoseconds: UInt64, of span: some SpanFields, in generic: LabelledSeries<GenericSpanMetrics.Handles>
    ) {
        generic.series(for: span)?.selfTime.observe(
            nanoseconds: nanoseconds, count: span.samplingWeight,
            exemplar: ExemplarSource(span: span, enabled: configuration.exemplars).make())
    }

    /// The plan of `span`'s name, kind and status, made on first use.
    private func plan(for key: SpanPlanKey) -> SpanPlan {
        if let plan = plans.withLock({ $0[key] }) { return plan }
        let plan = makePlan(key)
        plans.withLock { plans in
            if budget.isSpent || plans.count >= budget.limit {
                plans.removeAll()
                budget.reset()
            }
            plans.insert(plan, for: key)
        }
        return plan
    }

    private func makePlan(_ key: SpanPlanKey) -> SpanPlan {
        var planned: [PlannedRule] = []
        for rule in rules {
            let condition: SpanMatch?
            switch PartialMatch(rule.match, key: key) {
            case .never: continue
            case .always: condition = nil
            case .depends(let rest): condition = rest
            }
            let families = rule.families.compactMap { $0.planned(for: key, budget: budget) }
            if !families.isEmpty { planned.append(PlannedRule(condition: condition, families: families)) }
        }
        return SpanPlan(generic: spanMetrics?.series(for: key, budget: budget), rules: planned)
    }
}

/// The state of the order-dependent part of the analysis.
struct OrderedState: Sendable {
    var tracker: SelfTimeTracker
    /// Plans used by `consumePrepared(_:)`, so it needs no second lock per span.
    var plans = ProbingTable<SpanPlanKey, SpanPlan>()
    /// The budget epoch `plans` belongs to.
    var epoch = 0
    /// Links children to parents within a batch for `consume(_: SpanBatch)`; kept to reuse its tables.
    var batchSelfTimes = BatchSelfTimes()
}

/// Makes a span's trace id / span id exemplar on demand: formatting ids is costly and most observations do not
/// become their bucket's exemplar.
struct ExemplarSource {
    let traceID: TraceID
    let spanID: SpanID
    let endUnixNanoseconds: UInt64
    let enabled: Bool

    init(span: some SpanFields, enabled: Bool) {
        self.init(
            traceID: span.traceID, spanID: span.spanID, endUnixNanoseconds: span.endUnixNanoseconds, enabled: enabled)
    }

    init(traceID: TraceID, spanID: SpanID, endUnixNanoseconds: UInt64, enabled: Bool) {
        self.traceID = traceID
        self.spanID = spanID
        self.endUnixNanoseconds = endUnixNanoseconds
        self.enabled = enabled
    }

    func make() -> Exemplar? {
        guard enabled else { return nil }
        return try? Exemplar(
            traceID: traceID.description,
            spanID: spanID.description,
            timestamp: Double(endUnixNanoseconds / 1_000) / 1_000_000
        )
    }
}

/// The generic calls / duration / self-time families, keyed by span name, kind, status and dimensions.
struct GenericSpanMetrics: Sendable {
    let calls: CounterFamily
    let durations: HistogramFamily
    let selfTimes: HistogramFamily
    let dimensions: [String]
    /// For each family, the positions of (span_name, span_kind, status_code, dimensions...) in sorted label order.
    let callsOrder: [Int]
    let selfTimeOrder: [Int]
    final class Handles: Sendable {
        let calls: Counter
        let duration: Histogram
        let selfTime: Histogram

        init(calls: Counter, duration: Histogram, selfTime: Histogram) {
            self.calls = calls
            self.duration = duration
            self.selfTime = selfTime
        }
    }

    init(registry: MetricsRegistry, configuration: SpanAnalyzerConfiguration) throws(MetricsRegistryError) {
        dimensions = configuration.dimensions
        let dimensionLabels = configuration.dimensions.map(Self.labelName)
        let labels = ["span_name", "span_kind", "status_code"] + dimensionLabels
        let selfLabels = ["span_name", "span_kind"] + dimensionLabels
        calls = try registry.counterFamily(
            configuration.prefix + "calls_total", help: "Spans finished, by name, kind and status.",
            labelNames: labels, seriesLimit: configuration.seriesLimit)
        durations = try registry.histogramFamily(
            configuration.prefix + "duration_seconds", help: "Span durations, by name, kind and status.",
            unit: "seconds", labelNames: labels, buckets: configuration.durationBuckets,
            seriesLimit: configuration.seriesLimit)
        selfTimes = try registry.histogramFamily(
            configuration.prefix + "self_time_seconds",
            help: "Span self time: duration minus time covered by child spans, by name and kind.",
            unit: "seconds", labelNames: selfLabels, buckets: configuration.durationBuckets,
            seriesLimit: configuration.seriesLimit)
        callsOrder = Self.sortedOrder(labels)
        selfTimeOrder = Self.sortedOrder(selfLabels)
    }

    /// The series of spans of one name, kind and status: fixed, or chosen by the dimension attributes.
    func series(for key: SpanPlanKey, budget: SeriesCacheBudget) -> LabelledSeries<Handles> {
        let status: SpanRecord.Status
        switch key.statusCode {
        case 0: status = .unset
        case 1: status = .ok
        default: status = .error(message: "")
        }
        let labels: [PlannedLabel] =
            [.fixed(key.name), .fixed(Self.kindValue(key.kind)), .fixed(Self.statusValue(status))]
            + dimensions.map { .attribute([$0], fallback: "") }
        return LabelledSeries(labels: labels, budget: budget) { [self] values in
            // Label names were validated at registration and the counts always match, so lookups cannot fail.
            let callValues = callsOrder.map { values[$0] }
            var selfLabelValues = values
            selfLabelValues.remove(at: 2)
            let selfValues = selfTimeOrder.map { selfLabelValues[$0] }
            guard let counter = try? calls.labels(values: callValues),
                let duration = try? durations.labels(values: callValues),
                let selfTime = try? selfTimes.labels(values: selfValues)
            else { return nil }
            return Handles(calls: counter, duration: duration, selfTime: selfTime)
        }
    }

    /// Positions into `labels` in the order of their sorted names (the order `labels(values:)` takes).
    static func sortedOrder(_ labels: [String]) -> [Int] {
        labels.indices.sorted { labels[$0] < labels[$1] }
    }

    /// An attribute key as a Prometheus label name (`PrometheusName.label`: `http.route` becomes `http_route`).
    static func labelName(_ key: String) -> String {
        PrometheusName.label(key)
    }

    static func kindValue(_ kind: SpanRecord.Kind) -> String {
        switch kind {
        case .internal: return "SPAN_KIND_INTERNAL"
        case .server: return "SPAN_KIND_SERVER"
        case .client: return "SPAN_KIND_CLIENT"
        case .producer: return "SPAN_KIND_PRODUCER"
        case .consumer: return "SPAN_KIND_CONSUMER"
        }
    }

    static func statusValue(_ status: SpanRecord.Status) -> String {
        switch status {
        case .unset: return "STATUS_CODE_UNSET"
        case .ok: return "STATUS_CODE_OK"
        case .error: return "STATUS_CODE_ERROR"
        }
    }
}

/// A rule with its families registered.
struct CompiledRule: Sendable {
    let match: SpanMatch
    let families: [CompiledFamily]
}

/// A derived family registered in the registry, with its labels in the order the registry takes them.
struct CompiledFamily: Sendable {
    enum Family: Sendable {
        case counter(CounterFamily)
        case histogram(HistogramFamily)
    }

    let family: Family
    let labels: [DerivedLabel]
    let condition: SpanMatch

    init(_ family: DerivedFamily, registry: MetricsRegistry, seriesLimit: Int) throws(MetricsRegistryError) {
        let sortedLabels = family.labels.sorted { $0.name < $1.name }
        labels = sortedLabels
        condition = family.condition
        let names = sortedLabels.map(\.name)
        switch family.kind {
        case .counter:
            self.family = .counter(
                try registry.counterFamily(
                    family.name, help: family.help, labelNames: names, seriesLimit: seriesLimit))
        case .durationHistogram(let buckets):
            self.family = .histogram(
                try registry.histogramFamily(
                    family.name, help: family.help, unit: "seconds", labelNames: names, buckets: buckets,
                    seriesLimit: seriesLimit))
        }
    }

    /// This family for spans of `key`, or `nil` when their name, kind and status already rule it out.
    func planned(for key: SpanPlanKey, budget: SeriesCacheBudget) -> PlannedFamily? {
        let condition: SpanMatch?
        switch PartialMatch(self.condition, key: key) {
        case .never: return nil
        case .always: condition = nil
        case .depends(let rest): condition = rest
        }
        let plannedLabels = labels.map { label -> PlannedLabel in
            switch label.source {
            case .attribute(let keys, let fallback): return .attribute(keys, fallback: fallback)
            case .spanName: return .fixed(key.name)
            case .outcome: return .fixed(key.isError ? "error" : "success")
            case .constant(let value): return .fixed(value)
            }
        }
        switch family {
        case .counter(let counters):
            return PlannedFamily(
                condition: condition,
                series: .counter(
                    LabelledSeries(labels: plannedLabels, budget: budget) { try? counters.labels(values: $0) }))
        case .histogram(let histograms):
            return PlannedFamily(
                condition: condition,
                series: .histogram(
                    LabelledSeries(labels: plannedLabels, budget: budget) { try? histograms.labels(values: $0) }))
        }
    }
}
