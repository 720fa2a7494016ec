// SigV4 signing cost per request with a cached signing key (the steady state of a client
// sending many S3 requests): a GetObject with a session token, a PutObject part with a
// precomputed payload hash, and a ListObjectsV2 with a query string. The companion
// bench/sigv4_botocore_bench.py measures botocore's cost for the same requests; results in
// BENCHMARKS.md.
#include <benchmark/benchmark.h>

#include "crossdock/aws/s3/requests.h"
#include "crossdock/aws/sigv4/signer.h"
#include "crossdock/core/time_format.h"

namespace {

using crossdock::aws::AwsCredentials;
using crossdock::aws::sigv4::SigningConfig;

AwsCredentials Creds() {
  AwsCredentials c;
  c.access_key_id = "ASIAEXAMPLEEXAMPLE12";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  c.session_token = std::string(300, 'T');  // STS session tokens are a few hundred bytes
  return c;
}

SigningConfig Config() {
  SigningConfig config;
  config.region = "us-east-1";
  config.service = "s3";
  config.s3_rules = true;
  config.time = crossdock::ParseAmzDate("20260101T000000Z").value();
  return config;
}

void Sign(benchmark::State& state, crossdock::http::HttpRequest request, SigningConfig config) {
  AwsCredentials creds = Creds();
  crossdock::aws::sigv4::SigningKeyCache cache;
  for (auto _ : state) {
    crossdock::http::HttpRequest r = request;
    auto result = crossdock::aws::sigv4::SignRequest(r, creds, config, cache);
    benchmark::DoNotOptimize(result);
  }
}

void BM_SignGetObject(benchmark::State& state) {
  crossdock::http::HttpRequest r;
  r.method = "GET";
  r.url = "https://customer-bucket.s3.us-east-1.amazonaws.com/sync/2026/01/01/part-00042.csv.zst";
  r.headers = {{"Range", "bytes=0-8388607"}};
  SigningConfig c = Config();
  c.unsigned_payload = true;
  Sign(state, r, c);
}
BENCHMARK(BM_SignGetObject);

void BM_SignUploadPart(benchmark::State& state) {
  crossdock::http::HttpRequest r;
  r.method = "PUT";
  r.url =
      "https://customer-bucket.s3.us-east-1.amazonaws.com/sync/big.bin?partNumber=17&uploadId="
      "2~Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA";
  r.headers = {{"Content-Length", "8388608"}, {"x-amz-checksum-crc32c", "4waSgw=="}};
  SigningConfig c = Config();
  c.unsigned_payload = true;
  Sign(state, r, c);
}
BENCHMARK(BM_SignUploadPart);

void BM_SignListObjectsV2(benchmark::State& state) {
  crossdock::http::HttpRequest r;
  r.method = "GET";
  r.url =
      "https://customer-bucket.s3.us-east-1.amazonaws.com/?list-type=2&encoding-type=url&prefix="
      "sync%2F2026%2F&delimiter=%2F&continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J";
  SigningConfig c = Config();
  c.payload_hash = crossdock::aws::sigv4::kEmptySha256;
  Sign(state, r, c);
}
BENCHMARK(BM_SignListObjectsV2);

// Building and signing, as S3Client does per request (builder + signer).
void BM_BuildAndSignHeadObject(benchmark::State& state) {
  AwsCredentials creds = Creds();
  crossdock::aws::sigv4::SigningKeyCache cache;
  crossdock::aws::s3::RequestContext ctx{"https://s3.us-east-1.amazonaws.com", "us-east-1",
                                          crossdock::aws::s3::AddressingStyle::kAuto};
  SigningConfig c = Config();
  for (auto _ : state) {
    auto req = crossdock::aws::s3::BuildHeadObject(ctx, "customer-bucket", "sync/a/b.csv");
    req->signing.time = c.time;
    auto result = crossdock::aws::sigv4::SignRequest(req->http, creds, req->signing, cache);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_BuildAndSignHeadObject);

}  // namespace

BENCHMARK_MAIN();
