// The Redshift clients against the fake Redshift (scripts/peers/redshift_fake.py), which runs
// the SQL on the PostgreSQL peer and UNLOAD / COPY against the RGW peer with the IAM_ROLE.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <random>

#include "aws/redshift/redshift_peer.h"

namespace crossdock::aws::redshift {
namespace {

using testing::Env;

std::string Suffix() {
  std::random_device rd;
  return std::to_string(rd() % 100000000);
}

class RedshiftItest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_REDSHIFT_PEER();
    auto creds = testing::StagingRoleCredentials();
    ASSERT_TRUE(creds.ok()) << creds.error().ToString();
    creds_ = *creds;
    auto client = RedshiftDataClient::Create(
        testing::AwsFor(creds_), {Env("RGW_REGION"), Env("CROSSDOCK_REDSHIFT_DATA_ENDPOINT")});
    ASSERT_TRUE(client.ok()) << client.error().ToString();
    data_.emplace(*client);
    poll_.initial_delay = std::chrono::milliseconds(20);
    poll_.max_delay = std::chrono::milliseconds(200);
    poll_.timeout = std::chrono::seconds(60);
  }

  ExecuteStatementParams Sql(std::string sql) {
    ExecuteStatementParams p;
    p.target = testing::Workgroup();
    p.sql = std::move(sql);
    return p;
  }

  void MustRun(const std::string& sql) {
    auto d = data_->Run(Sql(sql), poll_);
    ASSERT_TRUE(d.ok()) << sql << ": " << d.error().ToString();
  }

  AwsCredentials creds_;
  std::optional<RedshiftDataClient> data_;
  PollOptions poll_;
};

std::shared_ptr<s3::S3Client> StagingS3(const AwsCredentials& c) {
  auto o = s3::S3Options::FromAccessKey(c.access_key_id, c.secret_access_key, c.session_token);
  o.region = Env("RGW_REGION");
  o.endpoint_override = Env("RGW_ENDPOINT");
  auto s3 = s3::S3Client::Make(o, testing::Curl());
  return s3.ok() ? *s3 : nullptr;
}

TEST_F(RedshiftItest, QueryPaginatesIntoTypedRows) {
  auto submitted = data_->ExecuteStatement(
      Sql("select g as n, 'row ' || g as label, g * 0.5::float8 as half, g % 2 = 0 as even, "
          "null::int as nothing from generate_series(1, 2500) g order by g"));
  ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
  auto first = data_->DescribeStatement(submitted->id);
  ASSERT_TRUE(first.ok());
  EXPECT_NE(first->status, StatementStatus::kFinished);  // the Data API is asynchronous
  auto d = data_->WaitForStatement(submitted->id, poll_);
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_TRUE(d->has_result_set);
  EXPECT_EQ(d->result_rows, 2500);
  EXPECT_EQ(d->db_user, "IAMR:" + Env("CROSSDOCK_REDSHIFT_ROLE_ARN")
                                      .substr(Env("CROSSDOCK_REDSHIFT_ROLE_ARN").rfind('/') + 1));
  int pages = 0;
  int64_t rows = 0;
  ASSERT_TRUE(data_
                  ->ForEachResultPage(d->id,
                                      [&](StatementResultPage& p) -> Status {
                                        ++pages;
                                        rows += static_cast<int64_t>(p.records.size());
                                        return OkStatus();
                                      })
                  .ok());
  EXPECT_GT(pages, 1);
  EXPECT_EQ(rows, 2500);
  auto all = data_->GetStatementResult(d->id);
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->rows.size(), 2500u);
  const Row& r = all->rows[1];
  EXPECT_EQ(r[0].kind, Field::Kind::kLong);
  EXPECT_EQ(r[0].long_value, 2);
  EXPECT_EQ(r[1].string_value, "row 2");
  EXPECT_EQ(r[2].double_value, 1.0);
  EXPECT_TRUE(r[3].bool_value);
  EXPECT_TRUE(r[4].is_null());
  EXPECT_EQ(all->columns.at(0).type_name, "int4");
}

