// Fuzzes STS AssumeRole response parsing (the credentials, expiry and assumed-role user) and
// the parse of AccessDenied messages, on arbitrary bytes. A response that parses must carry
// an access key id and a secret.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crossdock/aws/errors.h"
#include "crossdock/aws/sts/assume_role_response.h"
#include "crossdock/aws/sts/sts_errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace aws = crossdock::aws;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = aws::sts::ParseAssumeRoleResponse(body);
  if (parsed.ok() && (parsed->credentials.access_key_id.empty() ||
                      parsed->credentials.secret_access_key.empty())) {
    abort();
  }
  (void)aws::sts::ParseAccessDeniedMessage(body);
  if (auto error = aws::ParseAwsErrorBody(body)) (void)aws::ClassifyAwsError(error->code, 400);
  return 0;
}
