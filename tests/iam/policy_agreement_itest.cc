// Agreement between the offline policy engine and a real enforcer: every generated policy set
// (three connection types, with and without a bucket path) is applied to a role in Ceph RGW
// through the External ID front, which enforces sts:ExternalId as AWS does. The role is
// assumed with the right External ID, a wrong one, another connection's and none, by the
// vendor and by an intruder, and (to keep the deviation table honest) straight to RGW. Then
// every S3 request crossdock makes, plus requests outside the grant (another bucket, another
// or sibling prefix, listing the bucket root, s3:DeleteBucket, s3:CreateBucket, ACL and policy
// reads), is sent with crossdock's S3 client as the role session. RGW's verdict (2xx or an
// error that only comes after authorization, versus 403 AccessDenied) must equal iam::Decide
// on the generated policies.
//
// Disagreements are allowed only where KnownDeviations() lists them, each with the RGW
// behaviour that explains it (scripts/peers/README.md, "Where the peers differ from AWS"); a
// listed deviation that no longer happens fails the test too. Set
// CROSSDOCK_AGREEMENT_VERBOSE=1 to print every combination. Everything the test creates
// (buckets, objects, uploads, roles) is removed at the end.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/s3/requests.h"
#include "crossdock/aws/s3/s3_client.h"
#include "crossdock/aws/sts/sts_client.h"
#include "crossdock/core/clock.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/generate.h"
#include "crossdock/iam/policy.h"
#include "testing/customer_iam.h"
#include "testing/peers.h"

namespace crossdock::iam {
namespace {

using crossdock::testing::Env;
namespace s3 = aws::s3;

#define REQUIRE_RGW()                                                                          \
  REQUIRE_PEER("CROSSDOCK_STS_ENDPOINT", "RGW_ENDPOINT", "RGW_REGION", "RGW_CUSTOMER_ACCOUNT", \
               "RGW_CUSTOMER_ACCESS_KEY", "RGW_CUSTOMER_SECRET_KEY", "RGW_VENDOR_ARN",         \
               "RGW_VENDOR_ACCOUNT", "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY",         \
               "RGW_INTRUDER_ARN", "RGW_INTRUDER_ACCESS_KEY", "RGW_INTRUDER_SECRET_KEY")

// kNotFound: RGW answered 404 (NoSuchBucket, NoSuchEntity) where AWS refuses with 403.
enum class Verdict { kAllow, kDeny, kNotFound };
const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kAllow:
      return "Allow";
    case Verdict::kDeny:
      return "Deny";
    case Verdict::kNotFound:
      return "NotFound";
  }
  return "?";
}

// One request of the matrix, as reported and as matched by the deviation table.
struct Combo {
  std::string spec;   // "s3 path=exports"
  std::string label;  // "GetObjectAcl own object"
};

// A place where RGW answers differently from AWS for a reason the peer documentation gives.
// `matches` selects the combinations; on each of them RGW must answer `rgw` and the engine
// the opposite, otherwise the test fails (the deviation stopped happening).
struct KnownDeviation {
  const char* name;
  std::function<bool(const Combo&)> matches;
  Verdict rgw;
  const char* reason;  // one line, citing the peer documentation
};

const std::vector<KnownDeviation>& KnownDeviations() {
  static const std::vector<KnownDeviation> table = {
      {"external-id-not-enforced-by-rgw",
       [](const Combo& c) {
         return c.label.ends_with("straight to RGW") &&
                !c.label.starts_with("AssumeRole vendor, right");
       },
       Verdict::kAllow,
       "RGW never puts the request's ExternalId into trust evaluation; only the front enforces "
       "it (scripts/peers/README.md: RGW does not enforce sts:ExternalId)"},
      {"missing-role-is-no-such-entity",
       [](const Combo& c) { return c.label == "AssumeRole a role that does not exist"; },
       Verdict::kNotFound,
       "AssumeRole on a missing role answers 404 NoSuchEntity where AWS answers 403 "
       "(scripts/peers/README.md)"},
      {"foreign-keys-see-no-such-bucket",
       [](const Combo& c) { return c.label.find("own long-term keys") != std::string::npos; },
       Verdict::kNotFound,
       "buckets are per RGW tenant: another account's keys get 404 NoSuchBucket where AWS "
       "answers 403 (scripts/peers/README.md)"},
  };
  return table;
}

// Ceph RGW 16 parses only the s3 and sts actions it knows: PutRolePolicy answers 400 for a
// document naming kms:, redshift-data:, redshift-serverless: actions or s3:GetObjectAttributes
// (scripts/peers/README.md; AWS accepts any well-formed action). Only what RGW parses is
// applied there; Op() checks that removing the rest changes no decision of the S3 matrix.
bool RgwKnowsAction(const std::string& action) {
  return (action.starts_with("s3:") && action != "s3:GetObjectAttributes") ||
         action.starts_with("sts:");
}

