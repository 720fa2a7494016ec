#include "crossdock/iam/generate.h"

#include <algorithm>
#include <functional>

#include "crossdock/iam/arn.h"

namespace crossdock::iam {
namespace {

using json = nlohmann::ordered_json;

Error Invalid(std::string field, std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), std::move(field));
}

std::string BucketArn(const std::string& partition, const BucketTarget& b) {
  return "arn:" + partition + ":s3:::" + b.name;
}

std::string ObjectPattern(const std::string& partition, const BucketTarget& b) {
  return BucketArn(partition, b) + "/" + (b.prefix.empty() ? "" : b.prefix + "/") + "*";
}

std::string ProbeObject(const std::string& partition, const BucketTarget& b) {
  return BucketArn(partition, b) + "/" + (b.prefix.empty() ? "" : b.prefix + "/") +
         kProbeObjectName;
}

Operation MakeOp(std::string principal, std::string action, std::string resource,
                 std::vector<std::pair<std::string, std::string>> context, std::string purpose) {
  Operation op;
  op.principal = std::move(principal);
  op.action = std::move(action);
  op.resource = std::move(resource);
  op.context = std::move(context);
  op.purpose = std::move(purpose);
  return op;
}

// One string or an array, as the vendor documents write them.
json OneOrMany(const std::vector<json>& values) {
  if (values.size() == 1) return values.front();
  return json(values);
}

// The actions of the operation table for one kind of resource; "*" actions sorted as the
// vendor documents list them.
std::vector<std::string> Actions(const ConnectionSpec& spec, ResourceKind kind) {
  std::vector<std::string> a = ActionsFor(spec.type, kind, !spec.kms_key_arn.empty());
  if (kind == ResourceKind::kAny) std::sort(a.begin(), a.end());
  if (kind == ResourceKind::kBucket) std::erase(a, std::string("s3:ListBucket"));
  return a;
}

// What a policy names for an SSE-KMS key. IAM authorizes KMS calls on the key ARN, never on
// an alias ARN: an alias becomes "any key of that account and region" narrowed by the
// kms:ResourceAliases condition (AWS KMS, "Use aliases to control access to KMS keys").
struct KmsGrant {
  std::string resource;
  std::string alias;  // "alias/NAME", or "" for a key ARN
};

KmsGrant KmsGrantFor(const std::string& kms_key_arn) {
  auto arn = ParseArn(kms_key_arn);
  if (!arn.ok() || !arn->resource.starts_with("alias/")) return {kms_key_arn, ""};
  return {"arn:" + arn->partition + ":kms:" + arn->region + ":" + arn->account + ":key/*",
          arn->resource};
}

std::string VendorPrincipal(const ConnectionSpec& spec) {
  return VendorPrincipalArn(SpecPartition(spec), spec.vendor_account, spec.vendor_role_arn);
}

std::string DatabricksPrincipal(const ConnectionSpec& spec) {
  if (!spec.databricks_principal.empty()) return spec.databricks_principal;
  const DatabricksUnityCatalog* uc = DefaultDatabricksUnityCatalog(SpecPartition(spec));
  return uc != nullptr ? uc->principal : "";
}

// How the generator writes values that CloudFormation and Terraform turn into references.
struct Renderer {
  // External ID number i (crossdock's first, then rotation, then Databricks').
  std::function<json(size_t, const std::string&)> external_id = [](size_t, const std::string& id) {
    return json(id);
  };
  // The customer's own role ARN (self-assume).
  std::function<json(const std::string&)> self_role = [](const std::string& arn) {
    return json(arn);
  };
  // Templates create the role and its trust policy in one step, and IAM refuses a principal
  // that does not exist yet. So they trust the account root on condition that the caller is
  // the role itself (ArnEquals aws:PrincipalArn), which IAM accepts at creation and which
  // admits exactly the self-assume. Null: name the role as principal (the console form of
  // the vendor documents, pasted after the role exists).
  std::function<json()> account_root;
};

