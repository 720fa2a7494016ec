#include "crossdock/iam/condition.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "crossdock/core/ascii.h"
#include "crossdock/iam/arn.h"

namespace crossdock::iam {
namespace {

using crossdock::EqualsIgnoreCase;
using crossdock::Lower;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == '=') {
      break;
    } else {
      return std::nullopt;
    }
    buf = (buf << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

// A decimal number held exactly: value = digits * 10^exponent, `digits` without leading or
// trailing zeros (empty for zero). Numeric* operators compare these, so boundaries hold for
// values a double cannot represent (9007199254740993, 0.1 + 0.2 style decimals).
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
};

// [+-]digits[.digits][(e|E)[+-]digits], at least one digit before the exponent; surrounding
// spaces ignored. nullopt for anything else (hex, inf, nan, empty).
std::optional<Decimal> ParseDecimal(std::string_view text) {
  text = Trim(text);
  Decimal d;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    d.negative = text[i] == '-';
    ++i;
  }
  std::string mantissa;
  int64_t fraction_digits = 0;
  bool any_digit = false, dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      mantissa.push_back(c);
      if (dot) ++fraction_digits;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any_digit) return std::nullopt;
  int64_t exp = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      neg = text[i] == '-';
      ++i;
    }
    size_t start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exp < 100000000) exp = exp * 10 + (text[i] - '0');
    }
    if (i == start) return std::nullopt;
    if (neg) exp = -exp;
  }
  if (i != text.size()) return std::nullopt;
  size_t first = mantissa.find_first_not_of('0');
  if (first == std::string::npos) {
    d.negative = false;  // -0 == 0
    return d;
  }
  size_t last = mantissa.find_last_not_of('0');
  d.digits = mantissa.substr(first, last - first + 1);
  d.exponent = exp - fraction_digits + static_cast<int64_t>(mantissa.size() - 1 - last);
  return d;
}

// -1, 0 or 1 as a <, == or > b.
int CompareDecimal(const Decimal& a, const Decimal& b) {
  bool a_zero = a.digits.empty(), b_zero = b.digits.empty();
  if (a_zero || b_zero) {
    if (a_zero && b_zero) return 0;
    if (a_zero) return b.negative ? 1 : -1;
    return a.negative ? -1 : 1;
  }
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  int sign = a.negative ? -1 : 1;
  // Magnitude: position of the most significant digit first, then the digits.
  int64_t ma = static_cast<int64_t>(a.digits.size()) + a.exponent;
  int64_t mb = static_cast<int64_t>(b.digits.size()) + b.exponent;
  if (ma != mb) return ma < mb ? -sign : sign;
  size_t n = std::max(a.digits.size(), b.digits.size());
  for (size_t k = 0; k < n; ++k) {
    char ca = k < a.digits.size() ? a.digits[k] : '0';
    char cb = k < b.digits.size() ? b.digits[k] : '0';
    if (ca != cb) return ca < cb ? -sign : sign;
  }
  return 0;
}

