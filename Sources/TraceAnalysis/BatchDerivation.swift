// BatchDerivation: the counters and histograms of one SpanBatch, worked out per shape and gathered per series.

import TraceKit
import TraceMetrics

/// Derives the counters and histograms of one `SpanBatch` (a decoded log block). What a shape's spans feed is
/// worked out once per shape: a series whose labels do not depend on attribute values is looked up once, and the
/// slot of each label's attribute is found once. Observations are gathered per series, with the span's index in
/// the batch as exemplar candidate, and added to the series once, by `commit()`.
///
/// ```swift
/// var derivation = BatchDerivation(batch, exemplars: true)
/// for (shape, plan) in zip(batch.shapes, plans) { derivation.addShape(shape, plan: plan, rules: plan.rules) }
/// derivation.derive(selfTimes: selfTimes)
/// derivation.commit()
/// ```
struct BatchDerivation {
    /// Which part of the derivation to do: all of it, all but self time (any thread, any order), or only self
    /// time (in finishing order, after the other part).
    enum Part {
        case all
        case orderIndependent
        case selfTime
    }

    /// A family whose series or condition depends on a span's attribute values.
    private struct DependentFamily {
        enum Target {
            /// The generic calls, duration and self-time series, chosen by the dimension attributes.
            case generic(LabelledSeries<GenericSpanMetrics.Handles>, slots: [Int?])
            case counter(Int)
            case histogram(Int)
            case counterBySlots(LabelledSeries<Counter>, slots: [Int?])
            case histogramBySlots(LabelledSeries<Histogram>, slots: [Int?])
        }

        /// All must hold for the span to count.
        let conditions: [SpanMatch]
        let target: Target
    }

    private let batch: SpanBatch
    private let exemplars: Bool
    private let part: Part

    private var counterIndex = ProbingTable<SeriesIdentity, Int>()
    private var counters: [(counter: Counter, count: Int)] = []
    private var histograms = BatchHistograms()

    // Per shape, in the order of `batch.shapes`: what every span of the shape feeds, as positions in `counters`
    // and `histograms` (counters are incremented per shape, by its span count, after the spans), then what
    // depends on the span.
    private var spanCounts: [Int] = []
    private var counterStarts: [Int] = [0]
    private var counterPositions: [Int] = []
    private var durationStarts: [Int] = [0]
    private var durationPositions: [Int] = []
    private var selfTimePositions: [Int] = []
    private var dependentStarts: [Int] = [0]
    private var dependent: [DependentFamily] = []
    /// Per span, its sampling weight; empty when every span counts once.
    private var weights: [Int] = []

    init(_ batch: SpanBatch, exemplars: Bool, part: Part = .all) {
        self.batch = batch
        self.exemplars = exemplars
        self.part = part
    }

    /// Works out what the spans of the next shape of the batch feed: `plan`'s generic series and `rules` (the
    /// plan's rules narrowed to this shape).
    mutating func addShape(_ shape: SpanBatch.Shape, plan: SpanPlan, rules: [PlannedRule]) {
        var selfTime = -1
        if let generic = plan.generic {
            let slots = generic.slots(in: shape)
            if slots.allSatisfy({ $0 == nil }) {
                if let handles = Self.fixedSeries(generic, slots: slots) {
                    if part != .selfTime {
                        counterPositions.append(counterPosition(handles.calls))
                        durationPositions.append(histograms.position(of: handles.duration))
                    }
                    if part != .orderIndependent { selfTime = histograms.position(of: handles.selfTime) }
                }
            } else {
                dependent.append(DependentFamily(conditions: [], target: .generic(generic, slots: slots)))
            }
        }
        for rule in rules where part != .selfTime {
            for family in rule.families {
                let conditions = [rule.condition, family.condition].compactMap { $0 }
                switch family.series {
                case .counter(let series):
                    let slots = series.slots(in: shape)
                    if !slots.allSatisfy({ $0 == nil }) {
                        dependent.append(
                            DependentFamily(conditions: conditions, target: .counterBySlots(series, slots: slots)))
                    } else if let counter = Self.fixedSeries(series, slots: slots) {
                        let position = counterPosition(counter)
                        if conditions.isEmpty {
                            counterPositions.append(position)
                        } else {
                            dependent.append(DependentFamily(conditions: conditions, target: .counter(position)))
                        }
                    }
                case .histogram(let series):
                    let slots = series.slots(in: shape)
                    if !slots.allSatisfy({ $0 == nil }) {
                        dependent.append(
                            DependentFamily(conditions: conditions, target: .histogramBySlots(series, slots: slots)))
                    } else if let histogram = Self.fixedSeries(series, slots: slots) {
                        let position = histograms.position(of: histogram)
                        if conditions.isEmpty {
                            durationPositions.append(position)
                        } else {
                            dependent.append(DependentFamily(conditions: conditions, target: .histogram(position)))
                        }
                    }
                }
            }
        }
        spanCounts.append(0)
        counterStarts.append(counterPositions.count)
        durationStarts.append(durationPositions.count)
        selfTimePositions.append(selfTime)
        dependentStarts.append(dependent.count)
    }

