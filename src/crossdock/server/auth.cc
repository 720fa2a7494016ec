#include "crossdock/server/auth.h"

#include "crossdock/crypto/token_hash.h"

namespace crossdock::server {

Authenticator::Authenticator(store::Store& store, const Clock& clock,
                             std::chrono::milliseconds cache_ttl)
    : store_(store), clock_(clock), ttl_(cache_ttl) {}

Result<Principal> Authenticator::Authenticate(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.empty()) {
    return Error(ErrorCode::kUnauthenticated,
                 "missing Authorization header; send \"Authorization: Bearer <API token>\" "
                 "(crossdock serve prints the first token once)",
                 "Authorization");
  }
  if (authorization.size() <= kScheme.size() ||
      authorization.substr(0, kScheme.size()) != kScheme) {
    return Error(ErrorCode::kUnauthenticated,
                 "the Authorization header must be \"Bearer <API token>\"", "Authorization");
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  std::string hash = crypto::HashToken(token);
  TimePoint now = clock_.Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.expires > now) return it->second.principal;
  }
  auto found = store_.FindApiTokenByHash(hash);
  if (!found.ok()) {
    if (found.error().code() == ErrorCode::kNotFound ||
        found.error().code() == ErrorCode::kUnauthenticated) {
      return Error(ErrorCode::kUnauthenticated,
                   "the API token is not valid (unknown or revoked); use a token issued by this "
                   "server",
                   "Authorization");
    }
    return found.error();
  }
  Principal p{found->org_id, found->id};
  // "Last used" for the token list, at most once per cache period per token; best effort.
  (void)store_.TouchApiToken(found->id);
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() > 10000) cache_.clear();
  cache_[hash] = Entry{p, now + ttl_};
  return p;
}

void Authenticator::Forget(std::string_view token_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.principal.token_id == token_id) {
      it = cache_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace crossdock::server