json BuildPermissionPolicy(const ConnectionSpec& spec, const Renderer& r) {
  std::string p = SpecPartition(spec);
  json statements = json::array();
  if (std::vector<std::string> any = Actions(spec, ResourceKind::kAny); !any.empty()) {
    statements.push_back({{"Sid", "CrossdockRedshiftDataApi"},
                          {"Effect", "Allow"},
                          {"Action", any},
                          {"Resource", "*"}});
  }
  if (!spec.buckets.empty()) {
    std::vector<json> objects, plain_buckets, all_buckets;
    for (const BucketTarget& b : spec.buckets) {
      objects.push_back(ObjectPattern(p, b));
      all_buckets.push_back(BucketArn(p, b));
      if (b.prefix.empty()) plain_buckets.push_back(BucketArn(p, b));
    }
    statements.push_back({{"Sid", "CrossdockObjects"},
                          {"Effect", "Allow"},
                          {"Action", Actions(spec, ResourceKind::kObject)},
                          {"Resource", OneOrMany(objects)}});
    std::vector<std::string> bucket_actions = Actions(spec, ResourceKind::kBucket);
    if (!plain_buckets.empty()) {
      // Without a path, listing the whole bucket is what is needed.
      statements.push_back({{"Sid", "CrossdockListBucket"},
                            {"Effect", "Allow"},
                            {"Action", "s3:ListBucket"},
                            {"Resource", OneOrMany(plain_buckets)}});
    }
    int n = 0;
    for (const BucketTarget& b : spec.buckets) {
      if (b.prefix.empty()) continue;
      ++n;
      // A path: list only keys under it (s3:prefix is what ListObjects sends as prefix).
      statements.push_back(
          {{"Sid", "CrossdockListPrefix" + (n > 1 ? std::to_string(n) : std::string())},
           {"Effect", "Allow"},
           {"Action", "s3:ListBucket"},
           {"Resource", BucketArn(p, b)},
           {"Condition",
            {{"StringLike", {{"s3:prefix", json::array({b.prefix + "/", b.prefix + "/*"})}}}}}});
    }
    statements.push_back({{"Sid", "CrossdockBucket"},
                          {"Effect", "Allow"},
                          {"Action", bucket_actions},
                          {"Resource", OneOrMany(all_buckets)}});
  }
  if (std::vector<std::string> stream = Actions(spec, ResourceKind::kStream); !stream.empty()) {
    statements.push_back({{"Sid", "CrossdockKinesisStream"},
                          {"Effect", "Allow"},
                          {"Action", stream},
                          {"Resource", spec.stream_arn}});
  }
  if (!spec.kms_key_arn.empty()) {
    KmsGrant kms = KmsGrantFor(spec.kms_key_arn);
    json statement = {{"Sid", "CrossdockKmsKey"},
                      {"Effect", "Allow"},
                      {"Action", Actions(spec, ResourceKind::kKmsKey)},
                      {"Resource", kms.resource}};
    if (!kms.alias.empty()) {
      statement["Condition"] = {{"ForAnyValue:StringEquals", {{"kms:ResourceAliases", kms.alias}}}};
    }
    statements.push_back(std::move(statement));
  }
  if (!Actions(spec, ResourceKind::kOwnRole).empty()) {
    statements.push_back({{"Sid", "AllowSelfAssume"},
                          {"Effect", "Allow"},
                          {"Action", OneOrMany({Actions(spec, ResourceKind::kOwnRole).front()})},
                          {"Resource", r.self_role(spec.role_arn)}});
  }
  return {{"Version", "2012-10-17"}, {"Statement", statements}};
}