// A point in time as whole seconds since the epoch and nanoseconds, compared exactly.
struct Instant {
  int64_t seconds = 0;
  int64_t nanos = 0;
  auto operator<=>(const Instant&) const = default;
};

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// Epoch seconds (integer or decimal, optionally signed) or one of the W3C profile's ISO 8601
// forms: YYYY-MM, YYYY-MM-DD, then Thh:mm, Thh:mm:ss or Thh:mm:ss.fraction with Z, +hh:mm,
// -hh:mm (also +hhmm, +hh) or no zone (UTC).
std::optional<Instant> ParseInstant(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  bool numeric = true;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          (i == 0 && (c == '-' || c == '+')))) {
      numeric = false;
    }
  }
  if (numeric) {
    auto d = ParseDecimal(s);
    if (!d) return std::nullopt;
    // Split into whole seconds and nanoseconds (floor), exactly.
    if (d->digits.size() > 40 || d->exponent < -40 ||
        static_cast<int64_t>(d->digits.size()) + d->exponent > 18) {
      return std::nullopt;  // beyond any date, or more precision than a date has
    }
    std::string digits = d->digits;
    int64_t exp = d->exponent;
    while (exp > 0) {
      digits.push_back('0');
      --exp;
    }
    size_t frac = static_cast<size_t>(-exp);
    if (digits.size() < frac + 1) digits.insert(0, frac + 1 - digits.size(), '0');
    std::string whole = digits.substr(0, digits.size() - frac);
    std::string part = digits.substr(digits.size() - frac);
    if (whole.size() > 18) return std::nullopt;
    Instant t;
    for (char c : whole) t.seconds = t.seconds * 10 + (c - '0');
    for (size_t k = 0; k < 9; ++k) t.nanos = t.nanos * 10 + (k < part.size() ? part[k] - '0' : 0);
    bool more = part.size() > 9 && part.find_first_not_of('0', 9) != std::string::npos;
    if (d->negative && (t.nanos != 0 || more)) {
      t.seconds = -t.seconds - 1;
      t.nanos = 1000000000 - t.nanos - (more ? 1 : 0);
    } else if (d->negative) {
      t.seconds = -t.seconds;
    }
    return t;
  }
  int y, mo, d = 1;
  if (!Digits(s, 0, 4, y) || s.size() < 7 || s[4] != '-' || !Digits(s, 5, 2, mo)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12) return std::nullopt;
  size_t i = 7;
  if (i < s.size() && s[i] == '-') {
    if (!Digits(s, 8, 2, d)) return std::nullopt;
    if (d < 1 || d > DaysInMonth(y, mo)) return std::nullopt;
    i = 10;
  } else if (i != s.size()) {
    return std::nullopt;
  }
  Instant t;
  t.seconds =
      DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * int64_t{86400};
  if (i == s.size()) return t;
  if (i != 10 || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) return std::nullopt;
  ++i;
  int h, mi, se = 0;
  if (!Digits(s, i, 2, h) || i + 2 >= s.size() || s[i + 2] != ':' || !Digits(s, i + 3, 2, mi)) {
    return std::nullopt;
  }
  i += 5;
  int64_t nanos = 0;
  if (i < s.size() && s[i] == ':') {
    if (!Digits(s, i + 1, 2, se)) return std::nullopt;
    i += 3;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      size_t start = i;
      int64_t scale = 100000000;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        nanos += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (i == start) return std::nullopt;
    }
  }
  if (h > 24 || mi > 59 || se > 60 || (h == 24 && (mi != 0 || se != 0 || nanos != 0))) {
    return std::nullopt;
  }
  t.seconds += h * int64_t{3600} + mi * int64_t{60} + se;
  t.nanos = nanos;
  if (i == s.size()) return t;  // no zone: UTC
  if (s[i] == 'Z' || s[i] == 'z') {
    return i + 1 == s.size() ? std::optional<Instant>(t) : std::nullopt;
  }
  if (s[i] == '+' || s[i] == '-') {
    int oh, om = 0;
    if (!Digits(s, i + 1, 2, oh) || oh > 23) return std::nullopt;
    size_t j = i + 3;
    if (j < s.size() && s[j] == ':') ++j;
    if (j < s.size()) {
      if (!Digits(s, j, 2, om) || om > 59) return std::nullopt;
      j += 2;
    }
    if (j != s.size()) return std::nullopt;
    int64_t offset = oh * int64_t{3600} + om * int64_t{60};
    t.seconds += s[i] == '+' ? -offset : offset;
    return t;
  }
  return std::nullopt;
}

