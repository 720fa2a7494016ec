// The Kinesis source against kinesalite (scripts/peers/start-kinesis.sh), read with the
// credentials the External ID front's STS hands out for the customer's role, as a worker reads
// a customer's stream. The tests write with raw JSON 1.1 calls (crossdock never writes to a
// stream) and check that every record of every shard lands in exactly one committed run:
// across runs, through splits and merges made between runs and in the middle of one, and when
// the `crossdock worker` executing a run is killed with SIGKILL.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/json_protocol.h"
#include "crossdock/aws/kinesis/deaggregate.h"
#include "crossdock/aws/s3/checksum.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/sync/jobs/service.h"
#include "crossdock/sync/jobs/worker.h"
#include "crossdock/sync/sources/kinesis_source.h"
#include "sync/sync_peers.h"

extern char** environ;

namespace crossdock::sync::testing {
namespace {

namespace fs = std::filesystem;
using aws::kinesis::kSigningName;
using aws::kinesis::kTargetPrefix;
using nlohmann::json;

// One delivered row, identified as Kinesis identifies a user record.
struct Row {
  std::string shard, sequence, partition_key, encoding;
  uint64_t sub = 0;
  json data;
  bool operator<(const Row& o) const {
    return std::tie(shard, sequence, sub) < std::tie(o.shard, o.sequence, o.sub);
  }
};

class KinesisSourcePeer : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PEER("CROSSDOCK_KINESIS_ENDPOINT", "CROSSDOCK_STS_ENDPOINT", "RGW_ROLE_ARN",
                 "RGW_EXTERNAL_ID", "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY");
    transport_ = std::make_shared<http::CurlTransport>();
    aws::AssumeRoleOptions o;
    o.role_arn = Env("RGW_ROLE_ARN");
    o.role_session_name = "crossdock-kinesis-producer";
    o.external_id = Env("RGW_EXTERNAL_ID");
    o.region = "us-east-1";
    o.endpoint_override = Env("CROSSDOCK_STS_ENDPOINT");
    auto vendor = std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
        Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
    auto role = aws::AssumeRoleProvider::Create(vendor, o, transport_, SystemClock::Instance());
    ASSERT_TRUE(role.ok()) << role.error().ToString();
    aws_ = std::make_shared<aws::AwsClient>(transport_, *role, SystemClock::Instance());
    stream_ = "sync-" + RandomSuffix();
    for (char& c : stream_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    dir_ = fs::temp_directory_path() / ("crossdock-kinesis-" + RandomSuffix());
    fs::create_directories(dir_);
  }

