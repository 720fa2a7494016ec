#include "crossdock/connect/connection_json.h"

#include <fmt/format.h>

#include <set>

#include "crossdock/core/time_format.h"
#include "crossdock/iam/arn.h"

namespace crossdock::connect {
namespace {

using nlohmann::json;

Error Invalid(const std::string& field, std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), field);
}

std::string Join(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, key);
}

Status CheckKeys(const json& obj, std::string_view prefix, const std::set<std::string>& allowed) {
  if (!obj.is_object()) {
    return Invalid(std::string(prefix.empty() ? "body" : prefix),
                   fmt::format("{} must be a JSON object", prefix.empty() ? "the body" : prefix));
  }
  for (const auto& [key, value] : obj.items()) {
    if (!allowed.count(key)) {
      return Invalid(Join(prefix, key),
                     fmt::format("unknown field \"{}\"; check its spelling", Join(prefix, key)));
    }
  }
  return OkStatus();
}

// Reads an optional string member into *out. null means "".
Status Str(const json& obj, std::string_view prefix, const char* key, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return OkStatus();
  if (it->is_null()) {
    out->clear();
    return OkStatus();
  }
  if (!it->is_string()) {
    return Invalid(Join(prefix, key), fmt::format("{} must be a string", Join(prefix, key)));
  }
  *out = it->get<std::string>();
  return OkStatus();
}

Status Bool(const json& obj, std::string_view prefix, const char* key, bool* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return OkStatus();
  if (!it->is_boolean()) {
    return Invalid(Join(prefix, key), fmt::format("{} must be true or false", Join(prefix, key)));
  }
  *out = it->get<bool>();
  return OkStatus();
}

Status Int(const json& obj, std::string_view prefix, const char* key, int* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return OkStatus();
  if (!it->is_number_integer()) {
    return Invalid(Join(prefix, key), fmt::format("{} must be an integer", Join(prefix, key)));
  }
  auto v = it->get<std::int64_t>();
  if (v < 0 || v > 65535) {
    return Invalid(Join(prefix, key), fmt::format("{} must be 1 to 65535", Join(prefix, key)));
  }
  *out = static_cast<int>(v);
  return OkStatus();
}

Status SecretField(const json& obj, std::string_view prefix, const char* key, Secret* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return OkStatus();
  if (it->is_null()) {
    out->value.reset();
    out->clear = true;
    return OkStatus();
  }
  if (it->is_object()) return OkStatus();  // {"set": ...} read back: keep
  if (!it->is_string()) {
    return Invalid(Join(prefix, key),
                   fmt::format("{} must be a string (or null to remove it)", Join(prefix, key)));
  }
  out->value = it->get<std::string>();
  out->clear = false;
  return OkStatus();
}

template <typename T>
Status Enum(const json& obj, std::string_view prefix, const char* key,
            Result<T> (*parse)(std::string_view), T* out) {
  std::string text;
  if (!obj.contains(key)) return OkStatus();
  RETURN_IF_ERROR(Str(obj, prefix, key, &text));
  auto v = parse(text);
  if (!v.ok()) return Invalid(Join(prefix, key), v.error().message());
  *out = *v;
  return OkStatus();
}

Status ApplyDatabricks(const json& d, DatabricksFields* f) {
  constexpr std::string_view p = "databricks";
  RETURN_IF_ERROR(CheckKeys(d, p,
                            {"workspace_url", "warehouse_id", "token", "storage_credential",
                             "external_id", "unity_catalog"}));
  RETURN_IF_ERROR(Str(d, p, "workspace_url", &f->workspace_url));
  RETURN_IF_ERROR(Str(d, p, "warehouse_id", &f->warehouse_id));
  RETURN_IF_ERROR(SecretField(d, p, "token", &f->token));
  RETURN_IF_ERROR(Str(d, p, "storage_credential", &f->storage_credential));
  RETURN_IF_ERROR(Str(d, p, "external_id", &f->external_id));
  RETURN_IF_ERROR(Str(d, p, "unity_catalog", &f->unity_catalog));
  return OkStatus();
}

