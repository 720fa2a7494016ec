#include "crossdock/connect/connection_check.h"

#include <fmt/format.h>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/endpoints.h"
#include "crossdock/aws/kinesis/kinesis_client.h"
#include "crossdock/aws/s3/scoped_bucket.h"
#include "crossdock/connect/check_diagnosis.h"
#include "crossdock/connect/check_policies.h"
#include "crossdock/connect/databricks_check.h"
#include "crossdock/connect/postgres_login.h"
#include "crossdock/connect/redshift_check.h"
#include "crossdock/crypto/random.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/iam/generate.h"
#include "crossdock/iam/operations.h"

namespace crossdock::connect {
namespace {

using Millis = std::chrono::milliseconds;

// Runs `body` and records its duration into the check.
template <typename F>
CheckResult Timed(std::string id, std::string title, Clock& clock, F&& body) {
  CheckResult r;
  r.id = std::move(id);
  r.title = std::move(title);
  auto start = std::chrono::steady_clock::now();
  body(r);
  r.duration = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
  (void)clock;
  return r;
}

CheckResult Skipped(std::string id, std::string title, std::string why) {
  CheckResult r;
  r.id = std::move(id);
  r.title = std::move(title);
  r.status = CheckStatus::kSkip;
  r.message = std::move(why);
  return r;
}

std::string RandomHex(size_t bytes) {
  std::string raw = crypto::RandomBytes(bytes);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

class Checker {
 public:
  Checker(const CheckInput& input, const CheckEnvironment& env, Clock& clock,
          std::shared_ptr<http::HttpTransport> transport, aws::Partition partition)
      : in_(input),
        c_(input.connection),
        env_(env),
        clock_(clock),
        transport_(std::move(transport)),
        partition_(std::move(partition)) {
    ctx_.role_arn = c_.auth_method == AuthMethod::kIamRole ? c_.role_arn : "";
    ctx_.vendor_principal = env.vendor_principal_arn.empty()
                                ? iam::VendorPrincipalArn(partition_.id, env.vendor_account)
                                : env.vendor_principal_arn;
    ctx_.region = c_.region;
    ctx_.bucket = c_.bucket;
    ctx_.kms_key_arn = c_.kms_key_arn;
  }

  ConnectionCheckReport Run() {
    report_.connection = c_.name;
    ReadDocuments();
    aws::CredentialsProviderPtr creds =
        c_.auth_method == AuthMethod::kIamRole ? AssumeChecks() : AccessKeyCredentials();
    creds_ = creds;
    if (c_.type == ConnectionType::kDatabricks && creds) SelfAssumeCheck(creds);
    if (c_.type == ConnectionType::kDatabricks) {
      RunDatabricksChecks(c_, env_.databricks_endpoint, transport_, clock_, report_.checks);
    }
    if (c_.type == ConnectionType::kRedshiftServerless) {
      if (creds) {
        RedshiftCheckEnvironment rs_env;
        rs_env.data_endpoint = env_.redshift_data_endpoint;
        rs_env.serverless_endpoint = env_.redshift_serverless_endpoint;
        rs_env.vpc_database = env_.redshift_vpc_database;
        rs_env.transport = transport_;
        rs_env.clock = &clock_;
        rs_env.retry = env_.retry;
        RunRedshiftChecks(c_, creds, rs_env, ctx_, report_.checks);
      }
      // Without a staging bucket (a Data API source without UNLOAD) there is nothing more.
      if (c_.bucket.empty()) {
        AddDocumentChecks(in_, ctx_, env_.vendor_account, report_.checks);
        return std::move(report_);
      }
    }
    if (c_.type == ConnectionType::kKinesis) {
      KinesisChecks(creds);
    } else if (creds) {
      S3Checks(creds);
    } else {
      for (const char* id :
           {"bucket_region", "list_objects", "key_exists", "put_object", "get_object",
            "head_object", "create_multipart_upload", "list_parts", "list_multipart_uploads",
            "abort_multipart_upload", "copy_object", "delete_objects", "delete_object"}) {
        report_.checks.push_back(
            Skipped(id, id, "skipped: crossdock has no working credentials for this connection"));
      }
    }
    AddDocumentChecks(in_, ctx_, env_.vendor_account, report_.checks);
    return std::move(report_);
  }

 private:
  void ReadDocuments() {
    auto read = [&](const std::optional<std::string>& text, const char* id, const char* what,
                    std::optional<iam::Policy>& into) {
      if (!text) return;
      auto policy = iam::ParsePolicy(*text);
      if (policy.ok()) {
        into = std::move(policy).value();
        return;
      }
      CheckResult r;
      r.id = id;
      r.title = fmt::format("Read the {} you supplied", what);
      r.status = CheckStatus::kFail;
      r.message = policy.error().message();
      r.diagnosis = fmt::format("The {} is not a valid IAM policy document.", what);
      r.fix = fmt::format(
          "Fix the document (crossdock policy check FILE --type {} shows every "
          "problem with its line and column).",
          std::string_view(id) == "trust_policy_document" ? "trust" : "identity");
      report_.checks.push_back(std::move(r));
    };
    read(in_.permission_policy, "permission_policy_document", "permission policy",
         ctx_.permission_policy);
    read(in_.trust_policy, "trust_policy_document", "trust policy", ctx_.trust_policy);
  }

  aws::AssumeRoleOptions AssumeOptions(const std::string& external_id) const {
    aws::AssumeRoleOptions o;
    o.role_arn = c_.role_arn;
    o.role_session_name = aws::MakeRoleSessionName(c_.name.empty() ? "test" : c_.name);
    o.external_id = external_id;
    o.region = c_.region;
    o.endpoint_override = env_.sts_endpoint;
    o.caller = ctx_.vendor_principal;
    return o;
  }

  // One AssumeRole, uncached. Returns the error, or nullopt when it worked.
  std::optional<Error> TryAssume(const std::string& external_id) {
    auto provider = aws::AssumeRoleProvider::Create(
        env_.vendor_credentials, AssumeOptions(external_id), transport_, clock_, env_.retry);
    if (!provider.ok()) return provider.error();
    auto creds = (*provider)->GetCredentials();
    if (!creds.ok()) return creds.error();
    return std::nullopt;
  }

  aws::CredentialsProviderPtr AssumeChecks() {
    aws::CredentialsProviderPtr working;
    const std::string& current = in_.external_ids.front();
    report_.checks.push_back(Timed(
        "assume_role", fmt::format("Assume {} with the External ID", c_.role_arn), clock_,
        [&](CheckResult& r) {
          for (size_t i = 0; i < in_.external_ids.size(); ++i) {
            const std::string& id = in_.external_ids[i];
            auto cached = aws::MakeCachedAssumeRole(env_.vendor_credentials, AssumeOptions(id),
                                                    transport_, clock_, {}, env_.retry);
            if (!cached.ok()) {
              DiagnoseAssumeRoleFailure(cached.error(), id, ctx_, r);
              r.status = CheckStatus::kFail;
              return;
            }
            auto creds = (*cached)->GetCredentials();
            if (creds.ok()) {
              working = *cached;
              if (i == 0) {
                r.status = CheckStatus::kPass;
                r.message = "assumed with External ID " + id;
              } else {
                r.status = CheckStatus::kWarn;
                r.message = "assumed only with the previous External ID " + id;
                r.diagnosis = "The trust policy still names the previous External ID.";
                r.fix = fmt::format(
                    "Add the new External ID {} to the sts:ExternalId condition (both may be "
                    "listed), then confirm the rotation with crossdock org rotate-external-id "
                    "--confirm.",
                    current);
              }
              return;
            }
            if (i == 0) {
              DiagnoseAssumeRoleFailure(creds.error(), id, ctx_, r);
              r.status = CheckStatus::kFail;
            }
          }
        }));
    if (!working) {
      report_.checks.push_back(Skipped("external_id_required",
                                       "Assume the role without an External ID (must fail)",
                                       "skipped: the role could not be assumed at all"));
      report_.checks.push_back(Skipped("external_id_checked",
                                       "Assume the role with a wrong External ID (must fail)",
                                       "skipped: the role could not be assumed at all"));
      return nullptr;
    }
    ConfusedDeputyCheck("external_id_required",
                        "Assume the role without an External ID (must fail)", "");
    ConfusedDeputyCheck("external_id_checked",
                        "Assume the role with a wrong External ID (must fail)",
                        "crossdock-wrong-" + RandomHex(8));
    return working;
  }

  void ConfusedDeputyCheck(const char* id, const char* title, const std::string& external_id) {
    report_.checks.push_back(Timed(id, title, clock_, [&](CheckResult& r) {
      auto error = TryAssume(external_id);
      if (error) {
        RecordError(*error, r);
        bool denied = error->code() == ErrorCode::kAccessDenied;
        r.status = denied ? CheckStatus::kPass : CheckStatus::kWarn;
        r.message = denied ? "refused, as it must be: " + error->message() : error->message();
        if (!denied) {
          r.diagnosis = "STS failed for another reason than a denial; the check is inconclusive.";
          r.fix = "Run the test again.";
        }
        return;
      }
      r.status = CheckStatus::kFail;
      r.message = external_id.empty() ? "the role was assumed without any External ID"
                                      : "the role was assumed with a wrong External ID";
      r.diagnosis =
          "Anyone in the vendor's account who knows the role ARN can assume this role (the "
          "confused deputy problem): the trust policy does not require crossdock's External "
          "ID.";
      r.fix = fmt::format(
          "Add to the trust policy statement that names the vendor: \"Condition\": "
          "{{\"StringEquals\": {{\"sts:ExternalId\": \"{}\"}}}} — StringEquals, not StringLike "
          "with wildcards or an ...IfExists operator.",
          in_.external_ids.front());
    }));
  }

  aws::CredentialsProviderPtr AccessKeyCredentials() {
    if (!c_.secret_access_key.value || c_.access_key_id.empty()) {
      CheckResult r;
      r.id = "credentials";
      r.title = "Read the connection's access key";
      r.status = CheckStatus::kFail;
      r.message = "the connection has no access key id and secret access key";
      r.fix = "Set both on the connection, or switch it to an IAM role.";
      report_.checks.push_back(std::move(r));
      return nullptr;
    }
    return std::make_shared<aws::StaticCredentialsProvider>(
        aws::AwsCredentials{c_.access_key_id, *c_.secret_access_key.value, "", std::nullopt});
  }

  // Databricks storage credentials require a role that can assume itself.
  void SelfAssumeCheck(const aws::CredentialsProviderPtr& role_creds) {
    if (c_.auth_method != AuthMethod::kIamRole) return;
    std::string ext = c_.databricks.external_id;
    report_.checks.push_back(Timed(
        "self_assume", "The role assumes itself (required by Databricks storage credentials)",
        clock_, [&](CheckResult& r) {
          aws::AssumeRoleOptions o = AssumeOptions(ext);
          o.chained = true;
          o.caller = c_.role_arn;
          auto provider =
              aws::AssumeRoleProvider::Create(role_creds, o, transport_, clock_, env_.retry);
          Result<aws::AwsCredentials> creds = provider.ok()
                                                  ? (*provider)->GetCredentials()
                                                  : Result<aws::AwsCredentials>(provider.error());
          if (creds.ok()) {
            r.status = CheckStatus::kPass;
            r.message = "the role's own session assumed it again";
            return;
          }
          RecordError(creds.error(), r);
          r.status = CheckStatus::kFail;
          r.diagnosis =
              "The role cannot assume itself: Databricks blocks storage credentials on "
              "non-self-assuming roles (since January 2025).";
          r.fix = fmt::format(
              "Add {} as a Principal of the trust policy (with the Databricks External ID in "
              "the sts:ExternalId condition) and a statement allowing sts:AssumeRole on {} to "
              "the permission policy.",
              c_.role_arn, c_.role_arn);
        }));
  }

  bool GetPassed() const {
    const CheckResult* get = report_.Find("get_object");
    return get != nullptr && get->status == CheckStatus::kPass;
  }

  std::string BucketArn() const { return fmt::format("arn:{}:s3:::{}", partition_.id, c_.bucket); }

  // How IAM sees an S3 API operation on `full_key` (or the bucket), read from the operation
  // table: the probes test exactly the actions syncs need, named as the fixes name them.
  // `requirement` picks one of several actions (CopyObject: 0 PutObject, 1 GetObject).
  ProbeAction TableProbe(std::string_view api, const std::string& full_key,
                         std::vector<std::pair<std::string, std::string>> context = {},
                         size_t requirement = 0) const {
    ProbeAction p;
    const iam::OperationDef* def = iam::FindOperation(api);
    if (def == nullptr || requirement >= def->requirements.size()) return p;
    const iam::Requirement& r = def->requirements[requirement];
    p.action = r.action;
    if (r.resource == iam::ResourceKind::kBucket) {
      p.resource = BucketArn();
    } else {
      p.resource = ObjectArn(full_key);
      p.grant_resource = ObjectArn(prefix_ + "*");
    }
    p.context = std::move(context);
    return p;
  }
  std::string ObjectArn(const std::string& full_key) const {
    return fmt::format("arn:{}:s3:::{}/{}", partition_.id, c_.bucket, full_key);
  }

  // Runs one probe: pass when `op` succeeds, a diagnosed failure otherwise.
  template <typename Op>
  bool Probe(const char* id, std::string title, const ProbeAction& probe, Op&& op) {
    bool ok = false;
    report_.checks.push_back(Timed(id, std::move(title), clock_, [&](CheckResult& r) {
      Status st = op(r);
      if (st.ok()) {
        if (r.status == CheckStatus::kSkip) r.status = CheckStatus::kPass;
        ok = r.status != CheckStatus::kFail;
        return;
      }
      r.status = CheckStatus::kFail;
      DiagnoseS3Failure(st.error(), probe, ctx_, r);
    }));
    return ok;
  }

  void S3Checks(const aws::CredentialsProviderPtr& creds) {
    aws::s3::S3Options options = aws::s3::S3Options::FromCredentials(creds);
    options.region = c_.region;
    options.endpoint_override = env_.s3_endpoint;
    options.retry = env_.retry;
    options.clock = &clock_;
    // With an SSE-KMS key the write probe encrypts with it, as syncs do, and the read probe
    // decrypts: both need the key (kms:GenerateDataKey, kms:Decrypt).
    options.sse_kms_key_id = c_.kms_key_arn;
    auto client = aws::s3::S3Client::Make(options, transport_);
    if (!client.ok()) {
      CheckResult r;
      r.id = "s3_client";
      r.title = "Prepare the S3 client";
      r.status = CheckStatus::kFail;
      RecordError(client.error(), r);
      r.fix = "Check the connection's region and the S3 endpoint.";
      report_.checks.push_back(std::move(r));
      return;
    }
    prefix_ = c_.path.empty() ? "" : c_.path + "/";
    const std::string& prefix = prefix_;
    aws::s3::ScopedBucket bucket(*client, aws::s3::BucketScope{c_.bucket, prefix});
    const std::string probe_key = std::string(iam::kProbeObjectName) + "-" + RandomHex(6);
    const std::string full_key = prefix + probe_key;
    const std::string where = fmt::format("s3://{}/{}", c_.bucket, prefix);

    Probe("bucket_region", fmt::format("GetBucketLocation s3://{}", c_.bucket),
          TableProbe("s3:GetBucketLocation", ""), [&](CheckResult& r) -> Status {
            ASSIGN_OR_RETURN(std::string region, bucket.GetBucketLocation());
            if (region.empty()) region = "us-east-1";
            r.message = "the bucket is in " + region;
            if (region != c_.region) {
              r.status = CheckStatus::kFail;
              r.diagnosis =
                  fmt::format("The bucket is in {}, the connection says {}.", region, c_.region);
              r.fix = fmt::format("Set the connection's region to {}.", region);
            }
            return OkStatus();
          });
    Probe("list_objects", fmt::format("ListObjectsV2 {} (delimiter /)", where),
          TableProbe("s3:ListObjectsV2", "", {{"s3:prefix", prefix}, {"s3:delimiter", "/"}}),
          [&](CheckResult& r) -> Status {
            ASSIGN_OR_RETURN(auto page, bucket.ListPage("", "/"));
            r.message = fmt::format("listed {} objects and {} folders", page.objects.size(),
                                    page.common_prefixes.size());
            return OkStatus();
          });
    // Syncs ask whether a key exists (a run's manifest) by listing with the key as prefix:
    // a role confined to the path answers a GET of a missing key with 403, not 404.
    Probe("key_exists",
          fmt::format("ListObjectsV2 s3://{}/{} (does a missing key exist?)", c_.bucket, full_key),
          TableProbe("s3:ListObjectsV2", "", {{"s3:prefix", full_key}}),
          [&](CheckResult& r) -> Status {
            ASSIGN_OR_RETURN(bool exists, bucket.Exists(probe_key));
            r.message = exists ? "the key exists" : "answered: no such key";
            if (exists) {
              r.status = CheckStatus::kWarn;
              r.diagnosis = "A key with the connection test's random name already exists.";
              r.fix = "Run the test again.";
            }
            return OkStatus();
          });
    const std::string payload = "crossdock connection test " + probe_key + "\n";
    const std::string sse =
        c_.kms_key_arn.empty() ? "" : fmt::format(" (SSE-KMS with {})", c_.kms_key_arn);
    bool put = Probe("put_object", fmt::format("PutObject s3://{}/{}{}", c_.bucket, full_key, sse),
                     TableProbe("s3:PutObject", full_key), [&](CheckResult& r) -> Status {
                       RETURN_IF_ERROR(bucket.Put(probe_key, payload));
                       r.message = fmt::format("wrote {} bytes", payload.size());
                       return OkStatus();
                     });
    const ProbeAction get_probe = TableProbe("s3:GetObject", full_key);
    if (put) {
      Probe("get_object", fmt::format("GetObject s3://{}/{}", c_.bucket, full_key), get_probe,
            [&](CheckResult& r) -> Status {
              ASSIGN_OR_RETURN(std::string body, bucket.GetAsString(probe_key));
              if (body != payload) {
                r.status = CheckStatus::kFail;
                r.message = "the object read back differs from what was written";
                r.diagnosis = "Something between crossdock and S3 changes object contents.";
                r.fix = "Check proxies and the endpoint URL.";
              } else {
                r.message = "read back the same bytes";
              }
              return OkStatus();
            });
      Probe("head_object", fmt::format("HeadObject s3://{}/{}", c_.bucket, full_key), get_probe,
            [&](CheckResult& r) -> Status {
              ASSIGN_OR_RETURN(auto meta, bucket.Head(probe_key));
              r.message = fmt::format("{} bytes", meta.size);
              if (c_.kms_key_arn.empty()) return OkStatus();
              // The probe was written with the key: S3 must say it stored it that way.
              if (meta.server_side_encryption != "aws:kms") {
                r.status = CheckStatus::kFail;
                r.message = fmt::format("stored with encryption \"{}\", not aws:kms",
                                        meta.server_side_encryption);
                r.diagnosis =
                    "The bucket accepted the write but did not encrypt it with the KMS key.";
                r.fix =
                    "Check that the endpoint is S3 (or supports SSE-KMS) and that no bucket "
                    "policy or proxy strips the x-amz-server-side-encryption headers.";
              } else {
                r.message +=
                    fmt::format(", encrypted with {}",
                                meta.sse_kms_key_id.empty() ? c_.kms_key_arn : meta.sse_kms_key_id);
              }
              return OkStatus();
            });
    } else {
      for (const char* id : {"get_object", "head_object"}) {
        report_.checks.push_back(Skipped(id, id, "skipped: the test object could not be written"));
      }
    }
    std::string upload_id;
    const std::string mpu_key = probe_key + "-multipart";
    bool started = Probe(
        "create_multipart_upload",
        fmt::format("CreateMultipartUpload s3://{}/{}{}", c_.bucket, prefix, mpu_key),
        TableProbe("s3:CreateMultipartUpload", prefix + mpu_key), [&](CheckResult& r) -> Status {
          ASSIGN_OR_RETURN(upload_id, bucket.CreateMultipartUpload(mpu_key));
          r.message = "started an upload";
          return OkStatus();
        });
    if (started) {
      // Confirming the parts of an upload whose CompleteMultipartUpload answer was lost.
      Probe("list_parts", fmt::format("ListParts s3://{}/{}{}", c_.bucket, prefix, mpu_key),
            TableProbe("s3:ListParts", prefix + mpu_key), [&](CheckResult& r) -> Status {
              ASSIGN_OR_RETURN(auto parts,
                               bucket.client().ListParts(c_.bucket, prefix + mpu_key, upload_id));
              r.message = fmt::format("{} parts uploaded", parts.size());
              return OkStatus();
            });
    } else {
      report_.checks.push_back(
          Skipped("list_parts", "list_parts", "skipped: no upload could be started"));
    }
    Probe("list_multipart_uploads", fmt::format("ListMultipartUploads {}", where),
          TableProbe("s3:ListMultipartUploads", "", {{"s3:prefix", prefix}}),
          [&](CheckResult& r) -> Status {
            ASSIGN_OR_RETURN(auto uploads, bucket.ListMultipartUploads(""));
            r.message = fmt::format("{} uploads in progress under the prefix", uploads.size());
            return OkStatus();
          });
    if (started) {
      bool aborted = Probe(
          "abort_multipart_upload",
          fmt::format("AbortMultipartUpload s3://{}/{}{}", c_.bucket, prefix, mpu_key),
          TableProbe("s3:AbortMultipartUpload", prefix + mpu_key), [&](CheckResult& r) -> Status {
            RETURN_IF_ERROR(bucket.AbortMultipartUpload(mpu_key, upload_id));
            r.message = "aborted the upload; no parts are left";
            return OkStatus();
          });
      if (!aborted) {
        report_.checks.back().fix += fmt::format(
            " Until then, the empty upload {} stays under the prefix; a lifecycle "
            "rule AbortIncompleteMultipartUpload removes such uploads.",
            upload_id);
      }
    } else {
      report_.checks.push_back(Skipped("abort_multipart_upload", "abort_multipart_upload",
                                       "skipped: no upload could be started"));
    }
    if (put) {
      // Runs commit staged files with a server-side copy and remove staging in batches.
      const std::string copy_key = probe_key + "-copy";
      bool copied = Probe(
          "copy_object", fmt::format("CopyObject s3://{}/{} to {}", c_.bucket, full_key, copy_key),
          // GetObject on the source passed above: a denial is PutObject's.
          TableProbe("s3:CopyObject", prefix + copy_key, {}, GetPassed() ? 0 : 1),
          [&](CheckResult& r) -> Status {
            auto copied = bucket.Copy(probe_key, copy_key);
            if (!copied.ok() && !c_.kms_key_arn.empty() &&
                copied.error().aws_code() == "NotImplemented") {
              // Ceph RGW (Pacific) cannot copy SSE-KMS objects; AWS can.
              r.status = CheckStatus::kFail;
              RecordError(copied.error(), r);
              r.diagnosis =
                  "The endpoint does not copy SSE-KMS encrypted objects "
                  "(S3-compatible servers such as Ceph RGW answer "
                  "NotImplemented); S3 syncs commit their files by copying "
                  "them, so they would fail here.";
              r.fix =
                  "Use AWS S3 for SSE-KMS buckets, or remove the connection's kms_key_arn (set "
                  "it to an empty string) for this endpoint.";
              return OkStatus();
            }
            RETURN_IF_ERROR(copied);
            r.message = "copied the test object inside the path";
            return OkStatus();
          });
      if (copied) {
        Probe("delete_objects",
              fmt::format("DeleteObjects s3://{}/{}{}", c_.bucket, prefix, copy_key),
              TableProbe("s3:DeleteObjects", prefix + copy_key), [&](CheckResult& r) -> Status {
                std::vector<std::string> keys = {copy_key};
                ASSIGN_OR_RETURN(auto result, bucket.DeleteMany(keys));
                if (!result.errors.empty()) {
                  return Error(result.errors[0].code == "AccessDenied" ? ErrorCode::kAccessDenied
                                                                       : ErrorCode::kInternal,
                               "DeleteObjects " + copy_key + ": " + result.errors[0].code + " " +
                                   result.errors[0].message)
                      .WithAws(result.errors[0].code, 403, "");
                }
                r.message = "removed the copy with a batch delete";
                return OkStatus();
              });
      } else {
        report_.checks.push_back(
            Skipped("delete_objects", "delete_objects", "skipped: nothing was copied"));
      }
      Probe("delete_object", fmt::format("DeleteObject s3://{}/{}", c_.bucket, full_key),
            TableProbe("s3:DeleteObject", full_key), [&](CheckResult& r) -> Status {
              RETURN_IF_ERROR(bucket.Delete(probe_key));
              r.message = "removed the test object";
              return OkStatus();
            });
    } else {
      for (const char* id : {"copy_object", "delete_objects", "delete_object"}) {
        report_.checks.push_back(Skipped(id, id, "skipped: nothing was written"));
      }
    }
  }

 public:
  // The S3 probes alone, with credentials a first run obtained (the unload bucket).
  std::vector<CheckResult> S3Only(const aws::CredentialsProviderPtr& creds) {
    if (creds) S3Checks(creds);
    return std::move(report_.checks);
  }
  const aws::CredentialsProviderPtr& credentials() const { return creds_; }

 private:
  // A failed Kinesis call in the customer's terms: denials name the action and the stream
  // (or the KMS key) with the fix the generated policy would apply.
  void DiagnoseKinesis(const Error& e, const char* action, CheckResult& r) const {
    RecordError(e, r);
    const std::string& stream = c_.kinesis.stream_arn;
    if (e.aws_code() == "KMSAccessDeniedException" ||
        (e.code() == ErrorCode::kAccessDenied && e.message().find("kms:") != std::string::npos)) {
      r.diagnosis = "The stream is encrypted with a KMS key the role may not decrypt with.";
      r.fix =
          iam::GrantFix("kms:Decrypt", c_.kinesis.kms_key_arn.empty() ? "the stream's KMS key ARN"
                                                                      : c_.kinesis.kms_key_arn);
      if (c_.kinesis.kms_key_arn.empty()) {
        r.fix += " Also set the connection's kinesis.kms_key_arn so the generated policy has it.";
      }
    } else if (e.code() == ErrorCode::kAccessDenied || e.code() == ErrorCode::kUnauthenticated) {
      r.diagnosis =
          fmt::format("The role's permission policy does not allow {} on the stream.", action);
      r.fix = iam::GrantFix(action, stream);
    } else if (e.code() == ErrorCode::kNotFound) {
      r.diagnosis = fmt::format("No stream {} in {} is visible to the role.",
                                KinesisStreamName(stream), c_.region);
      r.fix =
          "Check the stream ARN (name, region and account): the role must be in the stream's "
          "account.";
    } else if (e.code() == ErrorCode::kThrottled) {
      r.diagnosis = "Kinesis throttled the test: other consumers share the stream's read quota.";
      r.fix = "Run the test again; if it persists, reduce the stream's other consumers.";
    } else {
      r.diagnosis = "Kinesis refused or did not answer the call.";
      r.fix = "Check the region and the Kinesis endpoint, then run the test again.";
    }
  }

  void KinesisChecks(const aws::CredentialsProviderPtr& creds) {
    const char* ids[] = {"describe_stream", "list_shards", "get_shard_iterator", "get_records"};
    auto skip_rest = [&](size_t from, const std::string& why) {
      for (size_t i = from; i < std::size(ids); ++i) {
        report_.checks.push_back(Skipped(ids[i], ids[i], why));
      }
    };
    if (!creds) {
      skip_rest(0, "skipped: crossdock has no working credentials for this connection");
      return;
    }
    const std::string stream = KinesisStreamName(c_.kinesis.stream_arn);
    auto aws_client = std::make_shared<aws::AwsClient>(transport_, creds, clock_, env_.retry);
    aws::kinesis::KinesisOptions options;
    options.region = c_.region;
    options.endpoint_override = env_.kinesis_endpoint;
    options.throttle_retries = 1;
    auto client = aws::kinesis::KinesisClient::Create(aws_client, options);
    if (!client.ok()) {
      CheckResult r;
      r.id = "kinesis_client";
      r.title = "Prepare the Kinesis client";
      r.status = CheckStatus::kFail;
      RecordError(client.error(), r);
      r.fix = "Check the stream ARN's region and the Kinesis endpoint.";
      report_.checks.push_back(std::move(r));
      return;
    }
    auto step = [&](const char* id, std::string title, const char* action, auto&& op) {
      bool ok = false;
      report_.checks.push_back(Timed(id, std::move(title), clock_, [&](CheckResult& r) {
        Status st = op(r);
        if (st.ok()) {
          r.status = CheckStatus::kPass;
          ok = true;
          return;
        }
        r.status = CheckStatus::kFail;
        DiagnoseKinesis(st.error(), action, r);
      }));
      return ok;
    };
    bool described = step("describe_stream", fmt::format("DescribeStreamSummary {}", stream),
                          "kinesis:DescribeStreamSummary", [&](CheckResult& r) -> Status {
                            ASSIGN_OR_RETURN(auto s, client->DescribeStreamSummary(stream));
                            r.message =
                                fmt::format("{}, {} open shard{}, encryption {}", s.stream_status,
                                            s.open_shard_count, s.open_shard_count == 1 ? "" : "s",
                                            s.encryption_type.empty() ? "NONE" : s.encryption_type);
                            return OkStatus();
                          });
    if (!described) {
      skip_rest(1, "skipped: the stream could not be described");
      return;
    }
    std::vector<aws::kinesis::Shard> shards;
    bool listed =
        step("list_shards", fmt::format("ListShards {}", stream), "kinesis:ListShards",
             [&](CheckResult& r) -> Status {
               aws::kinesis::ListShardsParams p;
               p.stream_name = stream;
               ASSIGN_OR_RETURN(shards, client->ListShards(p));
               r.message = fmt::format("{} shard{}", shards.size(), shards.size() == 1 ? "" : "s");
               return OkStatus();
             });
    if (!listed || shards.empty()) {
      skip_rest(2, listed ? "skipped: the stream has no shards" : "skipped: no shard list");
      return;
    }
    const std::string shard = shards.front().shard_id;
    std::string iterator;
    bool opened = step(
        "get_shard_iterator", fmt::format("GetShardIterator {} {} TRIM_HORIZON", stream, shard),
        "kinesis:GetShardIterator", [&](CheckResult& r) -> Status {
          ASSIGN_OR_RETURN(iterator,
                           client->GetShardIterator(
                               {stream, shard, aws::kinesis::IteratorType::kTrimHorizon, "", {}}));
          r.message = "an iterator at the oldest record";
          return OkStatus();
        });
    if (!opened) {
      skip_rest(3, "skipped: no shard iterator");
      return;
    }
    step("get_records", fmt::format("GetRecords {} (one call, no checkpoint moved)", shard),
         "kinesis:GetRecords", [&](CheckResult& r) -> Status {
           ASSIGN_OR_RETURN(auto page, client->GetRecords(iterator, 10));
           r.message = fmt::format("{} record{} readable", page.records.size(),
                                   page.records.size() == 1 ? "" : "s");
           return OkStatus();
         });
  }

  const CheckInput& in_;
  const Connection& c_;
  const CheckEnvironment& env_;
  Clock& clock_;
  std::shared_ptr<http::HttpTransport> transport_;
  aws::Partition partition_;
  DiagnosisContext ctx_;
  ConnectionCheckReport report_;
  std::string prefix_;  // the connection's path with a trailing '/', or ""
  aws::CredentialsProviderPtr creds_;
};

}  // namespace

const char* CheckStatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass:
      return "pass";
    case CheckStatus::kFail:
      return "fail";
    case CheckStatus::kWarn:
      return "warn";
    case CheckStatus::kSkip:
      return "skip";
  }
  return "skip";
}