json BuildTrustPolicy(const ConnectionSpec& spec, const Renderer& r) {
  std::vector<json> principals = {VendorPrincipal(spec)};
  std::vector<json> ids;
  for (size_t i = 0; i < spec.external_ids.size(); ++i) {
    ids.push_back(r.external_id(i, spec.external_ids[i]));
  }
  std::string sid = "CrossdockAssumeRole";
  bool self_by_condition = spec.type == ConnectionType::kDatabricks && r.account_root;
  if (spec.type == ConnectionType::kDatabricks) {
    principals.push_back(DatabricksPrincipal(spec));
    if (!self_by_condition) principals.push_back(r.self_role(spec.role_arn));
    ids.push_back(r.external_id(spec.external_ids.size(), spec.databricks_external_id));
    sid = "CrossdockAndDatabricksAssumeRole";
  }
  json statements = json::array();
  statements.push_back({{"Sid", sid},
                        {"Effect", "Allow"},
                        {"Principal", {{"AWS", OneOrMany(principals)}}},
                        {"Action", "sts:AssumeRole"},
                        {"Condition", {{"StringEquals", {{"sts:ExternalId", OneOrMany(ids)}}}}}});
  if (self_by_condition) {
    statements.push_back({{"Sid", "SelfAssume"},
                          {"Effect", "Allow"},
                          {"Principal", {{"AWS", r.account_root()}}},
                          {"Action", "sts:AssumeRole"},
                          {"Condition",
                           {{"StringEquals",
                             {{"sts:ExternalId", r.external_id(spec.external_ids.size(),
                                                               spec.databricks_external_id)}}},
                            {"ArnEquals", {{"aws:PrincipalArn", r.self_role(spec.role_arn)}}}}}});
  }
  if (spec.type == ConnectionType::kRedshiftServerless && !spec.buckets.empty()) {
    statements.push_back({{"Sid", "RedshiftAssumeRole"},
                          {"Effect", "Allow"},
                          {"Principal", {{"Service", "redshift.amazonaws.com"}}},
                          {"Action", "sts:AssumeRole"}});
  }
  return {{"Version", "2012-10-17"}, {"Statement", statements}};
}

std::string RoleName(const ConnectionSpec& spec) {
  if (!spec.role_arn.empty()) {
    size_t slash = spec.role_arn.rfind('/');
    if (slash != std::string::npos) return spec.role_arn.substr(slash + 1);
  }
  return std::string("crossdock-") + ConnectionTypeName(spec.type);
}

std::vector<std::pair<std::string, std::string>> ExternalIdParameters(const ConnectionSpec& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < spec.external_ids.size(); ++i) {
    out.push_back(
        {i == 0 ? "ExternalId" : "ExternalId" + std::to_string(i + 1), spec.external_ids[i]});
  }
  if (spec.type == ConnectionType::kDatabricks) {
    out.push_back({"DatabricksExternalId", spec.databricks_external_id});
  }
  return out;
}

// Block-style YAML for a JSON value. Strings are written as JSON strings, which YAML reads
// as double-quoted scalars, so no escaping rule of YAML's own is needed.
void EmitYaml(const json& v, int indent, std::string& out) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      out += pad + json(it.key()).dump() + ":";
      const json& c = it.value();
      if ((c.is_object() || c.is_array()) && !c.empty()) {
        out += "\n";
        EmitYaml(c, indent + 2, out);
      } else {
        out += " " + c.dump() + "\n";
      }
    }
  } else if (v.is_array()) {
    for (const json& c : v) {
      if (c.is_object() && !c.empty()) {
        std::string inner;
        EmitYaml(c, indent + 2, inner);
        // First line of the mapping goes after "- ".
        inner.replace(0, static_cast<size_t>(indent + 2), pad + "- ");
        out += inner;
      } else if (c.is_array() && !c.empty()) {
        out += pad + "-\n";
        EmitYaml(c, indent + 2, out);
      } else {
        out += pad + "- " + c.dump() + "\n";
      }
    }
  } else {
    out += pad + v.dump() + "\n";
  }
}

}  // namespace

