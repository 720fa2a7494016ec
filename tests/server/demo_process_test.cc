// The demo's peer scripts as child processes: their exports captured, their stderr in the
// log, how they ended described in words, and a pending stop signal interrupting a script
// (its process group terminated) without being consumed.
#include "crossdock/server/demo_process.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>

#include "crossdock/crypto/random.h"
#include "crossdock/server/demo.h"

namespace crossdock::server {
namespace {

namespace fs = std::filesystem;

class DemoProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / crypto::RandomId("crossdock-demo-process");
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Log() const { return (dir_ / "script.log").string(); }
  fs::path dir_;
};

TEST_F(DemoProcessTest, CapturesExportsAndLogsAndDescribesTheEnd) {
  auto run = RunScript({"sh", "-c",
                        "echo export A=1; echo \"export B='two words'\"; "
                        "echo port 7480 is already in use >&2; exit 3"},
                       {{"EXTRA", "x"}}, Log(), nullptr);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_FALSE(run->ok());
  EXPECT_EQ(DescribeWaitStatus(run->wait_status), "exited with status 3");
  auto env = ParseExportLines(run->output);
  EXPECT_EQ(env["A"], "1");
  EXPECT_EQ(env["B"], "two words");
  EXPECT_EQ(TailOfFile(Log(), 2), "port 7480 is already in use\n");

  auto with_env = RunScript({"sh", "-c", "echo export E=$EXTRA"}, {{"EXTRA", "x"}}, Log(), nullptr);
  ASSERT_TRUE(with_env.ok());
  EXPECT_TRUE(with_env->ok());
  EXPECT_EQ(ParseExportLines(with_env->output)["E"], "x");
}

TEST_F(DemoProcessTest, KilledBySignalIsSaidInWords) {
  auto run = RunScript({"sh", "-c", "kill -KILL $$"}, {}, Log(), nullptr);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(DescribeWaitStatus(run->wait_status).rfind("was killed by signal 9", 0), 0u)
      << DescribeWaitStatus(run->wait_status);
}

TEST_F(DemoProcessTest, APendingStopSignalInterruptsTheScript) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigset_t old;
  pthread_sigmask(SIG_BLOCK, &stop, &old);
  pthread_kill(pthread_self(), SIGTERM);  // pending: blocked in this thread
  auto t0 = std::chrono::steady_clock::now();
  auto run = RunScript({"sh", "-c", "sleep 30 & wait"}, {}, Log(), &stop);
  auto took = std::chrono::steady_clock::now() - t0;
  // Consume the signal before unblocking it.
  timespec zero{0, 0};
  EXPECT_EQ(sigtimedwait(&stop, nullptr, &zero), SIGTERM);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->interrupted);
  EXPECT_EQ(run->signal_received, SIGTERM);
  EXPECT_FALSE(run->ok());
  EXPECT_LT(took, std::chrono::seconds(10));
}

// The demo applies to its pretend account only what Ceph RGW can hold (S3, STS, IAM) and
// names the rest, instead of failing on a Kinesis or Redshift connection's policy.
TEST(DemoApplicable, KeepsTheStatementsRgwHoldsAndNamesTheRest) {
  auto policy = nlohmann::json::parse(R"({"Version": "2012-10-17", "Statement": [
    {"Sid": "Stream", "Effect": "Allow", "Action": ["kinesis:GetRecords", "kinesis:ListShards"],
     "Resource": "arn:aws:kinesis:us-east-1:111122223333:stream/clicks"},
    {"Sid": "Staging", "Effect": "Allow", "Action": "s3:PutObject",
     "Resource": "arn:aws:s3:::b/p/*"}]})");
  auto [kept, left_out] = DemoApplicable(policy);
  ASSERT_TRUE(kept.is_object());
  ASSERT_EQ(kept["Statement"].size(), 1u);
  EXPECT_EQ(kept["Statement"][0]["Sid"], "Staging");
  EXPECT_EQ(kept["Version"], "2012-10-17");
  EXPECT_EQ(left_out, (std::vector<std::string>{"kinesis:GetRecords", "kinesis:ListShards"}));

  policy["Statement"].erase(1);
  EXPECT_TRUE(DemoApplicable(policy).first.is_null());
}

}  // namespace
}  // namespace crossdock::server