nlohmann::ordered_json WithoutUnknownActions(const nlohmann::ordered_json& policy, bool* changed) {
  nlohmann::ordered_json out = policy;
  nlohmann::ordered_json statements = nlohmann::ordered_json::array();
  for (auto statement : policy["Statement"]) {
    nlohmann::ordered_json actions = statement["Action"];
    if (actions.is_string()) actions = nlohmann::ordered_json::array({actions});
    nlohmann::ordered_json kept = nlohmann::ordered_json::array();
    for (const auto& a : actions) {
      if (RgwKnowsAction(a.get<std::string>())) kept.push_back(a);
    }
    if (kept.size() != actions.size()) *changed = true;
    if (kept.empty()) continue;
    statement["Action"] = kept;
    statements.push_back(statement);
  }
  out["Statement"] = statements;
  return out;
}

aws::RetryOptions TwoAttempts() {
  aws::RetryOptions retry;
  retry.max_attempts = 2;
  return retry;
}

s3::ListObjectsV2Params ListParams(const std::string& prefix) {
  s3::ListObjectsV2Params params;
  params.prefix = prefix;
  return params;
}

s3::ListMultipartUploadsParams UploadParams(const std::string& prefix) {
  s3::ListMultipartUploadsParams params;
  params.prefix = prefix;
  return params;
}

std::shared_ptr<http::HttpTransport> Transport() {
  static auto transport = std::make_shared<http::CurlTransport>();
  return transport;
}

aws::CredentialsProviderPtr Keys(std::string key, std::string secret, std::string token = {}) {
  aws::AwsCredentials c;
  c.access_key_id = std::move(key);
  c.secret_access_key = std::move(secret);
  c.session_token = std::move(token);
  return std::make_shared<aws::StaticCredentialsProvider>(c);
}

std::shared_ptr<s3::S3Client> S3For(aws::CredentialsProviderPtr credentials) {
  s3::S3Options o = s3::S3Options::FromCredentials(std::move(credentials));
  o.region = Env("RGW_REGION");
  o.endpoint_override = Env("CROSSDOCK_STS_ENDPOINT");
  o.retry.max_attempts = 2;
  auto client = s3::S3Client::Make(std::move(o), Transport());
  EXPECT_TRUE(client.ok()) << client.error().ToString();
  return client.ok() ? *client : nullptr;
}

// IAM calls signed by the customer, through the front (so it learns trust policies).
Status IamCall(const std::string& action, const std::string& params) {
  return crossdock::testing::CustomerIamCall(action, params);
}

std::string Param(const char* name, const std::string& value) {
  return crossdock::testing::IamParam(name, value);
}

// A bucket-level request the S3 client has no method for (CreateBucket, DeleteBucket,
// GetBucketAcl, GetBucketPolicy, GetObjectAcl): HeadBucket/HeadObject's URL and signing with
// another method and sub-resource.
Status RawRequest(s3::S3Client& client, const std::string& method, const std::string& bucket,
                  const std::string& key, const std::string& subresource) {
  auto built = key.empty() ? s3::BuildHeadBucket(client.context(), bucket)
                           : s3::BuildHeadObject(client.context(), bucket, key);
  if (!built.ok()) return std::move(built).error();
  aws::AwsRequest request = std::move(built).value();
  request.http.method = method;
  if (!subresource.empty()) request.http.url += "?" + subresource;
  request.operation = method + " " + s3::S3Uri(bucket, key) + "?" + subresource;
  auto response = client.aws().Send(request);
  if (!response.ok()) return std::move(response).error();
  return OkStatus();
}

std::string RunId() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06x", rd() & 0xffffff);
  return buf;
}

// Runs registered clean-up steps in reverse order, also when an assertion ends the test.
class Cleanup {
 public:
  ~Cleanup() {
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) (*it)();
  }
  void Add(std::function<void()> step) { steps_.push_back(std::move(step)); }

 private:
  std::vector<std::function<void()>> steps_;
};

// An offline check: the engine must allow every one for the request to be allowed (CopyObject
// needs s3:GetObject on the source and s3:PutObject on the destination).
struct Check {
  std::string action;
  std::string resource;
  std::vector<std::pair<std::string, std::string>> context;
};

// The tally of the whole matrix and the one place verdicts are compared.
class Matrix {
 public:
  struct Totals {
    int combinations = 0, agreements = 0, known = 0, disagreements = 0;
    std::map<std::string, int> deviations_seen;
    std::map<std::string, int> by_engine;  // engine verdict -> combinations
  };

  // Compares RGW's verdict on one request with the engine's, through the deviation table.
  static void Compare(Totals& totals, const Combo& combo, Verdict rgw, Verdict engine,
                      const std::string& detail) {
    ++totals.combinations;
    ++totals.by_engine[VerdictName(engine)];
    if (Env("CROSSDOCK_AGREEMENT_VERBOSE") == "1") {
      std::printf("  %-38s %-52s RGW %-8s engine %-6s %s\n", combo.spec.c_str(),
                  combo.label.c_str(), VerdictName(rgw), VerdictName(engine), detail.c_str());
    }
    const KnownDeviation* deviation = nullptr;
    for (const KnownDeviation& d : KnownDeviations()) {
      if (d.matches(combo)) deviation = &d;
    }
    if (deviation == nullptr) {
      if (rgw == engine) {
        ++totals.agreements;
      } else {
        ++totals.disagreements;
        ADD_FAILURE() << combo.spec << ": " << combo.label << ": RGW " << VerdictName(rgw)
                      << ", engine " << VerdictName(engine) << " (" << detail << ")";
      }
      return;
    }
    if (rgw == deviation->rgw && engine != rgw) {
      ++totals.known;
      ++totals.deviations_seen[deviation->name];
    } else {
      ADD_FAILURE() << "known deviation '" << deviation->name << "' did not happen for "
                    << combo.spec << ": " << combo.label << ": RGW " << VerdictName(rgw)
                    << ", engine " << VerdictName(engine) << " (" << detail << ")";
    }
  }
};

