// /v1/syncs and /v1/syncs/{id}/runs over HTTP: create (and the field each refusal names),
// list, get by id and by name, queue, list, read and cancel runs, delete, and that a run is
// reachable only under its own sync in its own organization. No worker runs here: runs stay
// queued until cancelled.
#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

class SyncsApiTest : public ServerTest {
 public:
  void SetUp() override {
    ServerTest::SetUp();
    CreateS3(token_a_, "exports");
  }

  static json Spec(const std::string& name, const std::string& connection = "exports") {
    return {{"name", name},
            {"source",
             {{"type", "postgres"},
              {"url", "postgresql://app@db.example:5432/shop"},
              {"table", "public.orders"}}},
            {"destination", {{"type", "s3"}, {"connection", connection}, {"path", "orders"}}},
            {"format", "jsonl"}};
  }

  json CreateSync(const std::string& token, const json& body) {
    auto r = Call("POST", "/v1/syncs", token, body.dump());
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, 201) << r->body;
    return Json(r);
  }

  json StartRun(const std::string& token, const std::string& sync) {
    auto r = Call("POST", "/v1/syncs/" + sync + "/runs", token);
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, 202) << r->body;
    return Json(r);
  }
};

TEST_F(SyncsApiTest, CreateListAndGetByIdAndByName) {
  auto r = Call("POST", "/v1/syncs", token_a_, Spec("orders").dump());
  ASSERT_EQ(r->status, 201) << r->body;
  json created = Json(r);
  std::string id = created["id"];
  EXPECT_TRUE(id.starts_with("sync_")) << id;
  EXPECT_EQ(r->get_header_value("Location"), "/v1/syncs/" + id);
  EXPECT_EQ(created["name"], "orders");
  EXPECT_EQ(created["spec"]["destination"]["connection"], "exports");
  EXPECT_EQ(created["spec"]["source"]["table"], "public.orders");
  EXPECT_TRUE(created["cursor"].is_null());

  CreateSync(token_a_, Spec("accounts"));
  auto list = Call("GET", "/v1/syncs", token_a_);
  ASSERT_EQ(list->status, 200) << list->body;
  ASSERT_EQ(Json(list)["syncs"].size(), 2u);
  EXPECT_EQ(Json(list)["syncs"][0]["name"], "accounts");  // by name
  EXPECT_EQ(Json(list)["syncs"][1], created);

  auto by_id = Call("GET", "/v1/syncs/" + id, token_a_);
  ASSERT_EQ(by_id->status, 200) << by_id->body;
  EXPECT_EQ(Json(by_id), created);
  auto by_name = Call("GET", "/v1/syncs/orders", token_a_);
  ASSERT_EQ(by_name->status, 200) << by_name->body;
  EXPECT_EQ(Json(by_name), created);

  ExpectError(Call("GET", "/v1/syncs/missing", token_a_), 404, "sync");
  // Another organization sees none of it.
  EXPECT_EQ(Json(Call("GET", "/v1/syncs", token_b_))["syncs"].size(), 0u);
  ExpectError(Call("GET", "/v1/syncs/" + id, token_b_), 404);
  ExpectError(Call("GET", "/v1/syncs/orders", token_b_), 404);
}

