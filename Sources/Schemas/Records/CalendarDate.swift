import Foundation

/// A date without a time or zone, as deadlines and "since" dates are (RFC 3339 `full-date`,
/// OpenAPI `format: date`): `YYYY-MM-DD` in the proleptic Gregorian calendar, years 0001...9999.
/// Encoded as that string; ordered by the calendar.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless the day exists (February 29 only in leap years).
    public init?(year: Int, month: Int, day: Int) {
        guard CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, zero-padded); nil for anything else or a day
    /// that does not exist.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The calendar day on which `date` falls in UTC.
    public init(utcDayOf date: Date) {
        let milliseconds = RFC3339Timestamp.milliseconds(of: date) ?? 0
        let days = milliseconds.quotientAndRemainderFlooring(by: RFC3339Timestamp.millisecondsPerDay).quotient
        let civil = CivilCalendar.date(fromDaysSince1970: days)
        let clampedYear = min(max(civil.year, 1), 9999)
        self.year = clampedYear
        self.month = clampedYear == civil.year ? civil.month : (clampedYear == 1 ? 1 : 12)
        self.day = clampedYear == civil.year ? civil.day : (clampedYear == 1 ? 1 : 31)
    }

    public static func isLeapYear(_ year: Int) -> Bool { CivilCalendar.isLeapYear(year) }

    /// Days since 1970-01-01 (negative before it): the date as one comparable number.
    public var daysSince1970: Int { CivilCalendar.daysSince1970(year: year, month: month, day: day) }

    /// The date `days` later (or earlier, for a negative count); nil outside 0001...9999.
    public func adding(days: Int) -> CalendarDate? {
        let civil = CivilCalendar.date(fromDaysSince1970: Int64(daysSince1970 + days))
        return CalendarDate(year: civil.year, month: civil.month, day: civil.day)
    }

    public var description: String {
        RFC3339Timestamp.pad(year, 4) + "-" + RFC3339Timestamp.pad(month, 2) + "-" + RFC3339Timestamp.pad(day, 2)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "expected an existing date as YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