const std::vector<DatabricksUnityCatalog>& DatabricksUnityCatalogs() {
  static const std::vector<DatabricksUnityCatalog> kAll = {
      {"commercial", "aws", kDatabricksPrincipalAws, "AWS commercial"},
      {"govcloud", "aws-us-gov", kDatabricksPrincipalGovCloud, "AWS GovCloud"},
      {"govcloud-dod", "aws-us-gov", kDatabricksPrincipalGovCloudDod, "AWS GovCloud DoD"},
  };
  return kAll;
}

const DatabricksUnityCatalog* FindDatabricksUnityCatalog(std::string_view id) {
  for (const DatabricksUnityCatalog& uc : DatabricksUnityCatalogs()) {
    if (uc.id == id) return &uc;
  }
  return nullptr;
}

const DatabricksUnityCatalog* DefaultDatabricksUnityCatalog(std::string_view partition) {
  if (partition == "aws") return FindDatabricksUnityCatalog("commercial");
  if (partition == "aws-us-gov") return FindDatabricksUnityCatalog("govcloud");
  return nullptr;
}

std::string VendorPrincipalArn(std::string_view partition, std::string_view vendor_account,
                               std::string_view vendor_role_arn) {
  if (!vendor_role_arn.empty()) return std::string(vendor_role_arn);
  return "arn:" + std::string(partition) + ":iam::" + std::string(vendor_account) + ":root";
}

