#include "crossdock/core/text.h"

#include <fmt/format.h>

namespace crossdock {
namespace {

// Length of the UTF-8 sequence at `s[i]` and its code point; 0 when invalid.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  char32_t v = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    v = (v << 6) | (b(i + k) & 0x3f);
  }
  static const char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
  *cp = v;
  return n;
}

bool Unprintable(char32_t cp) {
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||  // C0, DEL, C1
         cp == 0x2028 || cp == 0x2029 ||                           // line, paragraph separator
         (cp >= 0x200b && cp <= 0x200f) ||                         // zero-width, direction marks
         (cp >= 0x202a && cp <= 0x202e) ||                         // bidirectional overrides
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;           // isolates, BOM
}

}  // namespace

Status CheckDisplayName(std::string_view text, std::string_view field) {
  if (text.empty() || text.size() > 1000) {
    return Error(ErrorCode::kInvalidArgument, fmt::format("{} must be 1 to 1000 bytes long", field),
                 std::string(field));
  }
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t n = DecodeUtf8(text, i, &cp);
    if (n == 0) {
      return Error(ErrorCode::kInvalidArgument, fmt::format("{} must be valid UTF-8", field),
                   std::string(field));
    }
    if (Unprintable(cp)) {
      return Error(
          ErrorCode::kInvalidArgument,
          fmt::format("{} must not contain control or invisible formatting characters", field),
          std::string(field));
    }
    i += n;
  }
  return OkStatus();
}

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t n = DecodeUtf8(text, i, &cp);
    if (n == 0 || Unprintable(cp)) {
      size_t len = n == 0 ? 1 : n;
      for (size_t k = 0; k < len; ++k) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i + k]));
      }
      i += len;
      continue;
    }
    if (text[i] == '\\') out += '\\';
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace crossdock
