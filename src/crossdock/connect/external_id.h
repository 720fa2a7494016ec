// External IDs: the shared secret-ish value a customer puts in the `sts:ExternalId`
// condition of their role's trust policy so that crossdock, and only on behalf of that
// customer, can assume the role (the confused-deputy defence).
//
// Generated values are "cdx-" + 26 base32 characters: 128 bits from the CSPRNG, well inside
// STS's rules (2 to 1224 characters of [A-Za-z0-9+=,.@:/_-]). Uniqueness across
// organizations and over time is enforced by the store (retired IDs are kept), not here. It
// does not decide when to rotate; see ConnectionService::RotateExternalId.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/core/result.h"

namespace crossdock::connect {

inline constexpr std::size_t kExternalIdMinLength = 2;
inline constexpr std::size_t kExternalIdMaxLength = 1224;
inline constexpr std::size_t kExternalIdEntropyBits = 128;

// A fresh External ID (see above). Never returns the same value twice in practice.
std::string GenerateExternalId();

// True for characters STS accepts in an External ID: [\w+=,.@:/-].
bool IsExternalIdChar(char c);

// Checks length and alphabet; kInvalidArgument naming `field` and the fix. Used for the
// External IDs crossdock generates and for ones customers bring (Databricks').
Status ValidateExternalId(std::string_view value, std::string_view field = "external_id");

}  // namespace crossdock::connect
