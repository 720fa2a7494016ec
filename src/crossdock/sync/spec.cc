#include "crossdock/sync/spec.h"

#include "crossdock/connect/connection.h"
#include "crossdock/core/ascii.h"
#include "crossdock/core/time_format.h"
#include "crossdock/sync/warehouses/warehouse_sql.h"

namespace crossdock::sync {
namespace {

using json = nlohmann::json;

Error Bad(const std::string& field, const std::string& msg) {
  return Error(ErrorCode::kInvalidArgument, field + ": " + msg, field);
}

Result<std::string> Str(const json& j, const std::string& key, const std::string& path) {
  if (!j.contains(key) || j[key].is_null()) return std::string();
  if (!j[key].is_string()) return Bad(path + "." + key, "must be a string");
  return j[key].get<std::string>();
}

Status CheckKeys(const json& j, const std::string& path, std::initializer_list<const char*> keys) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) {
      return Bad((path.empty() ? "" : path + ".") + it.key(),
                 "unknown field; check the spelling (see the sync spec format)");
    }
  }
  return OkStatus();
}

// A path inside a bucket or folder: relative, no ".", ".." or empty segments, no control
// characters; a trailing "/" is allowed where it means "this folder".
Status CheckRelativePath(const std::string& path, const std::string& field, bool trailing_slash) {
  if (path.empty()) return OkStatus();
  if (path.size() > 1024) return Bad(field, "must be at most 1024 characters");
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f || c == '\\') {
      return Bad(field, "must not contain control characters or backslashes");
    }
  }
  if (path.front() == '/') return Bad(field, "must be relative (no leading /)");
  std::string_view rest = path;
  if (trailing_slash && rest.back() == '/') rest.remove_suffix(1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg.empty() || seg == "." || seg == "..") {
      return Bad(field, "must not contain empty, \".\" or \"..\" segments");
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return OkStatus();
}

Result<S3Target> ParseTarget(const json& j, const std::string& path) {
  S3Target t;
  ASSIGN_OR_RETURN(t.connection, Str(j, "connection", path));
  ASSIGN_OR_RETURN(t.bucket, Str(j, "bucket", path));
  ASSIGN_OR_RETURN(t.region, Str(j, "region", path));
  ASSIGN_OR_RETURN(t.endpoint, Str(j, "endpoint", path));
  ASSIGN_OR_RETURN(t.sts_endpoint, Str(j, "sts_endpoint", path));
  ASSIGN_OR_RETURN(t.role_arn, Str(j, "role_arn", path));
  ASSIGN_OR_RETURN(t.external_id, Str(j, "external_id", path));
  if (t.connection.empty() == t.bucket.empty()) {
    return Bad(path + ".connection", "give either a connection (name or id) or a bucket");
  }
  return t;
}

void TargetToJson(const S3Target& t, json& j) {
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  };
  put("connection", t.connection);
  put("bucket", t.bucket);
  put("region", t.region);
  put("endpoint", t.endpoint);
  put("sts_endpoint", t.sts_endpoint);
  put("role_arn", t.role_arn);
  put("external_id", t.external_id);
}

bool UrlHasPassword(const std::string& url) {
  // postgresql://user:password@host/... or key=value with password=
  if (url.find("password=") != std::string::npos) return true;
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  size_t at = url.find('@', scheme);
  if (at == std::string::npos) return false;
  return url.substr(scheme + 3, at - scheme - 3).find(':') != std::string::npos;
}

