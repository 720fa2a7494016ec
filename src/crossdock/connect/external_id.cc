#include "crossdock/connect/external_id.h"

#include <fmt/format.h>

#include "crossdock/crypto/random.h"

namespace crossdock::connect {

std::string GenerateExternalId() {
  return "cdx-" + crypto::Base32Encode(crypto::RandomBytes(kExternalIdEntropyBits / 8));
}

bool IsExternalIdChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_':
    case '+':
    case '=':
    case ',':
    case '.':
    case '@':
    case ':':
    case '/':
    case '-':
      return true;
    default:
      return false;
  }
}

Status ValidateExternalId(std::string_view value, std::string_view field) {
  if (value.size() < kExternalIdMinLength || value.size() > kExternalIdMaxLength) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{} must be {} to {} characters long (got {}); STS rejects other "
                             "lengths",
                             field, kExternalIdMinLength, kExternalIdMaxLength, value.size()),
                 std::string(field));
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!IsExternalIdChar(value[i])) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("{} has a character STS does not allow at position {}; use only "
                               "letters, digits and + = , . @ : / _ -",
                               field, i + 1),
                   std::string(field));
    }
  }
  return OkStatus();
}

}  // namespace crossdock::connect
