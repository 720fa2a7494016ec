// AwsCredentials: an access key id, its secret and, for temporary credentials, a session
// token and expiry. The value type that signing consumes and credential providers produce.
//
// The secret and token are never printed: DebugString() shows only the key id and expiry.
#pragma once

#include <optional>
#include <string>

#include "crossdock/core/clock.h"
#include "crossdock/core/time_format.h"

namespace crossdock::aws {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;            // empty for long-term keys
  std::optional<TimePoint> expiration;  // unset for long-term keys

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
  // True when the credentials expire at or before `at`.
  bool ExpiresBefore(TimePoint at) const { return expiration && *expiration <= at; }
  // "AKIDEXAMPLE (session, expires 2025-01-01T00:00:00Z)"; never the secret or token.
  std::string DebugString() const {
    std::string out = access_key_id.empty() ? "(no access key)" : access_key_id;
    out += session_token.empty() ? " (long-term" : " (session";
    if (expiration) out += ", expires " + FormatIso8601(*expiration);
    return out + ")";
  }
};

}  // namespace crossdock::aws
