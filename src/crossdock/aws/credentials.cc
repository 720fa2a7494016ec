#include "crossdock/aws/credentials.h"

#include "crossdock/core/time_format.h"

namespace crossdock::aws {

std::string AwsCredentials::DebugString() const {
  std::string out = access_key_id.empty() ? "(no access key)" : access_key_id;
  if (!session_token.empty())
    out += " (session";
  else
    out += " (long-term";
  if (expiration) out += ", expires " + FormatIso8601(*expiration);
  return out + ")";
}

}  // namespace crossdock::aws
