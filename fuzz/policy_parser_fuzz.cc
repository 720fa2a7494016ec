// Fuzzes the policy reader, the linter (every policy type, with and without a connection
// type) and evaluation of whatever reads as a policy. Any crash, sanitizer report or
// inconsistency (Decide disagreeing with Explain) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/json_doc.h"
#include "crossdock/iam/lint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crossdock::iam;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  JsonDocument doc = ReadJson(text);
  if (!doc.edits.empty()) {
    // Repairs must give text the reader accepts at least as far as before.
    std::string fixed = doc.Corrected(text);
    (void)ReadJson(fixed);
  }
  LintOptions options;
  options.type = static_cast<PolicyType>(size % 3);
  if (size % 2 == 0) options.for_type = static_cast<ConnectionType>(size % 3);
  LintReport report = LintPolicy(text, options);
  (void)ToJson(report).dump();
  auto policy = ParsePolicy(text);
  if (!policy.ok()) return 0;
  std::vector<NamedPolicy> policies = {{"fuzz", std::move(*policy)}};
  Request requests[] = {
      Request("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::bkt/a/b"),
      Request("arn:aws:iam::568237466542:root", "sts:AssumeRole",
              "arn:aws:iam::111122223333:role/x"),
      Request("redshift.amazonaws.com", "sts:AssumeRole", "*"),
  };
  requests[1].Set("sts:ExternalId", "ext-1");
  requests[0].Set("aws:SourceIp", "203.0.113.9");
  requests[0].Set("aws:TagKeys", std::vector<std::string>{"a", "b"});
  for (const Request& r : requests) {
    Decision fast = Decide(policies, r);
    Evaluation slow = Explain(policies, r);
    if (fast != slow.decision) abort();
    (void)ToJson(slow, r).dump();
  }
  return 0;
}
