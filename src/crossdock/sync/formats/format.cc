#include "crossdock/sync/formats/format.h"

#include "crossdock/sync/formats/compression.h"

namespace crossdock::sync {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const char* FormatName(Format f) { return f == Format::kCsv ? "csv" : "jsonl"; }

Result<Format> ParseFormat(std::string_view text) {
  if (text == "csv") return Format::kCsv;
  if (text == "jsonl" || text == "json" || text == "ndjson" || text == "jsonlines") {
    return Format::kJsonLines;
  }
  return Error(ErrorCode::kInvalidArgument,
               "unknown format \"" + std::string(text) + "\"; use csv or jsonl", "format");
}

const char* FormatExtension(Format f) { return f == Format::kCsv ? ".csv" : ".jsonl"; }

const char* FormatContentType(Format f) {
  return f == Format::kCsv ? "text/csv" : "application/x-ndjson";
}

Result<Format> FormatFromName(std::string_view name) {
  std::string_view base = StripCompressionSuffix(name);
  if (EndsWith(base, ".csv")) return Format::kCsv;
  if (EndsWith(base, ".jsonl") || EndsWith(base, ".ndjson") || EndsWith(base, ".json")) {
    return Format::kJsonLines;
  }
  return Error(ErrorCode::kInvalidArgument,
               "cannot tell the format of \"" + std::string(name) +
                   "\" from its name; name files .csv, .jsonl or .ndjson (optionally followed "
                   "by .gz or .zst) or set the source's format",
               "format");
}

}  // namespace crossdock::sync
