#include "crossdock/connect/validation.h"

#include <fmt/format.h>

#include "crossdock/aws/endpoints.h"
#include "crossdock/connect/external_id.h"
#include "crossdock/connect/role_arn.h"
#include "crossdock/http/outbound_policy.h"
#include "crossdock/iam/arn.h"
#include "crossdock/iam/generate.h"

namespace crossdock::connect {
namespace {

Error Invalid(std::string_view field, std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), std::string(field));
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool LooksLikeIpv4(std::string_view s) {
  int parts = 0;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t dot = s.find('.', start);
    std::string_view p = s.substr(start, dot == s.npos ? s.npos : dot - start);
    if (p.empty() || p.size() > 3) return false;
    for (char c : p) {
      if (!IsDigit(c)) return false;
    }
    ++parts;
    if (dot == s.npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

bool IsHostname(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    if (!(IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '-' || c == '.')) return false;
  }
  return host.front() != '.' && host.back() != '.' && host.find("..") == host.npos;
}

void Add(std::vector<Error>& out, const Status& st) {
  if (!st.ok()) out.push_back(st.error());
}

void Require(std::vector<Error>& out, std::string_view value, std::string_view field,
             std::string_view what, ConnectionType type) {
  if (value.empty()) {
    out.push_back(Invalid(field, fmt::format("{} is required for {} connections; enter {}", field,
                                             ConnectionTypeName(type), what)));
  }
}

bool SecretPresent(const Secret& s) {
  if (s.clear) return false;
  return (s.value.has_value() && !s.value->empty()) || s.is_set;
}

Status ValidateSecretText(const Secret& s, std::string_view field) {
  if (!s.value.has_value()) return OkStatus();
  for (char c : *s.value) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) {
      return Invalid(field, fmt::format("{} contains whitespace or a control character; paste "
                                        "the value without spaces or line breaks",
                                        field));
    }
  }
  return OkStatus();
}

void ValidateAuth(const Connection& c, const OrgPolicy& org, std::vector<Error>& out) {
  if (c.auth_method == AuthMethod::kAccessKey) {
    if (org.role_only) {
      out.push_back(Invalid("auth_method",
                            "this organization allows only IAM roles (role-only), so access "
                            "keys cannot be stored; use auth_method iam-role with a role ARN"));
      return;
    }
    if (iam::TypeInfo(c.type).role_only) {
      out.push_back(Invalid("auth_method",
                            fmt::format("{} connections authenticate with an IAM role only; use "
                                        "auth_method iam-role with a role ARN",
                                        iam::TypeInfo(c.type).title)));
      return;
    }
    Add(out, ValidateAccessKeyId(c.access_key_id));
    if (!SecretPresent(c.secret_access_key)) {
      out.push_back(Invalid("secret_access_key",
                            "secret_access_key is required with an access key; give it with "
                            "--secret-access-key-stdin or CROSSDOCK_SECRET_ACCESS_KEY"));
    }
    Add(out, ValidateSecretText(c.secret_access_key, "secret_access_key"));
    if (!c.role_arn.empty()) {
      out.push_back(Invalid("role_arn",
                            "role_arn is only used with auth_method iam-role; remove it or "
                            "switch the authentication method"));
    }
  } else {
    if (c.region.empty()) {
      auto arn = ParseRoleArn(c.role_arn);
      if (!arn.ok()) out.push_back(arn.error());
    } else {
      Add(out, ValidateRoleArnForRegion(c.role_arn, c.region));
    }
    if (!c.access_key_id.empty() || SecretPresent(c.secret_access_key)) {
      out.push_back(Invalid("access_key_id",
                            "an access key is only used with auth_method access-key; remove "
                            "access_key_id and secret_access_key or switch the authentication "
                            "method"));
    }
  }
}

