#include <gtest/gtest.h>

#include "aws/redshift/handler_transport.h"
#include "crossdock/databricks/unity_catalog_client.h"

namespace crossdock::databricks {
namespace {

TEST(UnityCatalog, ParseStorageCredential) {
  auto c = ParseStorageCredential(R"({"name":"staging","id":"u-1","read_only":false,
      "aws_iam_role":{"role_arn":"arn:aws:iam::111122223333:role/staging",
      "external_id":"0c8fdf94-953a-4bba-8be3-ae16fdb1df2b",
      "unity_catalog_iam_arn":"arn:aws:iam::414351767826:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL"}})");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->role_arn, "arn:aws:iam::111122223333:role/staging");
  EXPECT_EQ(c->external_id, "0c8fdf94-953a-4bba-8be3-ae16fdb1df2b");
  EXPECT_NE(c->unity_catalog_iam_arn.find("UCMasterRole"), std::string::npos);
  auto azure = ParseStorageCredential(R"({"name":"az","azure_managed_identity":{}})");
  ASSERT_FALSE(azure.ok());
  EXPECT_EQ(azure.error().code(), ErrorCode::kFailedPrecondition);
}

TEST(UnityCatalog, LocationForPicksTheLongestPrefixOnSlashBoundaries) {
  auto locations = ParseExternalLocations(R"({"external_locations":[
      {"name":"bucket","url":"s3://b","credential_name":"c1"},
      {"name":"sync","url":"s3://b/sync/","credential_name":"c2"},
      {"name":"syncx","url":"s3://b/syncx","credential_name":"c3"}]})");
  ASSERT_TRUE(locations.ok());
  ASSERT_EQ(locations->size(), 3u);
  EXPECT_EQ(LocationFor(*locations, "s3://b/sync/run-1/")->name, "sync");
  EXPECT_EQ(LocationFor(*locations, "s3://b/synchro/x")->name, "bucket");
  EXPECT_FALSE(LocationFor(*locations, "s3://other/sync/").has_value());
}

TEST(UnityCatalog, ClientEncodesTheNameAndTypesMissingCredentials) {
  ManualClock clock(TimePoint{});
  auto transport = std::make_shared<testing::HandlerTransport>([](const http::HttpRequest&) {
    http::HttpResponse r;
    r.status = 404;
    r.body =
        R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Storage Credential 'a b' does not exist."})";
    return r;
  });
  auto rest = RestClient::Create(transport, clock, "https://h", "tok");
  ASSERT_TRUE(rest.ok());
  UnityCatalogClient uc(*rest);
  auto c = uc.GetStorageCredential("a b");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(transport->requests().at(0).url,
            "https://h/api/2.1/unity-catalog/storage-credentials/a%20b");
}

}  // namespace
}  // namespace crossdock::databricks