TEST_F(SyncsApiTest, InvalidDefinitionsNameTheFieldAndCreateNothing) {
  ExpectError(Call("POST", "/v1/syncs", token_a_, "{\"name\": "), 400, "body");
  json no_name = Spec("x");
  no_name.erase("name");
  ExpectError(Call("POST", "/v1/syncs", token_a_, no_name.dump()), 400, "name");

  json no_table = Spec("x");
  no_table["source"].erase("table");
  EXPECT_EQ(ExpectError(Call("POST", "/v1/syncs", token_a_, no_table.dump()), 422,
                        "source.table")["code"],
            "invalid_argument");
  json misspelt = Spec("x");
  misspelt["compresion"] = "gzip";
  ExpectError(Call("POST", "/v1/syncs", token_a_, misspelt.dump()), 422, "compresion");
  json password = Spec("x");
  password["source"]["url"] = "postgresql://app:hunter2@db.example/shop";
  auto leaked = Call("POST", "/v1/syncs", token_a_, password.dump());
  ExpectError(leaked, 422, "source.url");
  EXPECT_EQ(leaked->body.find("hunter2"), std::string::npos);
  json tiny = Spec("x");
  tiny["file_size"] = 10;
  ExpectError(Call("POST", "/v1/syncs", token_a_, tiny.dump()), 422);

  // Only the organization's S3 connections, never the server's disk or its own credentials.
  json local = Spec("x");
  local["destination"] = {{"type", "local"}, {"root", "/tmp"}, {"path", "out"}};
  ExpectError(Call("POST", "/v1/syncs", token_a_, local.dump()), 422, "destination.type");
  json local_source = Spec("x");
  local_source["source"] = {{"type", "local"}, {"root", "/etc"}};
  ExpectError(Call("POST", "/v1/syncs", token_a_, local_source.dump()), 422, "source.type");
  json inline_bucket = Spec("x");
  inline_bucket["destination"] = {{"type", "s3"}, {"bucket", "other-bucket"}, {"path", "p"}};
  ExpectError(Call("POST", "/v1/syncs", token_a_, inline_bucket.dump()), 422, "destination.bucket");
  json own_role = Spec("x");
  own_role["destination"]["role_arn"] = "arn:aws:iam::999988887777:role/someone-else";
  own_role["destination"]["external_id"] = "cdx-guessed";
  ExpectError(Call("POST", "/v1/syncs", token_a_, own_role.dump()), 422, "destination.role_arn");
  json endpoint = Spec("x");
  endpoint["destination"]["endpoint"] = "http://attacker.example";
  ExpectError(Call("POST", "/v1/syncs", token_a_, endpoint.dump()), 422, "destination.endpoint");
  ExpectError(Call("POST", "/v1/syncs", token_a_, Spec("x", "nope").dump()), 422,
              "destination.connection");
  // B's connection is not A's to use, by name or by id.
  json b_conn = CreateS3(token_b_, "b-only");
  ExpectError(Call("POST", "/v1/syncs", token_a_, Spec("x", "b-only").dump()), 422,
              "destination.connection");
  ExpectError(Call("POST", "/v1/syncs", token_a_, Spec("x", b_conn["id"]).dump()), 422,
              "destination.connection");
  json s3_source = Spec("x");
  s3_source["source"] = {{"type", "s3"}, {"connection", "b-only"}, {"prefix", "in/"}};
  ExpectError(Call("POST", "/v1/syncs", token_a_, s3_source.dump()), 422, "source.connection");
  // Kinesis: a stored kinesis connection only; an inline stream would choose the endpoint and role.
  json inline_stream = Spec("x");
  inline_stream["source"] = {{"type", "kinesis"},
                             {"stream_arn", "arn:aws:kinesis:us-east-1:999988887777:stream/s"},
                             {"endpoint", "http://attacker.example"}};
  ExpectError(Call("POST", "/v1/syncs", token_a_, inline_stream.dump()), 422, "source.stream_arn");
  json s3_as_stream = Spec("x");
  s3_as_stream["source"] = {{"type", "kinesis"}, {"connection", "exports"}};
  ExpectError(Call("POST", "/v1/syncs", token_a_, s3_as_stream.dump()), 422, "source.connection");
  s3_as_stream["source"]["endpoint"] = "http://attacker.example";
  ExpectError(Call("POST", "/v1/syncs", token_a_, s3_as_stream.dump()), 422, "source.endpoint");
  // PostgreSQL sources only on hosts the operator allowed (workers use their own password).
  json other_db = Spec("x");
  other_db["source"]["url"] = "postgresql://app@store.internal:5432/crossdock";
  ExpectError(Call("POST", "/v1/syncs", token_a_, other_db.dump()), 422, "source.url");
  other_db["source"]["url"] = "host=store.internal dbname=crossdock user=app";
  ExpectError(Call("POST", "/v1/syncs", token_a_, other_db.dump()), 422, "source.url");
  other_db["source"]["url"] = "postgresql:///crossdock";  // the local socket
  ExpectError(Call("POST", "/v1/syncs", token_a_, other_db.dump()), 422, "source.url");
  // Warehouse connections: the organization's own, of the matching type.
  json to_redshift = Spec("x");
  to_redshift["destination"] = {
      {"type", "redshift"}, {"connection", "b-only"}, {"table", "public.orders"}};
  ExpectError(Call("POST", "/v1/syncs", token_a_, to_redshift.dump()), 422,
              "destination.connection");
  to_redshift["destination"]["connection"] = "exports";  // A's, but an S3 connection
  ExpectError(Call("POST", "/v1/syncs", token_a_, to_redshift.dump()), 422,
              "destination.connection");
  json from_redshift = Spec("x");
  from_redshift["source"] = {{"type", "redshift"}, {"connection", "exports"}, {"table", "t"}};
  ExpectError(Call("POST", "/v1/syncs", token_a_, from_redshift.dump()), 422, "source.connection");

  EXPECT_EQ(Json(Call("GET", "/v1/syncs", token_a_))["syncs"].size(), 0u);
  CreateSync(token_a_, Spec("orders"));
  ExpectError(Call("POST", "/v1/syncs", token_a_, Spec("orders").dump()), 409, "name");
  // An S3 source through the organization's own connection is accepted.
  s3_source["source"]["connection"] = "exports";
  CreateSync(token_a_, s3_source);
  EXPECT_EQ(Json(Call("GET", "/v1/syncs", token_a_))["syncs"].size(), 2u);
}

