// ASCII case helpers for protocol tokens (IAM action and operator names, header names): they
// fold only A-Z, never locale-dependent characters, so results are the same everywhere.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace crossdock {

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace crossdock