TEST_F(RedshiftItest, UnloadToStagingThenCopyBack) {
  std::string s = Suffix(), src = "itest_src_" + s, dst = "itest_dst_" + s;
  std::string prefix = Env("RGW_PREFIX") + "/itest-redshift-" + s + "/";
  std::string url = "s3://" + Env("RGW_BUCKET") + "/" + prefix;
  MustRun("create table " + src + " (id bigint, name varchar(40), ok boolean) diststyle even");
  MustRun("insert into " + src + " select g, 'n,' || g, g % 4 = 0 from generate_series(1, 800) g");
  MustRun("unload ('select * from " + src + " where id > 100') to '" + url + "' iam_role '" +
          Env("CROSSDOCK_REDSHIFT_ROLE_ARN") + "' format csv header gzip allowoverwrite");
  auto s3 = StagingS3(creds_);
  ASSERT_NE(s3, nullptr);
  auto objects = s3->ListAllObjects(Env("RGW_BUCKET"), prefix);
  ASSERT_TRUE(objects.ok()) << objects.error().ToString();
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[0].key, prefix + "0000_part_00.gz");
  MustRun("create table " + dst + " (id bigint, name varchar(40), ok boolean)");
  auto copied =
      data_->Run(Sql("copy " + dst + " from '" + url + "' iam_role '" +
                     Env("CROSSDOCK_REDSHIFT_ROLE_ARN") + "' format csv ignoreheader 1 gzip"),
                 poll_);
  ASSERT_TRUE(copied.ok()) << copied.error().ToString();
  EXPECT_EQ(copied->result_rows, 700);
  auto check =
      data_->Query(Sql("select count(*), sum(id), count(*) filter (where ok) from " + dst), poll_);
  ASSERT_TRUE(check.ok()) << check.error().ToString();
  EXPECT_EQ(check->rows.at(0)[0].long_value, 700);
  EXPECT_EQ(check->rows.at(0)[1].ToText(), std::to_string(800 * 801 / 2 - 100 * 101 / 2));
  EXPECT_EQ(check->rows.at(0)[2].long_value, 175);
  for (const auto& o : *objects) EXPECT_TRUE(s3->DeleteObject(Env("RGW_BUCKET"), o.key).ok());
  MustRun("drop table " + src);
  MustRun("drop table " + dst);
}

TEST_F(RedshiftItest, UnloadWithoutS3PermissionIsAccessDenied) {
  std::string url =
      "s3://" + Env("RGW_BUCKET") + "/" + Env("RGW_PREFIX") + "/itest-denied-" + Suffix() + "/";
  auto d = data_->Run(Sql("unload ('select 1') to '" + url + "' iam_role '" +
                          Env("CROSSDOCK_REDSHIFT_RO_ROLE_ARN") + "' format csv"),
                      poll_);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kAccessDenied) << d.error().ToString();
  EXPECT_NE(d.error().message().find("S3ServiceException:Access Denied"), std::string::npos);
  auto untrusted = data_->Run(Sql("unload ('select 1') to '" + url + "' iam_role '" +
                                  Env("CROSSDOCK_REDSHIFT_NOTRUST_ROLE_ARN") + "' format csv"),
                              poll_);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.error().code(), ErrorCode::kAccessDenied);
  EXPECT_NE(untrusted.error().message().find("not authorized to assume IAM Role"),
            std::string::npos);
}

TEST_F(RedshiftItest, TimeoutCancelsTheRunningStatement) {
  auto s = data_->ExecuteStatement(Sql("select pg_sleep(30)"));
  ASSERT_TRUE(s.ok());
  PollOptions quick = poll_;
  quick.timeout = std::chrono::milliseconds(800);
  auto d = data_->WaitForStatement(s->id, quick);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kTimeout);
  auto after = data_->WaitForStatement(s->id, poll_);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code(), ErrorCode::kCancelled) << after.error().ToString();
}