void ValidateDatabricks(const Connection& c, std::vector<Error>& out) {
  const DatabricksFields& d = c.databricks;
  const ConnectionType t = c.type;
  Require(out, d.workspace_url, "databricks.workspace_url",
          "the workspace URL, e.g. https://dbc-1234abcd-5678.cloud.databricks.com", t);
  if (!d.workspace_url.empty()) {
    std::string_view url = d.workspace_url;
    if (!url.starts_with("https://")) {
      out.push_back(Invalid("databricks.workspace_url",
                            "databricks.workspace_url must start with https://; copy it from "
                            "the browser's address bar when in the workspace"));
    } else {
      std::string_view host = url.substr(8);
      if (host.ends_with('/')) host.remove_suffix(1);
      if (!IsHostname(host)) {
        out.push_back(Invalid("databricks.workspace_url",
                              "databricks.workspace_url must be https:// followed by the "
                              "workspace host only (no path, port or query)"));
      }
    }
  }
  Require(out, d.warehouse_id, "databricks.warehouse_id",
          "the SQL warehouse id (SQL Warehouses > your warehouse > Connection details)", t);
  for (char c2 : d.warehouse_id) {
    if (!IsLowerAlnum(c2) && !(c2 >= 'A' && c2 <= 'Z')) {
      out.push_back(Invalid("databricks.warehouse_id",
                            "databricks.warehouse_id is letters and digits only, like "
                            "1234567890abcdef (not the HTTP path)"));
      break;
    }
  }
  if (!SecretPresent(d.token)) {
    out.push_back(Invalid("databricks.token",
                          "databricks.token is required; give an access token with "
                          "--databricks-token-stdin or CROSSDOCK_DATABRICKS_TOKEN"));
  }
  Add(out, ValidateSecretText(d.token, "databricks.token"));
  if (!d.storage_credential.empty()) {
    bool ok = d.storage_credential.size() <= 255;
    for (char c2 : d.storage_credential) {
      if (static_cast<unsigned char>(c2) < 0x20 || c2 == '.' || c2 == '/') ok = false;
    }
    if (!ok) {
      out.push_back(Invalid("databricks.storage_credential",
                            "databricks.storage_credential must be the credential's name as "
                            "shown in Catalog Explorer (no dots, slashes or control characters, "
                            "at most 255 characters)"));
    }
  }
  if (!d.external_id.empty()) Add(out, ValidateExternalId(d.external_id, "databricks.external_id"));
}

// An SSE-KMS key of the connection's partition and of the region its data is in.
Status ValidateKmsKey(std::string_view arn, std::string_view field, std::string_view region) {
  auto partition = aws::PartitionForRegion(region);
  if (!partition.ok()) return OkStatus();  // the region's own error is reported
  auto key = iam::ParseKmsKeyArn(arn, field, partition->id, region);
  if (!key.ok()) return key.error();
  return OkStatus();
}

void ValidateUnityCatalog(const Connection& c, std::vector<Error>& out) {
  const std::string& id = c.databricks.unity_catalog;
  if (id.empty()) return;
  const iam::DatabricksUnityCatalog* uc = iam::FindDatabricksUnityCatalog(id);
  if (uc == nullptr) {
    out.push_back(Invalid("databricks.unity_catalog",
                          fmt::format("databricks.unity_catalog \"{}\" is not a Databricks "
                                      "deployment; use commercial, govcloud or govcloud-dod (or "
                                      "leave it empty for the region's default)",
                                      id)));
    return;
  }
  auto partition = aws::PartitionForRegion(c.region);
  if (partition.ok() && partition->id != uc->partition) {
    out.push_back(Invalid("databricks.unity_catalog",
                          fmt::format("databricks.unity_catalog {} is for {} workspaces "
                                      "(partition {}) but region {} is in {}; choose the "
                                      "deployment of the workspace's region",
                                      id, uc->title, uc->partition, c.region, partition->id)));
  }
}