Result<int> BoundedInt(const json& j, const char* key, int lo, int hi, int fallback) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  const json& v = j[key];
  std::string field = std::string("source.") + key;
  if (!v.is_number_integer()) return Bad(field, "must be an integer");
  bool in_range = v.is_number_unsigned() ? v.get<uint64_t>() >= static_cast<uint64_t>(lo) &&
                                               v.get<uint64_t>() <= static_cast<uint64_t>(hi)
                                         : v.get<int64_t>() >= lo && v.get<int64_t>() <= hi;
  if (!in_range) {
    return Bad(field, "is out of range; use " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return static_cast<int>(v.get<int64_t>());
}

Result<KinesisStart> ParseKinesisStart(const json& j) {
  KinesisStart start;
  if (!j.contains("start") || j["start"].is_null()) return start;
  const json& v = j["start"];
  const char* help =
      "use \"trim_horizon\" (the oldest record kept), \"latest\" (records arriving from the "
      "first run on) or {\"at_timestamp\": \"2024-05-01T00:00:00Z\"}";
  if (v.is_string()) {
    std::string s = Lower(v.get<std::string>());  // AWS's TRIM_HORIZON and LATEST too
    if (s == "trim_horizon") return start;
    if (s == "latest") {
      start.kind = KinesisStart::Kind::kLatest;
      return start;
    }
    return Bad("source.start", "unknown start \"" + s + "\"; " + help);
  }
  if (!v.is_object())
    return Bad("source.start", std::string("must be a string or an object; ") + help);
  RETURN_IF_ERROR(CheckKeys(v, "source.start", {"at_timestamp"}));
  ASSIGN_OR_RETURN(std::string at, Str(v, "at_timestamp", "source.start"));
  if (at.empty()) return Bad("source.start.at_timestamp", std::string("is required; ") + help);
  auto parsed = ParseIso8601(at);
  if (!parsed.ok()) {
    return Bad("source.start.at_timestamp",
               "\"" + at + "\" is not an RFC 3339 time such as 2024-05-01T00:00:00Z");
  }
  start.kind = KinesisStart::Kind::kAtTimestamp;
  start.at = *parsed;
  return start;
}

Result<SourceSpec> ParseKinesisSource(const json& j) {
  RETURN_IF_ERROR(
      CheckKeys(j, "source",
                {"type", "connection", "stream_arn", "role_arn", "external_id", "endpoint",
                 "sts_endpoint", "start", "max_parallel_shards", "records_per_call"}));
  SourceSpec s;
  s.type = SourceType::kKinesis;
  KinesisSourceSpec& k = s.kinesis;
  ASSIGN_OR_RETURN(s.connection, Str(j, "connection", "source"));
  ASSIGN_OR_RETURN(k.stream_arn, Str(j, "stream_arn", "source"));
  ASSIGN_OR_RETURN(k.role_arn, Str(j, "role_arn", "source"));
  ASSIGN_OR_RETURN(k.external_id, Str(j, "external_id", "source"));
  ASSIGN_OR_RETURN(k.endpoint, Str(j, "endpoint", "source"));
  ASSIGN_OR_RETURN(k.sts_endpoint, Str(j, "sts_endpoint", "source"));
  ASSIGN_OR_RETURN(k.start, ParseKinesisStart(j));
  ASSIGN_OR_RETURN(k.max_parallel_shards, BoundedInt(j, "max_parallel_shards", 1, 64, 8));
  ASSIGN_OR_RETURN(k.records_per_call, BoundedInt(j, "records_per_call", 1, 10000, 10000));
  if (s.connection.empty() == k.stream_arn.empty()) {
    return Bad("source.connection",
               "give either a kinesis connection (name or id) or a stream_arn");
  }
  if (!s.connection.empty()) {
    for (const char* inline_only : {"role_arn", "external_id", "sts_endpoint"}) {
      if (j.contains(inline_only) && !j[inline_only].is_null()) {
        return Bad(std::string("source.") + inline_only,
                   "comes from the connection; give it only with a stream_arn");
      }
    }
  } else if (connect::KinesisStreamName(k.stream_arn).empty()) {
    return Bad("source.stream_arn", "\"" + k.stream_arn +
                                        "\" is not a Kinesis stream ARN such as "
                                        "arn:aws:kinesis:us-east-1:123456789012:stream/clicks");
  }
  if (k.role_arn.empty() && !k.external_id.empty()) {
    return Bad("source.external_id", "is used with role_arn; give the role to assume");
  }
  return s;
}

json KinesisSourceToJson(const SourceSpec& s) {
  const KinesisSourceSpec& k = s.kinesis;
  json j = {{"type", "kinesis"}};
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  put("connection", s.connection);
  put("stream_arn", k.stream_arn);
  put("role_arn", k.role_arn);
  put("external_id", k.external_id);
  put("endpoint", k.endpoint);
  put("sts_endpoint", k.sts_endpoint);
  switch (k.start.kind) {
    case KinesisStart::Kind::kTrimHorizon:
      j["start"] = "trim_horizon";
      break;
    case KinesisStart::Kind::kLatest:
      j["start"] = "latest";
      break;
    case KinesisStart::Kind::kAtTimestamp: {
      // Milliseconds kept: AT_TIMESTAMP is precise to the millisecond.
      std::string text = FormatIso8601Millis(k.start.at);
      j["start"] = {{"at_timestamp", text}};
      break;
    }
  }
  j["max_parallel_shards"] = k.max_parallel_shards;
  j["records_per_call"] = k.records_per_call;
  return j;
}

Result<SourceSpec> ParseSource(const json& j) {
  if (!j.is_object()) return Bad("source", "must be an object");
  SourceSpec s;
  ASSIGN_OR_RETURN(std::string type, Str(j, "type", "source"));
  if (type == "postgres" || type == "postgresql") {
    RETURN_IF_ERROR(CheckKeys(j, "source", {"type", "connection", "url", "table", "query"}));
    s.type = SourceType::kPostgres;
    ASSIGN_OR_RETURN(s.connection, Str(j, "connection", "source"));
    ASSIGN_OR_RETURN(s.url, Str(j, "url", "source"));
    ASSIGN_OR_RETURN(s.table, Str(j, "table", "source"));
    ASSIGN_OR_RETURN(s.query, Str(j, "query", "source"));
    if (!s.connection.empty() && !s.url.empty()) {
      return Bad("source.url",
                 "give either a postgres connection or a URL, not both; the connection holds "
                 "the host, database, user and password");
    }
    if (s.url.empty() && s.connection.empty()) {
      return Bad("source.connection",
                 "name the postgres connection to read from (crossdock connection create --type "
                 "postgres), or give a PostgreSQL URL");
    }
    if (UrlHasPassword(s.url)) {
      return Bad("source.url",
                 "must not contain a password (sync definitions are stored in the clear); "
                 "store it in a postgres connection (encrypted) and name the connection");
    }
    if (s.table.empty() == s.query.empty()) {
      return Bad("source.table", "give exactly one of table or query");
    }
    return s;
  }
  if (type == "redshift" || type == "redshift-serverless") {
    RETURN_IF_ERROR(CheckKeys(j, "source", {"type", "connection", "table", "query", "unload"}));
    s.type = SourceType::kRedshift;
    ASSIGN_OR_RETURN(s.connection, Str(j, "connection", "source"));
    ASSIGN_OR_RETURN(s.table, Str(j, "table", "source"));
    ASSIGN_OR_RETURN(s.query, Str(j, "query", "source"));
    if (s.connection.empty()) {
      return Bad("source.connection", "name the redshift-serverless connection to read from");
    }
    if (s.table.empty() == s.query.empty()) {
      return Bad("source.table", "give exactly one of table or query");
    }
    if (!s.table.empty()) {
      RETURN_IF_ERROR(
          warehouse::ParseTableName(warehouse::Dialect::kRedshift, s.table, "source.table"));
    }
    if (j.contains("unload") && !j["unload"].is_null()) {
      if (!j["unload"].is_boolean()) return Bad("source.unload", "must be true or false");
      s.unload = j["unload"].get<bool>();
    }
    return s;
  }
  if (type == "kinesis") return ParseKinesisSource(j);
  std::optional<Format> format;
  if (j.contains("format")) {
    ASSIGN_OR_RETURN(std::string f, Str(j, "format", "source"));
    ASSIGN_OR_RETURN(Format parsed, ParseFormat(f));
    format = parsed;
  }
  s.format = format;
  ASSIGN_OR_RETURN(s.prefix, Str(j, "prefix", "source"));
  RETURN_IF_ERROR(CheckRelativePath(s.prefix, "source.prefix", /*trailing_slash=*/true));
  if (type == "s3") {
    RETURN_IF_ERROR(CheckKeys(j, "source",
                              {"type", "connection", "bucket", "region", "endpoint", "sts_endpoint",
                               "role_arn", "external_id", "prefix", "format"}));
    s.type = SourceType::kS3;
    ASSIGN_OR_RETURN(s.s3, ParseTarget(j, "source"));
    return s;
  }
  if (type == "local") {
    RETURN_IF_ERROR(CheckKeys(j, "source", {"type", "root", "prefix", "format"}));
    s.type = SourceType::kLocal;
    ASSIGN_OR_RETURN(s.root, Str(j, "root", "source"));
    if (s.root.empty()) return Bad("source.root", "a directory is required");
    return s;
  }
  return Bad("source.type",
             "unknown source type \"" + type + "\"; use postgres, s3, local, redshift or kinesis");
}

Result<DestinationSpec> ParseDestination(const json& j) {
  if (!j.is_object()) return Bad("destination", "must be an object");
  DestinationSpec d;
  ASSIGN_OR_RETURN(std::string type, Str(j, "type", "destination"));
  ASSIGN_OR_RETURN(d.path, Str(j, "path", "destination"));
  RETURN_IF_ERROR(CheckRelativePath(d.path, "destination.path", /*trailing_slash=*/true));
  if (type == "s3" || type.empty()) {
    RETURN_IF_ERROR(CheckKeys(j, "destination",
                              {"type", "connection", "bucket", "region", "endpoint", "sts_endpoint",
                               "role_arn", "external_id", "path"}));
    d.type = DestinationType::kS3;
    ASSIGN_OR_RETURN(d.s3, ParseTarget(j, "destination"));
    return d;
  }
  if (type == "local") {
    RETURN_IF_ERROR(CheckKeys(j, "destination", {"type", "root", "path"}));
    d.type = DestinationType::kLocal;
    ASSIGN_OR_RETURN(d.root, Str(j, "root", "destination"));
    if (d.root.empty()) return Bad("destination.root", "a directory is required");
    return d;
  }
  if (type == "redshift" || type == "redshift-serverless" || type == "databricks") {
    RETURN_IF_ERROR(
        CheckKeys(j, "destination", {"type", "connection", "table", "mode", "merge_keys"}));
    bool redshift = type != "databricks";
    d.type = redshift ? DestinationType::kRedshift : DestinationType::kDatabricks;
    ASSIGN_OR_RETURN(d.connection, Str(j, "connection", "destination"));
    ASSIGN_OR_RETURN(d.table, Str(j, "table", "destination"));
    ASSIGN_OR_RETURN(d.mode, Str(j, "mode", "destination"));
    if (d.connection.empty()) {
      return Bad("destination.connection", std::string("name the ") +
                                               (redshift ? "redshift-serverless" : "databricks") +
                                               " connection to load into");
    }
    if (d.table.empty()) {
      return Bad("destination.table", redshift ? "name the table, e.g. analytics.orders"
                                               : "name the table, e.g. main.sales.orders");
    }
    auto dialect = redshift ? warehouse::Dialect::kRedshift : warehouse::Dialect::kDatabricks;
    RETURN_IF_ERROR(warehouse::ParseTableName(dialect, d.table, "destination.table"));
    ASSIGN_OR_RETURN(auto mode, warehouse::ParseLoadMode(d.mode));
    if (j.contains("merge_keys") && !j["merge_keys"].is_null()) {
      const json& keys = j["merge_keys"];
      if (!keys.is_array()) return Bad("destination.merge_keys", "must be an array of columns");
      for (const json& k : keys) {
        if (!k.is_string() || k.get<std::string>().empty()) {
          return Bad("destination.merge_keys", "must be an array of column names");
        }
        d.merge_keys.push_back(k.get<std::string>());
      }
    }
    if (mode == warehouse::LoadMode::kMerge && d.merge_keys.empty()) {
      return Bad("destination.merge_keys",
                 "merge mode needs the columns that identify a row, e.g. [\"id\"]");
    }
    if (mode != warehouse::LoadMode::kMerge && !d.merge_keys.empty()) {
      return Bad("destination.merge_keys", "only used with \"mode\": \"merge\"");
    }
    if (mode == warehouse::LoadMode::kReplace && !redshift) {
      return Bad("destination.mode",
                 "replace is not offered for Databricks (it cannot be made atomic); use merge "
                 "or append");
    }
    d.mode = warehouse::LoadModeName(mode);
    return d;
  }
  return Bad("destination.type",
             "unknown destination type \"" + type + "\"; use s3, local, redshift or databricks");
}

}  // namespace

