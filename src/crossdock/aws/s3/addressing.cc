#include "crossdock/aws/s3/addressing.h"

#include <fmt/format.h>

#include <cctype>

namespace crossdock::aws::s3 {
namespace {

bool Unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('.', i);
    if (j == std::string_view::npos) j = s.size();
    std::string_view part = s.substr(i, j - i);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    ++parts;
    i = j + 1;
  }
  return parts == 4;
}

}  // namespace

std::string UriEncode(std::string_view s, bool keep_slash) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Result<std::string> UriDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("'{}' has a malformed percent escape at offset {}", s, i));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

Status ValidateBucketName(std::string_view b) {
  auto bad = [&](std::string_view rule) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("bucket name '{}' is not valid: {}; use the bucket's exact name "
                             "(3-63 characters of a-z, 0-9, '.', '-')",
                             b, rule),
                 "bucket");
  };
  if (b.size() < 3 || b.size() > 63) return bad("it must be 3 to 63 characters long");
  for (char c : b) {
    auto u = static_cast<unsigned char>(c);
    if (!(std::islower(u) || std::isdigit(u) || c == '.' || c == '-')) {
      return bad(fmt::format("character '{}' is not allowed", c));
    }
  }
  auto alnum = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c));
  };
  if (!alnum(b.front()) || !alnum(b.back()))
    return bad("it must start and end with a letter or digit");
  if (b.find("..") != std::string_view::npos) return bad("it must not contain '..'");
  if (IsIpv4(b)) return bad("it must not be formatted as an IP address");
  return OkStatus();
}

std::string EndpointHost(std::string_view endpoint) {
  size_t start = endpoint.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  std::string_view rest = endpoint.substr(start);
  rest = rest.substr(0, rest.find('/'));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {  // [::1]:7480
    size_t close = rest.find(']');
    return std::string(rest.substr(0, close == std::string_view::npos ? rest.size() : close + 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

bool IsIpOrLocalhost(std::string_view host) {
  if (host == "localhost" || host.ends_with(".localhost")) return true;
  if (!host.empty() && host.front() == '[') return true;  // IPv6 literal
  return IsIpv4(host);
}

AddressingStyle ResolveStyle(AddressingStyle style, std::string_view endpoint,
                             std::string_view bucket) {
  if (style != AddressingStyle::kAuto) return style;
  if (IsIpOrLocalhost(EndpointHost(endpoint))) return AddressingStyle::kPath;
  if (bucket.find('.') != std::string_view::npos || !ValidateBucketName(bucket).ok()) {
    return AddressingStyle::kPath;
  }
  return AddressingStyle::kVirtualHosted;
}

std::string BuildUrl(std::string_view endpoint, AddressingStyle style, std::string_view bucket,
                     std::string_view key, const QueryParams& query) {
  std::string url;
  style = ResolveStyle(style, endpoint, bucket);
  if (style == AddressingStyle::kVirtualHosted && !bucket.empty()) {
    size_t scheme_end = endpoint.find("://");
    size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    url = fmt::format("{}{}.{}/", endpoint.substr(0, host_start), bucket,
                      endpoint.substr(host_start));
  } else {
    url = fmt::format("{}/", endpoint);
    if (!bucket.empty()) url += UriEncode(bucket, false);
    if (!bucket.empty() && !key.empty()) url += "/";
  }
  url += UriEncode(key, true);
  char sep = '?';
  for (const auto& p : query) {
    url.push_back(sep);
    sep = '&';
    url += UriEncode(p.name, false);
    if (p.has_value) url += "=" + UriEncode(p.value, false);
  }
  return url;
}

}  // namespace crossdock::aws::s3
