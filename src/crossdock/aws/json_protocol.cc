#include "crossdock/aws/json_protocol.h"

#include <fmt/format.h>

#include <cmath>

namespace crossdock::aws {

AwsRequest MakeJsonRequest(std::string_view endpoint, std::string_view region,
                           std::string_view signing_name, std::string_view target, std::string body,
                           std::string operation) {
  AwsRequest request;
  request.http.method = "POST";
  request.http.url = std::string(endpoint) + "/";
  request.http.headers.emplace_back("Content-Type", kJsonContentType);
  request.http.headers.emplace_back("X-Amz-Target", std::string(target));
  request.http.body = std::move(body);
  request.signing.region = std::string(region);
  request.signing.service = std::string(signing_name);
  request.operation = std::move(operation);
  return request;
}

Result<nlohmann::json> ParseJsonObject(std::string_view body, std::string_view what) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Error(ErrorCode::kInternal,
                 fmt::format("{}: the answer is not a JSON object: {:.200}", what, body));
  }
  return json;
}

TimePoint EpochSecondsToTime(double seconds) {
  auto ms = static_cast<int64_t>(std::llround(seconds * 1000.0));
  return TimePoint(std::chrono::milliseconds(ms));
}

namespace {
Error WrongType(const char* name, std::string_view what, const char* want) {
  return Error(ErrorCode::kInternal,
               fmt::format("{}: member {} is not {} in the service's answer", what, name, want));
}
}  // namespace

Result<std::string> StringMember(const nlohmann::json& obj, const char* name,
                                 std::string_view what) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return WrongType(name, what, "a string");
  return it->get<std::string>();
}

Result<int64_t> IntMember(const nlohmann::json& obj, const char* name, std::string_view what,
                          int64_t fallback) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return fallback;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
  return WrongType(name, what, "a number");
}

Result<bool> BoolMember(const nlohmann::json& obj, const char* name, std::string_view what) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean()) return WrongType(name, what, "a boolean");
  return it->get<bool>();
}

Result<std::string> DecodeBase64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : text) {
    if (c == '=') {
      ++pad;
      continue;
    }
    int v = value(c);
    if (v < 0 || pad > 0) {
      return Error(ErrorCode::kInternal, "a Blob member is not valid base64");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (pad > 2 || (text.size() % 4) != 0) {
    return Error(ErrorCode::kInternal, "a Blob member is not valid base64 (length)");
  }
  return out;
}

}  // namespace crossdock::aws