TEST_F(RedshiftItest, FailedStatementAndCatalog) {
  auto missing = data_->Run(Sql("select * from no_such_table_" + Suffix()), poll_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound) << missing.error().ToString();

  std::string t = "itest_cat_" + Suffix();
  MustRun("create table public." + t + " (id bigint not null, note varchar(30))");
  auto dbs = data_->ListDatabases(testing::Workgroup());
  ASSERT_TRUE(dbs.ok()) << dbs.error().ToString();
  EXPECT_EQ(*dbs, std::vector<std::string>{Env("CROSSDOCK_REDSHIFT_DATABASE")});
  CatalogQuery q;
  q.target = testing::Workgroup();
  auto schemas = data_->ListSchemas(q);
  ASSERT_TRUE(schemas.ok());
  EXPECT_NE(std::find(schemas->begin(), schemas->end(), "public"), schemas->end());
  q.schema_pattern = "public";
  q.table_pattern = t;
  auto tables = data_->ListTables(q);
  ASSERT_TRUE(tables.ok()) << tables.error().ToString();
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_EQ((*tables)[0].type, "TABLE");
  q.schema = "public";
  q.table = t;
  auto cols = data_->DescribeTable(q);
  ASSERT_TRUE(cols.ok()) << cols.error().ToString();
  ASSERT_EQ(cols->size(), 2u);
  EXPECT_EQ((*cols)[0].name, "id");
  EXPECT_EQ((*cols)[0].nullable, 0);
  EXPECT_EQ((*cols)[1].type_name, "varchar");
  EXPECT_EQ((*cols)[1].length, 30);
  MustRun("drop table public." + t);

  DataApiTarget wrong = testing::Workgroup();
  wrong.workgroup_name = "no-such-workgroup";
  auto nowg = data_->ListDatabases(wrong);
  ASSERT_FALSE(nowg.ok());
  EXPECT_EQ(nowg.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(nowg.error().aws_code(), "ResourceNotFoundException");
}

TEST_F(RedshiftItest, GetCredentialsLogsInWithLibpq) {
  auto sls = RedshiftServerlessClient::Create(
      testing::AwsFor(creds_), {Env("RGW_REGION"), Env("CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT")});
  ASSERT_TRUE(sls.ok());
  auto c = sls->GetCredentials(
      {Env("CROSSDOCK_REDSHIFT_WORKGROUP"), Env("CROSSDOCK_REDSHIFT_DATABASE"), 900});
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->db_user.rfind("IAMR:", 0), 0u);
  EXPECT_GT(c->expiration, std::chrono::system_clock::now() + std::chrono::minutes(14));
  const char* keys[] = {"host", "port", "dbname", "user", "password", "connect_timeout", nullptr};
  std::string host = Env("CROSSDOCK_REDSHIFT_PG_HOST"), port = Env("CROSSDOCK_REDSHIFT_PG_PORT"),
              db = Env("CROSSDOCK_REDSHIFT_PG_DATABASE");
  const char* values[] = {host.c_str(),           port.c_str(), db.c_str(), c->db_user.c_str(),
                          c->db_password.c_str(), "10",         nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 0);
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* res = PQexec(conn, "select current_user");
  ASSERT_EQ(PQresultStatus(res), PGRES_TUPLES_OK);
  EXPECT_EQ(std::string(PQgetvalue(res, 0, 0)), c->db_user);
  PQclear(res);
  PQfinish(conn);
  values[4] = "wrong-password";
  conn = PQconnectdbParams(keys, values, 0);
  EXPECT_NE(PQstatus(conn), CONNECTION_OK);
  PQfinish(conn);
}

}  // namespace
}  // namespace crossdock::aws::redshift
