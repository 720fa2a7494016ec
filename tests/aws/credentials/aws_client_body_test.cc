// AwsClient's cost path on retries: the body is hashed once per Send (not once per attempt)
// and every attempt sends the same bytes, signed with the cached signing key.
#include <gtest/gtest.h>

#include <atomic>

#include "aws/credentials/canned_transport.h"
#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/core/time_format.h"
#include "crossdock/crypto/sha256.h"

namespace crossdock::aws {
namespace {

// A streamed body that counts how many bytes were read from it in total.
class CountingSource final : public http::BodySource {
 public:
  explicit CountingSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t size) override {
    size_t n = std::min(size, data_.size() - pos_);
    std::copy_n(data_.data() + pos_, n, buf);
    pos_ += n;
    bytes_read += n;
    return n;
  }
  Status Rewind() override {
    pos_ = 0;
    return OkStatus();
  }
  uint64_t Size() const override { return data_.size(); }
  std::atomic<uint64_t> bytes_read{0};

 private:
  std::string data_;
  size_t pos_ = 0;
};

AwsClient Client(std::shared_ptr<testing::CannedTransport> transport, Clock& clock) {
  AwsCredentials c{"AKIDEXAMPLE", "secret", "", std::nullopt};
  RetryOptions retry;
  retry.jitter = [] { return 0.0; };
  return AwsClient(std::move(transport), std::make_shared<StaticCredentialsProvider>(c), clock,
                   retry);
}

TEST(AwsClientBody, StreamedBodyIsHashedOnceAcrossRetries) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<testing::CannedTransport>();
  transport->Answer(503, "<Error><Code>SlowDown</Code></Error>");
  transport->Answer(503, "<Error><Code>SlowDown</Code></Error>");
  transport->Answer(200, "");
  AwsClient client = Client(transport, clock);
  std::string payload(1 << 20, 'x');
  auto source = std::make_shared<CountingSource>(payload);
  AwsRequest r;
  r.http.method = "PUT";
  r.http.url = "http://127.0.0.1:1/bucket/key";
  r.http.body_source = source;
  r.signing.region = "us-east-1";
  r.signing.service = "s3";
  r.signing.s3_rules = true;
  ASSERT_TRUE(client.Send(r).ok());
  auto sent = transport->sent();
  ASSERT_EQ(sent.size(), 3u);
  // One pass to hash, one per attempt to send: 4 MiB read, not 6.
  EXPECT_EQ(source->bytes_read.load(), 4u * payload.size());
  for (const auto& s : sent) {
    EXPECT_EQ(s.body, payload);
    EXPECT_EQ(http::FindHeader(s.headers, "x-amz-content-sha256").value_or(""),
              crypto::Sha256Hex(payload));
  }
}

TEST(AwsClientBody, InMemoryBodyIsSentUnchangedOnEveryAttempt) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<testing::CannedTransport>();
  transport->Answer(500, "<Error><Code>InternalError</Code></Error>");
  transport->Answer(200, "ok");
  AwsClient client = Client(transport, clock);
  AwsRequest r;
  r.http.method = "POST";
  r.http.url = "https://sts.us-east-1.amazonaws.com/";
  r.http.body = "Action=AssumeRole&Version=2011-06-15";
  r.signing.region = "us-east-1";
  r.signing.service = "sts";
  auto response = client.Send(r);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body, "ok");
  auto sent = transport->sent();
  ASSERT_EQ(sent.size(), 2u);
  for (const auto& s : sent) EXPECT_EQ(s.body, "Action=AssumeRole&Version=2011-06-15");
  // Same time, same body: both attempts carry the same signature.
  EXPECT_EQ(http::FindHeader(sent[0].headers, "Authorization"),
            http::FindHeader(sent[1].headers, "Authorization"));
  EXPECT_EQ(r.http.body, "Action=AssumeRole&Version=2011-06-15");  // the caller's is untouched
}

}  // namespace
}  // namespace crossdock::aws