void ValidateKinesis(const Connection& c, std::vector<Error>& out) {
  const KinesisFields& k = c.kinesis;
  auto arn = iam::ParseArn(k.stream_arn);
  if (KinesisStreamName(k.stream_arn).empty() || !arn.ok() || arn->account.empty()) {
    out.push_back(Invalid("kinesis.stream_arn",
                          k.stream_arn.empty()
                              ? "kinesis.stream_arn is required: the stream's ARN, "
                                "arn:aws:kinesis:REGION:ACCOUNT:stream/NAME (Kinesis console, "
                                "stream details)"
                              : fmt::format("kinesis.stream_arn \"{}\" is not a Kinesis stream "
                                            "ARN; use arn:aws:kinesis:REGION:ACCOUNT:stream/NAME",
                                            k.stream_arn)));
  } else if (!c.region.empty() && arn->region != c.region) {
    out.push_back(Invalid("region", fmt::format("region {} differs from the stream's region {}; "
                                                "leave region empty to take the stream's",
                                                c.region, arn->region)));
  }
  if (!k.kms_key_arn.empty()) {
    Add(out, ValidateKmsKey(k.kms_key_arn, "kinesis.kms_key_arn", c.region));
  }
  if (!c.bucket.empty() || !c.path.empty()) {
    out.push_back(Invalid("bucket",
                          "kinesis connections read a stream and have no bucket; "
                          "remove bucket and path"));
  }
}

void ValidateRedshift(const Connection& c, std::vector<Error>& out) {
  const RedshiftServerlessFields& r = c.redshift;
  const ConnectionType t = c.type;
  Require(out, r.workgroup, "redshift.workgroup", "the Redshift Serverless workgroup name", t);
  if (!r.workgroup.empty()) {
    bool ok = r.workgroup.size() >= 3 && r.workgroup.size() <= 64;
    for (char ch : r.workgroup) {
      if (!IsLowerAlnum(ch) && ch != '-') ok = false;
    }
    if (!ok) {
      out.push_back(Invalid("redshift.workgroup",
                            "redshift.workgroup must be 3 to 64 lower-case letters, digits or "
                            "hyphens, as shown in the Redshift Serverless console"));
    }
  }
  Require(out, r.database, "redshift.database", "the database name, e.g. dev", t);
  if (!r.database.empty()) {
    bool ok = r.database.size() <= 127 && !IsDigit(r.database[0]);
    for (char ch : r.database) {
      if (!IsLowerAlnum(ch) && ch != '_' && ch != '$' && !(ch >= 'A' && ch <= 'Z')) ok = false;
    }
    if (!ok) {
      out.push_back(Invalid("redshift.database",
                            "redshift.database must be at most 127 letters, digits, _ or $ and "
                            "not start with a digit"));
    }
  }
  if (r.access == RedshiftAccess::kVpcEndpoint) {
    if (!IsHostname(r.vpc_endpoint_host)) {
      out.push_back(Invalid("redshift.vpc_endpoint.host",
                            "redshift.vpc_endpoint.host is required with access vpc-endpoint; "
                            "enter the endpoint's DNS name (no scheme or port)"));
    }
    if (r.vpc_endpoint_port < 1 || r.vpc_endpoint_port > 65535) {
      out.push_back(Invalid("redshift.vpc_endpoint.port",
                            "redshift.vpc_endpoint.port must be 1 to 65535 (Redshift's default "
                            "is 5439)"));
    }
  } else if (!r.vpc_endpoint_host.empty()) {
    out.push_back(Invalid("redshift.vpc_endpoint.host",
                          "redshift.vpc_endpoint.host is only used with access vpc-endpoint; "
                          "remove it or set access to vpc-endpoint"));
  }
  if (r.unload_enabled) {
    if (r.unload_bucket.empty()) {
      out.push_back(Invalid("redshift.unload.bucket",
                            "redshift.unload.bucket is required when \"unload data to S3\" is "
                            "on; enter the bucket Redshift may UNLOAD into"));
    } else {
      Add(out, ValidateBucketName(r.unload_bucket, "redshift.unload.bucket"));
      if (!r.unload_path.empty()) Add(out, ValidatePath(r.unload_path, "redshift.unload.path"));
    }
    if (r.unload_region.empty()) {
      out.push_back(Invalid("redshift.unload.region",
                            "redshift.unload.region is required when \"unload data to S3\" is "
                            "on; enter the unload bucket's region, e.g. us-east-1"));
    } else {
      Add(out, ValidateRegionField(r.unload_region, "redshift.unload.region"));
    }
  }
}