struct Fixture {
  std::string run;
  std::string bucket;        // the connection's bucket
  std::string other_bucket;  // a bucket of the same account outside every grant
  std::shared_ptr<s3::S3Client> customer;
};

// Removes every object and upload of the bucket, then the bucket.
void DropBucket(s3::S3Client& customer, const std::string& bucket) {
  if (auto uploads = customer.ListAllMultipartUploads(bucket, ""); uploads.ok()) {
    for (const auto& u : *uploads) (void)customer.AbortMultipartUpload(bucket, u.key, u.upload_id);
  }
  if (auto objects = customer.ListAllObjects(bucket, ""); objects.ok()) {
    for (const auto& o : *objects) (void)customer.DeleteObject(bucket, o.key);
  }
  Status dropped = RawRequest(customer, "DELETE", bucket, "", "");
  EXPECT_TRUE(dropped.ok() || dropped.error().aws_code() == "NoSuchBucket")
      << dropped.error().ToString();
}

struct SpecCase {
  ConnectionType type;
  std::string path;  // "" for the whole bucket
};

std::string Describe(const SpecCase& c) {
  return std::string(ConnectionTypeName(c.type)) + " path=" + (c.path.empty() ? "(none)" : c.path);
}

// Verdict of an S3 request: allowed when it succeeded or failed only after authorization
// with one of `authorized` error codes; denied on 403 AccessDenied. Anything else is a test
// failure (std::nullopt).
std::optional<Verdict> S3Verdict(const Status& status, const std::vector<std::string>& authorized,
                                 std::string* detail) {
  if (status.ok()) {
    *detail = "2xx";
    return Verdict::kAllow;
  }
  const Error& e = status.error();
  *detail = e.aws_code() + " " + std::to_string(e.http_status());
  if (e.code() == ErrorCode::kAccessDenied && e.http_status() == 403) return Verdict::kDeny;
  if (e.aws_code() == "NoSuchBucket" && e.http_status() == 404) return Verdict::kNotFound;
  if (std::find(authorized.begin(), authorized.end(), e.aws_code()) != authorized.end()) {
    return Verdict::kAllow;
  }
  return std::nullopt;
}

// AssumeRole signed with (key, secret), through the front or (`direct`) to RGW itself.
Result<aws::sts::AssumeRoleResult> AssumeAs(const std::string& principal_arn,
                                            const std::string& key, const std::string& secret,
                                            const std::string& role_arn,
                                            const std::string& external_id,
                                            const std::string& session, bool direct) {
  aws::sts::StsClientOptions options;
  options.region = Env("RGW_REGION");
  options.endpoint_override = Env(direct ? "RGW_ENDPOINT" : "CROSSDOCK_STS_ENDPOINT");
  options.caller = principal_arn;
  auto sts = aws::sts::StsClient::Create(Transport(), Keys(key, secret), SystemClock::Instance(),
                                         options, TwoAttempts());
  if (!sts.ok()) return std::move(sts).error();
  aws::sts::AssumeRoleParams params;
  params.role_arn = role_arn;
  params.role_session_name = session;
  params.external_id = external_id;
  params.duration_seconds = 900;
  return sts->AssumeRole(params);
}

// Allow when STS returned credentials, Deny on AccessDenied, NotFound on NoSuchEntity;
// anything else is a test failure (std::nullopt).
std::optional<Verdict> StsVerdict(const Result<aws::sts::AssumeRoleResult>& assumed,
                                  std::string* detail) {
  if (assumed.ok()) {
    *detail = "2xx";
    return Verdict::kAllow;
  }
  *detail = assumed.error().aws_code() + " " + std::to_string(assumed.error().http_status());
  if (assumed.error().code() == ErrorCode::kAccessDenied) return Verdict::kDeny;
  if (assumed.error().aws_code() == "NoSuchEntity") return Verdict::kNotFound;
  *detail = assumed.error().ToString();
  return std::nullopt;
}

class SpecRun {
 public:
  SpecRun(const Fixture& fx, const SpecCase& sc, int index, Matrix::Totals& totals,
          Cleanup& cleanup)
      : fx_(fx), sc_(sc), index_(index), totals_(totals), cleanup_(cleanup) {}