// The positive comparison of one policy value `p` with one request value `v`.
bool Compare(ConditionOp op, std::string_view p, std::string_view v) {
  switch (op) {
    case ConditionOp::kStringEquals:
    case ConditionOp::kStringNotEquals:
      return p == v;
    case ConditionOp::kStringEqualsIgnoreCase:
    case ConditionOp::kStringNotEqualsIgnoreCase:
      return EqualsIgnoreCase(p, v);
    case ConditionOp::kStringLike:
    case ConditionOp::kStringNotLike:
      return GlobMatch(p, v);
    case ConditionOp::kNumericEquals:
    case ConditionOp::kNumericNotEquals:
    case ConditionOp::kNumericLessThan:
    case ConditionOp::kNumericLessThanEquals:
    case ConditionOp::kNumericGreaterThan:
    case ConditionOp::kNumericGreaterThanEquals:
    case ConditionOp::kDateEquals:
    case ConditionOp::kDateNotEquals:
    case ConditionOp::kDateLessThan:
    case ConditionOp::kDateLessThanEquals:
    case ConditionOp::kDateGreaterThan:
    case ConditionOp::kDateGreaterThanEquals: {
      // c < 0: the request's value is less than the policy's.
      int c;
      if (op >= ConditionOp::kDateEquals) {
        auto pv = ParseInstant(p);
        auto rv = ParseInstant(v);
        if (!pv || !rv) return false;
        c = *rv < *pv ? -1 : (*rv == *pv ? 0 : 1);
      } else {
        auto pv = ParseDecimal(p);
        auto rv = ParseDecimal(v);
        if (!pv || !rv) return false;
        c = CompareDecimal(*rv, *pv);
      }
      switch (op) {
        case ConditionOp::kNumericEquals:
        case ConditionOp::kNumericNotEquals:
        case ConditionOp::kDateEquals:
        case ConditionOp::kDateNotEquals:
          return c == 0;
        case ConditionOp::kNumericLessThan:
        case ConditionOp::kDateLessThan:
          return c < 0;
        case ConditionOp::kNumericLessThanEquals:
        case ConditionOp::kDateLessThanEquals:
          return c <= 0;
        case ConditionOp::kNumericGreaterThan:
        case ConditionOp::kDateGreaterThan:
          return c > 0;
        default:
          return c >= 0;
      }
    }
    case ConditionOp::kBool:
      return (EqualsIgnoreCase(p, "true") || EqualsIgnoreCase(p, "false")) &&
             EqualsIgnoreCase(p, v);
    case ConditionOp::kBinaryEquals: {
      auto pb = Base64Decode(p);
      auto vb = Base64Decode(v);
      return pb && vb && *pb == *vb;
    }
    case ConditionOp::kIpAddress:
    case ConditionOp::kNotIpAddress:
      return IpInCidr(p, v);
    case ConditionOp::kArnEquals:
    case ConditionOp::kArnLike:
    case ConditionOp::kArnNotEquals:
    case ConditionOp::kArnNotLike:
      return ArnMatch(p, v);
    case ConditionOp::kNull:
      return false;
  }
  return false;
}

std::string Quoted(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += values.size() == 2 ? " or " : ", ";
    if (i && values.size() > 2 && i + 1 == values.size()) out += "or ";
    out += "\"" + values[i] + "\"";
  }
  return out;
}

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  if (!ParseDecimal(text)) return std::nullopt;
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec == std::errc::result_out_of_range) return text.front() == '-' ? -HUGE_VAL : HUGE_VAL;
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return out;
}

std::optional<double> ParseDate(std::string_view text) {
  auto t = ParseInstant(text);
  if (!t) return std::nullopt;
  return static_cast<double>(t->seconds) + static_cast<double>(t->nanos) / 1e9;
}

int CompareNumbers(std::string_view a, std::string_view b, bool* ok) {
  auto x = ParseDecimal(a);
  auto y = ParseDecimal(b);
  if (ok) *ok = x && y;
  if (!x || !y) return 0;
  return CompareDecimal(*x, *y);
}

bool IpInCidr(std::string_view cidr, std::string_view ip) {
  cidr = Trim(cidr);
  ip = Trim(ip);
  if (cidr.size() > 64 || ip.size() > 64) return false;
  std::string addr(cidr);
  int bits = -1;
  size_t slash = addr.find('/');
  if (slash != std::string::npos) {
    std::string_view b = std::string_view(addr).substr(slash + 1);
    int v = 0;
    auto [ptr, ec] = std::from_chars(b.data(), b.data() + b.size(), v);
    if (ec != std::errc() || ptr != b.data() + b.size() || b.empty()) return false;
    bits = v;
    addr.resize(slash);
  }
  std::string req(ip);
  std::array<unsigned char, 16> a{}, r{};
  int family;
  size_t len;
  if (addr.find(':') != std::string::npos) {
    family = AF_INET6;
    len = 16;
  } else {
    family = AF_INET;
    len = 4;
  }
  if (inet_pton(family, addr.c_str(), a.data()) != 1) return false;
  if (inet_pton(family, req.c_str(), r.data()) != 1) return false;
  int max_bits = static_cast<int>(len * 8);
  if (bits < 0) bits = max_bits;
  if (bits > max_bits) return false;
  for (size_t i = 0; i < len && bits > 0; ++i, bits -= 8) {
    unsigned char mask =
        bits >= 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - static_cast<unsigned>(bits)));
    if ((a[i] & mask) != (r[i] & mask)) return false;
  }
  return true;
}