void ValidatePostgres(const Connection& c, std::vector<Error>& out) {
  const PostgresFields& p = c.postgres;
  const ConnectionType t = c.type;
  Require(out, p.host, "postgres.host", "the database server's host name or IP address", t);
  if (!p.host.empty() && !IsHostname(p.host) && !http::ParseIp(p.host).ok()) {
    out.push_back(Invalid("postgres.host",
                          "postgres.host must be one host name or IP address (no scheme, port, "
                          "path, list or socket directory); put the port in postgres.port"));
  }
  if (p.port < 1 || p.port > 65535) {
    out.push_back(Invalid("postgres.port", "postgres.port must be 1 to 65535 (default 5432)"));
  }
  Require(out, p.database, "postgres.database", "the database name, e.g. analytics", t);
  Require(out, p.user, "postgres.user", "the database user crossdock logs in as", t);
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string&>{"postgres.database", p.database},
        {"postgres.user", p.user}}) {
    bool ok = value.size() <= 63;
    for (char ch : value) ok = ok && static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f;
    if (!ok) {
      out.push_back(
          Invalid(field, fmt::format("{} must be at most 63 printable characters", field)));
    }
  }
  if (p.password.value.has_value()) {
    const std::string& pw = *p.password.value;
    bool ok = pw.size() <= 1024;
    for (char ch : pw) ok = ok && ch != '\0';
    if (!ok) {
      out.push_back(Invalid("postgres.password",
                            "postgres.password must be at most 1024 bytes without NUL characters"));
    }
  }
  if (!IsPostgresSslMode(p.sslmode)) {
    out.push_back(Invalid("postgres.sslmode",
                          fmt::format("postgres.sslmode \"{}\" is not one of disable, prefer, "
                                      "require, verify-ca, verify-full (default require)",
                                      p.sslmode)));
  }
  // None of the AWS fields apply.
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string&>{"role_arn", c.role_arn},
        {"access_key_id", c.access_key_id},
        {"region", c.region},
        {"bucket", c.bucket},
        {"path", c.path}}) {
    if (!value.empty()) {
      out.push_back(Invalid(field, fmt::format("postgres connections log in with a database user "
                                               "and password; {} does not apply, remove it",
                                               field)));
    }
  }
  if (SecretPresent(c.secret_access_key)) {
    out.push_back(Invalid("secret_access_key",
                          "postgres connections use postgres.password, not an AWS secret access "
                          "key; remove secret_access_key"));
  }
}

}  // namespace

Status ValidateConnectionName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return Invalid("name",
                   "name must be 1 to 64 characters; choose a short name like "
                   "\"customer-lake\"");
  }
  if (!IsLowerAlnum(name[0]) && !(name[0] >= 'A' && name[0] <= 'Z')) {
    return Invalid("name", "name must start with a letter or digit");
  }
  for (char c : name) {
    if (!IsLowerAlnum(c) && !(c >= 'A' && c <= 'Z') && c != '-' && c != '_' && c != '.') {
      return Invalid("name", fmt::format("name contains '{}'; use letters, digits, '-', '_' and "
                                         "'.' only",
                                         c));
    }
  }
  return OkStatus();
}