  void Run() {
    std::string account = Env("RGW_CUSTOMER_ACCOUNT");
    role_name_ = "cd-agree-" + fx_.run + "-" + std::to_string(index_);
    role_arn_ = "arn:aws:iam::" + account + ":role/" + role_name_;
    spec_.type = sc_.type;
    spec_.buckets = {{fx_.bucket, sc_.path}};
    spec_.region = Env("RGW_REGION");
    spec_.vendor_account = Env("RGW_VENDOR_ACCOUNT");
    spec_.external_ids = {"cd-agree-ext-" + fx_.run + "-" + std::to_string(index_)};
    spec_.role_arn = role_arn_;
    if (sc_.type == ConnectionType::kDatabricks) {
      spec_.databricks_external_id = "cd-agree-dbx-" + fx_.run;
    }
    auto generated = GeneratePolicies(spec_);
    ASSERT_TRUE(generated.ok()) << generated.error().ToString();
    auto permission = ParsePolicy(generated->permission_policy.dump());
    auto trust = ParsePolicy(generated->trust_policy.dump());
    ASSERT_TRUE(permission.ok() && trust.ok());
    permission_ = {{"permission", *permission}};
    trust_ = {{"trust", *trust}};

    bool stripped = false;
    nlohmann::ordered_json applied = WithoutUnknownActions(generated->permission_policy, &stripped);
    auto applied_policy = ParsePolicy(applied.dump());
    ASSERT_TRUE(applied_policy.ok());
    applied_ = {{"applied", *applied_policy}};
    ASSERT_NO_FATAL_FAILURE(CreateRole(generated->trust_policy.dump(),
                                       generated->permission_policy.dump(), applied.dump(),
                                       stripped));
    ASSERT_NO_FATAL_FAILURE(TrustMatrix());
    ASSERT_NO_FATAL_FAILURE(S3Matrix());
  }

 private:
  void CreateRole(const std::string& trust, const std::string& permission,
                  const std::string& applied, bool stripped) {
    Status created = IamCall("CreateRole", Param("RoleName", role_name_) + "&Path=%2F" +
                                               Param("AssumeRolePolicyDocument", trust));
    ASSERT_TRUE(created.ok()) << Describe(sc_) << ": CreateRole: " << created.error().ToString();
    std::string role = role_name_;
    cleanup_.Add([role] {
      (void)IamCall("DeleteRolePolicy", Param("RoleName", role) + "&PolicyName=crossdock");
      Status deleted = IamCall("DeleteRole", Param("RoleName", role));
      EXPECT_TRUE(deleted.ok()) << "DeleteRole " << role << ": " << deleted.error().ToString();
    });
    std::string put_params = Param("RoleName", role_name_) + "&PolicyName=crossdock";
    Status full = IamCall("PutRolePolicy", put_params + Param("PolicyDocument", permission));
    if (!stripped) {
      ASSERT_TRUE(full.ok()) << Describe(sc_) << ": PutRolePolicy: " << full.error().ToString();
      return;
    }
    // The document names actions RGW does not know: RGW must still reject it (or this
    // special case is no longer needed), then accept the rest.
    EXPECT_FALSE(full.ok()) << Describe(sc_)
                            << ": RGW now accepts the actions it used to reject; drop "
                               "WithoutUnknownActions";
    ++rejected_documents_;
    Status put = IamCall("PutRolePolicy", put_params + Param("PolicyDocument", applied));
    ASSERT_TRUE(put.ok()) << Describe(sc_) << ": PutRolePolicy: " << put.error().ToString();
  }

  Verdict Engine(const std::vector<NamedPolicy>& policies, const std::string& principal,
                 const Check& check) {
    Request request(principal, check.action, check.resource);
    for (const auto& [k, v] : check.context) request.Set(k, v);
    return Decide(policies, request) == Decision::kAllow ? Verdict::kAllow : Verdict::kDeny;
  }

  // AssumeRole as `principal_arn` (signed with its keys) with `external_id` ("" = none).
  // AssumeRole as `principal_arn` with `external_id` ("" = none); `direct`: to RGW itself
  // instead of through the External ID front.
  void Trust(const std::string& label, const std::string& principal_arn, const std::string& key,
             const std::string& secret, const std::string& external_id, bool direct = false) {
    auto assumed =
        AssumeAs(principal_arn, key, secret, role_arn_, external_id, "cd-agree-" + fx_.run, direct);
    std::string detail;
    std::optional<Verdict> rgw = StsVerdict(assumed, &detail);
    ASSERT_TRUE(rgw.has_value()) << Describe(sc_) << ": " << label << ": " << detail;
    Check check{"sts:AssumeRole", role_arn_, {}};
    if (!external_id.empty()) check.context.push_back({"sts:ExternalId", external_id});
    Matrix::Compare(totals_, {Describe(sc_), "AssumeRole " + label}, *rgw,
                    Engine(trust_, principal_arn, check), detail);
    if (assumed.ok() && !direct && principal_arn == Env("RGW_VENDOR_ARN") &&
        external_id == spec_.external_ids.front()) {
      session_ = *assumed;
    }
  }

