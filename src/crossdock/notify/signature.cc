#include "crossdock/notify/signature.h"

#include <openssl/crypto.h>

#include <charconv>

#include "crossdock/core/hex.h"
#include "crossdock/crypto/sha256.h"

namespace crossdock::notify {

std::string SignatureHex(std::string_view secret, int64_t timestamp, std::string_view body) {
  std::string signed_text = std::to_string(timestamp);
  signed_text += '.';
  signed_text.append(body);
  return HexEncode(crypto::HmacSha256(secret, signed_text));
}

std::string SignatureHeaderValue(std::string_view secret, int64_t timestamp,
                                 std::string_view body) {
  return "v1=" + SignatureHex(secret, timestamp, body);
}

Status VerifySignature(std::string_view secret, std::string_view timestamp_header,
                       std::string_view signature_header, std::string_view body, TimePoint now,
                       std::chrono::seconds tolerance) {
  int64_t ts = 0;
  auto [end, ec] = std::from_chars(timestamp_header.data(),
                                   timestamp_header.data() + timestamp_header.size(), ts);
  if (timestamp_header.empty() || ec != std::errc() ||
      end != timestamp_header.data() + timestamp_header.size()) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string(kTimestampHeader) + " must be the unix time in seconds",
                 std::string(kTimestampHeader));
  }
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (ts < now_s - tolerance.count() || ts > now_s + tolerance.count()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "the signed timestamp is more than " + std::to_string(tolerance.count()) +
                     " s from now: a replay, or a clock to correct",
                 std::string(kTimestampHeader));
  }
  const std::string expected = SignatureHex(secret, ts, body);
  std::string_view rest = signature_header;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.substr(0, 3) == "v1=") {
      std::string_view hex = item.substr(3);
      if (hex.size() == expected.size() &&
          CRYPTO_memcmp(hex.data(), expected.data(), expected.size()) == 0) {
        return OkStatus();
      }
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return Error(ErrorCode::kUnauthenticated,
               "no v1 signature matches the body; check the webhook secret and that the raw body "
               "is verified before parsing",
               std::string(kSignatureHeader));
}

}  // namespace crossdock::notify
