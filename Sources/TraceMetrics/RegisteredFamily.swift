// What the registry keeps per family: its descriptor and type-erased ways to render and summarise it.

/// A registered family with its concrete type erased behind closures made at registration. The closures
/// downcast series to the class their family makes, which is the only class its table holds.
struct RegisteredFamily: Sendable {
    let descriptor: FamilyDescriptor
    let family: any AnyObject & Sendable
    let writeText: @Sendable (TextRenderContext, inout ExpositionBuffer) -> Void
    let writeJSON: @Sendable (inout ExpositionBuffer) -> Void
    let stats: @Sendable () -> MetricStats?
    let overflowCount: @Sendable () -> Int

    static func counters(_ family: CounterFamily, _ descriptor: FamilyDescriptor) -> RegisteredFamily {
        let text = FamilyText(descriptor)
        return RegisteredFamily(
            descriptor: descriptor, family: family,
            writeText: { context, buffer in
                TextExposition.writeCounters(family.table.entries(), text: text, context: context, into: &buffer)
            },
            writeJSON: { buffer in
                writeJSONSeries(family, descriptor, into: &buffer) { entry, buffer in
                    JSONExposition.writeValue(
                        Double(unsafeDowncast(entry.series, to: Counter.self).value), into: &buffer)
                }
            },
            stats: { nil }, overflowCount: { family.overflowCount })
    }

    static func floatingCounters(_ family: FloatingCounterFamily, _ descriptor: FamilyDescriptor) -> RegisteredFamily {
        let text = FamilyText(descriptor)
        return RegisteredFamily(
            descriptor: descriptor, family: family,
            writeText: { context, buffer in
                TextExposition.writeFloatingCounters(
                    family.table.entries(), text: text, context: context, into: &buffer)
            },
            writeJSON: { buffer in
                writeJSONSeries(family, descriptor, into: &buffer) { entry, buffer in
                    JSONExposition.writeValue(
                        unsafeDowncast(entry.series, to: FloatingCounter.self).value, into: &buffer)
                }
            },
            stats: { nil }, overflowCount: { family.overflowCount })
    }

    static func gauges(_ family: GaugeFamily, _ descriptor: FamilyDescriptor) -> RegisteredFamily {
        let text = FamilyText(descriptor)
        return RegisteredFamily(
            descriptor: descriptor, family: family,
            writeText: { context, buffer in
                TextExposition.writeGauges(family.table.entries(), text: text, context: context, into: &buffer)
            },
            writeJSON: { buffer in
                writeJSONSeries(family, descriptor, into: &buffer) { entry, buffer in
                    JSONExposition.writeValue(unsafeDowncast(entry.series, to: Gauge.self).value, into: &buffer)
                }
            },
            stats: { nil }, overflowCount: { family.overflowCount })
    }

    static func histograms(_ family: HistogramFamily, _ descriptor: FamilyDescriptor) -> RegisteredFamily {
        let text = FamilyText(descriptor)
        return RegisteredFamily(
            descriptor: descriptor, family: family,
            writeText: { context, buffer in
                TextExposition.writeHistograms(family.table.entries(), text: text, context: context, into: &buffer)
            },
            writeJSON: { buffer in
                writeJSONSeries(family, descriptor, into: &buffer) { entry, buffer in
                    JSONExposition.writeHistogram(
                        unsafeDowncast(entry.series, to: Histogram.self).snapshot(), into: &buffer)
                }
            },
            stats: {
                MetricStats(histograms: family.table.entries().map { unsafeDowncast($0.series, to: Histogram.self) })
            },
            overflowCount: { family.overflowCount })
    }

    static func summaries(_ family: SummaryFamily, _ descriptor: FamilyDescriptor) -> RegisteredFamily {
        let text = FamilyText(descriptor)
        return RegisteredFamily(
            descriptor: descriptor, family: family,
            writeText: { context, buffer in
                TextExposition.writeSummaries(family.table.entries(), text: text, context: context, into: &buffer)
            },
            writeJSON: { buffer in
                writeJSONSeries(family, descriptor, into: &buffer) { entry, buffer in
                    let summary = unsafeDowncast(entry.series, to: Summary.self)
                    JSONExposition.writeSummary(summary.snapshot(), quantiles: summary.quantiles, into: &buffer)
                }
            },
            stats: {
                var merged = DDSketch(relativeAccuracy: descriptor.relativeAccuracy)
                for entry in family.table.entries() {
                    merged.merge(unsafeDowncast(entry.series, to: Summary.self).snapshot())
                }
                return MetricStats(sketch: merged)
            },
            overflowCount: { family.overflowCount })
    }

    private static func writeJSONSeries<Series>(
        _ family: MetricFamily<Series>, _ descriptor: FamilyDescriptor, into buffer: inout ExpositionBuffer,
        values: (SeriesEntry, inout ExpositionBuffer) -> Void
    ) {
        JSONExposition.beginFamily(descriptor, into: &buffer)
        for (index, entry) in family.table.entries().enumerated() {
            JSONExposition.beginSeries(entry, first: index == 0, into: &buffer)
            values(entry, &buffer)
        }
        JSONExposition.endFamily(into: &buffer)
    }
}
