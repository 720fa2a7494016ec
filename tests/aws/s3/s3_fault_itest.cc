// Uploads and downloads through the fault-injecting proxy in front of the real peer
// (scripts/peers/fault_proxy.py): connection resets mid-body in both directions, 503
// SlowDown, stalls and answers lost after the request took effect. Every transfer must end
// byte-identical with no multipart upload left behind.
#include <gtest/gtest.h>

#include "aws/s3/s3_peer.h"
#include "crossdock/aws/s3/downloader.h"
#include "crossdock/aws/s3/multipart_uploader.h"
#include "crossdock/core/hex.h"

namespace crossdock::aws::s3 {
namespace {

using namespace crossdock::aws::s3::testing;  // NOLINT

// Sends one JSON command to the proxy's control API.
void Control(const std::string& method, const std::string& path, const std::string& body = {}) {
  http::CurlTransport t;
  http::HttpRequest r;
  r.method = method;
  r.url = Env("CROSSDOCK_FAULT_CONTROL") + path;
  r.body = body;
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  auto resp = t.Send(r);
  ASSERT_TRUE(resp.ok()) << resp.error().ToString();
  ASSERT_LT(resp->status, 300) << resp->body;
}

int Injected() {
  http::CurlTransport t;
  http::HttpRequest r;
  r.url = Env("CROSSDOCK_FAULT_CONTROL") + "/stats";
  auto resp = t.Send(r);
  if (!resp.ok()) return -1;
  // {"requests":N,"injected":{"a":n,...}}: sum the counters after "injected".
  int total = 0;
  std::string b = resp->body.substr(resp->body.find("injected"));
  for (size_t p = b.find(':'); p != std::string::npos; p = b.find(':', p + 1)) {
    total += std::atoi(b.c_str() + p + 1);
  }
  return total;
}

class S3FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!::crossdock::testing::MissingEnv({"CROSSDOCK_FAULT_PROXY", "CROSSDOCK_FAULT_CONTROL",
                                           "RGW_ENDPOINT", "RGW_CUSTOMER_ACCESS_KEY",
                                           "RGW_CUSTOMER_SECRET_KEY", "RGW_BUCKET"})
             .empty()) {
      return;
    }
    direct_ = CustomerClient();
    S3Options o =
        S3Options::FromAccessKey(Env("RGW_CUSTOMER_ACCESS_KEY"), Env("RGW_CUSTOMER_SECRET_KEY"));
    o.endpoint_override = Env("CROSSDOCK_FAULT_PROXY");
    o.region = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
    o.part_size = 5 * kMiB;
    o.multipart_threshold = 5 * kMiB;
    o.concurrency = 4;
    o.retry.max_attempts = 8;
    o.retry.base_delay = std::chrono::milliseconds(20);
    o.transport.low_speed_time_s = 1;  // a stall of over a second is a timeout, then a retry
    proxied_ = S3Client::Make(o).value();
    bucket_ = Env("RGW_BUCKET");
    prefix_ = RunPrefix(::testing::UnitTest::GetInstance()->current_test_info()->name());
    Control("DELETE", "/faults");
    Control("DELETE", "/stats");
    file_ = ::testing::TempDir() + "/crossdock_fault_" + std::to_string(::getpid()) + ".bin";
    sha_ = WriteRandomFile(file_, 40 * kMiB + 17, 11);
  }
  void TearDown() override {
    if (!direct_) return;
    Control("DELETE", "/faults");
    EXPECT_TRUE(direct_->ListAllMultipartUploads(bucket_, prefix_)->empty())
        << "orphaned multipart uploads under " << prefix_;
    Cleanup(*direct_, bucket_, prefix_);
    std::remove(file_.c_str());
    std::remove((file_ + ".down").c_str());
  }

  // Reads the object back directly (no faults) and compares it with the source file.
  void ExpectStoredIdentical(const std::string& key) {
    crypto::Sha256Hasher h;
    auto r = Downloader(direct_).DownloadToSink(bucket_, key, [&](std::string_view c) {
      h.Update(c);
      return OkStatus();
    });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(HexEncode(h.Final()), HexEncode(sha_));
  }

  std::shared_ptr<S3Client> direct_, proxied_;
  std::string bucket_, prefix_, file_, sha_;
};

#define REQUIRE_FAULT_PEER()                                                       \
  REQUIRE_PEER("CROSSDOCK_FAULT_PROXY", "CROSSDOCK_FAULT_CONTROL", "RGW_ENDPOINT", \
               "RGW_CUSTOMER_ACCESS_KEY", "RGW_CUSTOMER_SECRET_KEY", "RGW_BUCKET")

