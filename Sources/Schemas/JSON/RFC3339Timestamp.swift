import Foundation

/// RFC 3339 timestamps as records carry them: UTC, uppercase `T` and `Z`, exactly three
/// fraction digits (`2026-11-23T13:45:12.123Z`). Formatted and parsed by hand with integer
/// arithmetic, so the text of a date never depends on a locale, a time zone database or a
/// formatter's version: the federation signs these bytes.
public enum RFC3339Timestamp {
    /// Milliseconds between 1970-01-01 and 2001-01-01, Foundation's reference date.
    static let referenceDateMilliseconds: Int64 = 978_307_200_000
    static let millisecondsPerDay: Int64 = 86_400_000

    /// The date rounded to whole milliseconds since 1970, the precision records keep.
    public static func milliseconds(of date: Date) -> Int64? {
        let fromReference = (date.timeIntervalSinceReferenceDate * 1000).rounded()
        // Years 0001...9999 span about 3.2e14 ms; anything far outside is refused before converting.
        guard fromReference.isFinite, abs(fromReference) < 1e15 else { return nil }
        return Int64(fromReference) + referenceDateMilliseconds
    }

    /// The date exactly `milliseconds` after 1970-01-01T00:00:00Z.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSinceReferenceDate: Double(milliseconds - referenceDateMilliseconds) / 1000)
    }

    /// The date rounded to a whole millisecond: what a record holds after a round trip.
    public static func roundedToMilliseconds(_ date: Date) -> Date {
        milliseconds(of: date).map(date(milliseconds:)) ?? date
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, or nil for a date outside the years 0001...9999.
    public static func string(from date: Date) -> String? {
        guard let total = milliseconds(of: date) else { return nil }
        let (days, dayMilliseconds) = total.quotientAndRemainderFlooring(by: millisecondsPerDay)
        let civil = CivilCalendar.date(fromDaysSince1970: days)
        guard (1...9999).contains(civil.year) else { return nil }
        let seconds = Int(dayMilliseconds / 1000)
        // Built as bytes with fixed-width digits: the node formats one for every log line.
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var rest = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
        put(civil.year, 4, at: 0)
        put(civil.month, 2, at: 5)
        put(civil.day, 2, at: 8)
        put(seconds / 3600, 2, at: 11)
        put(seconds / 60 % 60, 2, at: 14)
        put(seconds % 60, 2, at: 17)
        put(Int(dayMilliseconds % 1000), 3, at: 20)
        for (offset, separator) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z")] as [(Int, Unicode.Scalar)] {
            bytes[offset] = UInt8(ascii: separator)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses RFC 3339 `date-time` with any offset (uppercase `T` and `Z` as the API Design
    /// Rules require; `-00:00`, "offset unknown", is refused). Fraction digits beyond the
    /// millisecond are truncated, so the result always formats back to the same instant.
    public static func date(from text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + width)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += width
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("T"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2) else { return nil }
        guard CivilCalendar.isValid(year: year, month: month, day: day), hour < 24, minute < 60, second < 60 else {
            return nil
        }
        var fractionMilliseconds = 0
        if expect(".") {
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            let digits = bytes[start..<index]
            guard !digits.isEmpty, digits.count <= 9 else { return nil }
            for (position, byte) in digits.prefix(3).enumerated() {
                fractionMilliseconds += Int(byte - 0x30) * [100, 10, 1][position]
            }
        }
        var offsetMinutes = 0
        if expect("Z") {
            offsetMinutes = 0
        } else {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
            let isNegative = bytes[index] == UInt8(ascii: "-")
            index += 1
            guard let offsetHours = number(2), expect(":"), let offsetRest = number(2), offsetHours < 24, offsetRest < 60 else {
                return nil
            }
            offsetMinutes = (offsetHours * 60 + offsetRest) * (isNegative ? -1 : 1)
            if isNegative, offsetMinutes == 0 { return nil }
        }
        guard index == bytes.count else { return nil }
        let days = Int64(CivilCalendar.daysSince1970(year: year, month: month, day: day))
        let secondsOfDay = Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
        let total = days * millisecondsPerDay + secondsOfDay * 1000 + Int64(fractionMilliseconds)
        let result = date(milliseconds: total)
        // An offset can carry 0001-01-01T00:30+01:00 into year 0; keep to what `string` can write.
        return string(from: result) == nil ? nil : result
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// The proleptic Gregorian calendar in integer arithmetic (Howard Hinnant's `days_from_civil`
/// and `civil_from_days`), shared by timestamps and `CalendarDate`.
enum CivilCalendar {
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (1...9999).contains(year) && (1...12).contains(month) && day >= 1 && day <= daysInMonth(month, year: year)
    }

    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func date(fromDaysSince1970 days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = Int(days) + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension Int64 {
    /// Division rounding towards minus infinity, so instants before 1970 split into a day and a
    /// non-negative time of day.
    func quotientAndRemainderFlooring(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