bool ConnectionCheckReport::ok() const {
  for (const auto& c : checks) {
    if (c.status == CheckStatus::kFail) return false;
  }
  return true;
}

const CheckResult* ConnectionCheckReport::Find(std::string_view id) const {
  for (const auto& c : checks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

Result<ConnectionCheckReport> RunConnectionCheck(const CheckInput& input,
                                                 const CheckEnvironment& env) {
  const Connection& c = input.connection;
  if (c.type == ConnectionType::kPostgres) {
    ConnectionCheckReport report;
    report.connection = c.name;
    http::OutboundPolicy public_only;
    report.checks = RunPostgresChecks(c, env.outbound ? *env.outbound : public_only);
    return report;
  }
  if (c.type == ConnectionType::kKinesis) {
    if (KinesisStreamName(c.kinesis.stream_arn).empty()) {
      return Error(ErrorCode::kInvalidArgument,
                   "the connection has no Kinesis stream ARN to test; set kinesis.stream_arn",
                   "kinesis.stream_arn");
    }
  } else if (c.bucket.empty() && c.type != ConnectionType::kRedshiftServerless) {
    return Error(ErrorCode::kInvalidArgument, "the connection has no bucket to test; set one",
                 "bucket");
  }
  ASSIGN_OR_RETURN(aws::Partition partition, aws::PartitionForRegion(c.region));
  if (c.auth_method == AuthMethod::kIamRole) {
    if (c.role_arn.empty()) {
      return Error(ErrorCode::kInvalidArgument, "the connection has no role ARN; set one",
                   "role_arn");
    }
    if (input.external_ids.empty() || input.external_ids.front().empty()) {
      return Error(ErrorCode::kInvalidArgument,
                   "the organization has no External ID; one is generated on first use",
                   "external_id");
    }
    if (!env.vendor_credentials) {
      return Error(ErrorCode::kFailedPrecondition,
                   "crossdock has no AWS credentials of its own to assume roles with; configure "
                   "them (environment, profile or instance role)",
                   "vendor_credentials");
    }
  }
  Clock& clock = env.clock != nullptr ? *env.clock : SystemClock::Instance();
  auto transport = env.transport ? env.transport : std::make_shared<http::CurlTransport>();
  Checker checker(input, env, clock, transport, partition);
  ConnectionCheckReport report = checker.Run();
  // Redshift UNLOADs into its own bucket (seed 004's "Unload data to S3"): probed the same
  // way, its checks prefixed "unload_".
  const RedshiftServerlessFields& rs = c.redshift;
  if (c.type == ConnectionType::kRedshiftServerless && rs.unload_enabled &&
      !rs.unload_bucket.empty() && (rs.unload_bucket != c.bucket || rs.unload_path != c.path)) {
    CheckInput unload = input;
    unload.connection.bucket = rs.unload_bucket;
    unload.connection.path = rs.unload_path;
    if (!rs.unload_region.empty()) unload.connection.region = rs.unload_region;
    unload.permission_policy.reset();
    unload.trust_policy.reset();
    Checker second(unload, env, clock, transport, partition);
    for (CheckResult& r : second.S3Only(checker.credentials())) {
      r.id = "unload_" + r.id;
      report.checks.push_back(std::move(r));
    }
  }
  return report;
}

}  // namespace crossdock::connect