  void TrustMatrix() {
    std::string vendor = Env("RGW_VENDOR_ARN");
    std::string vkey = Env("RGW_VENDOR_ACCESS_KEY"), vsecret = Env("RGW_VENDOR_SECRET_KEY");
    Trust("vendor, right External ID", vendor, vkey, vsecret, spec_.external_ids.front());
    Trust("vendor, wrong External ID", vendor, vkey, vsecret, "cd-agree-wrong-" + fx_.run);
    Trust("vendor, no External ID", vendor, vkey, vsecret, "");
    Trust("vendor, External ID of another connection", vendor, vkey, vsecret,
          "cd-agree-ext-" + fx_.run + "-" + std::to_string(index_ + 1));
    if (sc_.type == ConnectionType::kDatabricks) {
      Trust("vendor, the Databricks External ID", vendor, vkey, vsecret,
            spec_.databricks_external_id);
    }
    std::string intruder = Env("RGW_INTRUDER_ARN");
    Trust("intruder, right External ID", intruder, Env("RGW_INTRUDER_ACCESS_KEY"),
          Env("RGW_INTRUDER_SECRET_KEY"), spec_.external_ids.front());
    Trust("intruder, no External ID", intruder, Env("RGW_INTRUDER_ACCESS_KEY"),
          Env("RGW_INTRUDER_SECRET_KEY"), "");
    // Straight to RGW, without the front: RGW itself ignores the External ID.
    Trust("vendor, right External ID, straight to RGW", vendor, vkey, vsecret,
          spec_.external_ids.front(), true);
    Trust("vendor, wrong External ID, straight to RGW", vendor, vkey, vsecret,
          "cd-agree-wrong-" + fx_.run, true);
    Trust("vendor, no External ID, straight to RGW", vendor, vkey, vsecret, "", true);
    ASSERT_TRUE(session_.has_value()) << Describe(sc_) << ": the vendor could not assume the role";
  }

  std::string BucketArn(const std::string& bucket) { return "arn:aws:s3:::" + bucket; }
  std::string ObjectArn(const std::string& bucket, const std::string& key) {
    return "arn:aws:s3:::" + bucket + "/" + key;
  }
  Check List(const std::string& bucket, const std::string& prefix) {
    Check c{"s3:ListBucket", BucketArn(bucket), {}};
    if (!prefix.empty()) c.context.push_back({"s3:prefix", prefix});
    return c;
  }

  // Sends one request as the role session and compares.
  void Op(const std::string& label, std::vector<Check> checks, const std::function<Status()>& run,
          std::vector<std::string> authorized = {}) {
    std::string detail;
    std::optional<Verdict> rgw = S3Verdict(run(), authorized, &detail);
    if (!rgw) {
      ADD_FAILURE() << Describe(sc_) << ": " << label << ": unexpected answer " << detail;
      return;
    }
    Verdict engine = Verdict::kAllow;
    std::string session = session_->assumed_role_user.arn;
    for (const Check& c : checks) {
      Verdict full = Engine(permission_, session, c);
      // Removing the actions RGW cannot parse must not change what is compared.
      EXPECT_EQ(full, Engine(applied_, session, c)) << label << " " << c.action;
      if (full == Verdict::kDeny) engine = Verdict::kDeny;
    }
    Matrix::Compare(totals_, {Describe(sc_), label}, *rgw, engine, detail);
  }