TEST_F(SyncsApiTest, PatchReplacesTheDefinitionButNotWhileARunIsActive) {
  std::string id = CreateSync(token_a_, Spec("orders"))["id"];
  CreateSync(token_a_, Spec("accounts"));
  json edited = Spec("orders-daily");
  edited["destination"]["path"] = "daily";
  edited["format"] = "csv";
  auto patched = Call("PATCH", "/v1/syncs/" + id, token_a_, edited.dump());
  ASSERT_EQ(patched->status, 200) << patched->body;
  json got = Json(Call("GET", "/v1/syncs/" + id, token_a_));
  EXPECT_EQ(got["name"], "orders-daily");
  EXPECT_EQ(got["spec"]["destination"]["path"], "daily");
  EXPECT_EQ(got["spec"]["format"], "csv");
  ExpectError(Call("GET", "/v1/syncs/orders", token_a_), 404);

  // Judged as on create: a name taken by another sync, a refused host, a foreign sync.
  ExpectError(Call("PATCH", "/v1/syncs/" + id, token_a_, Spec("accounts").dump()), 409, "name");
  json other_db = Spec("orders-daily");
  other_db["source"]["url"] = "host=store.internal dbname=crossdock user=app";
  ExpectError(Call("PATCH", "/v1/syncs/" + id, token_a_, other_db.dump()), 422, "source.url");
  ExpectError(Call("PATCH", "/v1/syncs/" + id, token_b_, edited.dump()), 404);

  StartRun(token_a_, id);
  ExpectError(Call("PATCH", "/v1/syncs/" + id, token_a_, edited.dump()), 409, "sync");
}

