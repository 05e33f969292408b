// Writes families as Prometheus text 0.0.4 or OpenMetrics 1.0, from text pre-rendered at registration.

/// The parts of a family's text that never change, rendered once at registration.
struct FamilyText: Sendable {
    let prometheusHeader: [UInt8]
    let openMetricsHeader: [UInt8]
    /// Counter: `name_total`; gauge and summary: `name`.
    let valueName: [UInt8]
    let createdName: [UInt8]
    let bucketName: [UInt8]
    let sumName: [UInt8]
    let countName: [UInt8]
    /// Histograms: `le="..."` per bound then `le="+Inf"`; summaries: `quantile="..."`. Go's spelling.
    let prometheusBoundLabels: [[UInt8]]
    /// The same in OpenMetrics canonical spelling ("1.0" rather than "1").
    let openMetricsBoundLabels: [[UInt8]]
    /// OpenMetrics 1.0: a histogram with a negative bucket bound MUST NOT expose a sum (it is no longer a
    /// counter then), and `_count` appears if and only if `_sum` does; the `+Inf` bucket still holds the count.
    /// Prometheus text has no such rule.
    let openMetricsOmitsSumAndCount: Bool

    init(_ descriptor: FamilyDescriptor) {
        let name = descriptor.name
        func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

        var prometheus = ExpositionBuffer(reservingCapacity: 64 + descriptor.help.utf8.count)
        if !descriptor.help.isEmpty {
            prometheus.append("# HELP ")
            prometheus.append(string: descriptor.prometheusTextName)
            prometheus.append(byte: UInt8(ascii: " "))
            prometheus.append(escapedHelp: descriptor.help, escapingQuotes: false)
            prometheus.append(byte: UInt8(ascii: "\n"))
        }
        prometheus.append("# TYPE ")
        prometheus.append(string: descriptor.prometheusTextName)
        prometheus.append(byte: UInt8(ascii: " "))
        prometheus.append(string: descriptor.type.rawValue)
        prometheus.append(byte: UInt8(ascii: "\n"))
        prometheusHeader = prometheus.bytes

        var openMetrics = ExpositionBuffer(reservingCapacity: 80 + descriptor.help.utf8.count)
        if !descriptor.help.isEmpty {
            openMetrics.append("# HELP ")
            openMetrics.append(string: name)
            openMetrics.append(byte: UInt8(ascii: " "))
            openMetrics.append(escapedHelp: descriptor.help, escapingQuotes: true)
            openMetrics.append(byte: UInt8(ascii: "\n"))
        }
        openMetrics.append("# TYPE ")
        openMetrics.append(string: name)
        openMetrics.append(byte: UInt8(ascii: " "))
        openMetrics.append(string: descriptor.type.rawValue)
        openMetrics.append(byte: UInt8(ascii: "\n"))
        if !descriptor.unit.isEmpty {
            openMetrics.append("# UNIT ")
            openMetrics.append(string: name)
            openMetrics.append(byte: UInt8(ascii: " "))
            openMetrics.append(string: descriptor.unit)
            openMetrics.append(byte: UInt8(ascii: "\n"))
        }
        openMetricsHeader = openMetrics.bytes

        valueName = bytes(descriptor.type == .counter ? name + "_total" : name)
        createdName = bytes(name + "_created")
        bucketName = bytes(name + "_bucket")
        sumName = bytes(name + "_sum")
        countName = bytes(name + "_count")

        openMetricsOmitsSumAndCount = descriptor.type == .histogram && (descriptor.buckets.first ?? 0) < 0

        switch descriptor.type {
        case .histogram:
            let bounds = descriptor.buckets + [.infinity]
            prometheusBoundLabels = bounds.map { bytes("le=\"" + CanonicalNumber.goString($0) + "\"") }
            openMetricsBoundLabels = bounds.map { bytes("le=\"" + CanonicalNumber.openMetricsString($0) + "\"") }
        case .summary:
            prometheusBoundLabels = descriptor.quantiles.map {
                bytes("quantile=\"" + CanonicalNumber.goString($0) + "\"")
            }
            openMetricsBoundLabels = descriptor.quantiles.map {
                bytes("quantile=\"" + CanonicalNumber.openMetricsString($0) + "\"")
            }
        case .counter, .gauge:
            prometheusBoundLabels = []
            openMetricsBoundLabels = []
        }
    }

    func header(_ format: ExpositionFormat) -> [UInt8] {
        format == .openMetrics ? openMetricsHeader : prometheusHeader
    }
}

/// Per-render settings shared by every family.
struct TextRenderContext {
    let format: ExpositionFormat
    /// ` <timestamp>` to put after every sample value, or empty: milliseconds in 0.0.4, seconds in OpenMetrics.
    let timestampSuffix: [UInt8]

    init(format: ExpositionFormat, timestamp: Double?) {
        self.format = format
        guard let timestamp, timestamp.isFinite else {
            timestampSuffix = []
            return
        }
        var buffer = ExpositionBuffer(reservingCapacity: 24)
        buffer.append(byte: UInt8(ascii: " "))
        if format == .openMetrics {
            buffer.append(sampleValue: timestamp)
        } else {
            buffer.append(integer: Int((timestamp * 1000).rounded()))
        }
        timestampSuffix = buffer.bytes
    }
}