Status ValidateBucketName(std::string_view b, std::string_view field) {
  auto bad = [&](std::string_view why) {
    return Invalid(field, fmt::format("\"{}\" is not a valid S3 bucket name: {}; enter the "
                                      "bucket's name as shown in the S3 console (a path may "
                                      "follow after a slash)",
                                      b, why));
  };
  if (b.empty()) {
    return Invalid(field, fmt::format("{} is required; enter the S3 bucket name, optionally "
                                      "followed by /path",
                                      field));
  }
  if (b.size() < 3 || b.size() > 63) return bad("it must be 3 to 63 characters long");
  for (char c : b) {
    if (c >= 'A' && c <= 'Z') return bad("it must not contain upper-case letters");
    if (!IsLowerAlnum(c) && c != '.' && c != '-') {
      return bad(fmt::format("it must not contain '{}' (only a-z, 0-9, '.' and '-')", c));
    }
  }
  if (!IsLowerAlnum(b.front()) || !IsLowerAlnum(b.back())) {
    return bad("it must begin and end with a letter or digit");
  }
  if (b.find("..") != b.npos) return bad("it must not contain two adjacent periods");
  if (LooksLikeIpv4(b)) return bad("it must not be formatted as an IP address");
  for (std::string_view p : {"xn--", "sthree-", "amzn-s3-demo-"}) {
    if (b.starts_with(p)) return bad(fmt::format("the prefix \"{}\" is reserved", p));
  }
  for (std::string_view s : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
    if (b.ends_with(s)) return bad(fmt::format("the suffix \"{}\" is reserved", s));
  }
  return OkStatus();
}

Status ValidatePath(std::string_view path, std::string_view field) {
  if (path.empty()) return OkStatus();
  if (path.front() == '/') {
    return Invalid(field, fmt::format("{} must not start with '/'; write bucket/path, e.g. "
                                      "output/customers",
                                      field));
  }
  if (path.size() > 900) {
    return Invalid(field, fmt::format("{} is {} bytes; keep it under 900 so object keys fit in "
                                      "S3's 1024",
                                      field, path.size()));
  }
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') {
      return Invalid(field, fmt::format("{} contains a control character or backslash; use "
                                        "'/' between folders",
                                        field));
    }
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string_view seg = path.substr(start, slash == path.npos ? path.npos : slash - start);
    if (seg.empty()) {
      return Invalid(field, fmt::format("{} has an empty segment (\"//\"); remove the extra "
                                        "slash",
                                        field));
    }
    if (seg == "." || seg == "..") {
      return Invalid(field, fmt::format("{} must not contain \"{}\" segments: the prefix must "
                                        "name one folder of the bucket; write it without them",
                                        field, seg));
    }
    if (slash == path.npos) break;
    start = slash + 1;
  }
  return OkStatus();
}

Status ValidateAccessKeyId(std::string_view id) {
  if (id.empty()) {
    return Invalid("access_key_id",
                   "access_key_id is required with an access key; enter the "
                   "AWS access key id (AKIA...)");
  }
  bool ok = id.size() >= 16 && id.size() <= 128;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || IsDigit(c))) ok = false;
  }
  if (!ok) {
    return Invalid("access_key_id",
                   "access_key_id must be 16 to 128 upper-case letters and "
                   "digits, like AKIAIOSFODNN7EXAMPLE; check that the secret "
                   "was not pasted into this field");
  }
  return OkStatus();
}

Status ValidateRegionField(std::string_view region, std::string_view field) {
  if (region.empty()) {
    return Invalid(field, fmt::format("{} is required; enter the bucket's region, e.g. "
                                      "us-west-1",
                                      field));
  }
  Status st = aws::ValidateRegion(region);
  if (!st.ok()) return Invalid(field, st.error().message());
  return OkStatus();
}

void ApplyDerivedFields(Connection& c) {
  if (c.type != ConnectionType::kKinesis || !c.region.empty()) return;
  auto arn = iam::ParseArn(c.kinesis.stream_arn);
  if (arn.ok()) c.region = arn->region;
}

