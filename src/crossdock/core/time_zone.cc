#include "crossdock/core/time_zone.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace crossdock {
namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

Error BadZone(std::string_view name, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument,
               "time_zone: \"" + std::string(name) + "\" " + why +
                   "; use a name of the time zone database such as \"Europe/Berlin\" or \"UTC\"",
               "time_zone");
}

// A cursor over big-endian TZif data.
struct Reader {
  std::string_view data;
  size_t pos = 0;
  bool ok = true;
  int64_t Int(int width) {
    if (pos + width > data.size()) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + i]);
    pos += width;
    if (width == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    if (width == 1) return static_cast<int64_t>(v);
    return static_cast<int64_t>(v);
  }
  void Skip(size_t n) {
    if (pos + n > data.size()) ok = false;
    pos = std::min(pos + n, data.size());
  }
};

struct Counts {
  int64_t isut, isstd, leap, time, type, chars;
};

bool ReadHeader(Reader& r, Counts& c, char& version) {
  if (r.data.substr(r.pos, 4) != "TZif") return false;
  r.Skip(4);
  version = r.pos < r.data.size() ? r.data[r.pos] : 0;
  r.Skip(16);
  c.isut = r.Int(4);
  c.isstd = r.Int(4);
  c.leap = r.Int(4);
  c.time = r.Int(4);
  c.type = r.Int(4);
  c.chars = r.Int(4);
  return r.ok && c.time >= 0 && c.type > 0 && c.type < 256;
}

// "[+-]hh[:mm[:ss]]" as seconds; advances `s`.
bool ParseHms(std::string_view& s, int32_t& out) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  int32_t total = 0;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (s.empty() || s[0] != ':') break;
      s.remove_prefix(1);
    }
    int32_t v = 0;
    size_t n = 0;
    while (n < s.size() && n < 3 && s[n] >= '0' && s[n] <= '9') v = v * 10 + (s[n++] - '0');
    if (n == 0) return false;
    s.remove_prefix(n);
    total += v * (part == 0 ? 3600 : part == 1 ? 60 : 1);
  }
  out = sign * total;
  return true;
}

bool SkipName(std::string_view& s) {
  if (!s.empty() && s[0] == '<') {
    size_t end = s.find('>');
    if (end == std::string_view::npos) return false;
    s.remove_prefix(end + 1);
    return true;
  }
  size_t n = 0;
  while (n < s.size() && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))) ++n;
  if (n < 3) return false;
  s.remove_prefix(n);
  return true;
}

bool ParseDate(std::string_view& s, int& month, int& week, int& weekday, int32_t& time) {
  if (s.empty() || s[0] != 'M') return false;
  s.remove_prefix(1);
  int* fields[3] = {&month, &week, &weekday};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
    }
    int v = 0;
    size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') v = v * 10 + (s[n++] - '0');
    if (n == 0) return false;
    s.remove_prefix(n);
    *fields[i] = v;
  }
  if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) return false;
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    if (!ParseHms(s, time)) return false;
  }
  return true;
}

// The day of "Mm.w.d" in `year`.
sys_days RuleDay(int year, int month, int week, int weekday) {
  using namespace std::chrono;
  sys_days first = sys_days(std::chrono::year(year) / month / 1);
  int first_wd = static_cast<int>(std::chrono::weekday(first).c_encoding());
  sys_days day = first + days((weekday - first_wd + 7) % 7 + (week - 1) * 7);
  sys_days last = sys_days(std::chrono::year(year) / month / std::chrono::last);
  while (day > last) day -= days(7);
  return day;
}

int32_t FooterOffset(const PosixTzRule& rule, sys_seconds t) {
  if (!rule.dst_offset) return rule.std_offset;
  sys_days local_day = std::chrono::floor<days>(t + seconds(rule.std_offset));
  int year = static_cast<int>(std::chrono::year_month_day(local_day).year());
  sys_seconds start =
      sys_seconds(RuleDay(year, rule.start_month, rule.start_week, rule.start_weekday)) +
      seconds(rule.start_time - rule.std_offset);
  sys_seconds end = sys_seconds(RuleDay(year, rule.end_month, rule.end_week, rule.end_weekday)) +
                    seconds(rule.end_time - *rule.dst_offset);
  bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? *rule.dst_offset : rule.std_offset;
}

}  // namespace

