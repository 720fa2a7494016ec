// Fuzzes the sync spec parser (sync/spec.h) on arbitrary JSON text. A spec that parses must
// print (SyncSpecToJson) to a document that parses again to the same document.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crossdock/sync/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sync = crossdock::sync;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = sync::ParseSyncSpec(text);
  if (!spec.ok()) return 0;
  nlohmann::json printed = sync::SyncSpecToJson(*spec);
  auto again = sync::SyncSpecFromJson(printed);
  if (!again.ok()) abort();
  if (sync::SyncSpecToJson(*again) != printed) abort();
  return 0;
}
