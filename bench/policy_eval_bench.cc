// Policy evaluation throughput on the vendor documents' policies (seeds 000, 003, 004) and on
// what the generator writes. Each iteration is one decision; items_per_second is decisions
// per second on one core. Target: at least 1,000,000. Run:
//   build/bench/policy_eval_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/generate.h"

namespace crossdock::iam {
namespace {

// Seed 000's permission policy, as the vendor prints it.
constexpr const char* kSeed000Permission = R"({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "PolytomicBucket", "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject",
                   "s3:GetBucketLocation"],
        "Resource": ["arn:aws:s3:::syncoutput/*", "arn:aws:s3:::syncoutput"]}]})";

// Seed 003's dual trust policy with its placeholders filled in.
constexpr const char* kSeed003Trust = R"({
"Version": "2012-10-17",
"Statement": [{"Effect": "Allow",
  "Principal": {"AWS": ["arn:aws:iam::568237466542:root",
    "arn:aws:iam::414351767826:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL",
    "arn:aws:iam::111122223333:role/staging"]},
  "Action": "sts:AssumeRole",
  "Condition": {"StringEquals": {"sts:ExternalId": ["polytomic-id", "databricks-id"]}}}]})";

// Seed 004's UNLOAD trust policy.
constexpr const char* kSeed004Trust = R"({
"Version": "2012-10-17",
"Statement": [
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::568237466542:root"},
 "Action": "sts:AssumeRole",
 "Condition": {"StringEquals": {"sts:ExternalId": "a1efa791-4530-43a0-962d-74e2ccf18309"}}},
{"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"},
 "Action": "sts:AssumeRole"}]})";

std::vector<NamedPolicy> Policies(const char* text) { return {{"policy", *ParsePolicy(text)}}; }

void Run(benchmark::State& state, const std::vector<NamedPolicy>& policies,
         const std::vector<Request>& requests, Decision expect) {
  size_t i = 0;
  int64_t wrong = 0;
  for (auto _ : state) {
    Decision d = Decide(policies, requests[i]);
    wrong += d != expect;
    benchmark::DoNotOptimize(d);
    if (++i == requests.size()) i = 0;
  }
  if (wrong != 0) state.SkipWithError("unexpected decision");
  state.SetItemsProcessed(state.iterations());
}

void BM_Seed000PermissionAllow(benchmark::State& state) {
  auto policies = Policies(kSeed000Permission);
  std::vector<Request> requests;
  for (const char* a : {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}) {
    requests.emplace_back("arn:aws:iam::111122223333:role/polytomic", a,
                          "arn:aws:s3:::syncoutput/exports/2024/part-0001.parquet");
  }
  requests.emplace_back("arn:aws:iam::111122223333:role/polytomic", "s3:ListBucket",
                        "arn:aws:s3:::syncoutput");
  Run(state, policies, requests, Decision::kAllow);
}
BENCHMARK(BM_Seed000PermissionAllow);

void BM_Seed000PermissionImplicitDeny(benchmark::State& state) {
  auto policies = Policies(kSeed000Permission);
  std::vector<Request> requests;
  requests.emplace_back("arn:aws:iam::111122223333:role/polytomic", "s3:GetObject",
                        "arn:aws:s3:::another-bucket/key");
  requests.emplace_back("arn:aws:iam::111122223333:role/polytomic", "s3:PutBucketPolicy",
                        "arn:aws:s3:::syncoutput");
  Run(state, policies, requests, Decision::kImplicitDeny);
}
BENCHMARK(BM_Seed000PermissionImplicitDeny);

void BM_Seed003TrustExternalId(benchmark::State& state) {
  auto policies = Policies(kSeed003Trust);
  std::vector<Request> requests;
  for (const char* p :
       {"arn:aws:iam::568237466542:role/convox/worker",
        "arn:aws:iam::414351767826:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL",
        "arn:aws:iam::111122223333:role/staging"}) {
    Request r(p, "sts:AssumeRole", "arn:aws:iam::111122223333:role/staging");
    r.Set("sts:ExternalId", "databricks-id");
    requests.push_back(std::move(r));
  }
  Run(state, policies, requests, Decision::kAllow);
}
BENCHMARK(BM_Seed003TrustExternalId);

void BM_Seed004TrustWrongExternalId(benchmark::State& state) {
  auto policies = Policies(kSeed004Trust);
  Request r("arn:aws:iam::568237466542:root", "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/redshift");
  r.Set("sts:ExternalId", "someone-elses-id");
  Run(state, policies, {r}, Decision::kImplicitDeny);
}
BENCHMARK(BM_Seed004TrustWrongExternalId);

// Every operation a Databricks connection with a bucket path and a KMS key needs, against
// the generated permission policy (six statements, a prefix condition).
void BM_GeneratedDatabricksOperations(benchmark::State& state) {
  ConnectionSpec spec;
  spec.type = ConnectionType::kDatabricks;
  spec.vendor_account = "568237466542";
  spec.external_ids = {"polytomic-id"};
  spec.databricks_external_id = "databricks-id";
  spec.role_arn = "arn:aws:iam::111122223333:role/staging";
  spec.kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd";
  spec.buckets = {{"staging-bucket", "crossdock/stage"}};
  auto generated = GeneratePolicies(spec);
  std::vector<NamedPolicy> policies = {
      {"permission", *ParsePolicy(generated->permission_policy.dump())}};
  std::vector<Request> requests;
  auto operations = RequiredOperations(spec);
  if (!operations.ok() || !generated.ok()) {
    state.SkipWithError("the connection spec is invalid");
    return;
  }
  for (const Operation& op : *operations) {
    Request r(spec.role_arn, op.action, op.resource);
    for (const auto& [k, v] : op.context) r.Set(k, v);
    requests.push_back(std::move(r));
  }
  Run(state, policies, requests, Decision::kAllow);
}
BENCHMARK(BM_GeneratedDatabricksOperations);

// The explained form, for comparison (allocates the traces).
void BM_ExplainSeed004TrustDenial(benchmark::State& state) {
  auto policies = Policies(kSeed004Trust);
  Request r("arn:aws:iam::568237466542:root", "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/redshift");
  r.Set("sts:ExternalId", "someone-elses-id");
  for (auto _ : state) {
    Evaluation ev = Explain(policies, r);
    benchmark::DoNotOptimize(ev);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExplainSeed004TrustDenial);

}  // namespace
}  // namespace crossdock::iam

BENCHMARK_MAIN();
