// Writes families as JSON for programs, like the seed UI collector's getMetricsJSON().

/// Writes each kind of family as one JSON object in the registry's `metrics` array.
///
/// Shape: `{"name","type","help","unit","series":[{"labels":{...}, ...values}]}` where the values are
/// `value` (counter, gauge), `count`/`sum`/`buckets` (histogram, cumulative, `le` as a number or "+Inf")
/// or `count`/`sum`/`quantiles` (summary). Non-finite numbers are written as the strings "+Inf", "-Inf", "NaN".
enum JSONExposition {
    static func beginFamily(_ descriptor: FamilyDescriptor, into buffer: inout ExpositionBuffer) {
        buffer.append("{\"name\":")
        buffer.append(jsonString: descriptor.prometheusTextName)
        buffer.append(",\"type\":")
        buffer.append(jsonString: descriptor.type.rawValue)
        buffer.append(",\"help\":")
        buffer.append(jsonString: descriptor.help)
        buffer.append(",\"unit\":")
        buffer.append(jsonString: descriptor.unit)
        buffer.append(",\"series\":[")
    }

    static func endFamily(into buffer: inout ExpositionBuffer) {
        buffer.append("]}")
    }

    static func beginSeries(_ entry: SeriesEntry, first: Bool, into buffer: inout ExpositionBuffer) {
        if !first { buffer.append(byte: UInt8(ascii: ",")) }
        buffer.append("{\"labels\":{")
        for (index, name) in entry.labelNames.enumerated() {
            if index > 0 { buffer.append(byte: UInt8(ascii: ",")) }
            buffer.append(jsonString: name)
            buffer.append(byte: UInt8(ascii: ":"))
            buffer.append(jsonString: index < entry.labelValues.count ? entry.labelValues[index] : "")
        }
        buffer.append("},\"created\":")
        buffer.append(jsonNumber: entry.createdSeconds)
    }

    static func writeValue(_ value: Double, into buffer: inout ExpositionBuffer) {
        buffer.append(",\"value\":")
        buffer.append(jsonNumber: value)
        buffer.append(byte: UInt8(ascii: "}"))
    }

    static func writeHistogram(_ snapshot: HistogramSnapshot, into buffer: inout ExpositionBuffer) {
        buffer.append(",\"count\":")
        buffer.append(integer: snapshot.count)
        buffer.append(",\"sum\":")
        buffer.append(jsonNumber: snapshot.sum)
        buffer.append(",\"buckets\":[")
        for (index, cumulative) in snapshot.cumulativeCounts.enumerated() {
            if index > 0 { buffer.append(byte: UInt8(ascii: ",")) }
            buffer.append("{\"le\":")
            buffer.append(jsonNumber: index < snapshot.upperBounds.count ? snapshot.upperBounds[index] : .infinity)
            buffer.append(",\"count\":")
            buffer.append(integer: cumulative)
            buffer.append(byte: UInt8(ascii: "}"))
        }
        buffer.append("]}")
    }

    static func writeSummary(_ sketch: DDSketch, quantiles: [Double], into buffer: inout ExpositionBuffer) {
        buffer.append(",\"count\":")
        buffer.append(integer: sketch.count)
        buffer.append(",\"sum\":")
        buffer.append(jsonNumber: sketch.sum)
        buffer.append(",\"quantiles\":[")
        for (index, quantile) in quantiles.enumerated() {
            if index > 0 { buffer.append(byte: UInt8(ascii: ",")) }
            buffer.append("{\"quantile\":")
            buffer.append(jsonNumber: quantile)
            buffer.append(",\"value\":")
            buffer.append(jsonNumber: sketch.quantile(quantile) ?? .nan)
            buffer.append(byte: UInt8(ascii: "}"))
        }
        buffer.append("]}")
    }
}