Result<BucketTarget> ParseBucketTarget(std::string_view text) {
  BucketTarget out;
  size_t slash = text.find('/');
  out.name = std::string(text.substr(0, slash));
  if (slash != std::string_view::npos) {
    std::string_view path = text.substr(slash + 1);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    out.prefix = std::string(path);
  }
  auto arn = ParseArn("arn:aws:s3:::" + out.name);
  if (!arn.ok() || out.name.find_first_of("*?") != std::string::npos) {
    return Invalid("bucket", "\"" + out.name +
                                 "\" is not a valid S3 bucket name: use 3 to 63 lower-case "
                                 "letters, digits, dots and hyphens, e.g. my-bucket or "
                                 "my-bucket/path");
  }
  size_t start = 0;
  while (!out.prefix.empty() && start <= out.prefix.size()) {
    size_t end = out.prefix.find('/', start);
    std::string_view seg =
        std::string_view(out.prefix)
            .substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return Invalid("bucket", "the path \"" + out.prefix +
                                   "\" has an empty, '.' or '..' segment; write it as "
                                   "folder/subfolder");
    }
    if (seg.find_first_of("*?$") != std::string_view::npos) {
      return Invalid("bucket", "the path \"" + out.prefix +
                                   "\" contains '*', '?' or '$', which policies would read as "
                                   "wildcards or variables; use plain folder names");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string SpecPartition(const ConnectionSpec& spec) {
  auto p = PartitionForRegion(spec.region);
  return p.ok() ? *p : std::string("aws");
}

Status ValidateSpec(const ConnectionSpec& spec) {
  if (!TypeInfo(spec.type).aws) {
    return Error(ErrorCode::kFailedPrecondition,
                 std::string(TypeInfo(spec.type).title) +
                     " connections log in with their own user and password; there are no IAM "
                     "policies to generate for them",
                 "type");
  }
  auto partition = PartitionForRegion(spec.region);
  if (!partition.ok()) return partition.error();
  if (!IsAccountId(spec.vendor_account)) {
    return Invalid("vendor_account",
                   "vendor account \"" + spec.vendor_account +
                       "\" must be the 12-digit AWS account id crossdock assumes roles from");
  }
  if (!spec.vendor_role_arn.empty()) {
    auto arn = ParseArn(spec.vendor_role_arn);
    if (!arn.ok()) {
      return Invalid("vendor_role_arn", "vendor role: " + arn.error().message());
    }
    if (arn->service != "iam" || !arn->resource.starts_with("role/")) {
      return Invalid("vendor_role_arn", "vendor role \"" + spec.vendor_role_arn +
                                            "\" is not an IAM role ARN (arn:aws:iam::ACCOUNT:"
                                            "role/NAME)");
    }
    if (arn->account != spec.vendor_account) {
      return Invalid("vendor_role_arn", "vendor role \"" + spec.vendor_role_arn +
                                            "\" is not in the vendor account " +
                                            spec.vendor_account);
    }
    if (arn->partition != *partition) {
      return Invalid("vendor_role_arn", "vendor role is in partition " + arn->partition +
                                            " but region " + spec.region + " is in " + *partition);
    }
  }
  if (spec.external_ids.empty()) {
    return Invalid("external_id",
                   "at least one External ID is needed: a trust policy "
                   "without sts:ExternalId lets any customer of the vendor "
                   "point it at this role (confused deputy)");
  }
  for (const std::string& id : spec.external_ids) {
    if (id.size() < 2 || id.size() > 1224) {
      return Invalid("external_id", "an External ID must be 2 to 1224 characters long");
    }
    for (char c : id) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) ||
            std::string_view("+=,.@:/-_").find(c) != std::string_view::npos)) {
        return Invalid("external_id", "External ID \"" + id +
                                          "\" contains a character STS does not allow; use "
                                          "letters, digits and +=,.@:/-_");
      }
    }
  }
  if (!spec.role_arn.empty()) {
    auto arn = ParseArn(spec.role_arn);
    if (!arn.ok()) return Invalid("role_arn", "role ARN: " + arn.error().message());
    if (arn->service != "iam" || !arn->resource.starts_with("role/")) {
      return Invalid("role_arn", "\"" + spec.role_arn +
                                     "\" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
    }
    if (arn->partition != *partition) {
      return Invalid("role_arn", "the role is in partition " + arn->partition + " but region " +
                                     spec.region + " is in " + *partition +
                                     "; use a region of the role's partition");
    }
  }
  if (!spec.kms_key_arn.empty()) {
    RETURN_IF_ERROR(ParseKmsKeyArn(spec.kms_key_arn, "kms_key_arn", *partition));
  }
  if (spec.type == ConnectionType::kKinesis) {
    auto arn = ParseArn(spec.stream_arn);
    if (spec.stream_arn.empty() || !arn.ok() || arn->service != "kinesis" ||
        !arn->resource.starts_with("stream/") || arn->resource.size() <= 7 ||
        arn->account.empty() || arn->region.empty()) {
      return Invalid("stream_arn", "\"" + spec.stream_arn +
                                       "\" is not a Kinesis stream ARN "
                                       "(arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)");
    }
    if (arn->partition != *partition) {
      return Invalid("stream_arn", "the stream is in partition " + arn->partition +
                                       ", the region in " + *partition);
    }
  }
  if (spec.buckets.empty() && TypeInfo(spec.type).bucket_required) {
    return Invalid("bucket", std::string(ConnectionTypeName(spec.type)) +
                                 " connections need a bucket (NAME or NAME/PATH)");
  }
  for (const BucketTarget& b : spec.buckets) {
    std::string text = b.name + (b.prefix.empty() ? "" : "/" + b.prefix);
    auto parsed = ParseBucketTarget(text);
    if (!parsed.ok()) return parsed.error();
  }
  if (spec.type == ConnectionType::kDatabricks) {
    if (spec.role_arn.empty()) {
      return Invalid("role_arn",
                     "Databricks connections need the customer's role ARN: the "
                     "role must be able to assume itself (self-assume statement)");
    }
    if (spec.databricks_external_id.empty()) {
      return Invalid("databricks_external_id",
                     "Databricks connections need the External ID Databricks shows for the "
                     "storage credential");
    }
    if (DatabricksPrincipal(spec).empty()) {
      return Invalid("databricks_principal",
                     "Databricks has no default Unity Catalog role in "
                     "partition " +
                         *partition + "; give the principal explicitly");
    }
    auto arn = ParseArn(DatabricksPrincipal(spec));
    if (!arn.ok()) {
      return Invalid("databricks_principal", "Databricks principal: " + arn.error().message());
    }
  }
  return OkStatus();
}