TEST_F(S3FaultTest, UploadSurvivesResetsAndSlowDowns) {
  REQUIRE_FAULT_PEER();
  // Faults on parts and on CompleteMultipartUpload (CreateMultipartUpload is spared: a lost
  // answer to it leaves an empty upload only a prefix sweep can find, see multipart_uploader.h).
  Control("PUT", "/faults",
          R"j({"seed":3,"reset_request_mid_body":0.15,"slowdown_503":0.15,)j"
          R"j("reset_before_response":0.1,"match":"^(PUT .*partNumber=|POST .*uploadId=)"})j");
  auto r = MultipartUploader(proxied_).UploadFile(bucket_, prefix_ + "up.bin", file_);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_GT(Injected(), 0);
  Control("DELETE", "/faults");
  ExpectStoredIdentical(prefix_ + "up.bin");
}

TEST_F(S3FaultTest, LostCompleteAnswerIsRecognised) {
  REQUIRE_FAULT_PEER();
  Control("POST", "/rules",
          R"({"method":"POST","path":"uploadId=","fault":"reset_before_response","count":1})");
  auto r = MultipartUploader(proxied_).UploadFile(bucket_, prefix_ + "lost.bin", file_);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(Injected(), 1);
  ExpectStoredIdentical(prefix_ + "lost.bin");
}

TEST_F(S3FaultTest, DownloadSurvivesResetsMidBodyAndStalls) {
  REQUIRE_FAULT_PEER();
  ASSERT_TRUE(MultipartUploader(direct_).UploadFile(bucket_, prefix_ + "down.bin", file_).ok());
  Control("POST", "/rules",
          R"({"method":"GET","path":"down\\.bin","fault":"reset_response_mid_body",)"
          R"("count":3,"after_bytes":1000000})");
  Control("POST", "/rules",
          R"({"method":"GET","path":"down\\.bin","fault":"stall","count":1,"stall_ms":2500,)"
          R"("after_bytes":500000})");
  Control("POST", "/rules",
          R"({"method":"GET","path":"down\\.bin","fault":"slowdown_503","count":2})");
  Downloader d(proxied_);
  auto r = d.DownloadToFile(bucket_, prefix_ + "down.bin", file_ + ".down");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_GE(d.resumes(), 3u);
  EXPECT_EQ(HexEncode(FileSha256(file_ + ".down")), HexEncode(sha_));

  // Sequentially into a sink, with more cuts.
  Control("POST", "/rules",
          R"({"method":"GET","path":"down\\.bin","fault":"reset_response_mid_body",)"
          R"("count":2,"after_bytes":3000000})");
  crypto::Sha256Hasher h;
  auto s = d.DownloadToSink(bucket_, prefix_ + "down.bin", [&](std::string_view c) {
    h.Update(c);
    return OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(HexEncode(h.Final()), HexEncode(sha_));
}

TEST_F(S3FaultTest, SmallOperationsRetrySlowDown) {
  REQUIRE_FAULT_PEER();
  for (const char* m : {"PUT", "GET", "HEAD", "DELETE"}) {
    Control("POST", "/rules",
            std::string(R"({"method":")") + m + R"(","fault":"slowdown_503","count":2})");
  }
  ASSERT_TRUE(proxied_->PutObject(bucket_, prefix_ + "s.txt", std::string("small")).ok());
  EXPECT_EQ(proxied_->HeadObject(bucket_, prefix_ + "s.txt")->size, 5u);
  EXPECT_EQ(proxied_->GetObjectAsString(bucket_, prefix_ + "s.txt").value(), "small");
  EXPECT_EQ(proxied_->ListAllObjects(bucket_, prefix_)->size(), 1u);
  ASSERT_TRUE(proxied_->DeleteObject(bucket_, prefix_ + "s.txt").ok());
  EXPECT_EQ(Injected(), 8);
}

TEST_F(S3FaultTest, PersistentFailureAbortsWithoutOrphans) {
  REQUIRE_FAULT_PEER();
  // Every attempt at part 3 fails: the upload gives up and aborts (TearDown checks).
  Control("POST", "/rules",
          R"({"method":"PUT","path":"partNumber=3&","fault":"error","status":500,)"
          R"("code":"InternalError","count":100})");
  auto r = MultipartUploader(proxied_).UploadFile(bucket_, prefix_ + "fail.bin", file_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message().find("aborted"), std::string::npos) << r.error().message();
  EXPECT_FALSE(direct_->HeadObject(bucket_, prefix_ + "fail.bin").ok());
}

}  // namespace
}  // namespace crossdock::aws::s3
