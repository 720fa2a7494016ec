// AwsClient's "standard" retry behaviour against a scripted HTTP server on 127.0.0.1: the
// failures a real S3 cannot be made to produce on demand (503 SlowDown, a 200 whose body is
// an error, RequestTimeTooSkewed, ExpiredToken, a refused connection). Time is a ManualClock,
// so backoff is checked exactly without waiting.
#include "crossdock/aws/aws_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <mutex>
#include <thread>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/core/time_format.h"
#include "crossdock/http/curl_transport.h"

namespace crossdock::aws {
namespace {

struct Canned {
  int status;
  std::string body;
  http::Headers headers;
};

// Answers each request with the next canned response (the last one repeats) and records
// what it received.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<Canned> script) : script_(script.begin(), script.end()) {
    server_.set_keep_alive_max_count(1);  // close after each answer: fast shutdown
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back(req);
      Canned c = script_.front();
      if (script_.size() > 1) script_.pop_front();
      res.status = c.status;
      for (const auto& [k, v] : c.headers) res.set_header(k, v);
      res.set_content(c.body, "application/xml");
    };
    server_.Get(".*", handler);
    server_.Put(".*", handler);
    server_.Post(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~ScriptedServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<httplib::Request> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::deque<Canned> script_;
  std::vector<httplib::Request> received_;
};

class CountingProvider final : public CredentialsProvider {
 public:
  Result<AwsCredentials> GetCredentials() override {
    ++calls;
    return AwsCredentials{"AKIDEXAMPLE", "secret", "token-" + std::to_string(invalidations), {}};
  }
  void Invalidate() override { ++invalidations; }
  std::string Describe() const override { return "counting"; }
  int calls = 0;
  int invalidations = 0;
};

const TimePoint kStart = *ParseIso8601("2026-03-01T12:00:00Z");

AwsRequest MakeRequest(const std::string& url, const std::string& method = "GET") {
  AwsRequest r;
  r.http.method = method;
  r.http.url = url;
  r.signing.region = "us-east-1";
  r.signing.service = "s3";
  r.signing.s3_rules = true;
  r.operation = "GetObject s3://bucket/key";
  return r;
}

RetryOptions FixedJitter(double j) {
  RetryOptions o;
  o.jitter = [j] { return j; };
  return o;
}

std::string SlowDownBody() {
  return "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
         "</Error>";
}

TEST(AwsClient, RetriesThrottlingWithCappedExponentialBackoff) {
  ScriptedServer server({{503, SlowDownBody(), {}}, {503, SlowDownBody(), {}}, {200, "ok", {}}});
  ManualClock clock(kStart);
  auto creds = std::make_shared<CountingProvider>();
  AwsClient client(std::make_shared<http::CurlTransport>(), creds, clock, FixedJitter(0.5));
  auto r = client.Send(MakeRequest(server.url("/bucket/key")));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(server.received().size(), 3u);
  EXPECT_EQ(client.attempts_total(), 3u);
  // Full jitter 0.5 of ceilings 100 ms and 200 ms.
  EXPECT_EQ(clock.Now() - kStart, std::chrono::milliseconds(50 + 100));
}

TEST(AwsClient, GivesUpAfterMaxAttemptsWithTheLastError) {
  ScriptedServer server({{503, SlowDownBody(), {}}});
  ManualClock clock(kStart);
  RetryOptions retry = FixedJitter(1.0);
  retry.max_attempts = 4;
  retry.base_delay = std::chrono::milliseconds(1000);
  retry.max_backoff = std::chrono::milliseconds(2500);
  AwsClient client(std::make_shared<http::CurlTransport>(), std::make_shared<CountingProvider>(),
                   clock, retry);
  auto r = client.Send(MakeRequest(server.url("/bucket/key")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kThrottled);
  EXPECT_EQ(r.error().aws_code(), "SlowDown");
  EXPECT_EQ(server.received().size(), 4u);
  // Ceilings 1000, 2000, then capped at 2500.
  EXPECT_EQ(clock.Now() - kStart, std::chrono::milliseconds(1000 + 2000 + 2500));
}

TEST(AwsClient, NonRetryableErrorsSurfaceAtOnceWithTheOperation) {
  ScriptedServer server(
      {{403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>", {}}});
  ManualClock clock(kStart);
  AwsClient client(std::make_shared<http::CurlTransport>(), std::make_shared<CountingProvider>(),
                   clock);
  auto r = client.Send(MakeRequest(server.url("/bucket/key")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(r.error().message(), "GetObject s3://bucket/key: Access Denied");
  EXPECT_EQ(server.received().size(), 1u);
  EXPECT_EQ(clock.Now(), kStart);
}

TEST(AwsClient, CorrectsClockSkewFromTheServerTime) {
  std::string skewed =
      "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request "
      "time and the current time is too large.</Message><ServerTime>2026-03-01T12:15:00Z"
      "</ServerTime></Error>";
  ScriptedServer server({{403, skewed, {}}, {200, "ok", {}}});
  ManualClock clock(kStart);
  AwsClient client(std::make_shared<http::CurlTransport>(), std::make_shared<CountingProvider>(),
                   clock, FixedJitter(0.0));
  auto r = client.Send(MakeRequest(server.url("/bucket/key")));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(client.clock_skew(), std::chrono::seconds(15 * 60));
  auto got = server.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].get_header_value("X-Amz-Date"), "20260301T120000Z");
  EXPECT_EQ(got[1].get_header_value("X-Amz-Date"), "20260301T121500Z");
}

TEST(AwsClient, ExpiredTokenRefreshesCredentialsOnce) {
  std::string expired = "<Error><Code>ExpiredToken</Code><Message>expired</Message></Error>";
  ScriptedServer server({{400, expired, {}}, {200, "ok", {}}});
  ManualClock clock(kStart);
  auto creds = std::make_shared<CountingProvider>();
  AwsClient client(std::make_shared<http::CurlTransport>(), creds, clock, FixedJitter(0.0));
  ASSERT_TRUE(client.Send(MakeRequest(server.url("/b/k"))).ok());
  EXPECT_EQ(creds->invalidations, 1);
  auto got = server.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].get_header_value("X-Amz-Security-Token"), "token-0");
  EXPECT_EQ(got[1].get_header_value("X-Amz-Security-Token"), "token-1");

  ScriptedServer always({{400, expired, {}}});
  auto again = client.Send(MakeRequest(always.url("/b/k")));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kExpiredToken);
  EXPECT_EQ(always.received().size(), 2u);  // one refresh, then the error
}

TEST(AwsClient, TwoHundredWithAnErrorBodyIsRetriedWhenTheOperationSaysSo) {
  std::string internal =
      "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code><Message>We encountered an "
      "internal error. Please try again.</Message></Error>";
  std::string done =
      "<CompleteMultipartUploadResult><ETag>\"abc-2\"</ETag></CompleteMultipartUploadResult>";
  ScriptedServer server({{200, internal, {}}, {200, done, {}}});
  ManualClock clock(kStart);
  AwsClient client(std::make_shared<http::CurlTransport>(), std::make_shared<CountingProvider>(),
                   clock, FixedJitter(0.0));
  AwsRequest req = MakeRequest(server.url("/b/k?uploadId=1"), "POST");
  req.error_may_come_with_200 = true;
  auto r = client.Send(req);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->body, done);
  EXPECT_EQ(server.received().size(), 2u);

  // Without the flag the same 200 is a success.
  ScriptedServer plain({{200, internal, {}}});
  auto ok = client.Send(MakeRequest(plain.url("/b/k")));
  ASSERT_TRUE(ok.ok());
}

TEST(AwsClient, RefusedConnectionIsATransportErrorAfterRetries) {
  // Bind a port, then close it without listening: connecting there is refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  ManualClock clock(kStart);
  RetryOptions retry = FixedJitter(0.0);
  retry.max_attempts = 3;
  AwsClient client(std::make_shared<http::CurlTransport>(), std::make_shared<CountingProvider>(),
                   clock, retry);
  auto r = client.Send(MakeRequest("http://127.0.0.1:" + std::to_string(port) + "/b/k"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kTransport);
  EXPECT_EQ(client.attempts_total(), 3u);
  EXPECT_NE(r.error().message().find("GetObject s3://bucket/key"), std::string::npos);
}

TEST(AwsClient, StreamsSuccessBodiesToTheSinkAndKeepsErrorBodies) {
  std::string big(3 * 1024 * 1024 + 17, 'x');
  ScriptedServer server({{200, big, {}}});
  ManualClock clock(kStart);
  AwsClient client(std::make_shared<http::CurlTransport>(), std::make_shared<CountingProvider>(),
                   clock);
  std::string got;
  http::BodySink sink = [&](std::string_view chunk) {
    got.append(chunk);
    return OkStatus();
  };
  auto r = client.Send(MakeRequest(server.url("/b/k")), &sink);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(got, big);

  ScriptedServer missing({{404, "<Error><Code>NoSuchKey</Code></Error>", {}}});
  got.clear();
  auto nf = client.Send(MakeRequest(missing.url("/b/k")), &sink);
  ASSERT_FALSE(nf.ok());
  EXPECT_EQ(nf.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(got.empty());
}

TEST(AwsClient, SignsEveryAttemptWithTheCredentials) {
  ScriptedServer server({{200, "ok", {}}});
  ManualClock clock(kStart);
  AwsClient client(std::make_shared<http::CurlTransport>(),
                   std::make_shared<StaticCredentialsProvider>(
                       AwsCredentials{"AKIDSTATIC", "secret", "", std::nullopt}),
                   clock);
  AwsRequest req = MakeRequest(server.url("/b/k"), "PUT");
  req.http.body = "hello";
  ASSERT_TRUE(client.Send(req).ok());
  auto got = server.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "hello");
  std::string auth = got[0].get_header_value("Authorization");
  EXPECT_EQ(
      auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDSTATIC/20260301/us-east-1/s3/aws4_request", 0),
      0u)
      << auth;
  EXPECT_EQ(got[0].get_header_value("x-amz-content-sha256"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_FALSE(got[0].has_header("Expect"));
}

}  // namespace
}  // namespace crossdock::aws
