// StaticCredentialsProvider: fixed credentials given by the caller (an access key pair from
// a connection, or temporary credentials obtained elsewhere). Never refreshes; Describe()
// names only the access key id. The simplest provider and the usual source below an
// assume-role provider.
#pragma once

#include <string>
#include <utility>

#include "crossdock/aws/credentials/provider.h"

namespace crossdock::aws {

class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(AwsCredentials credentials)
      : credentials_(std::move(credentials)) {}

  Result<AwsCredentials> GetCredentials() override {
    if (credentials_.empty()) {
      return Error(ErrorCode::kUnauthenticated,
                   "no access key id or secret access key was given; set both", "access_key_id");
    }
    return credentials_;
  }
  std::string Describe() const override { return "static " + credentials_.access_key_id; }

 private:
  AwsCredentials credentials_;
};

}  // namespace crossdock::aws
