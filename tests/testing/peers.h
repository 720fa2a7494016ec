// Access to the real peers that scripts/test.sh starts (Ceph RGW for S3/STS/IAM, the
// External ID front, the fault-injecting proxy, PostgreSQL), described by RGW_* and
// CROSSDOCK_* environment variables.
//
// Integration tests use REQUIRE_PEER(...): when the variables are missing the test is skipped
// on a developer machine, but fails when CROSSDOCK_REQUIRE_PEERS=1 (set by the test command
// and CI), so CI can never pass by skipping.
#pragma once

#include <string>

namespace crossdock::testing {

// Value of an environment variable or "" when unset.
std::string Env(const char* name);

// Names of the variables in `names` that are unset, comma-separated ("" when all are set).
std::string MissingEnv(std::initializer_list<const char*> names);
bool PeersRequired();  // CROSSDOCK_REQUIRE_PEERS=1

}  // namespace crossdock::testing

// In a TEST body: skips (or fails, under CROSSDOCK_REQUIRE_PEERS=1) unless every variable is
// set. Example: REQUIRE_PEER("RGW_ENDPOINT", "RGW_ROLE_ARN");
#define REQUIRE_PEER(...)                                                             \
  do {                                                                                \
    std::string crossdock_missing_ = ::crossdock::testing::MissingEnv({__VA_ARGS__}); \
    if (!crossdock_missing_.empty()) {                                                \
      if (::crossdock::testing::PeersRequired()) {                                    \
        FAIL() << "peer not configured: " << crossdock_missing_ << " unset";          \
      }                                                                               \
      GTEST_SKIP() << "peer not configured: " << crossdock_missing_ << " unset";      \
    }                                                                                 \
  } while (0)
