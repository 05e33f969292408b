// RetryAfter: the wait a `Retry-After` header asks for, given as seconds or as an HTTP-date (RFC 9110 10.2.3).

import TraceKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads `Retry-After: 120` and `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT` (also the obsolete RFC 850 and
/// asctime date forms, which RFC 9110 asks recipients to accept).
enum RetryAfter {
    /// The wait, or `nil` for a value that is neither form. A date in the past means no wait.
    static func wait(_ value: String, nowUnixSeconds: Int64 = currentUnixSeconds()) -> Duration? {
        let text = value.trimmingWhitespace()
        if !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) {
            guard let seconds = Int64(text) else { return .seconds(Int64(UInt32.max)) }  // absurdly long: still a wait
            return .seconds(seconds)
        }
        guard let date = unixSeconds(ofHTTPDate: text) else { return nil }
        return .seconds(max(0, date - nowUnixSeconds))
    }

    static func currentUnixSeconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970 of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), an RFC 850 date
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`) or an asctime date (`Sun Nov  6 08:49:37 1994`); all are UTC.
    static func unixSeconds(ofHTTPDate text: String) -> Int64? {
        let tokens = text.split { $0 == " " || $0 == "," || $0 == "-" }.map { $0.lowercased() }
        guard tokens.count >= 5 else { return nil }
        let day: Int64?
        let month: Int?
        var year: Int64?
        let time: String
        if tokens.count == 5, tokens[1].count == 3, months.contains(tokens[1]) {
            // asctime: weekday month day time year
            month = months.firstIndex(of: tokens[1])
            day = Int64(tokens[2])
            time = tokens[3]
            year = Int64(tokens[4])
        } else if tokens.count == 6, tokens[5] == "gmt" {
            // IMF-fixdate or RFC 850: weekday day month year time GMT
            day = Int64(tokens[1])
            month = months.firstIndex(of: tokens[2])
            year = Int64(tokens[3])
            time = tokens[4]
            // RFC 850 two-digit years: RFC 9110 reads them as the most recent year with those digits.
            if tokens[3].count == 2, let short = year { year = short + (short >= 70 ? 1900 : 2000) }
        } else {
            return nil
        }
        let clock = time.split(separator: ":").compactMap { Int64($0) }
        guard let day, let month, let year, (1...31).contains(day), clock.count == 3,
            (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        return daysSinceEpoch(year: year, month: Int64(month) + 1, day: day) * 86_400
            + clock[0] * 3600 + clock[1] * 60 + clock[2]
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