  void TearDown() override {
    if (aws_) Call("DeleteStream", {{"StreamName", stream_}}, /*check=*/false);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string StreamArn() const {
    return "arn:aws:kinesis:us-east-1:111122223333:stream/" + stream_;
  }

  json Call(const std::string& op, const json& body, bool check = true) {
    aws::AwsRequest r =
        aws::MakeJsonRequest(Env("CROSSDOCK_KINESIS_ENDPOINT"), "us-east-1", kSigningName,
                             std::string(kTargetPrefix) + op, body.dump(), op);
    auto response = aws_->Send(r);
    if (check) {
      EXPECT_TRUE(response.ok()) << op << ": " << response.error().ToString();
    }
    return response.ok() && !response->body.empty() ? json::parse(response->body) : json();
  }

  void Create(int shards) {
    Call("CreateStream", {{"StreamName", stream_}, {"ShardCount", shards}});
    WaitActive();
  }

  void WaitActive() {
    for (int i = 0; i < 200; ++i) {
      json d = Call("DescribeStreamSummary", {{"StreamName", stream_}});
      if (d["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL() << "stream " << stream_ << " did not become ACTIVE";
  }

  // Puts `n` records numbered from `first` (JSON documents, every fifth one binary) with
  // spread partition keys, in PutRecords calls of 100. Returns the numbers put.
  std::set<int> Put(int first, int n) {
    std::set<int> put;
    for (int i = first; i < first + n;) {
      json records = json::array();
      for (int k = 0; k < 100 && i < first + n; ++k, ++i) {
        std::string data = i % 5 == 4 ? "bin-" + std::to_string(i) + std::string("\x00\xff", 2)
                                      : json({{"n", i}, {"text", "record " + std::to_string(i)}})
                                            .dump(2);  // indented: compacted on the way out
        records.push_back(
            {{"PartitionKey", "key-" + std::to_string(i)}, {"Data", aws::s3::Base64Encode(data)}});
        put.insert(i);
      }
      json r = Call("PutRecords", {{"StreamName", stream_}, {"Records", records}});
      EXPECT_EQ(r.value("FailedRecordCount", -1), 0) << r.dump();
    }
    return put;
  }

  json Shards() { return Call("ListShards", {{"StreamName", stream_}})["Shards"]; }

  // The number a row carries: "n" of a JSON document, or the digits of a binary record.
  static int Number(const Row& r) {
    if (r.encoding == "json") return r.data.value("n", -1);
    std::string raw = r.data.get<std::string>();
    return std::stoi(raw.substr(4));
  }

  // Rows of a run written as JSON Lines under the local destination.
  std::vector<Row> ReadLocalRun(const fs::path& folder) {
    std::vector<Row> out;
    std::ifstream mf(folder / "manifest.json");
    EXPECT_TRUE(mf.good()) << folder;
    if (!mf.good()) return out;
    json manifest = json::parse(mf);
    for (const json& f : manifest["files"]) {
      std::ifstream in(folder / f["name"].get<std::string>());
      std::string line;
      while (std::getline(in, line)) out.push_back(ParseRow(json::parse(line)));
    }
    EXPECT_EQ(out.size(), manifest["rows"].get<size_t>());
    return out;
  }

  static Row ParseRow(const json& j) {
    Row r;
    EXPECT_EQ(j.size(), 8u) << j.dump();
    r.shard = j["shard_id"];
    r.sequence = j["sequence_number"];
    r.sub = j["sub_sequence_number"];
    r.partition_key = j["partition_key"];
    r.encoding = j["data_encoding"];
    EXPECT_TRUE(j["approximate_arrival"].get<std::string>().ends_with("Z"));
    if (r.encoding == "json") {
      r.data = j["data"];
    } else {
      auto raw = aws::DecodeBase64(j["data"].get<std::string>());
      EXPECT_TRUE(raw.ok());
      r.data = raw.ok() ? *raw : "";
    }
    return r;
  }

  // Rows a source reads to its end (one engine-less run), and its end cursor.
  std::vector<Row> Drain(KinesisSource& source, size_t batch_rows = 50,
                         const std::function<void(size_t)>& after_batch = {}) {
    std::vector<Row> out;
    RowBatch batch(8);
    for (size_t n = 0;; ++n) {
      batch.Clear();
      auto more = source.Next(batch, batch_rows);
      EXPECT_TRUE(more.ok()) << more.error().ToString();
      if (!more.ok() || !*more) break;
      for (size_t r = 0; r < batch.rows(); ++r) {
        json j;
        const char* names[] = {"stream",
                               "shard_id",
                               "partition_key",
                               "sequence_number",
                               "sub_sequence_number",
                               "approximate_arrival",
                               "data_encoding",
                               "data"};
        for (size_t c = 0; c < 8; ++c) j[names[c]] = std::string(batch.Value(r, c));
        j["sub_sequence_number"] = std::stoull(j["sub_sequence_number"].get<std::string>());
        if (j["data_encoding"] == "json") j["data"] = json::parse(j["data"].get<std::string>());
        if (j["data_encoding"] == "base64") {
          j["data"] = json::parse(j["data"].get<std::string>());  // a JSON string
        }
        EXPECT_EQ(j["stream"], stream_);
        out.push_back(ParseRow(j));
      }
      if (after_batch) after_batch(n);
    }
    return out;
  }

  std::unique_ptr<KinesisSource> MakeSource(std::optional<std::string> cursor, int records_per_call,
                                            int parallel) {
    Connector connector(KinesisConnectorOptions());
    SyncSpec spec = InlineSpec(records_per_call, parallel);
    auto made = connector.MakeSource("org_k", spec, cursor);
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    return std::unique_ptr<KinesisSource>(static_cast<KinesisSource*>(made->release()));
  }

  // The sync tests' connector options without the S3 request audit (these requests go to
  // Kinesis, which the S3 connection's generated policy does not cover).
  ConnectorOptions KinesisConnectorOptions() {
    ConnectorOptions o = PeerConnectorOptions();
    o.transport = transport_;
    o.kinesis_endpoint = Env("CROSSDOCK_KINESIS_ENDPOINT");
    return o;
  }

  SyncSpec InlineSpec(int records_per_call, int parallel) {
    SyncSpec spec;
    spec.source.type = SourceType::kKinesis;
    spec.source.kinesis.stream_arn = StreamArn();
    spec.source.kinesis.role_arn = Env("RGW_ROLE_ARN");
    spec.source.kinesis.external_id = Env("RGW_EXTERNAL_ID");
    spec.source.kinesis.records_per_call = records_per_call;
    spec.source.kinesis.max_parallel_shards = parallel;
    spec.destination.type = DestinationType::kLocal;
    spec.destination.root = (dir_ / "out").string();
    spec.destination.path = "clicks";
    spec.output.format = Format::kJsonLines;
    spec.output.compression = Compression::kNone;
    return spec;
  }

  // Each number exactly once, and nothing else.
  static void ExpectExactlyOnce(const std::vector<Row>& rows, const std::set<int>& want,
                                const std::string& what) {
    std::map<int, int> seen;
    std::set<Row> ids;
    for (const Row& r : rows) {
      ++seen[Number(r)];
      EXPECT_TRUE(ids.insert(r).second) << what << ": duplicate " << r.shard << "/" << r.sequence;
    }
    for (int n : want) EXPECT_EQ(seen[n], 1) << what << ": record " << n;
    EXPECT_EQ(rows.size(), want.size()) << what;
  }

  std::shared_ptr<http::CurlTransport> transport_;
  std::shared_ptr<aws::AwsClient> aws_;
  std::string stream_;
  fs::path dir_;
};

TEST_F(KinesisSourcePeer, EveryShardOnceAcrossRunsThroughTheWorker) {
  Create(4);
  std::set<int> first = Put(0, 300);
  // A KPL aggregate of three user records: three rows, one Kinesis sequence number.
  std::string agg = aws::kinesis::EncodeKplAggregate(
      {{"a", "{\"n\": 1000}"}, {"b", "{\"n\": 1001}"}, {"c", "{\"n\": 1002}"}});
  Call("PutRecord",
       {{"StreamName", stream_}, {"PartitionKey", "agg"}, {"Data", aws::s3::Base64Encode(agg)}});
  first.insert({1000, 1001, 1002});

  store::StoreOptions so;
  so.location = (dir_ / "db.sqlite").string();
  auto store = store::OpenStore(std::move(so));
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto service = SyncService::Open(**store);
  ASSERT_TRUE(service.ok());
  // Seven records a call, two shards at a time: many pages, shards queued behind the bound.
  SyncSpec spec = InlineSpec(7, 2);
  ASSERT_TRUE((*service)->Create("org_k", "clicks", spec).ok());
  Connector connector(KinesisConnectorOptions());
  Worker worker((*service)->jobs(), connector);
  auto run_once = [&]() -> SyncRun {
    auto queued = (*service)->StartRun("org_k", "clicks");
    EXPECT_TRUE(queued.ok()) << queued.error().ToString();
    auto done = worker.RunOnce();
    EXPECT_TRUE(done.ok() && *done) << (done.ok() ? "no run" : done.error().ToString());
    EXPECT_EQ((*done)->status, RunStatus::kSucceeded) << (*done)->error;
    return **done;
  };
  fs::path out = dir_ / "out" / "clicks";

  SyncRun r1 = run_once();
  std::vector<Row> rows1 = ReadLocalRun(out / r1.id);
  ExpectExactlyOnce(rows1, first, "run 1");
  std::set<std::string> shards;
  for (const Row& r : rows1) shards.insert(r.shard);
  EXPECT_EQ(shards.size(), 4u) << "every shard was read";
  size_t json_rows = 0, aggregated = 0;
  for (const Row& r : rows1) {
    json_rows += r.encoding == "json";
    if (r.partition_key == "a" || r.partition_key == "b" || r.partition_key == "c") {
      ++aggregated;
      EXPECT_EQ(r.sub, static_cast<uint64_t>(r.partition_key[0] - 'a'));
    }
    if (Number(r) == 7) {
      EXPECT_EQ(r.data["text"], "record 7");
    }
    if (Number(r) == 9) {
      EXPECT_EQ(r.data.get<std::string>(), std::string("bin-9\x00\xff", 7));
    }
  }
  EXPECT_EQ(aggregated, 3u);
  EXPECT_EQ(json_rows, 243u);  // 240 documents and the aggregate's three; 60 binary
  ASSERT_TRUE(r1.cursor_to.has_value());
  auto cp = DecodeKinesisCheckpoint(*r1.cursor_to);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->shards.size(), 4u);

  // Nothing new: an empty run that keeps the checkpoint.
  SyncRun r2 = run_once();
  EXPECT_EQ(r2.rows, 0u);
  EXPECT_EQ(ReadLocalRun(out / r2.id).size(), 0u);
  EXPECT_EQ(r2.cursor_to, r1.cursor_to);

  std::set<int> second = Put(2000, 150);
  SyncRun r3 = run_once();
  ExpectExactlyOnce(ReadLocalRun(out / r3.id), second, "run 3");
  auto def = (*service)->Get("org_k", "clicks");
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->cursor, r3.cursor_to) << "the committed run's checkpoint is the sync's cursor";
}

TEST_F(KinesisSourcePeer, SplitAndMergeMidRunAndBetweenRuns) {
  Create(2);
  std::set<int> want = Put(0, 200);
  json shards = Shards();
  ASSERT_EQ(shards.size(), 2u);
  std::string s0 = shards[0]["ShardId"], s1 = shards[1]["ShardId"];

  // Run 1, one record a call and one shard at a time: shard 0 is split while it is read.
  auto source = MakeSource(std::nullopt, 1, 1);
  ASSERT_TRUE(source->Open().ok());
  bool split = false;
  std::vector<Row> run1 = Drain(*source, 10, [&](size_t batch) {
    if (batch != 2 || split) return;
    split = true;
    // Children: [0, 2^126) and [2^126, 2^127), shard 0's range is [0, 2^127).
    Call("SplitShard", {{"StreamName", stream_},
                        {"ShardToSplit", s0},
                        {"NewStartingHashKey", "85070591730234615865843651857942052864"}});
    WaitActive();
    for (int n : Put(1000, 60)) want.insert(n);  // lands in the children and shard 1
  });
  ASSERT_TRUE(split);
  auto cursor1 = source->EndCursor();
  ASSERT_TRUE(source->Close().ok());
  ASSERT_TRUE(cursor1.has_value());
  auto cp1 = DecodeKinesisCheckpoint(*cursor1);
  ASSERT_TRUE(cp1.ok()) << *cursor1;
  // The parent was closed mid-run and read to its end; the children were not listed at Open.
  EXPECT_TRUE(cp1->drained.count(s0)) << *cursor1;

  // Between runs: merge the upper child with shard 1 (adjacent hash ranges).
  json after_split = Shards();
  ASSERT_EQ(after_split.size(), 4u);
  std::string lower = after_split[2]["ShardId"], upper = after_split[3]["ShardId"];
  Call("MergeShards",
       {{"StreamName", stream_}, {"ShardToMerge", upper}, {"AdjacentShardToMerge", s1}});
  WaitActive();
  for (int n : Put(3000, 80)) want.insert(n);
  // kinesalite dates a new shard's first second of records one second ahead (its shards are
  // created "1 s from now"), past the next run's start: they would be the run after's.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  json after_merge = Shards();
  ASSERT_EQ(after_merge.size(), 5u);
  std::string merged = after_merge[4]["ShardId"];
  EXPECT_EQ(after_merge[4]["AdjacentParentShardId"], s1);

  auto source2 = MakeSource(cursor1, 3, 4);
  ASSERT_TRUE(source2->Open().ok());
  std::vector<Row> run2 = Drain(*source2);
  auto cursor2 = source2->EndCursor();
  std::vector<std::string> order = source2->read_order();
  ASSERT_TRUE(source2->Close().ok());

  std::vector<Row> all = run1;
  all.insert(all.end(), run2.begin(), run2.end());
  ExpectExactlyOnce(all, want, "runs 1 and 2");
  // A child starts only after its parents were drained: the merged shard after both of its
  // parents, whose reads started before it.
  auto pos = [&](const std::string& id) {
    return std::find(order.begin(), order.end(), id) - order.begin();
  };
  ASSERT_LT(pos(merged), static_cast<long>(order.size())) << "the merged shard was read";
  EXPECT_LT(pos(upper), pos(merged));
  EXPECT_LT(pos(s1), pos(merged));
  EXPECT_LT(pos(lower), static_cast<long>(order.size()));
  // In the output too, every row of a parent comes before any row of its child.
  auto last_of = [&](const std::string& shard) {
    long last = -1;
    for (size_t i = 0; i < run2.size(); ++i) {
      if (run2[i].shard == shard) last = static_cast<long>(i);
    }
    return last;
  };
  auto first_of = [&](const std::string& shard) {
    for (size_t i = 0; i < run2.size(); ++i) {
      if (run2[i].shard == shard) return static_cast<long>(i);
    }
    return static_cast<long>(run2.size());
  };
  EXPECT_LT(last_of(upper), first_of(merged));
  EXPECT_LT(last_of(s1), first_of(merged));
  auto cp2 = DecodeKinesisCheckpoint(*cursor2);
  ASSERT_TRUE(cp2.ok());
  EXPECT_TRUE(cp2->drained.count(upper) && cp2->drained.count(s1)) << *cursor2;

  // A third run from that checkpoint reads nothing again.
  auto source3 = MakeSource(cursor2, 100, 4);
  ASSERT_TRUE(source3->Open().ok());
  EXPECT_TRUE(Drain(*source3).empty());
  ASSERT_TRUE(source3->Close().ok());
}

TEST_F(KinesisSourcePeer, ARunEndsAtTheTipItSawAndLatestStartsAtTheFirstRun) {
  Create(1);
  Put(0, 20);
  auto spec = InlineSpec(5, 1);
  spec.source.kinesis.start.kind = KinesisStart::Kind::kLatest;
  Connector connector(KinesisConnectorOptions());
  auto made = connector.MakeSource("org_k", spec, std::nullopt);
  ASSERT_TRUE(made.ok());
  auto& latest = static_cast<KinesisSource&>(**made);
  ASSERT_TRUE(latest.Open().ok());
  // Records put while the run reads are past its tip.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Put(100, 10);
  EXPECT_TRUE(Drain(latest).empty()) << "latest: nothing before the first run";
  auto cursor = latest.EndCursor();
  ASSERT_TRUE(latest.Close().ok());
  auto next = MakeSource(cursor, 5, 1);
  ASSERT_TRUE(next->Open().ok());
  ExpectExactlyOnce(Drain(*next), {100, 101, 102, 103, 104, 105, 106, 107, 108, 109},
                    "after latest");
  ASSERT_TRUE(next->Close().ok());
}

pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& log) {
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  EXPECT_EQ(rc, 0) << args[0];
  return pid;
}

int RunCli(const std::vector<std::string>& args, const std::vector<std::string>& env,
           const std::string& log) {
  pid_t pid = Spawn(args, env, log);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadText(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `crossdock sync create` and `crossdock worker`, the real binary, on a SQLite store; the
// worker executing the first run is killed with SIGKILL halfway through; a second worker
// takes the run over; every record lands once across the committed runs.
TEST_F(KinesisSourcePeer, KilledWorkerMidRunThenEveryRecordOnce) {
  Create(3);
  std::set<int> first = Put(0, 1500);
  std::string bin = CROSSDOCK_BINARY;
  std::string db = (dir_ / "cli.db").string();
  std::string log = (dir_ / "cli.log").string();
  std::vector<std::string> env = {"CROSSDOCK_DB=" + db,
                                  "AWS_ACCESS_KEY_ID=" + Env("RGW_VENDOR_ACCESS_KEY"),
                                  "AWS_SECRET_ACCESS_KEY=" + Env("RGW_VENDOR_SECRET_KEY")};
  json spec = {
      {"source",
       {{"type", "kinesis"},
        {"stream_arn", StreamArn()},
        {"role_arn", Env("RGW_ROLE_ARN")},
        {"external_id", Env("RGW_EXTERNAL_ID")},
        {"records_per_call", 1},
        {"max_parallel_shards", 1}}},
      {"destination", {{"type", "local"}, {"root", (dir_ / "out").string()}, {"path", "clicks"}}},
      {"format", "jsonl"},
      {"compression", "none"}};
  ASSERT_EQ(RunCli({bin, "sync", "create", "--init", "clicks", "--spec", spec.dump()}, env, log), 0)
      << ReadText(log);
  ASSERT_EQ(RunCli({bin, "sync", "run", "clicks", "--queue-only"}, env, log), 0) << ReadText(log);

  store::StoreOptions so;
  so.location = db;
  auto store = store::OpenStore(std::move(so));
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto service = SyncService::Open(**store);
  ASSERT_TRUE(service.ok());
  auto syncs = (*service)->jobs().ListAllSyncs();
  ASSERT_TRUE(syncs.ok());
  ASSERT_EQ(syncs->size(), 1u);
  std::string org = (*syncs)[0].org_id;

  std::vector<pid_t> workers;
  struct Reaper {
    std::vector<pid_t>& pids;
    ~Reaper() {
      for (pid_t pid : pids) {
        if (pid <= 0) continue;
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } reaper{workers};
  std::vector<std::string> worker_args = {bin,          "worker", "--heartbeat-ms", "100",
                                          "--lease-ms", "1500",   "--poll-ms",      "100"};
  auto with_id = [&](const char* id) {
    auto a = worker_args;
    a.push_back("--id");
    a.push_back(id);
    return a;
  };
  workers.push_back(Spawn(with_id("victim"), env, log));
  // Kill it once it has delivered rows of the run, well before the run's end.
  std::string run_id;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto runs = (*service)->ListRuns(org, "clicks");
    if (runs.ok() && !runs->items.empty()) {
      const SyncRun& r = runs->items[0];
      run_id = r.id;
      if (r.status == RunStatus::kRunning && r.rows > 0) break;
      ASSERT_FALSE(IsFinal(r.status)) << "the run ended before the kill; " << r.error;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(workers[0], SIGKILL);
  waitpid(workers[0], nullptr, 0);
  workers[0] = 0;
  ASSERT_FALSE(run_id.empty());

  workers.push_back(Spawn(with_id("survivor"), env, log));
  auto wait_final = [&](const std::string& id) -> SyncRun {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (std::chrono::steady_clock::now() < until) {
      auto r = (*service)->GetRun(org, id);
      if (r.ok() && IsFinal(r->status)) return *r;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "run " << id << " did not finish; log:\n" << ReadText(log);
    return SyncRun{};
  };
  SyncRun r1 = wait_final(run_id);
  EXPECT_EQ(r1.status, RunStatus::kSucceeded) << r1.error << "\n" << ReadText(log);
  EXPECT_EQ(r1.attempt, 2) << "the killed worker's run was taken over";
  EXPECT_EQ(r1.worker_id, "survivor");
  fs::path out = dir_ / "out" / "clicks";
  ExpectExactlyOnce(ReadLocalRun(out / run_id), first, "the taken-over run");

  std::set<int> second = Put(5000, 40);
  ASSERT_EQ(RunCli({bin, "sync", "run", "clicks", "--queue-only"}, env, log), 0);
  auto runs = (*service)->ListRuns(org, "clicks");
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->items.size(), 2u);
  SyncRun r2 = wait_final(runs->items[0].id == run_id ? runs->items[1].id : runs->items[0].id);
  EXPECT_EQ(r2.status, RunStatus::kSucceeded) << r2.error;
  ExpectExactlyOnce(ReadLocalRun(out / r2.id), second, "the next run");
  // Only the two committed runs' folders are in the destination.
  size_t folders = 0;
  for (const auto& e : fs::directory_iterator(out)) folders += e.is_directory();
  EXPECT_EQ(folders, 2u);
}

}  // namespace
}  // namespace crossdock::sync::testing
