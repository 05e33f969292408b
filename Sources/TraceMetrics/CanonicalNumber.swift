// Canonical spelling of `le` and `quantile` label values, as Go's client and OpenMetrics 1.0 write them.

enum CanonicalNumber {
    /// Go's `strconv.FormatFloat(x, 'g', -1, 64)`: "0.005", "1", "1e+06", "+Inf".
    /// Prometheus text 0.0.4 writes bucket bounds this way (client_golang does).
    static func goString(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (negative, digits, decimalPoint) = shortestDigits(value)
        let exponent = decimalPoint - 1
        var out = negative ? "-" : ""
        if exponent < -4 || exponent >= 6 {
            out.append(digits[digits.startIndex])
            if digits.count > 1 {
                out.append(".")
                out.append(contentsOf: digits.dropFirst())
            }
            out.append(exponent < 0 ? "e-" : "e+")
            let magnitude = exponent.magnitude
            if magnitude < 10 { out.append("0") }
            out.append(String(magnitude))
        } else if decimalPoint <= 0 {
            out.append("0.")
            out.append(String(repeating: "0", count: -decimalPoint))
            out.append(digits)
        } else if decimalPoint >= digits.count {
            out.append(digits)
            out.append(String(repeating: "0", count: decimalPoint - digits.count))
        } else {
            let split = digits.index(digits.startIndex, offsetBy: decimalPoint)
            out.append(contentsOf: digits[..<split])
            out.append(".")
            out.append(contentsOf: digits[split...])
        }
        return out
    }

    /// OpenMetrics 1.0 canonical form: Go's form with ".0" added to integral values ("1.0", "0.005", "+Inf").
    static func openMetricsString(_ value: Double) -> String {
        let go = goString(value)
        if value.isFinite && !go.contains(".") && !go.contains("e") {
            return go + ".0"
        }
        return go
    }

    /// Splits Swift's shortest round-trip description into sign, significant digits without leading or
    /// trailing zeros, and the position of the decimal point relative to the first digit.
    private static func shortestDigits(_ value: Double) -> (negative: Bool, digits: String, decimalPoint: Int) {
        var text = Substring(value.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var integerPart = text
        var fraction: Substring = ""
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fraction = text[text.index(after: dot)...]
        }
        var digits = String(integerPart) + String(fraction)
        var decimalPoint = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { digits = "0" }
        return (value.sign == .minus, digits, decimalPoint)
    }
}