Result<SyncSpec> SyncSpecFromJson(const json& j) {
  if (!j.is_object()) return Bad("spec", "must be a JSON object");
  RETURN_IF_ERROR(CheckKeys(j, "",
                            {"source", "destination", "format", "compression", "compression_level",
                             "file_size", "incremental", "copy", "origin"}));
  SyncSpec spec;
  if (!j.contains("source")) return Bad("source", "is required");
  if (!j.contains("destination")) return Bad("destination", "is required");
  ASSIGN_OR_RETURN(spec.source, ParseSource(j["source"]));
  ASSIGN_OR_RETURN(spec.destination, ParseDestination(j["destination"]));
  if (j.contains("format")) {
    ASSIGN_OR_RETURN(std::string f, Str(j, "format", "spec"));
    ASSIGN_OR_RETURN(spec.output.format, ParseFormat(f));
  }
  if (j.contains("compression")) {
    ASSIGN_OR_RETURN(std::string c, Str(j, "compression", "spec"));
    ASSIGN_OR_RETURN(spec.output.compression, ParseCompression(c));
  }
  if (j.contains("compression_level")) {
    const json& level = j["compression_level"];
    if (!level.is_number_integer()) return Bad("compression_level", "must be an integer");
    if (level.is_number_unsigned() ? level.get<uint64_t>() > 19
                                   : (level.get<int64_t>() < 0 || level.get<int64_t>() > 19)) {
      return Bad("compression_level",
                 "is out of range; use 0 (the default), 1 to 19 for zstd or 1 to 9 for gzip");
    }
    spec.output.compression_level = static_cast<int>(level.get<int64_t>());
  }
  if (j.contains("file_size")) {
    const json& size = j["file_size"];
    if (!size.is_number_integer() || (!size.is_number_unsigned() && size.get<int64_t>() < 0)) {
      return Bad("file_size", "must be a byte count");
    }
    spec.output.file_size = size.get<uint64_t>();
  }
  if (j.contains("origin")) {
    if (j["origin"] != "api") return Bad("origin", "is set by the server");
    spec.tenant = true;
  }
  if (j.contains("incremental")) {
    const json& inc = j["incremental"];
    if (!inc.is_object()) return Bad("incremental", "must be an object");
    RETURN_IF_ERROR(CheckKeys(inc, "incremental", {"cursor_column"}));
    ASSIGN_OR_RETURN(spec.cursor_column, Str(inc, "cursor_column", "incremental"));
    if (spec.cursor_column.empty()) {
      return Bad("incremental.cursor_column", "name the monotonically increasing column");
    }
    if (spec.source.type != SourceType::kPostgres && spec.source.type != SourceType::kRedshift) {
      return Bad("incremental", "incremental syncs need a PostgreSQL or Redshift source");
    }
  }
  if (j.contains("copy") && !j["copy"].is_null()) {
    if (!j["copy"].is_boolean()) return Bad("copy", "must be true or false");
    spec.copy = j["copy"].get<bool>();
  }
  if (spec.copy) {
    if (spec.source.type != SourceType::kS3 && spec.source.type != SourceType::kLocal) {
      return Bad("copy", "copies files: the source must be s3 or local files");
    }
    if (spec.destination.type != DestinationType::kS3 &&
        spec.destination.type != DestinationType::kLocal) {
      return Bad("copy", "copies files: the destination must be s3 or local");
    }
    if (!spec.cursor_column.empty()) return Bad("incremental", "does not apply to copy syncs");
  }
  RETURN_IF_ERROR(ValidateOutput(spec.output));
  return spec;
}

