// Bearer-token authentication: "Authorization: Bearer cdx_..." to the token's organization.
//
// The presented token is hashed (crypto::HashToken) and looked up by hash in the store, so
// the token itself is never stored, compared in plain text or logged. Successful look-ups are
// cached briefly (by hash, a few seconds) to keep the store off the hot path under load; a
// revoked token therefore stops working within that time, and at once through this server
// (Forget). Errors are kUnauthenticated with a message saying what to send; they never echo
// the token. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/store/store.h"

namespace crossdock::server {

struct Principal {
  std::string org_id;
  std::string token_id;
};

class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock,
                std::chrono::milliseconds cache_ttl = std::chrono::seconds(5));

  // `authorization` is the header value ("" when absent).
  Result<Principal> Authenticate(std::string_view authorization);
  // Drops cached look-ups of a token (after revoking it).
  void Forget(std::string_view token_id);

 private:
  struct Entry {
    Principal principal;
    TimePoint expires;
  };
  store::Store& store_;
  const Clock& clock_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // by token hash
};

}  // namespace crossdock::server
