// UTCTimestamp: Unix nanoseconds as an RFC 3339 UTC timestamp with nanoseconds, for span lines.

enum UTCTimestamp {
    /// For example `1764000000123456789` as `2025-11-24T16:00:00.123456789Z`: always nine fraction digits, so the
    /// lines of `replay` and `top` line up and sort as text in time order.
    static func rfc3339(unixNanoseconds: UInt64) -> String {
        let seconds = Int64(unixNanoseconds / 1_000_000_000)
        let (year, month, day) = civilDate(daysSinceEpoch: seconds / 86_400)
        let secondOfDay = seconds % 86_400
        return digits(year, 4) + "-" + digits(month, 2) + "-" + digits(day, 2) + "T"
            + digits(secondOfDay / 3_600, 2) + ":" + digits(secondOfDay / 60 % 60, 2) + ":"
            + digits(secondOfDay % 60, 2) + "." + digits(Int64(unixNanoseconds % 1_000_000_000), 9) + "Z"
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func digits(_ value: Int64, _ count: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, count - text.count)) + text
    }
}