TEST_F(SyncsApiTest, RunsAreQueuedListedCancelledAndBlockDeletion) {
  std::string id = CreateSync(token_a_, Spec("orders"))["id"];
  auto started = Call("POST", "/v1/syncs/orders/runs", token_a_);
  ASSERT_EQ(started->status, 202) << started->body;
  json run = Json(started);
  std::string run_id = run["id"];
  EXPECT_TRUE(run_id.starts_with("run_")) << run_id;
  EXPECT_EQ(run["status"], "queued");
  EXPECT_EQ(run["sync_id"], id);
  EXPECT_TRUE(run["worker_id"].is_null());
  EXPECT_TRUE(run["started_at"].is_null());
  EXPECT_EQ(started->get_header_value("Location"), "/v1/syncs/" + id + "/runs/" + run_id);

  // One run per sync at a time.
  auto again = ExpectError(Call("POST", "/v1/syncs/" + id + "/runs", token_a_), 409, "sync");
  EXPECT_NE(again["message"].get<std::string>().find(run_id), std::string::npos);
  ExpectError(Call("DELETE", "/v1/syncs/" + id, token_a_), 409, "sync");

  auto runs = Call("GET", "/v1/syncs/" + id + "/runs", token_a_);
  ASSERT_EQ(runs->status, 200) << runs->body;
  ASSERT_EQ(Json(runs)["runs"].size(), 1u);
  EXPECT_EQ(Json(runs)["runs"][0], run);
  auto got = Call("GET", "/v1/syncs/" + id + "/runs/" + run_id, token_a_);
  ASSERT_EQ(got->status, 200) << got->body;
  EXPECT_EQ(Json(got), run);
  EXPECT_EQ(Call("GET", "/v1/syncs/orders/runs/" + run_id, token_a_)->status, 200);
  ExpectError(Call("GET", "/v1/syncs/" + id + "/runs/run_nope", token_a_), 404, "run");

  auto cancelled = Call("POST", "/v1/syncs/" + id + "/runs/" + run_id + "/cancel", token_a_);
  ASSERT_EQ(cancelled->status, 200) << cancelled->body;
  EXPECT_EQ(Json(cancelled)["status"], "cancelled");
  EXPECT_EQ(Json(cancelled)["cancel_requested"], true);
  EXPECT_FALSE(Json(cancelled)["finished_at"].is_null());
  ExpectError(Call("POST", "/v1/syncs/" + id + "/runs/" + run_id + "/cancel", token_a_), 409,
              "run");

  std::string second = StartRun(token_a_, id)["id"];
  auto both = Json(Call("GET", "/v1/syncs/" + id + "/runs", token_a_))["runs"];
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0]["id"], second);  // newest first
  EXPECT_EQ(both[1]["id"], run_id);
  auto one = Call("GET", "/v1/syncs/" + id + "/runs?limit=1", token_a_);
  ASSERT_EQ(one->status, 200) << one->body;
  EXPECT_EQ(Json(one)["runs"].size(), 1u);
  ExpectError(Call("GET", "/v1/syncs/" + id + "/runs?limit=0", token_a_), 422, "limit");
  ExpectError(Call("GET", "/v1/syncs/" + id + "/runs?limit=ten", token_a_), 422, "limit");

  ASSERT_EQ(Call("POST", "/v1/syncs/" + id + "/runs/" + second + "/cancel", token_a_)->status, 200);
  EXPECT_EQ(Call("DELETE", "/v1/syncs/" + id, token_a_)->status, 204);
  ExpectError(Call("GET", "/v1/syncs/" + id, token_a_), 404);
  ExpectError(Call("GET", "/v1/syncs/" + id + "/runs", token_a_), 404);
  ExpectError(Call("DELETE", "/v1/syncs/" + id, token_a_), 404);
}