nlohmann::ordered_json ToJson(const Operation& op) {
  json ctx = json::object();
  for (const auto& [k, v] : op.context) ctx[k] = v;
  json out = {{"action", op.action},
              {"resource", op.resource},
              {"context", ctx},
              {"purpose", op.purpose},
              {"grant", op.grant}};
  if (!op.apis.empty()) out["apis"] = op.apis;
  if (!op.principal.empty()) out["principal"] = op.principal;
  return out;
}

Result<std::vector<Operation>> RequiredOperations(const ConnectionSpec& spec) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  std::string p = SpecPartition(spec);
  std::vector<Operation> ops;
  auto add = [&](const OperationDef& def, const std::string& action, std::string resource,
                 std::vector<std::pair<std::string, std::string>> context, std::string grant) {
    for (Operation& op : ops) {
      if (op.action == action && op.resource == resource && op.context == context) {
        if (std::find(op.apis.begin(), op.apis.end(), def.api) == op.apis.end()) {
          op.apis.push_back(def.api);
        }
        return;
      }
    }
    Operation op = MakeOp("", action, std::move(resource), std::move(context), def.purpose);
    op.grant = grant.empty() ? op.resource : std::move(grant);
    op.apis.push_back(def.api);
    ops.push_back(std::move(op));
  };
  // Resource-less and role operations first, then each bucket's, then the KMS key's.
  for (const OperationDef* def : OperationsFor(spec.type)) {
    for (const Requirement& r : def->requirements) {
      if (r.resource == ResourceKind::kAny) add(*def, r.action, "*", {}, "");
    }
  }
  for (const BucketTarget& b : spec.buckets) {
    for (ResourceKind kind : {ResourceKind::kBucket, ResourceKind::kObject}) {
      for (const OperationDef* def : OperationsFor(spec.type)) {
        for (const Requirement& r : def->requirements) {
          ResourceKind k =
              r.resource == ResourceKind::kCopySource ? ResourceKind::kObject : r.resource;
          if (k != kind) continue;
          if (kind == ResourceKind::kObject) {
            add(*def, r.action, ProbeObject(p, b), {}, ObjectPattern(p, b));
            continue;
          }
          std::vector<std::pair<std::string, std::string>> context;
          if (!b.prefix.empty() &&
              std::find(def->condition_keys.begin(), def->condition_keys.end(),
                        std::string_view("s3:prefix")) != def->condition_keys.end()) {
            context.push_back({"s3:prefix", b.prefix + "/"});
          }
          add(*def, r.action, BucketArn(p, b), std::move(context), "");
        }
      }
    }
  }
  for (const OperationDef* def : OperationsFor(spec.type)) {
    for (const Requirement& r : def->requirements) {
      if (r.resource == ResourceKind::kStream) add(*def, r.action, spec.stream_arn, {}, "");
    }
  }
  for (const OperationDef* def : OperationsFor(spec.type)) {
    for (const Requirement& r : def->requirements) {
      if (r.resource == ResourceKind::kKmsKey && !spec.kms_key_arn.empty()) {
        KmsGrant kms = KmsGrantFor(spec.kms_key_arn);
        std::vector<std::pair<std::string, std::string>> context;
        if (!kms.alias.empty()) context.push_back({"kms:ResourceAliases", kms.alias});
        add(*def, r.action, kms.resource, std::move(context), "");
      }
      if (r.resource == ResourceKind::kOwnRole) add(*def, r.action, spec.role_arn, {}, "");
    }
  }
  return ops;
}