  void S3Matrix() {
    auto creds = session_->credentials;
    std::shared_ptr<s3::S3Client> c =
        S3For(Keys(creds.access_key_id, creds.secret_access_key, creds.session_token));
    ASSERT_NE(c, nullptr);
    const std::string& A = fx_.bucket;
    const std::string& B = fx_.other_bucket;
    const std::string P = sc_.path.empty() ? "" : sc_.path + "/";
    const std::string key = P + kProbeObjectName;
    const std::string copy = P + "copy-of-probe";
    const std::string mp_key = P + "multipart-probe";
    const std::string sibling = sc_.path.empty() ? "sibling-old/" : sc_.path + "-old/";
    auto put = [&](const std::string& b, const std::string& k) {
      return [&c, b, k]() -> Status {
        auto r = c->PutObject(b, k, std::string("agreement probe"));
        if (!r.ok()) return std::move(r).error();
        return OkStatus();
      };
    };
    auto get = [&](const std::string& b, const std::string& k) {
      return [&c, b, k]() -> Status {
        auto r = c->GetObjectAsString(b, k);
        if (!r.ok()) return std::move(r).error();
        return OkStatus();
      };
    };
    auto del = [&](const std::string& b, const std::string& k) {
      return [&c, b, k]() -> Status { return c->DeleteObject(b, k); };
    };
    auto list = [&](const std::string& b, const std::string& prefix) {
      return [&c, b, prefix]() -> Status {
        auto r = c->ListObjectsV2(b, ListParams(prefix));
        if (!r.ok()) return std::move(r).error();
        return OkStatus();
      };
    };
    auto copy_op = [&](const std::string& sb, const std::string& sk, const std::string& db,
                       const std::string& dk) {
      return [&c, sb, sk, db, dk]() -> Status {
        auto r = c->CopyObject(sb, sk, db, dk);
        if (!r.ok()) return std::move(r).error();
        return OkStatus();
      };
    };
    auto raw = [&](const std::string& method, const std::string& b, const std::string& k,
                   const std::string& sub) {
      return [&c, method, b, k, sub]() -> Status { return RawRequest(*c, method, b, k, sub); };
    };
    const std::string obj = "s3:GetObject";

    // What crossdock does, inside the grant.
    Op("ListObjectsV2 prefix=" + P, {List(A, P)}, list(A, P));
    Op("ListObjectsV2 below the path", {List(A, P + "sub/")}, list(A, P + "sub/"));
    Op("GetBucketLocation", {{"s3:GetBucketLocation", BucketArn(A), {}}}, [&] {
      auto r = c->GetBucketLocation(A);
      return r.ok() ? OkStatus() : Status(std::move(r).error());
    });
    Op("ListMultipartUploads prefix=" + P, {{"s3:ListBucketMultipartUploads", BucketArn(A), {}}},
       [&] {
         auto r = c->ListMultipartUploads(A, UploadParams(P));
         return r.ok() ? OkStatus() : Status(std::move(r).error());
       });
    Op("PutObject probe", {{"s3:PutObject", ObjectArn(A, key), {}}}, put(A, key));
    Op("HeadObject probe", {{obj, ObjectArn(A, key), {}}}, [&] {
      auto r = c->HeadObject(A, key);
      return r.ok() ? OkStatus() : Status(std::move(r).error());
    });
    Op("GetObject probe", {{obj, ObjectArn(A, key), {}}}, get(A, key));
    Op("CopyObject probe inside the path",
       {{obj, ObjectArn(A, key), {}}, {"s3:PutObject", ObjectArn(A, copy), {}}},
       copy_op(A, key, A, copy));
    std::string upload_id;
    Op("CreateMultipartUpload", {{"s3:PutObject", ObjectArn(A, mp_key), {}}}, [&] {
      auto r = c->CreateMultipartUpload(A, mp_key);
      if (!r.ok()) return Status(std::move(r).error());
      upload_id = *r;
      return OkStatus();
    });
    if (!upload_id.empty()) {
      Op("UploadPart", {{"s3:PutObject", ObjectArn(A, mp_key), {}}}, [&] {
        auto r = c->UploadPart(A, mp_key, upload_id, 1, "part one");
        return r.ok() ? OkStatus() : Status(std::move(r).error());
      });
      Op("ListParts", {{"s3:ListMultipartUploadParts", ObjectArn(A, mp_key), {}}}, [&] {
        auto r = c->ListParts(A, mp_key, upload_id);
        return r.ok() ? OkStatus() : Status(std::move(r).error());
      });
      Op("AbortMultipartUpload", {{"s3:AbortMultipartUpload", ObjectArn(A, mp_key), {}}},
         [&] { return c->AbortMultipartUpload(A, mp_key, upload_id); });
    }

    // Outside the grant: another prefix of the bucket, a sibling prefix, the bucket root.
    Op("ListObjectsV2 bucket root", {List(A, "")}, list(A, ""));
    Op("ListObjectsV2 prefix=elsewhere/", {List(A, "elsewhere/")}, list(A, "elsewhere/"));
    Op("ListObjectsV2 prefix=" + sibling, {List(A, sibling)}, list(A, sibling));
    if (!sc_.path.empty()) {
      Op("ListObjectsV2 the path without its slash", {List(A, sc_.path)}, list(A, sc_.path));
    }
    if (sc_.path.find('/') != std::string::npos) {
      std::string parent = sc_.path.substr(0, sc_.path.find('/') + 1);
      Op("ListObjectsV2 the parent prefix", {List(A, parent)}, list(A, parent));
    }
    Op("GetObject elsewhere/", {{obj, ObjectArn(A, "elsewhere/fixture"), {}}},
       get(A, "elsewhere/fixture"));
    Op("PutObject elsewhere/", {{"s3:PutObject", ObjectArn(A, "elsewhere/" + fx_.run), {}}},
       put(A, "elsewhere/" + fx_.run));
    Op("DeleteObject elsewhere/", {{"s3:DeleteObject", ObjectArn(A, "elsewhere/absent"), {}}},
       del(A, "elsewhere/absent"));
    Op("GetObject sibling prefix", {{obj, ObjectArn(A, sibling + "fixture"), {}}},
       get(A, sibling + "fixture"));
    Op("PutObject sibling prefix", {{"s3:PutObject", ObjectArn(A, sibling + fx_.run), {}}},
       put(A, sibling + fx_.run));
    Op("CopyObject elsewhere/ into the path",
       {{obj, ObjectArn(A, "elsewhere/fixture"), {}}, {"s3:PutObject", ObjectArn(A, copy), {}}},
       copy_op(A, "elsewhere/fixture", A, copy));
    Op("CreateMultipartUpload elsewhere/",
       {{"s3:PutObject", ObjectArn(A, "elsewhere/multipart"), {}}}, [&] {
         auto r = c->CreateMultipartUpload(A, "elsewhere/multipart");
         return r.ok() ? OkStatus() : Status(std::move(r).error());
       });
    ASSERT_NO_FATAL_FAILURE(ForeignUpload(*c));

    // Another bucket of the same account.
    Op("ListObjectsV2 other bucket", {List(B, P)}, list(B, P));
    Op("GetBucketLocation other bucket", {{"s3:GetBucketLocation", BucketArn(B), {}}}, [&] {
      auto r = c->GetBucketLocation(B);
      return r.ok() ? OkStatus() : Status(std::move(r).error());
    });
    Op("ListMultipartUploads other bucket", {{"s3:ListBucketMultipartUploads", BucketArn(B), {}}},
       [&] {
         auto r = c->ListMultipartUploads(B, UploadParams(""));
         return r.ok() ? OkStatus() : Status(std::move(r).error());
       });
    Op("GetObject other bucket", {{obj, ObjectArn(B, P + "fixture"), {}}}, get(B, P + "fixture"));
    Op("PutObject other bucket", {{"s3:PutObject", ObjectArn(B, key), {}}}, put(B, key));
    Op("DeleteObject other bucket", {{"s3:DeleteObject", ObjectArn(B, P + "absent"), {}}},
       del(B, P + "absent"));
    Op("CopyObject other bucket into the path",
       {{obj, ObjectArn(B, P + "fixture"), {}}, {"s3:PutObject", ObjectArn(A, copy), {}}},
       copy_op(B, P + "fixture", A, copy));
    Op("CopyObject probe to the other bucket",
       {{obj, ObjectArn(A, key), {}}, {"s3:PutObject", ObjectArn(B, copy), {}}},
       copy_op(A, key, B, copy));

    // Bucket administration and ACL/policy reads, never granted.
    Op("DeleteBucket", {{"s3:DeleteBucket", BucketArn(A), {}}}, raw("DELETE", A, "", ""),
       {"BucketNotEmpty"});
    Op("DeleteBucket other bucket", {{"s3:DeleteBucket", BucketArn(B), {}}},
       raw("DELETE", B, "", ""), {"BucketNotEmpty"});
    std::string fresh = "cd-agree-" + fx_.run + "-new" + std::to_string(index_);
    Op("CreateBucket", {{"s3:CreateBucket", BucketArn(fresh), {}}}, [&] {
      Status s = RawRequest(*c, "PUT", fresh, "", "");
      if (s.ok()) {
        auto customer = fx_.customer;
        cleanup_.Add([customer, fresh] { (void)RawRequest(*customer, "DELETE", fresh, "", ""); });
      }
      return s;
    });
    Op("GetBucketAcl", {{"s3:GetBucketAcl", BucketArn(A), {}}}, raw("GET", A, "", "acl"));
    Op("GetBucketPolicy", {{"s3:GetBucketPolicy", BucketArn(A), {}}}, raw("GET", A, "", "policy"),
       {"NoSuchBucketPolicy"});
    Op("GetObjectAcl of the probe", {{"s3:GetObjectAcl", ObjectArn(A, key), {}}},
       raw("GET", A, key, "acl"));
    Op("GetObjectAcl of a customer object in the path",
       {{"s3:GetObjectAcl", ObjectArn(A, P + "fixture"), {}}}, raw("GET", A, P + "fixture", "acl"));

    // crossdock's clean-up, inside the grant.
    Op("DeleteObject copy", {{"s3:DeleteObject", ObjectArn(A, copy), {}}}, del(A, copy));
    Op("DeleteObject probe", {{"s3:DeleteObject", ObjectArn(A, key), {}}}, del(A, key));
  }

