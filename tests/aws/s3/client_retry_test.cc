// S3-specific retry and error cases through the real AwsClient with canned answers: 503
// SlowDown, a 200 CompleteMultipartUpload carrying an error, RequestTimeTooSkewed with
// clock correction, non-retryable errors naming operation, bucket and key, and the
// checksum-header degradation.
#include <gtest/gtest.h>

#include "aws/s3/scripted_transport.h"
#include "crossdock/aws/s3/checksum.h"
#include "crossdock/aws/s3/s3_client.h"
#include "crossdock/core/time_format.h"

namespace crossdock::aws::s3 {
namespace {

using testing::Reply;
using testing::ScriptedTransport;
using testing::Seen;

struct Fixture {
  ManualClock clock{ParseAmzDate("20260101T000000Z").value()};
  std::shared_ptr<ScriptedTransport> transport;
  std::shared_ptr<S3Client> client;

  explicit Fixture(ScriptedTransport::Handler handler) {
    transport = std::make_shared<ScriptedTransport>(std::move(handler));
    S3Options o = S3Options::FromAccessKey("AKIDEXAMPLE", "secret");
    o.endpoint_override = "http://127.0.0.1:7480";
    o.clock = &clock;
    o.retry.jitter = [] { return 0.5; };
    client = S3Client::Make(o, transport).value();
  }
};

TEST(ClientRetryTest, SlowDownIsRetriedWithBackoff) {
  int calls = 0;
  Fixture f([&](const Seen&, const http::BodySink*) -> Result<http::HttpResponse> {
    if (++calls <= 2) return Reply(503, testing::kSlowDown);
    return Reply(200, "", {{"ETag", "\"e\""}});
  });
  auto start = f.clock.Now();
  auto r = f.client->PutObject("bkt", "k", std::string("data"));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(calls, 3);
  EXPECT_GT(f.clock.Now(), start);  // backed off (on the injected clock)
}

TEST(ClientRetryTest, SlowDownUntilAttemptsRunOutIsThrottledNamingTheObject) {
  Fixture f([&](const Seen&, const http::BodySink*) -> Result<http::HttpResponse> {
    return Reply(503, testing::kSlowDown);
  });
  auto r = f.client->HeadObject("bkt", "dir/k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kThrottled);
  EXPECT_EQ(f.transport->seen().size(), 5u);  // RetryOptions::max_attempts
}

TEST(ClientRetryTest, CompleteMultipartUploadErrorIn200IsRetried) {
  int completes = 0;
  Fixture f([&](const Seen& s, const http::BodySink*) -> Result<http::HttpResponse> {
    if (s.method == "POST" && s.url.find("uploadId=") != std::string::npos) {
      if (++completes == 1) return Reply(200, testing::kInternalErrorIn200);
      return Reply(200,
                   "<CompleteMultipartUploadResult><ETag>\"x-1\"</ETag>"
                   "</CompleteMultipartUploadResult>");
    }
    return Reply(500);
  });
  std::vector<CompletedPart> parts = {{1, "\"p\"", "", 5}};
  auto r = f.client->CompleteMultipartUpload("bkt", "k", "up1", parts);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->etag, "\"x-1\"");
  EXPECT_EQ(completes, 2);
}

TEST(ClientRetryTest, RequestTimeTooSkewedCorrectsTheClock) {
  std::vector<std::string> dates;
  Fixture f([&](const Seen& s, const http::BodySink*) -> Result<http::HttpResponse> {
    dates.push_back(http::FindHeader(s.headers, "X-Amz-Date").value_or(""));
    if (dates.size() == 1) {
      return Reply(403,
                   "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the "
                   "request time and the current time is too large.</Message><RequestTime>"
                   "20260101T000000Z</RequestTime><ServerTime>2026-01-01T01:00:00Z</ServerTime>"
                   "<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>");
    }
    return Reply(200, "", {{"Content-Length", "3"}, {"ETag", "\"e\""}});
  });
  auto r = f.client->HeadObject("bkt", "k");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(dates.size(), 2u);
  EXPECT_EQ(dates[0], "20260101T000000Z");
  // The retry is signed at the server's time (plus the backoff slept on the manual clock).
  EXPECT_TRUE(dates[1].starts_with("20260101T0100")) << dates[1];
  EXPECT_NEAR(f.client->aws().clock_skew().count(), 3600, 1);
}

TEST(ClientRetryTest, NonRetryableErrorsNameOperationBucketAndKey) {
  Fixture f([&](const Seen& s, const http::BodySink*) -> Result<http::HttpResponse> {
    if (s.method == "HEAD") return Reply(404);
    return Reply(403, testing::kAccessDenied);
  });
  auto head = f.client->HeadObject("bkt", "dir/missing.csv");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(head.error().message().find("HeadObject s3://bkt/dir/missing.csv"), std::string::npos)
      << head.error().message();

  auto put = f.client->PutObject("bkt", "out/x", std::string("d"));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(put.error().aws_code(), "AccessDenied");
  EXPECT_EQ(put.error().request_id(), "DENY1");
  EXPECT_NE(put.error().message().find("PutObject s3://bkt/out/x"), std::string::npos);
  EXPECT_EQ(f.transport->seen().size(), 2u);  // one attempt each
}

TEST(ClientRetryTest, ChecksumEchoedMeansVerified) {
  Fixture f([&](const Seen& s, const http::BodySink*) -> Result<http::HttpResponse> {
    auto sum = http::FindHeader(s.headers, "x-amz-checksum-crc32c");
    EXPECT_TRUE(sum.has_value());
    EXPECT_EQ(*sum, ChecksumHeaderValue(Crc32c(s.body)));
    return Reply(200, "", {{"ETag", "\"e\""}, {"x-amz-checksum-crc32c", *sum}});
  });
  auto r = f.client->PutObject("bkt", "k", std::string("payload"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->checksum_verified);
  EXPECT_EQ(f.client->checksum_support(), ChecksumSupport::kVerified);
}

TEST(ClientRetryTest, ChecksumIgnoredIsReportedNotFatal) {
  Fixture f([&](const Seen&, const http::BodySink*) -> Result<http::HttpResponse> {
    return Reply(200, "", {{"ETag", "\"e\""}});  // Ceph RGW 16: accepts, does not check
  });
  auto r = f.client->PutObject("bkt", "k", std::string("payload"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->checksum_verified);
  EXPECT_EQ(f.client->checksum_support(), ChecksumSupport::kIgnored);
}

TEST(ClientRetryTest, ChecksumRejectedIsDroppedAndNotSentAgain) {
  Fixture f([&](const Seen& s, const http::BodySink*) -> Result<http::HttpResponse> {
    if (http::FindHeader(s.headers, "x-amz-checksum-crc32c")) {
      return Reply(400,
                   "<Error><Code>InvalidArgument</Code><Message>x-amz-checksum-crc32c is not "
                   "supported</Message></Error>");
    }
    return Reply(200, "", {{"ETag", "\"e\""}});
  });
  ASSERT_TRUE(f.client->PutObject("bkt", "a", std::string("1")).ok());
  EXPECT_EQ(f.client->checksum_support(), ChecksumSupport::kUnsupported);
  ASSERT_TRUE(f.client->PutObject("bkt", "b", std::string("2")).ok());
  auto seen = f.transport->seen();
  ASSERT_EQ(seen.size(), 3u);  // a with, a without, b without
  EXPECT_FALSE(http::FindHeader(seen[2].headers, "x-amz-checksum-crc32c").has_value());
}

TEST(ClientRetryTest, DeleteObjectsBatchesOfAThousandWithPerKeyErrors) {
  int batches = 0;
  Fixture f([&](const Seen& s, const http::BodySink*) -> Result<http::HttpResponse> {
    ++batches;
    EXPECT_TRUE(s.url.ends_with("?delete"));
    EXPECT_TRUE(http::FindHeader(s.headers, "Content-MD5").has_value());
    size_t keys = 0;
    for (size_t p = s.body.find("<Key>"); p != std::string::npos; p = s.body.find("<Key>", p + 1)) {
      ++keys;
    }
    EXPECT_LE(keys, 1000u);
    if (s.body.find("<Key>k1500</Key>") != std::string::npos) {
      return Reply(200,
                   "<DeleteResult><Error><Key>k1500</Key><Code>AccessDenied</Code><Message>Access "
                   "Denied</Message></Error></DeleteResult>");
    }
    return Reply(200, "<DeleteResult/>");
  });
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) keys.push_back("k" + std::to_string(i));
  auto r = f.client->DeleteObjects("bkt", keys);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(r->deleted.size(), 2499u);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].key, "k1500");
  EXPECT_EQ(r->errors[0].code, "AccessDenied");
}

}  // namespace
}  // namespace crossdock::aws::s3