Result<std::vector<Operation>> RequiredTrustOperations(const ConnectionSpec& spec) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  std::vector<Operation> ops;
  std::string role = spec.role_arn.empty() ? "*" : spec.role_arn;
  for (const std::string& id : spec.external_ids) {
    ops.push_back(MakeOp(VendorPrincipal(spec), "sts:AssumeRole", role, {{"sts:ExternalId", id}},
                         "crossdock assumes the role"));
  }
  if (spec.type == ConnectionType::kDatabricks) {
    ops.push_back(MakeOp(DatabricksPrincipal(spec), "sts:AssumeRole", role,
                         {{"sts:ExternalId", spec.databricks_external_id}},
                         "Databricks Unity Catalog assumes the role"));
    ops.push_back(MakeOp(spec.role_arn, "sts:AssumeRole", role,
                         {{"sts:ExternalId", spec.databricks_external_id}},
                         "the role assumes itself (Databricks self-assume)"));
  }
  if (spec.type == ConnectionType::kRedshiftServerless && !spec.buckets.empty()) {
    ops.push_back(MakeOp("redshift.amazonaws.com", "sts:AssumeRole", role, {},
                         "Redshift assumes the role for UNLOAD/COPY"));
  }
  return ops;
}

Result<GeneratedPolicies> GeneratePolicies(const ConnectionSpec& spec) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  GeneratedPolicies out;
  Renderer plain;
  out.permission_policy = BuildPermissionPolicy(spec, plain);
  out.trust_policy = BuildTrustPolicy(spec, plain);
  if (spec.type == ConnectionType::kDatabricks) {
    out.notes.push_back(
        "IAM rejects a trust policy naming a role that does not exist yet: in the console, "
        "create the role with crossdock and Databricks as principals first, then add the "
        "role's own ARN (self-assume) to the trust policy. The CloudFormation and Terraform "
        "outputs deploy in one step: they trust the account root on condition that the "
        "caller is the role itself (ArnEquals aws:PrincipalArn).");
  }
  if (spec.external_ids.size() > 1) {
    out.notes.push_back(
        "Two crossdock External IDs are listed while a rotation is in "
        "progress; remove the old one once the rotation is confirmed.");
  }
  for (const BucketTarget& b : spec.buckets) {
    if (!b.prefix.empty()) {
      out.notes.push_back("Access to bucket " + b.name + " is limited to the path " + b.prefix +
                          "/.");
    }
  }
  return out;
}

nlohmann::ordered_json ToJson(const ConnectionSpec& spec, const GeneratedPolicies& policies) {
  json ops = json::array(), trust_ops = json::array();
  if (auto r = RequiredOperations(spec); r.ok()) {
    for (const Operation& o : *r) ops.push_back(ToJson(o));
  }
  if (auto r = RequiredTrustOperations(spec); r.ok()) {
    for (const Operation& o : *r) trust_ops.push_back(ToJson(o));
  }
  return {{"type", ConnectionTypeName(spec.type)},
          {"partition", SpecPartition(spec)},
          {"permission_policy", policies.permission_policy},
          {"trust_policy", policies.trust_policy},
          {"operations", ops},
          {"trust_operations", trust_ops},
          {"notes", policies.notes}};
}