  // ListParts and AbortMultipartUpload on an upload the customer started outside the path.
  void ForeignUpload(s3::S3Client& c) {
    const std::string k = "elsewhere/customer-upload-" + std::to_string(index_);
    auto started = fx_.customer->CreateMultipartUpload(fx_.bucket, k);
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    std::string id = *started;
    Op("ListParts elsewhere/", {{"s3:ListMultipartUploadParts", ObjectArn(fx_.bucket, k), {}}},
       [&] {
         auto r = c.ListParts(fx_.bucket, k, id);
         return r.ok() ? OkStatus() : Status(std::move(r).error());
       });
    Op("AbortMultipartUpload elsewhere/",
       {{"s3:AbortMultipartUpload", ObjectArn(fx_.bucket, k), {}}},
       [&] { return c.AbortMultipartUpload(fx_.bucket, k, id); });
    (void)fx_.customer->AbortMultipartUpload(fx_.bucket, k, id);
  }

  const Fixture& fx_;
  SpecCase sc_;
  int index_;
  Matrix::Totals& totals_;
  Cleanup& cleanup_;
  ConnectionSpec spec_;
  std::string role_name_, role_arn_;
  std::vector<NamedPolicy> permission_, trust_, applied_;
  std::optional<aws::sts::AssumeRoleResult> session_;

 public:
  static inline int rejected_documents_ = 0;
};

