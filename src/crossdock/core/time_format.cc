#include "crossdock/core/time_format.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <ctime>

namespace crossdock {
namespace {

std::tm ToTm(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

TimePoint FromTm(std::tm tm) { return std::chrono::system_clock::from_time_t(timegm(&tm)); }

// Reads exactly n digits at s[pos]; returns -1 on a non-digit or short input.
int Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Years a TimePoint holds: the system clock counts nanoseconds in 64 bits, which ends in April
// 2262; later dates are refused rather than overflowing.
constexpr int kLastYear = 2261;

bool ValidFields(const std::tm& tm) {
  return tm.tm_year + 1900 <= kLastYear && tm.tm_mon >= 0 && tm.tm_mon < 12 && tm.tm_mday >= 1 &&
         tm.tm_mday <= 31 && tm.tm_hour >= 0 && tm.tm_hour < 24 && tm.tm_min >= 0 &&
         tm.tm_min < 60 && tm.tm_sec >= 0 && tm.tm_sec <= 60;
}

Error BadTime(std::string_view what, std::string_view s) {
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("'{}' is not a valid {} timestamp", s, what));
}

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Appends `value` as exactly `width` decimal digits (zero-padded; values are in range).
void AppendDigits(std::string& out, int value, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

// YYYYMMDD: every SigV4 request formats it, so it avoids a general formatter.
void AppendDateStamp(std::string& out, const std::tm& tm) {
  AppendDigits(out, tm.tm_year + 1900, 4);
  AppendDigits(out, tm.tm_mon + 1, 2);
  AppendDigits(out, tm.tm_mday, 2);
}

}  // namespace

std::string FormatAmzDate(TimePoint t) {
  std::tm tm = ToTm(t);
  std::string out;
  out.reserve(16);
  AppendDateStamp(out, tm);
  out.push_back('T');
  AppendDigits(out, tm.tm_hour, 2);
  AppendDigits(out, tm.tm_min, 2);
  AppendDigits(out, tm.tm_sec, 2);
  out.push_back('Z');
  return out;
}

std::string FormatDateStamp(TimePoint t) {
  std::tm tm = ToTm(t);
  std::string out;
  out.reserve(8);
  AppendDateStamp(out, tm);
  return out;
}

std::string FormatIso8601(TimePoint t) {
  std::tm tm = ToTm(t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string FormatIso8601Millis(TimePoint t) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  std::string s = FormatIso8601(secs);
  s.insert(s.size() - 1, fmt::format(".{:03}", (ms - secs).count()));
  return s;
}

std::string FormatRfc1123(TimePoint t) {
  std::tm tm = ToTm(t);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Result<TimePoint> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return BadTime("ISO 8601 basic", s);
  std::tm tm{};
  tm.tm_year = Digits(s, 0, 4) - 1900;
  tm.tm_mon = Digits(s, 4, 2) - 1;
  tm.tm_mday = Digits(s, 6, 2);
  tm.tm_hour = Digits(s, 9, 2);
  tm.tm_min = Digits(s, 11, 2);
  tm.tm_sec = Digits(s, 13, 2);
  if (tm.tm_year < 0 || !ValidFields(tm)) return BadTime("ISO 8601 basic", s);
  return FromTm(tm);
}

Result<TimePoint> ParseIso8601(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return BadTime("ISO 8601", s);
  }
  std::tm tm{};
  tm.tm_year = Digits(s, 0, 4) - 1900;
  tm.tm_mon = Digits(s, 5, 2) - 1;
  tm.tm_mday = Digits(s, 8, 2);
  tm.tm_hour = Digits(s, 11, 2);
  tm.tm_min = Digits(s, 14, 2);
  tm.tm_sec = Digits(s, 17, 2);
  if (tm.tm_year < 0 || !ValidFields(tm)) return BadTime("ISO 8601", s);
  size_t pos = 19;
  std::chrono::nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100000000;
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      frac += std::chrono::nanoseconds((s[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return BadTime("ISO 8601", s);
  }
  std::chrono::seconds offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int hh = Digits(s, pos + 1, 2), mm = -1;
    if (pos + 3 < s.size() && s[pos + 3] == ':') {
      mm = Digits(s, pos + 4, 2);
      if (hh < 0 || mm < 0) return BadTime("ISO 8601", s);
      offset = std::chrono::seconds(hh * 3600 + mm * 60);
      if (s[pos] == '-') offset = -offset;
      pos += 6;
    } else {
      return BadTime("ISO 8601", s);
    }
  } else {
    return BadTime("ISO 8601", s);
  }
  if (pos != s.size()) return BadTime("ISO 8601", s);
  return FromTm(tm) - offset +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(frac);
}

Result<TimePoint> ParseRfc1123(std::string_view s) {
  // "Sun, 30 Aug 2015 12:36:00 GMT"
  if (s.size() != 29 || s[3] != ',' || s.substr(26) != "GMT") return BadTime("RFC 1123", s);
  std::tm tm{};
  tm.tm_mday = Digits(s, 5, 2);
  tm.tm_mon = -1;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) tm.tm_mon = i;
  }
  tm.tm_year = Digits(s, 12, 4) - 1900;
  tm.tm_hour = Digits(s, 17, 2);
  tm.tm_min = Digits(s, 20, 2);
  tm.tm_sec = Digits(s, 23, 2);
  if (tm.tm_year < 0 || !ValidFields(tm)) return BadTime("RFC 1123", s);
  return FromTm(tm);
}

}  // namespace crossdock