    /// Skips the next shape of the batch: no span of the batch has it (a damaged or hostile record can declare
    /// shapes it never uses), and looking its series up would create them, empty.
    mutating func addUnusedShape() {
        spanCounts.append(0)
        counterStarts.append(counterPositions.count)
        durationStarts.append(durationPositions.count)
        selfTimePositions.append(-1)
        dependentStarts.append(dependent.count)
    }

    /// Gathers what every span of the batch adds; `selfTimes` (one per span) feed the generic self-time series.
    mutating func derive(selfTimes: [UInt64]?) {
        let exemplar = Self.exemplarMaker(batch, enabled: exemplars)
        let selfTimes = selfTimes.flatMap { $0.count == batch.count ? $0 : nil }
        // Spans of shapes with series that depend on them, derived after the others: they may add series, which
        // the fast loop's observer must not see happen.
        var dependentSpans: [Int] = []
        let durationStarts = self.durationStarts
        let durationPositions = self.durationPositions
        let selfTimePositions = self.selfTimePositions
        let dependentStarts = self.dependentStarts
        var spanCounts = self.spanCounts
        // Spans of head-sampled traces count as several (their sampling weight); most logs have none.
        let weights = Self.samplingWeights(batch)
        self.weights = weights
        histograms.withObserver { observer in
            let shapeIndexes = batch.shapeIndexes
            let durations = batch.durationNanoseconds
            for index in 0..<batch.count {
                let shape = Int(shapeIndexes[index])
                let weight = weights.isEmpty ? 1 : weights[index]
                spanCounts[shape] &+= weight
                let duration = durations[index]
                for action in durationStarts[shape]..<durationStarts[shape + 1] {
                    observer.observe(
                        durationPositions[action], nanoseconds: duration, count: weight, span: Int32(index),
                        exemplar: exemplar)
                }
                let selfTimePosition = selfTimePositions[shape]
                if selfTimePosition >= 0, let selfTimes {
                    observer.observe(
                        selfTimePosition, nanoseconds: selfTimes[index], count: weight, span: Int32(index),
                        exemplar: exemplar)
                }
                if dependentStarts[shape] != dependentStarts[shape + 1] { dependentSpans.append(index) }
            }
        }
        self.spanCounts = spanCounts
        for index in dependentSpans {
            deriveDependent(index, shape: Int(batch.shapeIndexes[index]), selfTimes: selfTimes, exemplar: exemplar)
        }
        for shape in spanCounts.indices where spanCounts[shape] > 0 {
            for position in counterPositions[counterStarts[shape]..<counterStarts[shape + 1]] {
                counters[position].count &+= spanCounts[shape]
            }
        }
    }

    /// Per span of `batch`, how many spans it counts as; empty when the batch has no sampled spans.
    static func samplingWeights(_ batch: SpanBatch) -> [Int] {
        guard !batch.samplingThresholds.isEmpty else { return [] }
        return batch.samplingThresholds.indices.map { index in
            SamplingWeight.of(threshold: batch.samplingThresholds[index], spanID: batch.spanIDs[index])
        }
    }