TEST(PolicyAgreement, RgwEnforcesWhatTheEngineDecides) {
  REQUIRE_RGW();
  Cleanup cleanup;
  Fixture fx;
  fx.run = RunId();
  fx.bucket = "cd-agree-" + fx.run;
  fx.other_bucket = "cd-agree-" + fx.run + "-other";
  fx.customer = S3For(Keys(Env("RGW_CUSTOMER_ACCESS_KEY"), Env("RGW_CUSTOMER_SECRET_KEY")));
  ASSERT_NE(fx.customer, nullptr);

  const std::vector<SpecCase> cases = {
      {ConnectionType::kS3, ""},
      {ConnectionType::kS3, "exports"},
      {ConnectionType::kS3, "team-a/exports/daily"},
      {ConnectionType::kDatabricks, ""},
      {ConnectionType::kDatabricks, "staging"},
      {ConnectionType::kDatabricks, "uc/volumes/raw"},
      {ConnectionType::kRedshiftServerless, ""},
      {ConnectionType::kRedshiftServerless, "unload"},
      {ConnectionType::kRedshiftServerless, "redshift/copy/in"},
  };

  // Both buckets, with customer-owned objects where the matrix reads outside the grant.
  for (const std::string& b : {fx.bucket, fx.other_bucket}) {
    Status made = RawRequest(*fx.customer, "PUT", b, "", "");
    ASSERT_TRUE(made.ok()) << "CreateBucket " << b << ": " << made.error().ToString();
    auto customer = fx.customer;
    cleanup.Add([customer, b] { DropBucket(*customer, b); });
  }
  std::set<std::string> fixtures = {"elsewhere/fixture", "fixture", "sibling-old/fixture"};
  for (const SpecCase& sc : cases) {
    if (sc.path.empty()) continue;
    fixtures.insert(sc.path + "/fixture");
    fixtures.insert(sc.path + "-old/fixture");
  }
  for (const std::string& b : {fx.bucket, fx.other_bucket}) {
    for (const std::string& k : fixtures) {
      auto put = fx.customer->PutObject(b, k, std::string("customer fixture"));
      ASSERT_TRUE(put.ok()) << put.error().ToString();
    }
  }

  Matrix::Totals totals;
  // Requests no policy of this test allows, whose refusal RGW words differently from AWS.
  {
    std::string vendor = Env("RGW_VENDOR_ARN");
    std::string missing =
        "arn:aws:iam::" + Env("RGW_CUSTOMER_ACCOUNT") + ":role/cd-agree-" + fx.run + "-missing";
    auto assumed = AssumeAs(vendor, Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"),
                            missing, "cd-agree-ext-" + fx.run, "cd-agree-" + fx.run, false);
    std::string detail;
    std::optional<Verdict> rgw = StsVerdict(assumed, &detail);
    ASSERT_TRUE(rgw.has_value()) << detail;
    Matrix::Compare(totals, {"no role", "AssumeRole a role that does not exist"}, *rgw,
                    Decide({}, Request(vendor, "sts:AssumeRole", missing)) == Decision::kAllow
                        ? Verdict::kAllow
                        : Verdict::kDeny,
                    detail);
    struct Outsider {
      const char* who;
      std::string arn, key, secret;
    };
    for (const Outsider& o :
         {Outsider{"vendor", vendor, Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY")},
          Outsider{"intruder", Env("RGW_INTRUDER_ARN"), Env("RGW_INTRUDER_ACCESS_KEY"),
                   Env("RGW_INTRUDER_SECRET_KEY")}}) {
      auto client = S3For(Keys(o.key, o.secret));
      ASSERT_NE(client, nullptr);
      // The customer's account has no bucket policy: nothing allows another account.
      auto engine = [&](const char* action, const std::string& resource) {
        return Decide({}, Request(o.arn, action, resource)) == Decision::kAllow ? Verdict::kAllow
                                                                                : Verdict::kDeny;
      };
      std::string label = std::string(" with the ") + o.who + "'s own long-term keys";
      auto got = client->GetObjectAsString(fx.bucket, "fixture");
      Status get = got.ok() ? OkStatus() : Status(std::move(got).error());
      std::optional<Verdict> v = S3Verdict(get, {}, &detail);
      ASSERT_TRUE(v.has_value()) << detail;
      Matrix::Compare(totals, {"no role", "GetObject" + label}, *v,
                      engine("s3:GetObject", "arn:aws:s3:::" + fx.bucket + "/fixture"), detail);
      auto listed = client->ListObjectsV2(fx.bucket, ListParams(""));
      Status list = listed.ok() ? OkStatus() : Status(std::move(listed).error());
      v = S3Verdict(list, {}, &detail);
      ASSERT_TRUE(v.has_value()) << detail;
      Matrix::Compare(totals, {"no role", "ListObjectsV2" + label}, *v,
                      engine("s3:ListBucket", "arn:aws:s3:::" + fx.bucket), detail);
    }
  }
  SpecRun::rejected_documents_ = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(Describe(cases[i]));
    SpecRun run(fx, cases[i], static_cast<int>(i), totals, cleanup);
    run.Run();
  }

  for (const KnownDeviation& d : KnownDeviations()) {
    EXPECT_GT(totals.deviations_seen[d.name], 0)
        << "known deviation '" << d.name << "' no longer happens: remove it from the table";
  }
  EXPECT_GE(totals.combinations, 200);
  EXPECT_EQ(totals.combinations, totals.agreements + totals.known + totals.disagreements);

  std::printf(
      "policy agreement with RGW: %d combinations (engine: %d Allow, %d Deny), %d "
      "agreements, %d known deviations, %d disagreements\n",
      totals.combinations, totals.by_engine["Allow"], totals.by_engine["Deny"], totals.agreements,
      totals.known, totals.disagreements);
  for (const KnownDeviation& d : KnownDeviations()) {
    std::printf("  %-40s %3d  %s\n", d.name, totals.deviations_seen[d.name], d.reason);
  }
  std::printf(
      "  generated permission policies RGW rejected for actions it does not know "
      "(applied without them): %d\n",
      SpecRun::rejected_documents_);
}

}  // namespace
}  // namespace crossdock::iam
