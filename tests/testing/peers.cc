#include "testing/peers.h"

#include <cstdlib>

namespace crossdock::testing {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string MissingEnv(std::initializer_list<const char*> names) {
  std::string missing;
  for (const char* n : names) {
    if (Env(n).empty()) missing += std::string(missing.empty() ? "" : ", ") + n;
  }
  return missing;
}

bool PeersRequired() { return Env("CROSSDOCK_REQUIRE_PEERS") == "1"; }

}  // namespace crossdock::testing