    /// Adds everything gathered to the series.
    func commit() {
        for (counter, count) in counters where count > 0 { counter.increment(by: count) }
        histograms.commit(exemplar: Self.exemplarMaker(batch, enabled: exemplars))
    }

    private mutating func deriveDependent(
        _ index: Int, shape: Int, selfTimes: [UInt64]?, exemplar: (Int32) -> Exemplar?
    ) {
        let batch = self.batch
        batch.values.withUnsafeBufferPointer { values in
            let firstValue = Int(batch.valueStarts[index])
            let span = BatchSpan(
                shape: batch.shapes[shape], values: values, firstValue: firstValue, traceID: batch.traceIDs[index],
                spanID: batch.spanIDs[index], parentSpanID: batch.parentSpanIDs[index],
                startUnixNanoseconds: batch.startUnixNanoseconds[index],
                durationNanoseconds: batch.durationNanoseconds[index],
                samplingThreshold: batch.samplingThreshold(at: index))
            let candidate = Int32(index)
            let weight = weights.isEmpty ? 1 : weights[index]
            for family in dependent[dependentStarts[shape]..<dependentStarts[shape + 1]] {
                guard family.conditions.allSatisfy({ $0.matches(fields: span) }) else { continue }
                switch family.target {
                case .generic(let series, let slots):
                    let key = AttributeValuesKey(slots: slots, values: values, first: firstValue)
                    guard let handles = series.series(for: key) else { continue }
                    if part != .selfTime {
                        counters[counterPosition(handles.calls)].count &+= weight
                        histograms.observe(
                            histograms.position(of: handles.duration), nanoseconds: span.durationNanoseconds,
                            count: weight, span: candidate, exemplar: exemplar)
                    }
                    if part != .orderIndependent, let selfTimes {
                        histograms.observe(
                            histograms.position(of: handles.selfTime), nanoseconds: selfTimes[index],
                            count: weight, span: candidate, exemplar: exemplar)
                    }
                case .counter(let position):
                    counters[position].count &+= weight
                case .histogram(let position):
                    histograms.observe(
                        position, nanoseconds: span.durationNanoseconds, count: weight, span: candidate,
                        exemplar: exemplar)
                case .counterBySlots(let series, let slots):
                    let key = AttributeValuesKey(slots: slots, values: values, first: firstValue)
                    guard let counter = series.series(for: key) else { continue }
                    counters[counterPosition(counter)].count &+= weight
                case .histogramBySlots(let series, let slots):
                    let key = AttributeValuesKey(slots: slots, values: values, first: firstValue)
                    guard let histogram = series.series(for: key) else { continue }
                    histograms.observe(
                        histograms.position(of: histogram), nanoseconds: span.durationNanoseconds, count: weight,
                        span: candidate, exemplar: exemplar)
                }
            }
        }
    }

    /// Makes the exemplar of a span of `batch` by its index, as `ExemplarSource` makes it for the same span.
    private static func exemplarMaker(_ batch: SpanBatch, enabled: Bool) -> (Int32) -> Exemplar? {
        let traceIDs = batch.traceIDs
        let spanIDs = batch.spanIDs
        let starts = batch.startUnixNanoseconds
        let durations = batch.durationNanoseconds
        return { index in
            let index = Int(index)
            return ExemplarSource(
                traceID: traceIDs[index], spanID: spanIDs[index], endUnixNanoseconds: starts[index] &+ durations[index],
                enabled: enabled
            ).make()
        }
    }

    /// The series of a shape whose attribute labels all fall back (no slot).
    private static func fixedSeries<Series>(_ series: LabelledSeries<Series>, slots: [Int?]) -> Series? {
        series.series(
            for: AttributeValuesKey(slots: slots, values: UnsafeBufferPointer(start: nil, count: 0), first: 0))
    }

    private mutating func counterPosition(_ counter: Counter) -> Int {
        let identity = SeriesIdentity(counter)
        if let position = counterIndex[identity] { return position }
        counterIndex.insert(counters.count, for: identity)
        counters.append((counter, 0))
        return counters.count - 1
    }
}
