#include "crossdock/sync/destinations/manifest.h"

#include <nlohmann/json.hpp>

namespace crossdock::sync {

std::string ManifestToJson(const Manifest& m) {
  nlohmann::ordered_json j;
  j["version"] = 1;
  j["sync_id"] = m.sync_id;
  j["run_id"] = m.run_id;
  j["created_at"] = m.created_at;
  if (m.copy) {
    j["mode"] = "copy";  // files copied as they were: no format, compression or rows
  } else {
    j["format"] = FormatName(m.format);
    j["compression"] = CompressionName(m.compression);
  }
  j["rows"] = m.rows;
  j["bytes"] = m.bytes;
  j["columns"] = nlohmann::ordered_json::array();
  for (const auto& c : m.columns) {
    j["columns"].push_back(
        {{"name", c.name}, {"type", ValueKindName(c.kind)}, {"source_type", c.source_type}});
  }
  j["files"] = nlohmann::ordered_json::array();
  for (const auto& f : m.files) {
    j["files"].push_back(
        {{"name", f.name}, {"rows", f.rows}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  }
  if (m.cursor) j["cursor"] = *m.cursor;
  return j.dump(2) + "\n";
}

Result<Manifest> ParseManifest(std::string_view json) {
  try {
    auto j = nlohmann::json::parse(json);
    if (j.value("version", 0) != 1) {
      return Error(ErrorCode::kDataLoss, "manifest version is not 1");
    }
    Manifest m;
    m.sync_id = j.at("sync_id").get<std::string>();
    m.run_id = j.at("run_id").get<std::string>();
    m.created_at = j.value("created_at", "");
    m.copy = j.value("mode", "") == "copy";
    if (!m.copy) {
      ASSIGN_OR_RETURN(m.format, ParseFormat(j.at("format").get<std::string>()));
      ASSIGN_OR_RETURN(m.compression, ParseCompression(j.at("compression").get<std::string>()));
    }
    m.rows = j.at("rows").get<uint64_t>();
    m.bytes = j.at("bytes").get<uint64_t>();
    for (const auto& c : j.at("columns")) {
      ASSIGN_OR_RETURN(ValueKind kind, ParseValueKind(c.at("type").get<std::string>()));
      m.columns.push_back(
          Column{c.at("name").get<std::string>(), kind, c.value("source_type", std::string())});
    }
    for (const auto& f : j.at("files")) {
      m.files.push_back(ManifestFile{f.at("name").get<std::string>(), f.at("rows").get<uint64_t>(),
                                     f.at("bytes").get<uint64_t>(),
                                     f.at("sha256").get<std::string>()});
    }
    if (j.contains("cursor")) m.cursor = j["cursor"].get<std::string>();
    return m;
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kDataLoss, std::string("manifest is not valid: ") + e.what());
  }
}

}  // namespace crossdock::sync
