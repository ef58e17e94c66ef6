import Foundation
import Testing
@testable import Schemas

@Suite struct CalendarDateTests {
    @Test(arguments: [
        ("2026-11-23", 2026, 11, 23),
        ("2024-02-29", 2024, 2, 29),  // divisible by 4
        ("2000-02-29", 2000, 2, 29),  // divisible by 400
        ("0001-01-01", 1, 1, 1),
        ("9999-12-31", 9999, 12, 31),
        ("2026-04-30", 2026, 4, 30),
    ])
    func parsesExistingDays(text: String, year: Int, month: Int, day: Int) throws {
        let date = try #require(CalendarDate(text))
        #expect((date.year, date.month, date.day) == (year, month, day))
        #expect(date.description == text)
    }

    @Test(arguments: [
        "2023-02-29",  // not a leap year
        "1900-02-29",  // divisible by 100, not by 400
        "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
        "0000-01-01",  // before year 1
        "2026-1-01", "26-01-01", "2026/01/01", " 2026-01-01", "2026-01-01T00:00:00Z", "",
        "２０２６-01-01",  // full-width digits
        "+2026-01-01",
    ])
    func refusesAnythingElse(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func ordersByTheCalendar() throws {
        let dates = try ["2026-01-02", "2025-12-31", "2026-01-01", "2026-10-01", "2026-09-30"].map { try #require(CalendarDate($0)) }
        #expect(dates.sorted().map(\.description) == ["2025-12-31", "2026-01-01", "2026-01-02", "2026-09-30", "2026-10-01"])
    }

    @Test func codesAsItsString() throws {
        let date = try #require(CalendarDate(year: 2026, month: 3, day: 1))
        #expect(String(decoding: try JSONEncoder().encode([date]), as: UTF8.self) == #"["2026-03-01"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2026-03-01"]"#.utf8)) == [date])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2026-02-30"]"#.utf8)) }
    }

    @Test func arithmeticCrossesMonthsAndLeapDays() throws {
        let leapDay = try #require(CalendarDate("2024-02-28")?.adding(days: 1))
        #expect(leapDay.description == "2024-02-29")
        #expect(leapDay.adding(days: 1)?.description == "2024-03-01")
        #expect(CalendarDate("2026-01-01")?.adding(days: -1)?.description == "2025-12-31")
        #expect(CalendarDate("1970-01-01")?.daysSince1970 == 0)
        #expect(CalendarDate("1969-12-31")?.daysSince1970 == -1)
        #expect(CalendarDate("9999-12-31")?.adding(days: 1) == nil)
    }

    @Test func utcDayOfADate() {
        // 2026-11-23T23:59:59.999Z and one millisecond later.
        #expect(CalendarDate(utcDayOf: RFC3339Timestamp.date(milliseconds: 1_795_478_399_999)).description == "2026-11-23")
        #expect(CalendarDate(utcDayOf: RFC3339Timestamp.date(milliseconds: 1_795_478_400_000)).description == "2026-11-24")
        #expect(CalendarDate(utcDayOf: RFC3339Timestamp.date(milliseconds: -1)).description == "1969-12-31")
    }
}

@Suite struct RFC3339TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (1_795_441_512_123, "2026-11-23T13:45:12.123Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func formatsUTCWithMilliseconds(milliseconds: Int64, text: String) {
        let date = RFC3339Timestamp.date(milliseconds: milliseconds)
        #expect(RFC3339Timestamp.string(from: date) == text)
        #expect(RFC3339Timestamp.date(from: text) == date)
    }

    @Test func roundsToTheNearestMillisecond() {
        let date = Date(timeIntervalSince1970: 1.0006)
        #expect(RFC3339Timestamp.string(from: date) == "1970-01-01T00:00:01.001Z")
        #expect(RFC3339Timestamp.string(from: Date(timeIntervalSince1970: -62_135_596_800.001)) == nil)
    }

    @Test(arguments: [
        ("2026-11-23T14:45:12.123+01:00", "2026-11-23T13:45:12.123Z"),
        ("2026-11-23T13:45:12Z", "2026-11-23T13:45:12.000Z"),
        ("2026-11-23T13:45:12.1Z", "2026-11-23T13:45:12.100Z"),
        ("2026-11-23T13:45:12.123999999Z", "2026-11-23T13:45:12.123Z"),  // truncated, never carried
        ("2026-11-23T00:15:00+00:30", "2026-11-22T23:45:00.000Z"),
        ("2026-11-23T23:00:00-05:00", "2026-11-24T04:00:00.000Z"),
    ])
    func parsesAnyOffsetIntoUTC(text: String, utc: String) throws {
        let date = try #require(RFC3339Timestamp.date(from: text))
        #expect(RFC3339Timestamp.string(from: date) == utc)
    }

    @Test(arguments: [
        "2026-11-23t13:45:12Z", "2026-11-23T13:45:12z", "2026-11-23T13:45:12-00:00", "2026-11-23T13:45:12",
        "2026-11-23T24:00:00Z", "2026-11-23T13:60:00Z", "2026-11-23T13:45:60Z", "2026-02-29T00:00:00Z",
        "2026-11-23 13:45:12Z", "2026-11-23T13:45:12.Z", "2026-11-23T13:45:12.1234567890Z", "2026-11-23T13:45:12+1:00",
        "0001-01-01T00:00:00+00:01", "2026-11-23T13:45:12Z ",
    ])
    func refusesMalformedTimestamps(text: String) {
        #expect(RFC3339Timestamp.date(from: text) == nil)
    }
}