Result<PosixTzRule> ParsePosixTz(std::string_view tz) {
  std::string_view s = tz;
  PosixTzRule rule;
  auto bad = [&] {
    return Error(ErrorCode::kInvalidArgument,
                 "unsupported POSIX TZ rule \"" + std::string(tz) + "\"");
  };
  int32_t off = 0;
  if (!SkipName(s) || !ParseHms(s, off)) return bad();
  rule.std_offset = -off;
  if (s.empty()) return rule;
  if (!SkipName(s)) return bad();
  rule.dst_offset = rule.std_offset + 3600;
  if (!s.empty() && s[0] != ',') {
    if (!ParseHms(s, off)) return bad();
    rule.dst_offset = -off;
  }
  if (s.empty() || s[0] != ',') return bad();
  s.remove_prefix(1);
  if (!ParseDate(s, rule.start_month, rule.start_week, rule.start_weekday, rule.start_time)) {
    return bad();
  }
  if (s.empty() || s[0] != ',') return bad();
  s.remove_prefix(1);
  if (!ParseDate(s, rule.end_month, rule.end_week, rule.end_weekday, rule.end_time) || !s.empty()) {
    return bad();
  }
  return rule;
}

TimeZone TimeZone::Utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

Result<TimeZone> TimeZone::FromTzif(std::string_view name, std::string_view bytes) {
  Reader r{bytes};
  Counts c{};
  char version = 0;
  if (!ReadHeader(r, c, version) || version < '2') {
    return BadZone(name, "is not a version 2+ TZif file");
  }
  r.Skip(c.time * 5 + c.type * 6 + c.chars + c.leap * 8 + c.isstd + c.isut);  // v1 block
  if (!r.ok || !ReadHeader(r, c, version)) return BadZone(name, "has a damaged TZif file");
  TimeZone z;
  z.name_ = std::string(name);
  z.transitions_.resize(c.time);
  for (auto& t : z.transitions_) t = r.Int(8);
  std::vector<int64_t> idx(c.time);
  for (auto& i : idx) i = r.Int(1);
  std::vector<int32_t> utoff(c.type);
  for (auto& o : utoff) {
    o = static_cast<int32_t>(r.Int(4));
    r.Skip(2);
  }
  r.Skip(c.chars + c.leap * 12 + c.isstd + c.isut);
  if (!r.ok) return BadZone(name, "has a truncated TZif file");
  for (int64_t i : idx) {
    if (i >= c.type) return BadZone(name, "has a damaged TZif file");
    z.offsets_.push_back(utoff[i]);
  }
  z.initial_offset_ = utoff[0];
  // Footer: "\n<POSIX TZ>\n".
  std::string_view rest = bytes.substr(r.pos);
  if (rest.size() >= 2 && rest[0] == '\n') {
    std::string_view tz = rest.substr(1, rest.find('\n', 1) - 1);
    auto rule = ParsePosixTz(tz);
    if (rule.ok()) z.footer_ = *rule;
  }
  return z;
}

Result<TimeZone> TimeZone::Load(std::string_view name, const std::string& dir) {
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return Utc();
  bool ok = !name.empty() && name.size() < 100 && name[0] != '/' &&
            name.find("..") == std::string_view::npos;
  for (char ch : name) {
    ok = ok && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                ch == '/' || ch == '_' || ch == '-' || ch == '+');
  }
  if (!ok) return BadZone(name, "is not a time zone name");
  std::ifstream in(dir + "/" + std::string(name), std::ios::binary);
  if (!in) return BadZone(name, "is not a known time zone");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return FromTzif(name, bytes.str());
}

std::chrono::seconds TimeZone::OffsetAt(sys_seconds t) const {
  int64_t s = t.time_since_epoch().count();
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (it == transitions_.begin()) {
    return seconds(transitions_.empty() && footer_ ? FooterOffset(*footer_, t) : initial_offset_);
  }
  if (it == transitions_.end() && footer_) return seconds(FooterOffset(*footer_, t));
  return seconds(offsets_[it - transitions_.begin() - 1]);
}

}  // namespace crossdock