std::vector<Error> ValidateConnection(const Connection& c, const OrgPolicy& org) {
  std::vector<Error> out;
  Add(out, ValidateConnectionName(c.name));
  if (c.type == ConnectionType::kPostgres) {
    ValidatePostgres(c, out);
  } else if (!c.postgres.host.empty() || !c.postgres.database.empty() || !c.postgres.user.empty() ||
             c.postgres.password.value.has_value()) {
    out.push_back(Invalid("postgres",
                          "postgres fields are only used with type postgres; remove them or "
                          "change the type"));
  }
  if (!iam::TypeInfo(c.type).aws) return out;
  ValidateAuth(c, org, out);
  Add(out, ValidateRegionField(c.region));
  // The bucket: the data for S3, the staging area for Databricks, optional staging for
  // Redshift Serverless (which can also UNLOAD to its own bucket).
  if (c.type == ConnectionType::kKinesis) {
    ValidateKinesis(c, out);
  } else if (c.type != ConnectionType::kRedshiftServerless || !c.bucket.empty() ||
             !c.path.empty()) {
    Add(out, ValidateBucketName(c.bucket));
    Add(out, ValidatePath(c.path));
  }
  if (!c.kms_key_arn.empty()) {
    if (c.type == ConnectionType::kKinesis) {
      out.push_back(Invalid("kms_key_arn",
                            "a kinesis connection's key is the stream's: set "
                            "kinesis.kms_key_arn instead of kms_key_arn"));
    } else {
      // The bucket's region: the staging bucket's, or the unload bucket's without one.
      const bool unload_only = c.type == ConnectionType::kRedshiftServerless && c.bucket.empty() &&
                               c.redshift.unload_enabled;
      Add(out, ValidateKmsKey(c.kms_key_arn, "kms_key_arn",
                              unload_only ? c.redshift.unload_region : c.region));
    }
  }
  if (c.type == ConnectionType::kDatabricks) {
    ValidateDatabricks(c, out);
    ValidateUnityCatalog(c, out);
  } else if (!c.databricks.unity_catalog.empty()) {
    out.push_back(Invalid("databricks.unity_catalog",
                          "databricks.unity_catalog is only used with type databricks; remove "
                          "it"));
  }
  if (c.type == ConnectionType::kRedshiftServerless) ValidateRedshift(c, out);
  if (c.type != ConnectionType::kDatabricks &&
      (!c.databricks.workspace_url.empty() || !c.databricks.warehouse_id.empty() ||
       c.databricks.token.value.has_value())) {
    out.push_back(Invalid("databricks",
                          "databricks fields are only used with type databricks; "
                          "remove them or change the type"));
  }
  if (c.type != ConnectionType::kKinesis &&
      (!c.kinesis.stream_arn.empty() || !c.kinesis.kms_key_arn.empty())) {
    out.push_back(Invalid("kinesis",
                          "kinesis fields are only used with type kinesis; remove them or "
                          "change the type"));
  }
  if (c.type != ConnectionType::kRedshiftServerless &&
      (!c.redshift.workgroup.empty() || !c.redshift.database.empty() ||
       c.redshift.unload_enabled)) {
    out.push_back(Invalid("redshift",
                          "redshift fields are only used with type "
                          "redshift-serverless; remove them or change the type"));
  }
  return out;
}

Status CheckConnection(const Connection& c, const OrgPolicy& org) {
  std::vector<Error> errors = ValidateConnection(c, org);
  if (errors.empty()) return OkStatus();
  if (errors.size() == 1) return errors.front();
  return Error(errors.front().code(),
               fmt::format("{} (and {} more problem{})", errors.front().message(),
                           errors.size() - 1, errors.size() == 2 ? "" : "s"),
               errors.front().field());
}

}  // namespace crossdock::connect