TEST_F(SyncsApiTest, ARunIsReachableOnlyUnderItsOwnSyncAndOrganization) {
  std::string s1 = CreateSync(token_a_, Spec("orders"))["id"];
  std::string s2 = CreateSync(token_a_, Spec("accounts"))["id"];
  std::string r1 = StartRun(token_a_, s1)["id"];

  // Another sync of the same organization in the path.
  ExpectError(Call("GET", "/v1/syncs/" + s2 + "/runs/" + r1, token_a_), 404, "run");
  ExpectError(Call("POST", "/v1/syncs/" + s2 + "/runs/" + r1 + "/cancel", token_a_), 404, "run");
  ExpectError(Call("GET", "/v1/syncs/accounts/runs/" + r1, token_a_), 404, "run");

  // Another organization: with A's sync in the path, or with its own.
  CreateS3(token_b_, "exports");
  std::string sb = CreateSync(token_b_, Spec("orders"))["id"];
  ExpectError(Call("GET", "/v1/syncs/" + s1 + "/runs/" + r1, token_b_), 404);
  ExpectError(Call("GET", "/v1/syncs/" + sb + "/runs/" + r1, token_b_), 404, "run");
  ExpectError(Call("GET", "/v1/syncs/orders/runs/" + r1, token_b_), 404, "run");
  ExpectError(Call("POST", "/v1/syncs/" + sb + "/runs/" + r1 + "/cancel", token_b_), 404, "run");
  ExpectError(Call("POST", "/v1/syncs/" + s1 + "/runs/" + r1 + "/cancel", token_b_), 404);
  ExpectError(Call("POST", "/v1/syncs/" + s1 + "/runs", token_b_), 404);
  ExpectError(Call("GET", "/v1/syncs/" + s1 + "/runs", token_b_), 404);
  ExpectError(Call("DELETE", "/v1/syncs/" + s1, token_b_), 404);
  // B's "orders" is B's own: its runs list is empty, not A's.
  EXPECT_EQ(Json(Call("GET", "/v1/syncs/orders/runs", token_b_))["runs"].size(), 0u);

  // Nothing of A changed: the run is still queued, the sync still there.
  auto still = Call("GET", "/v1/syncs/" + s1 + "/runs/" + r1, token_a_);
  ASSERT_EQ(still->status, 200) << still->body;
  EXPECT_EQ(Json(still)["status"], "queued");
  EXPECT_EQ(Json(still)["cancel_requested"], false);
  EXPECT_EQ(Json(Call("GET", "/v1/syncs", token_a_))["syncs"].size(), 2u);
}

TEST_F(SyncsApiTest, SyncsAndRunsArePagedAndRunsFiltered) {
  for (int i = 0; i < 5; ++i) CreateSync(token_a_, Spec("s" + std::to_string(i)));
  auto first = Call("GET", "/v1/syncs?limit=2", token_a_);
  ASSERT_EQ(first->status, 200) << first->body;
  ASSERT_EQ(Json(first)["syncs"].size(), 2u);
  std::string cursor = Json(first)["next_cursor"];
  auto second = Json(Call("GET", "/v1/syncs?limit=2&cursor=" + cursor, token_a_));
  ASSERT_EQ(second["syncs"].size(), 2u);
  EXPECT_EQ(second["syncs"][0]["name"], "s2");
  ExpectError(Call("GET", "/v1/syncs?limit=1001", token_a_), 422, "limit");
  // A syncs cursor is not a runs cursor.
  ExpectError(Call("GET", "/v1/syncs/s0/runs?cursor=" + cursor, token_a_), 422, "cursor");

  std::string queued = StartRun(token_a_, "s0")["id"];
  auto cancelled = Call(
      "POST", "/v1/syncs/s1/runs/" + StartRun(token_a_, "s1")["id"].get<std::string>() + "/cancel",
      token_a_);
  ASSERT_EQ(cancelled->status, 200);
  auto runs = Json(Call("GET", "/v1/syncs/s0/runs?status=queued", token_a_));
  ASSERT_EQ(runs["runs"].size(), 1u);
  EXPECT_EQ(runs["runs"][0]["id"], queued);
  EXPECT_TRUE(runs["next_cursor"].is_null());
  EXPECT_TRUE(Json(Call("GET", "/v1/syncs/s0/runs?status=failed", token_a_))["runs"].empty());
  EXPECT_EQ(Json(Call("GET", "/v1/syncs/s1/runs?status=cancelled&since=2020-01-01T00:00:00Z",
                      token_a_))["runs"]
                .size(),
            1u);
  std::string created = runs["runs"][0]["created_at"];  // since is inclusive
  EXPECT_EQ(Json(Call("GET", "/v1/syncs/s0/runs?since=" + created, token_a_))["runs"].size(), 1u);
  EXPECT_TRUE(Json(Call("GET", "/v1/syncs/s1/runs?status=queued", token_a_))["runs"].empty());
  ExpectError(Call("GET", "/v1/syncs/s0/runs?status=done", token_a_), 422, "status");
  ExpectError(Call("GET", "/v1/syncs/s0/runs?since=yesterday", token_a_), 422, "since");
}

}  // namespace
}  // namespace crossdock::server::testing