Result<std::string> RenderCloudFormation(const ConnectionSpec& spec, bool yaml) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  auto params = ExternalIdParameters(spec);
  Renderer r;
  r.external_id = [&params](size_t i, const std::string&) {
    return json{{"Ref", params[i].first}};
  };
  // The role is the one this stack creates: its ARN from the stack's own account.
  r.self_role = [](const std::string&) -> json {
    return json{{"Fn::Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleName}"}};
  };
  r.account_root = []() -> json {
    return json{{"Fn::Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}};
  };
  json parameters = json::object();
  for (const auto& [name, value] : params) {
    parameters[name] = {{"Type", "String"},
                        {"Default", value},
                        {"Description", name == "DatabricksExternalId"
                                            ? "External ID of the Databricks storage credential"
                                            : "External ID crossdock shows for your organization"}};
  }
  parameters["RoleName"] = {{"Type", "String"},
                            {"Default", RoleName(spec)},
                            {"Description", "Name of the IAM role crossdock assumes"}};
  json role_props = {
      {"RoleName", {{"Ref", "RoleName"}}},
      {"AssumeRolePolicyDocument", BuildTrustPolicy(spec, r)},
      {"Policies", json::array({{{"PolicyName", RoleName(spec) + "-access"},
                                 {"PolicyDocument", BuildPermissionPolicy(spec, r)}}})}};
  json tmpl = {
      {"AWSTemplateFormatVersion", "2010-09-09"},
      {"Description",
       std::string("IAM role for a crossdock ") + ConnectionTypeName(spec.type) + " connection"},
      {"Parameters", parameters},
      {"Resources", {{"CrossdockRole", {{"Type", "AWS::IAM::Role"}, {"Properties", role_props}}}}},
      {"Outputs",
       {{"RoleArn", {{"Value", {{"Fn::GetAtt", json::array({"CrossdockRole", "Arn"})}}}}}}}};
  if (!yaml) return tmpl.dump(2) + "\n";
  std::string out;
  EmitYaml(tmpl, 0, out);
  return out;
}

Result<std::string> RenderTerraform(const ConnectionSpec& spec) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  auto params = ExternalIdParameters(spec);
  auto var_name = [](const std::string& param) {
    std::string out;
    for (char c : param) {
      if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
  };
  // Sentinels replaced by HCL references after the JSON is written.
  Renderer r;
  r.external_id = [&params](size_t i, const std::string&) {
    return json("\x01" + params[i].first + "\x01");
  };
  bool own_role = spec.role_arn.empty() || spec.type == ConnectionType::kDatabricks;
  r.self_role = [](const std::string&) -> json { return json("\x02"); };
  r.account_root = []() -> json { return json("\x03"); };
  auto hcl = [&](const json& doc) {
    std::string text = doc.dump(2);
    // HCL would read ${...} inside strings as interpolation.
    std::string escaped;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') escaped += '$';
      escaped += text[i];
    }
    for (const auto& [name, value] : params) {
      std::string token = json("\x01" + name + "\x01").dump();
      size_t at;
      while ((at = escaped.find(token)) != std::string::npos) {
        escaped.replace(at, token.size(), "var." + var_name(name));
      }
    }
    std::string self_token = json("\x02").dump();
    size_t at;
    while ((at = escaped.find(self_token)) != std::string::npos) {
      escaped.replace(at, self_token.size(),
                      "\"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_"
                      "identity.current.account_id}:role/${var.role_name}\"");
    }
    std::string root_token = json("\x03").dump();
    while ((at = escaped.find(root_token)) != std::string::npos) {
      escaped.replace(at, root_token.size(),
                      "\"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_"
                      "identity.current.account_id}:root\"");
    }
    // Indent under the resource block.
    std::string out;
    for (char c : escaped) {
      out += c;
      if (c == '\n') out += "  ";
    }
    return out;
  };
  std::string out =
      "# IAM role for a crossdock " + std::string(ConnectionTypeName(spec.type)) + " connection.\n";
  for (const auto& [name, value] : params) {
    out += "variable \"" + var_name(name) +
           "\" {\n  type    = string\n  default = " + json(value).dump() + "\n}\n\n";
  }
  out +=
      "variable \"role_name\" {\n  type    = string\n  default = " + json(RoleName(spec)).dump() +
      "\n}\n\n";
  if (own_role) {
    out +=
        "data \"aws_partition\" \"current\" {}\n\ndata \"aws_caller_identity\" \"current\" {}\n\n";
  }
  out +=
      "resource \"aws_iam_role\" \"crossdock\" {\n  name = var.role_name\n  assume_role_policy = "
      "jsonencode(" +
      hcl(BuildTrustPolicy(spec, r)) + ")\n}\n\n";
  out += "resource \"aws_iam_role_policy\" \"crossdock\" {\n  name   = \"" + RoleName(spec) +
         "-access\"\n  role   = aws_iam_role.crossdock.id\n  policy = jsonencode(" +
         hcl(BuildPermissionPolicy(spec, r)) + ")\n}\n\n";
  out += "output \"role_arn\" {\n  value = aws_iam_role.crossdock.arn\n}\n";
  return out;
}

}  // namespace crossdock::iam