extension ExpositionBuffer {
    /// Writes `name{labels,extra} `: braces only when there is a label.
    @inline(__always)
    mutating func beginSample(_ name: [UInt8], labels: [UInt8], extra: [UInt8] = []) {
        append(name)
        if !labels.isEmpty || !extra.isEmpty {
            append(byte: UInt8(ascii: "{"))
            append(labels)
            if !labels.isEmpty && !extra.isEmpty { append(byte: UInt8(ascii: ",")) }
            append(extra)
            append(byte: UInt8(ascii: "}"))
        }
        append(byte: UInt8(ascii: " "))
    }

    @inline(__always)
    mutating func endSample(_ context: TextRenderContext) {
        append(context.timestampSuffix)
        append(byte: UInt8(ascii: "\n"))
    }

    /// OpenMetrics only: `_created` for a counter, histogram or summary series.
    @inline(__always)
    mutating func appendCreated(_ entry: SeriesEntry, text: FamilyText, context: TextRenderContext) {
        guard context.format == .openMetrics else { return }
        beginSample(text.createdName, labels: entry.renderedLabels)
        append(entry.createdText)
        endSample(context)
    }
}

/// Writes the samples of each kind of family. Each function is handed the entries of one family, whose series
/// are all of the class it downcasts to (the family's `makeSeries` made them).
enum TextExposition {
    static func writeCounters(
        _ entries: [SeriesEntry], text: FamilyText, context: TextRenderContext, into buffer: inout ExpositionBuffer
    ) {
        buffer.append(text.header(context.format))
        for entry in entries {
            buffer.beginSample(text.valueName, labels: entry.renderedLabels)
            buffer.append(integer: unsafeDowncast(entry.series, to: Counter.self).value)
            buffer.endSample(context)
            buffer.appendCreated(entry, text: text, context: context)
        }
    }

    static func writeFloatingCounters(
        _ entries: [SeriesEntry], text: FamilyText, context: TextRenderContext,
        into buffer: inout ExpositionBuffer
    ) {
        buffer.append(text.header(context.format))
        for entry in entries {
            buffer.beginSample(text.valueName, labels: entry.renderedLabels)
            buffer.append(sampleValue: unsafeDowncast(entry.series, to: FloatingCounter.self).value)
            buffer.endSample(context)
            buffer.appendCreated(entry, text: text, context: context)
        }
    }

    static func writeGauges(
        _ entries: [SeriesEntry], text: FamilyText, context: TextRenderContext, into buffer: inout ExpositionBuffer
    ) {
        buffer.append(text.header(context.format))
        for entry in entries {
            buffer.beginSample(text.valueName, labels: entry.renderedLabels)
            buffer.append(sampleValue: unsafeDowncast(entry.series, to: Gauge.self).value)
            buffer.endSample(context)
        }
    }

    static func writeHistograms(
        _ entries: [SeriesEntry], text: FamilyText, context: TextRenderContext,
        into buffer: inout ExpositionBuffer
    ) {
        buffer.append(text.header(context.format))
        let openMetrics = context.format == .openMetrics
        let boundLabels = openMetrics ? text.openMetricsBoundLabels : text.prometheusBoundLabels
        for entry in entries {
            let histogram = unsafeDowncast(entry.series, to: Histogram.self)
            let exemplars: [RecordedExemplar?] = openMetrics ? histogram.exemplars.withLock { $0 } : []
            var cumulative = 0
            for index in 0...histogram.boundCount {
                cumulative &+= histogram.counts[index].load(ordering: .relaxed)
                buffer.beginSample(text.bucketName, labels: entry.renderedLabels, extra: boundLabels[index])
                buffer.append(integer: cumulative)
                buffer.append(context.timestampSuffix)
                if openMetrics, let recorded = exemplars[index] {
                    buffer.append(" # {")
                    buffer.append(recorded.exemplar.renderedLabels)
                    buffer.append("} ")
                    buffer.append(sampleValue: recorded.value)
                    if let timestamp = recorded.exemplar.timestamp {
                        buffer.append(byte: UInt8(ascii: " "))
                        buffer.append(sampleValue: timestamp)
                    }
                }
                buffer.append(byte: UInt8(ascii: "\n"))
            }
            if !(openMetrics && text.openMetricsOmitsSumAndCount) {
                buffer.beginSample(text.countName, labels: entry.renderedLabels)
                buffer.append(integer: cumulative)
                buffer.endSample(context)
                buffer.beginSample(text.sumName, labels: entry.renderedLabels)
                buffer.append(sampleValue: histogram.sum)
                buffer.endSample(context)
            }
            buffer.appendCreated(entry, text: text, context: context)
        }
    }

    static func writeSummaries(
        _ entries: [SeriesEntry], text: FamilyText, context: TextRenderContext,
        into buffer: inout ExpositionBuffer
    ) {
        buffer.append(text.header(context.format))
        let boundLabels = context.format == .openMetrics ? text.openMetricsBoundLabels : text.prometheusBoundLabels
        for entry in entries {
            let summary = unsafeDowncast(entry.series, to: Summary.self)
            let sketch = summary.snapshot()
            for (index, quantile) in summary.quantiles.enumerated() {
                buffer.beginSample(text.valueName, labels: entry.renderedLabels, extra: boundLabels[index])
                buffer.append(sampleValue: sketch.quantile(quantile) ?? .nan)
                buffer.endSample(context)
            }
            buffer.beginSample(text.countName, labels: entry.renderedLabels)
            buffer.append(integer: sketch.count)
            buffer.endSample(context)
            buffer.beginSample(text.sumName, labels: entry.renderedLabels)
            buffer.append(sampleValue: sketch.sum)
            buffer.endSample(context)
            buffer.appendCreated(entry, text: text, context: context)
        }
    }
}