Status ApplyRedshift(const json& r, RedshiftServerlessFields* f) {
  constexpr std::string_view p = "redshift";
  RETURN_IF_ERROR(CheckKeys(r, p, {"workgroup", "database", "access", "vpc_endpoint", "unload"}));
  RETURN_IF_ERROR(Str(r, p, "workgroup", &f->workgroup));
  RETURN_IF_ERROR(Str(r, p, "database", &f->database));
  RETURN_IF_ERROR(Enum<RedshiftAccess>(r, p, "access", &ParseRedshiftAccess, &f->access));
  if (auto it = r.find("vpc_endpoint"); it != r.end() && !it->is_null()) {
    RETURN_IF_ERROR(CheckKeys(*it, "redshift.vpc_endpoint", {"host", "port"}));
    RETURN_IF_ERROR(Str(*it, "redshift.vpc_endpoint", "host", &f->vpc_endpoint_host));
    RETURN_IF_ERROR(Int(*it, "redshift.vpc_endpoint", "port", &f->vpc_endpoint_port));
  }
  if (auto it = r.find("unload"); it != r.end() && !it->is_null()) {
    constexpr std::string_view u = "redshift.unload";
    RETURN_IF_ERROR(CheckKeys(*it, u, {"enabled", "bucket", "path", "region"}));
    RETURN_IF_ERROR(Bool(*it, u, "enabled", &f->unload_enabled));
    if (it->contains("bucket")) {
      std::string text;
      RETURN_IF_ERROR(Str(*it, u, "bucket", &text));
      SplitBucketAndPath(text, &f->unload_bucket, &f->unload_path);
    }
    RETURN_IF_ERROR(Str(*it, u, "path", &f->unload_path));
    RETURN_IF_ERROR(Str(*it, u, "region", &f->unload_region));
  }
  return OkStatus();
}

Status ApplyKinesis(const json& k, KinesisFields* f) {
  constexpr std::string_view p = "kinesis";
  RETURN_IF_ERROR(CheckKeys(k, p, {"stream_arn", "kms_key_arn"}));
  RETURN_IF_ERROR(Str(k, p, "stream_arn", &f->stream_arn));
  RETURN_IF_ERROR(Str(k, p, "kms_key_arn", &f->kms_key_arn));
  return OkStatus();
}

Status ApplyPostgres(const json& pg, PostgresFields* f) {
  constexpr std::string_view p = "postgres";
  RETURN_IF_ERROR(CheckKeys(pg, p, {"host", "port", "database", "user", "password", "sslmode"}));
  RETURN_IF_ERROR(Str(pg, p, "host", &f->host));
  RETURN_IF_ERROR(Int(pg, p, "port", &f->port));
  RETURN_IF_ERROR(Str(pg, p, "database", &f->database));
  RETURN_IF_ERROR(Str(pg, p, "user", &f->user));
  RETURN_IF_ERROR(SecretField(pg, p, "password", &f->password));
  RETURN_IF_ERROR(Str(pg, p, "sslmode", &f->sslmode));
  if (f->sslmode.empty()) f->sslmode = "require";
  return OkStatus();
}

json Iso(TimePoint t) { return t == TimePoint{} ? json(nullptr) : json(FormatIso8601(t)); }

// Shared by the API document and the stored config: everything but ids, times and secrets.
json PublicFields(const Connection& c) {
  json j;
  j["type"] = ConnectionTypeName(c.type);
  j["name"] = c.name;
  if (c.type == ConnectionType::kPostgres) {
    const auto& p = c.postgres;
    j["postgres"] = {{"host", p.host},
                     {"port", p.port},
                     {"database", p.database},
                     {"user", p.user},
                     {"sslmode", p.sslmode}};
    return j;
  }
  j["auth_method"] = AuthMethodName(c.auth_method);
  if (c.auth_method == AuthMethod::kAccessKey) {
    j["access_key_id"] = c.access_key_id;
  } else {
    j["role_arn"] = c.role_arn;
  }
  j["region"] = c.region;
  if (c.type == ConnectionType::kKinesis) {
    j["kinesis"] = {{"stream_arn", c.kinesis.stream_arn}, {"kms_key_arn", c.kinesis.kms_key_arn}};
    return j;
  }
  j["bucket"] = c.bucket;
  j["path"] = c.path;
  j["kms_key_arn"] = c.kms_key_arn;
  if (c.type == ConnectionType::kDatabricks) {
    const auto& d = c.databricks;
    j["databricks"] = {{"workspace_url", d.workspace_url},
                       {"warehouse_id", d.warehouse_id},
                       {"storage_credential", d.storage_credential},
                       {"external_id", d.external_id},
                       {"unity_catalog", d.unity_catalog}};
  }
  if (c.type == ConnectionType::kRedshiftServerless) {
    const auto& r = c.redshift;
    j["redshift"] = {{"workgroup", r.workgroup},
                     {"database", r.database},
                     {"access", RedshiftAccessName(r.access)},
                     {"unload",
                      {{"enabled", r.unload_enabled},
                       {"bucket", r.unload_bucket},
                       {"path", r.unload_path},
                       {"region", r.unload_region}}}};
    if (r.access == RedshiftAccess::kVpcEndpoint) {
      j["redshift"]["vpc_endpoint"] = {{"host", r.vpc_endpoint_host},
                                       {"port", r.vpc_endpoint_port}};
    }
  }
  return j;
}

}  // namespace