Result<SyncSpec> ParseSyncSpec(std::string_view json_text) {
  try {
    return SyncSpecFromJson(json::parse(json_text));
  } catch (const json::exception& e) {
    return Error(ErrorCode::kInvalidArgument, std::string("the sync spec is not JSON: ") + e.what(),
                 "spec");
  }
}

json SyncSpecToJson(const SyncSpec& spec) {
  json j;
  json s;
  switch (spec.source.type) {
    case SourceType::kPostgres:
      s["type"] = "postgres";
      if (!spec.source.connection.empty()) s["connection"] = spec.source.connection;
      if (!spec.source.url.empty()) s["url"] = spec.source.url;
      if (!spec.source.table.empty()) s["table"] = spec.source.table;
      if (!spec.source.query.empty()) s["query"] = spec.source.query;
      break;
    case SourceType::kS3:
      s["type"] = "s3";
      TargetToJson(spec.source.s3, s);
      s["prefix"] = spec.source.prefix;
      break;
    case SourceType::kLocal:
      s["type"] = "local";
      s["root"] = spec.source.root;
      s["prefix"] = spec.source.prefix;
      break;
    case SourceType::kRedshift:
      s["type"] = "redshift";
      s["connection"] = spec.source.connection;
      if (!spec.source.table.empty()) s["table"] = spec.source.table;
      if (!spec.source.query.empty()) s["query"] = spec.source.query;
      if (spec.source.unload) s["unload"] = *spec.source.unload;
      break;
    case SourceType::kKinesis:
      s = KinesisSourceToJson(spec.source);
      break;
  }
  if ((spec.source.type == SourceType::kS3 || spec.source.type == SourceType::kLocal) &&
      spec.source.format) {
    s["format"] = FormatName(*spec.source.format);
  }
  j["source"] = s;
  json d;
  const DestinationSpec& dest = spec.destination;
  if (dest.type == DestinationType::kS3) {
    d["type"] = "s3";
    TargetToJson(dest.s3, d);
    d["path"] = dest.path;
  } else if (dest.type == DestinationType::kLocal) {
    d["type"] = "local";
    d["root"] = dest.root;
    d["path"] = dest.path;
  } else {
    d["type"] = dest.type == DestinationType::kRedshift ? "redshift" : "databricks";
    d["connection"] = dest.connection;
    d["table"] = dest.table;
    d["mode"] = dest.mode.empty() ? "append" : dest.mode;
    if (!dest.merge_keys.empty()) d["merge_keys"] = dest.merge_keys;
  }
  j["destination"] = d;
  j["format"] = FormatName(spec.output.format);
  j["compression"] = CompressionName(spec.output.compression);
  j["compression_level"] = spec.output.compression_level;
  j["file_size"] = spec.output.file_size;
  if (!spec.cursor_column.empty()) j["incremental"] = {{"cursor_column", spec.cursor_column}};
  if (spec.copy) j["copy"] = true;
  if (spec.tenant) j["origin"] = "api";
  return j;
}

}  // namespace crossdock::sync
