// LatencyDiffReport: a latency diff of every span name of two sample sets, and the CI decision.

/// Compares every span name found in either of two `LatencySamples` and says whether CI should fail.
///
/// The names with enough samples form one family: their p-values are adjusted together
/// (`options.correction`, Holm by default), so the chance that a report calls any name changed when nothing
/// changed stays below `options.alpha` however many names there are.
///
/// ```swift
/// let options = LatencyDiffOptions(thresholdPercent: 10)
/// let report = LatencyDiffReport(baseline: before, candidate: after, options: options)
/// print(report.renderText())
/// exit(report.hasSignificantSlowdown ? 1 : 0)
/// ```
public struct LatencyDiffReport: Hashable, Sendable {
    /// One diff per name found on either side, sorted by name.
    public let diffs: [LatencyDiff]
    /// The options the verdicts were reached with.
    public let options: LatencyDiffOptions

    /// Diffs every name of `baseline` and `candidate`; a name on one side only is `.insufficientData`.
    public init(baseline: LatencySamples, candidate: LatencySamples, options: LatencyDiffOptions = LatencyDiffOptions())
    {
        let names = Set(baseline.names).union(candidate.names).sorted()
        var diffs = names.map { name in
            LatencyDiff(
                name: name,
                baseline: baseline.samples(named: name),
                candidate: candidate.samples(named: name),
                options: options
            )
        }
        let family = diffs.indices.filter { diffs[$0].isTestable }
        let adjusted = options.correction.adjusted(family.map { diffs[$0].pValue ?? 1 })
        for (index, p) in zip(family, adjusted) { diffs[index].decide(adjustedPValue: p, options: options) }
        self.diffs = diffs
        self.options = options
    }

    /// The names whose verdict is `.slower`.
    public var slowdowns: [LatencyDiff] { diffs.filter { $0.verdict == .slower } }

    /// Whether any name got significantly slower by at least the threshold: the CI failure condition.
    public var hasSignificantSlowdown: Bool { diffs.contains { $0.verdict == .slower } }

    /// The diff as an aligned text table: name, medians, change, interval, p-value, adjusted p-value, verdict.
    ///
    /// ```text
    /// name  baseline  candidate  change  95% CI of shift    p      p (Holm)  verdict
    /// q     12.000ms  22.000ms   +83.3%  [+58.3%, +108.3%]  0.008  0.008     slower
    /// ```
    public func renderText() -> String {
        let level = Self.percentText(options.confidenceLevel * 100, decimals: 0, signed: false)
        let adjustedColumn = Self.adjustedColumnTitle(options.correction)
        var rows = [
            ["name", "baseline", "candidate", "change", "\(level) CI of shift", "p"]
                + (adjustedColumn.map { [$0] } ?? [])
                + ["verdict"]
        ]
        for diff in diffs {
            let adjusted = adjustedColumn == nil ? [] : [diff.adjustedPValue.map(Self.pValueText) ?? "-"]
            rows.append(
                [
                    diff.name,
                    DurationText.format(nanoseconds: diff.baselineMedianNanoseconds),
                    DurationText.format(nanoseconds: diff.candidateMedianNanoseconds),
                    diff.medianChange.map { Self.percentText($0 * 100, decimals: 1, signed: true) } ?? "-",
                    diff.relativeShiftInterval.map {
                        "[" + Self.percentText($0.lowerBound * 100, decimals: 1, signed: true) + ", "
                            + Self.percentText($0.upperBound * 100, decimals: 1, signed: true) + "]"
                    } ?? "-",
                    diff.pValue.map(Self.pValueText) ?? "-",
                ] + adjusted + [Self.verdictText(diff.verdict)])
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        let lines = rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The title of the adjusted p-value column, `nil` when p-values are not adjusted.
    static func adjustedColumnTitle(_ correction: MultipleComparisonCorrection) -> String? {
        switch correction {
        case .holm: "p (Holm)"
        case .benjaminiHochberg: "p (BH)"
        case .none: nil
        }
    }

    private static func verdictText(_ verdict: LatencyVerdict) -> String {
        switch verdict {
        case .slower: "slower"
        case .faster: "faster"
        case .unchanged: "~"
        case .insufficientData: "too few samples"
        }
    }

    /// A percentage with fixed decimals and a "%" sign, without Foundation's formatters.
    static func percentText(_ percent: Double, decimals: Int, signed: Bool) -> String {
        guard percent.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(percent) * scale).rounded()
        guard scaled < 1e15 else { return percent < 0 ? "-huge%" : "+huge%" }
        let whole = UInt64(scaled)
        let unit = UInt64(scale)
        var text = String(whole / unit)
        if decimals > 0 {
            let fraction = String(whole % unit)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        let sign = percent < 0 && whole > 0 ? "-" : (signed ? "+" : "")
        return sign + text + "%"
    }

    /// Two significant digits in scientific notation below 0.001, else three decimals.
    static func pValueText(_ p: Double) -> String {
        guard p.isFinite else { return "n/a" }
        if p == 0 { return "0" }
        if p >= 0.001 {
            let thousandths = UInt64((p * 1000).rounded())
            let fraction = String(thousandths % 1000)
            return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        }
        var exponent = 0
        var mantissa = p
        while mantissa < 1 {
            mantissa *= 10
            exponent -= 1
        }
        var tenths = UInt64((mantissa * 10).rounded())
        if tenths >= 100 {
            tenths /= 10
            exponent += 1
        }
        return "\(tenths / 10).\(tenths % 10)e\(exponent)"
    }
}