nlohmann::json ConnectionToJson(const Connection& c) {
  json j = {{"id", c.id}};
  j.update(PublicFields(c));
  if (c.auth_method == AuthMethod::kAccessKey && c.type != ConnectionType::kPostgres) {
    j["secret_access_key"] = {{"set", c.secret_access_key.is_set}};
  }
  if (c.type == ConnectionType::kDatabricks) {
    j["databricks"]["token"] = {{"set", c.databricks.token.is_set}};
  }
  if (c.type == ConnectionType::kPostgres) {
    j["postgres"]["password"] = {{"set", c.postgres.password.is_set}};
  }
  j["created_at"] = Iso(c.created_at);
  j["updated_at"] = Iso(c.updated_at);
  return j;
}

Status ApplyConnectionJson(const nlohmann::json& doc, Connection* c) {
  try {
    RETURN_IF_ERROR(
        CheckKeys(doc, "",
                  {"id", "org_id", "type", "name", "auth_method", "access_key_id",
                   "secret_access_key", "role_arn", "region", "bucket", "path", "kms_key_arn",
                   "databricks", "redshift", "kinesis", "postgres", "created_at", "updated_at"}));
    RETURN_IF_ERROR(Enum<ConnectionType>(doc, "", "type", &ParseConnectionType, &c->type));
    RETURN_IF_ERROR(Str(doc, "", "name", &c->name));
    RETURN_IF_ERROR(Enum<AuthMethod>(doc, "", "auth_method", &ParseAuthMethod, &c->auth_method));
    RETURN_IF_ERROR(Str(doc, "", "access_key_id", &c->access_key_id));
    RETURN_IF_ERROR(SecretField(doc, "", "secret_access_key", &c->secret_access_key));
    RETURN_IF_ERROR(Str(doc, "", "role_arn", &c->role_arn));
    RETURN_IF_ERROR(Str(doc, "", "region", &c->region));
    if (doc.contains("bucket")) {
      std::string text;
      RETURN_IF_ERROR(Str(doc, "", "bucket", &text));
      SplitBucketAndPath(text, &c->bucket, &c->path);
    }
    RETURN_IF_ERROR(Str(doc, "", "path", &c->path));
    RETURN_IF_ERROR(Str(doc, "", "kms_key_arn", &c->kms_key_arn));
    if (auto it = doc.find("databricks"); it != doc.end() && !it->is_null()) {
      RETURN_IF_ERROR(ApplyDatabricks(*it, &c->databricks));
    }
    if (auto it = doc.find("redshift"); it != doc.end() && !it->is_null()) {
      RETURN_IF_ERROR(ApplyRedshift(*it, &c->redshift));
    }
    if (auto it = doc.find("postgres"); it != doc.end() && !it->is_null()) {
      RETURN_IF_ERROR(ApplyPostgres(*it, &c->postgres));
    }
    if (auto it = doc.find("kinesis"); it != doc.end() && !it->is_null()) {
      RETURN_IF_ERROR(ApplyKinesis(*it, &c->kinesis));
      // The region is the stream's: taken from its ARN unless given.
      if (auto arn = iam::ParseArn(c->kinesis.stream_arn); arn.ok() && c->region.empty()) {
        c->region = arn->region;
      }
    }
  } catch (const json::exception& e) {
    return Error(ErrorCode::kInvalidArgument, fmt::format("malformed connection: {}", e.what()),
                 "body");
  }
  return OkStatus();
}

Status ApplyConnectionJsonText(std::string_view text, Connection* c) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the body is not valid JSON; send a JSON object of connection fields", "body");
  }
  return ApplyConnectionJson(doc, c);
}

std::string ConnectionConfigJson(const Connection& c) {
  json j = PublicFields(c);
  j.erase("type");
  j.erase("name");
  return j.dump();
}

Status ParseConnectionConfigJson(std::string_view config, Connection* c) {
  json doc = json::parse(config.begin(), config.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error(ErrorCode::kDataLoss,
                 fmt::format("stored configuration of connection \"{}\" is not a JSON object; "
                             "update the connection to rewrite it",
                             c->name));
  }
  Status st = ApplyConnectionJson(doc, c);
  if (!st.ok()) {
    return Error(ErrorCode::kDataLoss,
                 fmt::format("stored configuration of connection \"{}\" is unreadable: {}", c->name,
                             st.error().message()));
  }
  return OkStatus();
}

}  // namespace crossdock::connect
