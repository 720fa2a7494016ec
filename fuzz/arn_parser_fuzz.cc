// Fuzzes ARN parsing and matching: ParseArn, ParseArnPattern, GlobMatch and ArnMatch on the
// input split in two. A concrete ARN that parses must print back to itself and match
// itself as a pattern.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crossdock/iam/arn.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crossdock::iam;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto arn = ParseArn(text);
  if (arn.ok()) {
    if (arn->ToString() != text) abort();
    if (!ArnMatch(text, text)) abort();
  }
  (void)ParseArnPattern(text);
  (void)PartitionForRegion(text);
  size_t cut = text.find('\n');
  if (cut != std::string_view::npos) {
    std::string_view pattern = text.substr(0, cut), value = text.substr(cut + 1);
    (void)ArnMatch(pattern, value);
    bool exact = GlobMatch(pattern, value);
    if (pattern == value && pattern.find_first_of("*?\x1f") == std::string_view::npos && !exact) {
      abort();
    }
    (void)GlobMatch(pattern, value, true);
  }
  return 0;
}