std::optional<std::string> SubstituteVariables(std::string_view text, const Request& request,
                                               bool for_pattern) {
  std::string out;
  auto literal = [&](std::string_view v) {
    for (char c : v) {
      if (for_pattern && (c == '*' || c == '?')) out += kGlobEscape;
      out += c;
    }
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("${", i);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(i, open - i));
    std::string_view inner = Trim(text.substr(open + 2, close - open - 2));
    i = close + 1;
    if (inner == "*" || inner == "?" || inner == "$") {
      literal(inner);
      continue;
    }
    std::optional<std::string> fallback;
    size_t comma = inner.find(',');
    std::string_view key = inner;
    if (comma != std::string_view::npos) {
      key = Trim(inner.substr(0, comma));
      std::string_view def = Trim(inner.substr(comma + 1));
      if (def.size() >= 2 && def.front() == '\'' && def.back() == '\'') {
        fallback = std::string(def.substr(1, def.size() - 2));
      }
    }
    const std::vector<std::string>* values = request.Find(Lower(key));
    if (values && !values->empty()) {
      literal(values->front());
    } else if (fallback) {
      literal(*fallback);
    } else {
      return std::nullopt;
    }
  }
  out.append(text.substr(i));
  return out;
}

bool ConditionHolds(const Condition& condition, const Request& request, bool variables,
                    ConditionTrace* trace) {
  const std::vector<std::string>* actual = request.Find(condition.key_lower);
  bool present = actual != nullptr && !actual->empty();
  const ConditionOperator& op = condition.op;

  // Policy values after substitution; without variables they are used in place.
  std::vector<std::string> substituted;
  const std::vector<std::string>* expected = &condition.values;
  bool use_vars = variables && op.op != ConditionOp::kNull;
  if (use_vars) {
    bool any = false;
    for (const std::string& v : condition.values) any = any || v.find("${") != std::string::npos;
    if (any) {
      for (const std::string& v : condition.values) {
        bool pattern = op.op == ConditionOp::kStringLike || op.op == ConditionOp::kStringNotLike ||
                       (op.op >= ConditionOp::kArnEquals && op.op <= ConditionOp::kArnNotLike);
        auto s = SubstituteVariables(v, request, pattern);
        if (s) substituted.push_back(*s);
      }
      expected = &substituted;
    }
  }

  auto value_matches = [&](const std::string& v) {
    for (const std::string& p : *expected) {
      if (Compare(op.op, p, v)) return true;
    }
    return false;
  };

  bool result;
  if (op.op == ConditionOp::kNull) {
    result = false;
    for (const std::string& p : condition.values) {
      if ((EqualsIgnoreCase(p, "true") && !present) || (EqualsIgnoreCase(p, "false") && present)) {
        result = true;
      }
    }
  } else if (op.set == SetQualifier::kNone) {
    if (!present) {
      result = op.if_exists || op.negated();
    } else {
      bool positive = false;
      for (const std::string& v : *actual) positive = positive || value_matches(v);
      result = op.negated() ? !positive : positive;
    }
  } else if (op.set == SetQualifier::kForAnyValue) {
    result = !present ? op.if_exists : false;
    if (present) {
      for (const std::string& v : *actual) {
        bool m = value_matches(v);
        if (op.negated() ? !m : m) {
          result = true;
          break;
        }
      }
    }
  } else {  // ForAllValues
    result = true;
    if (present) {
      for (const std::string& v : *actual) {
        bool m = value_matches(v);
        if (op.negated() ? m : !m) {
          result = false;
          break;
        }
      }
    }
  }

  if (trace) {
    trace->op = op.name;
    trace->key = condition.key;
    trace->expected = *expected;
    for (std::string& e : trace->expected) std::erase(e, kGlobEscape);
    trace->present = present;
    trace->actual = present ? *actual : std::vector<std::string>{};
    trace->matched = result;
    std::string text = "Condition " + op.name + " " + condition.key;
    if (op.op == ConditionOp::kNull) {
      text += std::string(" expected the key to be ") +
              (EqualsIgnoreCase(condition.values.front(), "true") ? "absent" : "present") +
              ", request " + (present ? "had " + Quoted(*actual) : "had no " + condition.key);
    } else {
      text += " expected " + Quoted(trace->expected) + ", request ";
      text += present ? "had " + Quoted(*actual) : "had no " + condition.key;
    }
    if (use_vars && expected->size() != condition.values.size()) {
      text += " (a policy variable in the condition had no value in the request)";
    }
    text += result ? " (matched)" : " (not matched)";
    trace->text = std::move(text);
  }
  return result;
}

}  // namespace crossdock::iam
