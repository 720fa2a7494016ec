// The one test suite every Store implementation must pass. Included by sqlite_store_test.cc
// (SQLite, unit tests) and postgres_store_itest.cc (PostgreSQL, integration tests), each of
// which instantiates it with a Backend that hands out fresh, empty databases.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "crossdock/crypto/secretbox.h"
#include "crossdock/crypto/token_hash.h"
#include "crossdock/store/store.h"
#include "store/query_plans.h"
#include "testing/peers.h"

namespace crossdock::store::testing {

struct Backend {
  std::string name;
  // A location (file path or URL) and schema of a fresh, empty database.
  std::function<StoreOptions()> fresh;
  // Drops what `fresh` created (optional).
  std::function<void(const StoreOptions&)> cleanup;
  // An environment variable the backend needs (REQUIRE_PEER), or null.
  const char* peer_env = nullptr;
};

inline std::string PrintBackend(const ::testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

inline crypto::SecretBox Box(char fill) {
  return crypto::SecretBox::FromKey(std::string(crypto::kMasterKeyBytes, fill)).value();
}

class StoreSuite : public ::testing::TestWithParam<Backend> {
 protected:
  StoreSuite() : clock_(std::chrono::system_clock::from_time_t(1767225600)) {}  // 2026-01-01

  void SetUp() override {
    if (GetParam().peer_env != nullptr) REQUIRE_PEER(GetParam().peer_env);
    options_ = GetParam().fresh();
    store_ = Open(Box('k'));
    ASSERT_NE(store_, nullptr);
  }

  void TearDown() override {
    bool opened = store_ != nullptr;
    store_.reset();
    if (opened && GetParam().cleanup) GetParam().cleanup(options_);
  }

  std::unique_ptr<Store> Open(std::optional<crypto::SecretBox> box) {
    StoreOptions o = options_;
    o.secret_box = std::move(box);
    o.clock = &clock_;
    auto s = OpenStore(std::move(o));
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  Organization Org(const std::string& name, const std::string& eid) {
    auto org = store_->CreateOrganization(name, false, eid);
    EXPECT_TRUE(org.ok()) << org.error().ToString();
    return *org;
  }

  ConnectionRecord Conn(const std::string& org_id, const std::string& name,
                        std::map<std::string, std::string> secrets = {}) {
    ConnectionRecord r;
    r.org_id = org_id;
    r.type = "s3";
    r.name = name;
    r.config = R"({"bucket":"b","region":"eu-west-1"})";
    r.secrets = std::move(secrets);
    return r;
  }

  ManualClock clock_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

// ---------------------------------------------------------------------------- organizations

TEST_P(StoreSuite, CreatesOrganizationsWithTheirFirstExternalId) {
  Organization org = Org("acme", "eid-acme-1");
  EXPECT_TRUE(org.id.starts_with("org_"));
  EXPECT_EQ(org.created_at, clock_.Now());
  auto by_id = store_->GetOrganization(org.id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->name, "acme");
  EXPECT_FALSE(by_id->role_only);
  auto by_name = store_->FindOrganizationByName("acme");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, org.id);
  auto ids = store_->ListExternalIds(org.id, false);
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ((*ids)[0].value, "eid-acme-1");
  EXPECT_EQ((*ids)[0].state, ExternalIdState::kCurrent);
  EXPECT_EQ(store_->FindOrganizationByName("nope").error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreSuite, DuplicateOrganizationNameIsAlreadyExistsNamingTheField) {
  Org("acme", "eid-1");
  auto dup = store_->CreateOrganization("acme", false, "eid-2");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().field(), "name");
  // Nothing half-written: the External ID of the failed organization was not kept.
  auto again = store_->CreateOrganization("other", false, "eid-2");
  EXPECT_TRUE(again.ok()) << again.error().ToString();
}

TEST_P(StoreSuite, ExternalIdReusedAcrossOrganizationsIsRefusedAndNothingIsWritten) {
  Org("acme", "eid-shared");
  auto second = store_->CreateOrganization("globex", false, "eid-shared");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(second.error().field(), "external_id");
  EXPECT_EQ(store_->FindOrganizationByName("globex").error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreSuite, RoleOnlySettingPersists) {
  Organization org = Org("acme", "eid-1");
  clock_.Advance(std::chrono::seconds(5));
  auto updated = store_->SetRoleOnly(org.id, true);
  ASSERT_TRUE(updated.ok());
  EXPECT_TRUE(updated->role_only);
  EXPECT_EQ(updated->updated_at, clock_.Now());
  EXPECT_TRUE(store_->GetOrganization(org.id)->role_only);
  EXPECT_EQ(store_->SetRoleOnly("org_missing", true).error().code(), ErrorCode::kNotFound);
  auto list = store_->ListOrganizations({});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
}

// ---------------------------------------------------------------------------- External IDs

TEST_P(StoreSuite, RotationOffersBothIdsUntilConfirmedThenRetiresTheOld) {
  Organization org = Org("acme", "eid-old");
  ASSERT_TRUE(store_->BeginExternalIdRotation(org.id, "eid-new").ok());
  auto ids = store_->ListExternalIds(org.id, false);
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_EQ((*ids)[0].value, "eid-new");
  EXPECT_EQ((*ids)[0].state, ExternalIdState::kCurrent);
  EXPECT_EQ((*ids)[1].value, "eid-old");
  EXPECT_EQ((*ids)[1].state, ExternalIdState::kPrevious);

  // A second rotation before confirming is refused and changes nothing.
  Status again = store_->BeginExternalIdRotation(org.id, "eid-newer");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message().find("--confirm"), std::string::npos);
  EXPECT_EQ(store_->ListExternalIds(org.id, true)->size(), 2u);

  clock_.Advance(std::chrono::hours(1));
  ASSERT_TRUE(store_->ConfirmExternalIdRotation(org.id).ok());
  ids = store_->ListExternalIds(org.id, false);
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ((*ids)[0].value, "eid-new");
  auto all = store_->ListExternalIds(org.id, true);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].state, ExternalIdState::kRetired);
  ASSERT_TRUE((*all)[1].retired_at.has_value());
  EXPECT_EQ(*(*all)[1].retired_at, clock_.Now());

  Status confirm_again = store_->ConfirmExternalIdRotation(org.id);
  EXPECT_EQ(confirm_again.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreSuite, RetiredExternalIdsAreNeverReused) {
  Organization org = Org("acme", "eid-1");
  ASSERT_TRUE(store_->BeginExternalIdRotation(org.id, "eid-2").ok());
  ASSERT_TRUE(store_->ConfirmExternalIdRotation(org.id).ok());
  Status reuse = store_->BeginExternalIdRotation(org.id, "eid-1");
  ASSERT_FALSE(reuse.ok());
  EXPECT_EQ(reuse.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(reuse.error().field(), "external_id");
  // The failed rotation left the current ID current and started nothing.
  auto ids = store_->ListExternalIds(org.id, false);
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ((*ids)[0].value, "eid-2");
  EXPECT_EQ((*ids)[0].state, ExternalIdState::kCurrent);
  EXPECT_EQ(store_->BeginExternalIdRotation("org_missing", "x").error().code(),
            ErrorCode::kNotFound);
}

TEST_P(StoreSuite, ConcurrentRotationsFromSeveralProcessesStartExactlyOne) {
  Organization org = Org("acme", "eid-0");
  constexpr int kWriters = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kWriters; ++i) stores.push_back(Open(Box('k')));
  std::atomic<int> started{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      Status st = stores[i]->BeginExternalIdRotation(org.id, "eid-w" + std::to_string(i));
      if (st.ok())
        ++started;
      else if (st.error().code() == ErrorCode::kFailedPrecondition)
        ++refused;
      else
        ADD_FAILURE() << st.error().ToString();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(started.load(), 1);
  EXPECT_EQ(refused.load(), kWriters - 1);
  EXPECT_EQ(store_->ListExternalIds(org.id, true)->size(), 2u);
}

// ---------------------------------------------------------------------------- vendor identity

TEST_P(StoreSuite, VendorIdentityIsAbsentUntilSetThenReplaced) {
  auto none = store_->GetVendorIdentity("aws");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store_->SetVendorIdentity({"123456789012", "", {}}).ok());
  ASSERT_TRUE(
      store_->SetVendorIdentity({"123456789012", "arn:aws:iam::123456789012:role/v", {}}).ok());
  auto got = store_->GetVendorIdentity("aws");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->account_id, "123456789012");
  EXPECT_EQ((*got)->role_arn, "arn:aws:iam::123456789012:role/v");
  EXPECT_EQ((*got)->partition, "aws");
  EXPECT_EQ((*got)->updated_at, clock_.Now());
}

TEST_P(StoreSuite, VendorIdentitiesAreKeptPerPartition) {
  ASSERT_TRUE(store_->SetVendorIdentity({"111111111111", "", {}, "aws"}).ok());
  ASSERT_TRUE(
      store_
          ->SetVendorIdentity(
              {"222222222222", "arn:aws-us-gov:iam::222222222222:role/gov", {}, "aws-us-gov"})
          .ok());
  EXPECT_FALSE(store_->GetVendorIdentity("aws-cn")->has_value());
  auto gov = store_->GetVendorIdentity("aws-us-gov");
  ASSERT_TRUE(gov.ok() && gov->has_value());
  EXPECT_EQ((*gov)->account_id, "222222222222");
  EXPECT_EQ((*gov)->partition, "aws-us-gov");
  EXPECT_EQ((**store_->GetVendorIdentity("aws")).account_id, "111111111111");
  auto all = store_->ListVendorIdentities();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].partition, "aws");
  EXPECT_EQ((*all)[1].partition, "aws-us-gov");
  // The schema refuses a partition that does not exist.
  EXPECT_FALSE(store_->SetVendorIdentity({"333333333333", "", {}, "aws-mars"}).ok());
  ASSERT_TRUE(store_->DeleteVendorIdentity("aws-us-gov").ok());
  EXPECT_FALSE(store_->GetVendorIdentity("aws-us-gov")->has_value());
  Status again = store_->DeleteVendorIdentity("aws-us-gov");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
}

// A database written by a crossdock with one vendor identity (core schema 1) keeps it as the
// aws partition's after the upgrade.
TEST_P(StoreSuite, TheSingleVendorIdentityOfSchemaOneBecomesTheAwsOne) {
  ASSERT_TRUE(store_->sql()
                  .Transaction([](SqlSession& s) -> Status {
                    RETURN_IF_ERROR(s.ExecScript(
                        "DROP TABLE vendor_identities;"
                        "CREATE TABLE vendor_identity (id BIGINT PRIMARY KEY CHECK (id = 1), "
                        "account_id TEXT NOT NULL, role_arn TEXT NOT NULL, updated_at BIGINT "
                        "NOT NULL);"
                        "INSERT INTO vendor_identity VALUES (1, '568237466542', "
                        "'arn:aws:iam::568237466542:role/prod', 1767225600000);"
                        "DELETE FROM crossdock_migrations WHERE component = 'core' AND "
                        "version = 2"));
                    return OkStatus();
                  })
                  .ok());
  store_.reset();
  store_ = Open(Box('k'));
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(*store_->SchemaVersion("core"), 2);
  auto all = store_->ListVendorIdentities();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].partition, "aws");
  EXPECT_EQ((*all)[0].account_id, "568237466542");
  EXPECT_EQ((*all)[0].role_arn, "arn:aws:iam::568237466542:role/prod");
  EXPECT_EQ((*all)[0].updated_at, clock_.Now());
}

// ---------------------------------------------------------------------------- connections

TEST_P(StoreSuite, ConnectionsRoundTripWithSecretsOnlyWhenAsked) {
  Organization org = Org("acme", "eid-1");
  auto created = store_->CreateConnection(Conn(org.id, "lake", {{"secret_access_key", "s3cr3t"}}));
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_TRUE(created->id.starts_with("conn_"));
  EXPECT_TRUE(created->secrets.empty());
  EXPECT_EQ(created->secret_names, std::vector<std::string>{"secret_access_key"});

  auto names_only = store_->GetConnection(org.id, created->id, SecretAccess::kNamesOnly);
  ASSERT_TRUE(names_only.ok());
  EXPECT_TRUE(names_only->secrets.empty());
  EXPECT_EQ(names_only->secret_names, std::vector<std::string>{"secret_access_key"});
  EXPECT_EQ(names_only->config, R"({"bucket":"b","region":"eu-west-1"})");
  EXPECT_EQ(names_only->created_at, clock_.Now());

  auto with = store_->FindConnectionByName(org.id, "lake", SecretAccess::kDecrypt);
  ASSERT_TRUE(with.ok()) << with.error().ToString();
  EXPECT_EQ(with->secrets.at("secret_access_key"), "s3cr3t");
}

TEST_P(StoreSuite, SecretsAreStoredOnlyAsCiphertext) {
  Organization org = Org("acme", "eid-1");
  auto c = store_->CreateConnection(Conn(org.id, "lake", {{"token", "dapi-very-secret"}}));
  ASSERT_TRUE(c.ok());
  std::string raw;
  ASSERT_TRUE(store_->sql()
                  .Transaction([&](SqlSession& s) -> Status {
                    ASSIGN_OR_RETURN(auto rows, s.Query("SELECT secrets, config, secret_names FROM "
                                                        "connections WHERE id = ?",
                                                        {c->id}));
                    raw = rows.at(0).Text(0) + rows.at(0).Text(1) + rows.at(0).Text(2);
                    EXPECT_TRUE(crypto::IsSealed(rows.at(0).Text(0)));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(raw.find("dapi-very-secret"), std::string::npos);
}

TEST_P(StoreSuite, ConnectionNamesAreUniquePerOrganizationOnly) {
  Organization a = Org("acme", "eid-a");
  Organization b = Org("globex", "eid-b");
  ASSERT_TRUE(store_->CreateConnection(Conn(a.id, "lake")).ok());
  auto dup = store_->CreateConnection(Conn(a.id, "lake"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().field(), "name");
  EXPECT_NE(dup.error().message().find("lake"), std::string::npos);
  EXPECT_TRUE(store_->CreateConnection(Conn(b.id, "lake")).ok());
  EXPECT_EQ(store_->CreateConnection(Conn("org_missing", "x")).error().code(),
            ErrorCode::kNotFound);
}

TEST_P(StoreSuite, EveryConnectionOperationIsScopedToItsOrganization) {
  Organization a = Org("acme", "eid-a");
  Organization b = Org("globex", "eid-b");
  auto c = store_->CreateConnection(Conn(a.id, "lake", {{"k", "v"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(store_->GetConnection(b.id, c->id, SecretAccess::kDecrypt).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->FindConnectionByName(b.id, "lake", SecretAccess::kNamesOnly).error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(store_->ListConnections(b.id, {}, {})->items.empty());
  ConnectionRecord hijack = *c;
  hijack.org_id = b.id;
  hijack.name = "stolen";
  EXPECT_EQ(store_->UpdateConnection(hijack, SecretUpdate::kKeep).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteConnection(b.id, c->id).error().code(), ErrorCode::kNotFound);
  auto still = store_->GetConnection(a.id, c->id, SecretAccess::kDecrypt);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->name, "lake");
  EXPECT_EQ(still->secrets.at("k"), "v");
}

TEST_P(StoreSuite, UpdatesKeepOrReplaceSecretsAndRefuseDuplicateNames) {
  Organization org = Org("acme", "eid-1");
  auto c = store_->CreateConnection(Conn(org.id, "lake", {{"k", "v1"}}));
  ASSERT_TRUE(store_->CreateConnection(Conn(org.id, "other")).ok());
  clock_.Advance(std::chrono::minutes(3));

  ConnectionRecord rec = *c;
  rec.config = R"({"bucket":"b2"})";
  auto kept = store_->UpdateConnection(rec, SecretUpdate::kKeep);
  ASSERT_TRUE(kept.ok()) << kept.error().ToString();
  EXPECT_EQ(kept->config, R"({"bucket":"b2"})");
  EXPECT_EQ(kept->updated_at, clock_.Now());
  EXPECT_EQ(kept->created_at, c->created_at);
  EXPECT_EQ(store_->GetConnection(org.id, c->id, SecretAccess::kDecrypt)->secrets.at("k"), "v1");

  rec.secrets = {{"k", "v2"}, {"j", "w"}};
  ASSERT_TRUE(store_->UpdateConnection(rec, SecretUpdate::kReplace).ok());
  auto replaced = store_->GetConnection(org.id, c->id, SecretAccess::kDecrypt);
  EXPECT_EQ(replaced->secrets.at("k"), "v2");
  EXPECT_EQ(replaced->secret_names, (std::vector<std::string>{"j", "k"}));

  rec.secrets.clear();
  ASSERT_TRUE(store_->UpdateConnection(rec, SecretUpdate::kReplace).ok());
  auto cleared = store_->GetConnection(org.id, c->id, SecretAccess::kDecrypt);
  EXPECT_TRUE(cleared->secrets.empty());
  EXPECT_TRUE(cleared->secret_names.empty());

  rec.name = "other";
  auto dup = store_->UpdateConnection(rec, SecretUpdate::kKeep);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().field(), "name");
  EXPECT_EQ(store_->GetConnection(org.id, c->id, SecretAccess::kNamesOnly)->name, "lake");
}

TEST_P(StoreSuite, ListsAndDeletesConnections) {
  Organization org = Org("acme", "eid-1");
  for (const char* n : {"zeta", "alpha", "mid"}) {
    ASSERT_TRUE(store_->CreateConnection(Conn(org.id, n, {{"k", "v"}})).ok());
  }
  auto page = store_->ListConnections(org.id, {}, {});
  ASSERT_TRUE(page.ok());
  const auto& list = page->items;
  ASSERT_EQ(list.size(), 3u);
  EXPECT_FALSE(page->next_cursor);
  EXPECT_EQ(list[0].name, "alpha");
  EXPECT_EQ(list[2].name, "zeta");
  for (const auto& c : list) EXPECT_TRUE(c.secrets.empty());
  ASSERT_TRUE(store_->DeleteConnection(org.id, list[1].id).ok());
  EXPECT_EQ(store_->ListConnections(org.id, {}, {})->items.size(), 2u);
  EXPECT_EQ(store_->DeleteConnection(org.id, list[1].id).error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreSuite, WithoutAMasterKeySecretsCanBeNeitherWrittenNorRead) {
  Organization org = Org("acme", "eid-1");
  auto c = store_->CreateConnection(Conn(org.id, "lake", {{"k", "v"}}));
  ASSERT_TRUE(c.ok());
  auto keyless = Open(std::nullopt);
  auto write = keyless->CreateConnection(Conn(org.id, "lake2", {{"k", "v"}}));
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(write.error().message().find("CROSSDOCK_MASTER_KEY"), std::string::npos);
  EXPECT_EQ(keyless->FindConnectionByName(org.id, "lake2", SecretAccess::kNamesOnly).error().code(),
            ErrorCode::kNotFound);
  // Listing and reading without secrets still work.
  EXPECT_EQ(keyless->ListConnections(org.id, {}, {})->items.size(), 1u);
  EXPECT_TRUE(keyless->GetConnection(org.id, c->id, SecretAccess::kNamesOnly).ok());
  EXPECT_FALSE(keyless->GetConnection(org.id, c->id, SecretAccess::kDecrypt).ok());
}

TEST_P(StoreSuite, AWrongMasterKeyIsReportedWithTheFix) {
  Organization org = Org("acme", "eid-1");
  auto c = store_->CreateConnection(Conn(org.id, "lake", {{"k", "v"}}));
  auto other = Open(Box('x'));
  auto got = other->GetConnection(org.id, c->id, SecretAccess::kDecrypt);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(got.error().field(), "master_key");
  EXPECT_NE(got.error().message().find("lake"), std::string::npos);
  EXPECT_NE(got.error().message().find("--master-key-file"), std::string::npos);
}

TEST_P(StoreSuite, CiphertextMovedToAnotherConnectionDoesNotOpen) {
  Organization org = Org("acme", "eid-1");
  auto a = store_->CreateConnection(Conn(org.id, "a", {{"k", "secret-a"}}));
  auto b = store_->CreateConnection(Conn(org.id, "b", {{"k", "secret-b"}}));
  ASSERT_TRUE(store_->sql()
                  .Transaction([&](SqlSession& s) -> Status {
                    ASSIGN_OR_RETURN(auto rows, s.Query("SELECT secrets FROM connections WHERE "
                                                        "id = ?",
                                                        {a->id}));
                    RETURN_IF_ERROR(s.Exec("UPDATE connections SET secrets = ? WHERE id = ?",
                                           {rows.at(0).Text(0), b->id}));
                    return OkStatus();
                  })
                  .ok());
  auto got = store_->GetConnection(org.id, b->id, SecretAccess::kDecrypt);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kDataLoss);
}

// ---------------------------------------------------------------------------- API tokens

TEST_P(StoreSuite, ApiTokensAreFoundByHashScopedAndRevocable) {
  Organization a = Org("acme", "eid-a");
  Organization b = Org("globex", "eid-b");
  crypto::IssuedToken issued = crypto::IssueToken();
  ApiToken t;
  t.org_id = a.id;
  t.name = "ci";
  t.token_hash = issued.hash;
  t.hint = issued.hint;
  auto created = store_->CreateApiToken(t);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_TRUE(created->id.starts_with("tok_"));

  auto found = store_->FindApiTokenByHash(crypto::HashToken(issued.token));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->org_id, a.id);
  EXPECT_TRUE(crypto::VerifyToken(issued.token, found->token_hash));

  auto dup = store_->CreateApiToken(t);
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  t.name = "ci-2";
  t.token_hash = crypto::IssueToken().hash;
  EXPECT_TRUE(store_->CreateApiToken(t).ok());
  EXPECT_EQ(store_->ListApiTokens(a.id, {})->items.size(), 2u);
  EXPECT_TRUE(store_->ListApiTokens(b.id, {})->items.empty());

  clock_.Advance(std::chrono::seconds(9));
  ASSERT_TRUE(store_->TouchApiToken(created->id).ok());
  EXPECT_EQ(*store_->ListApiTokens(a.id, {})->items.at(0).last_used_at, clock_.Now());

  EXPECT_EQ(store_->RevokeApiToken(b.id, created->id).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(store_->RevokeApiToken(a.id, created->id).ok());
  EXPECT_EQ(store_->FindApiTokenByHash(issued.hash).error().code(), ErrorCode::kUnauthenticated);
  // The store never sees the token itself.
  auto tokens = store_->ListApiTokens(a.id, {}, /*include_revoked=*/true);
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(tokens->items.size(), 2u);
  EXPECT_EQ(store_->ListApiTokens(a.id, {})->items.size(), 1u) << "revoked tokens are left out";
  for (const auto& tok : tokens->items) {
    EXPECT_NE(tok.token_hash, issued.token);
  }
}

TEST_P(StoreSuite, ApiTokenNamesAreUniquePerOrganization) {
  Organization a = Org("acme", "eid-a");
  ApiToken t{"", a.id, "ci", crypto::IssueToken().hash, "cdx_abcd…", {}, {}, {}};
  ASSERT_TRUE(store_->CreateApiToken(t).ok());
  t.token_hash = crypto::IssueToken().hash;
  auto dup = store_->CreateApiToken(t);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().field(), "name");
}

// ---------------------------------------------------------------------------- settings, schema

TEST_P(StoreSuite, SettingsAreUpserted) {
  EXPECT_FALSE(store_->GetSetting("server", "base_url")->has_value());
  ASSERT_TRUE(store_->PutSetting("server", "base_url", "http://a").ok());
  ASSERT_TRUE(store_->PutSetting("server", "base_url", "http://b").ok());
  EXPECT_EQ(**store_->GetSetting("server", "base_url"), "http://b");
  EXPECT_FALSE(store_->GetSetting("other", "base_url")->has_value());
}

TEST_P(StoreSuite, PutSettingIfAbsentStoresOnlyTheFirstValue) {
  auto first = store_->PutSettingIfAbsent("instance", "token_hash", "h1");
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_TRUE(*first);
  auto second = store_->PutSettingIfAbsent("instance", "token_hash", "h2");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second) << "a second writer must learn that it lost";
  EXPECT_EQ(**store_->GetSetting("instance", "token_hash"), "h1");
}

TEST_P(StoreSuite, ComponentsAddTablesWithMigrations) {
  EXPECT_EQ(*store_->SchemaVersion("core"), 2);
  EXPECT_EQ(*store_->SchemaVersion("sync"), 0);
  std::vector<Migration> v1 = {
      {1, "runs", "CREATE TABLE sync_runs (id TEXT PRIMARY KEY, status TEXT NOT NULL)", ""}};
  ASSERT_TRUE(store_->Migrate("sync", v1).ok());
  ASSERT_TRUE(store_->Migrate("sync", v1).ok());  // idempotent
  EXPECT_EQ(*store_->SchemaVersion("sync"), 1);

  std::vector<Migration> v2 = v1;
  v2.push_back({2, "heartbeat", "ALTER TABLE sync_runs ADD COLUMN heartbeat_at BIGINT",
                "ALTER TABLE sync_runs ADD COLUMN heartbeat_at BIGINT NULL"});
  ASSERT_TRUE(store_->Migrate("sync", v2).ok());
  EXPECT_EQ(*store_->SchemaVersion("sync"), 2);
  ASSERT_TRUE(store_->sql()
                  .Transaction([](SqlSession& s) -> Status {
                    RETURN_IF_ERROR(
                        s.Exec("INSERT INTO sync_runs (id, status, heartbeat_at) "
                               "VALUES ('r1', 'queued', 5)"));
                    return OkStatus();
                  })
                  .ok());

  // A binary that knows only v1 refuses a database at v2.
  Status old = store_->Migrate("sync", v1);
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.error().message().find("upgrade crossdock"), std::string::npos);
}

TEST_P(StoreSuite, AFailingMigrationLeavesTheSchemaWhereItWas) {
  std::vector<Migration> bad = {
      {1, "half", "CREATE TABLE half_a (x BIGINT); CREATE TABLE half_a (y BIGINT)", ""}};
  ASSERT_FALSE(store_->Migrate("broken", bad).ok());
  EXPECT_EQ(*store_->SchemaVersion("broken"), 0);
  std::vector<Migration> good = {{1, "whole", "CREATE TABLE half_a (x BIGINT)", ""}};
  EXPECT_TRUE(store_->Migrate("broken", good).ok());  // half_a was rolled back
}

TEST_P(StoreSuite, AFailedTransactionWritesNothing) {
  Organization org = Org("acme", "eid-1");
  Status st = store_->sql().Transaction([&](SqlSession& s) -> Status {
    RETURN_IF_ERROR(s.Exec("UPDATE organizations SET name = 'renamed' WHERE id = ?", {org.id}));
    return Error(ErrorCode::kInternal, "boom");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(store_->GetOrganization(org.id)->name, "acme");
}

TEST_P(StoreSuite, DataSurvivesReopening) {
  Organization org = Org("acme", "eid-1");
  ASSERT_TRUE(store_->CreateConnection(Conn(org.id, "lake", {{"k", "v"}})).ok());
  store_.reset();
  store_ = Open(Box('k'));
  auto c = store_->FindConnectionByName(org.id, "lake", SecretAccess::kDecrypt);
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->secrets.at("k"), "v");
  EXPECT_EQ(*store_->SchemaVersion("core"), 2);
}

// ---------------------------------------------------------------------------- pagination

// Pages through the connections of `org_id` with `limit` per page, calling `between` after
// each page; returns the ids in the order the pages gave them.
inline std::vector<std::string> PageThrough(Store& store, const std::string& org_id, int limit,
                                            const ConnectionFilter& filter,
                                            const std::function<void(int)>& between) {
  std::vector<std::string> ids;
  PageRequest request{limit, {}};
  for (int page_no = 0; page_no < 1000; ++page_no) {
    auto page = store.ListConnections(org_id, filter, request);
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    if (!page.ok()) break;
    EXPECT_LE(static_cast<int>(page->items.size()), limit);
    for (const auto& c : page->items) ids.push_back(c.id);
    if (!page->next_cursor) break;
    EXPECT_EQ(static_cast<int>(page->items.size()), limit) << "only the last page is short";
    request.cursor = *page->next_cursor;
    between(page_no);
  }
  return ids;
}

TEST_P(StoreSuite, PagesNeitherSkipNorRepeatConnectionsInsertedBetweenPages) {
  Organization org = Org("acme", "eid-1");
  Organization other = Org("globex", "eid-2");
  std::map<std::string, std::string> original;  // id -> name
  for (int i = 0; i < 60; i += 2) {
    auto c = store_->CreateConnection(Conn(org.id, fmt::format("c{:03}", i)));
    ASSERT_TRUE(c.ok());
    original[c->id] = c->name;
  }
  ASSERT_TRUE(store_->CreateConnection(Conn(other.id, "c005")).ok());
  // Between pages, new connections land before the cursor, after it, and at both ends.
  int next_odd = 1;
  auto ids = PageThrough(*store_, org.id, 4, {}, [&](int page_no) {
    for (std::string name : {fmt::format("c{:03}", next_odd), fmt::format("c{:03}", 60 - next_odd),
                             fmt::format("a{:03}", page_no), fmt::format("z{:03}", page_no)}) {
      ASSERT_TRUE(store_->CreateConnection(Conn(org.id, name)).ok()) << name;
    }
    next_odd += 2;
  });
  std::set<std::string> seen;
  for (const auto& id : ids) EXPECT_TRUE(seen.insert(id).second) << "repeated " << id;
  for (const auto& [id, name] : original) EXPECT_EQ(seen.count(id), 1u) << "skipped " << name;
  // Ascending by name throughout: each page starts after the previous one ended.
  std::string previous;
  for (const auto& id : ids) {
    auto c = store_->GetConnection(org.id, id, SecretAccess::kNamesOnly);
    ASSERT_TRUE(c.ok()) << "a connection of another organization was listed";
    EXPECT_LT(previous, c->name);
    previous = c->name;
  }
}

TEST_P(StoreSuite, PageLimitsAreOneToOneThousand) {
  Organization org = Org("acme", "eid-1");
  for (int limit : {0, -1, kMaxPageLimit + 1}) {
    auto page = store_->ListConnections(org.id, {}, PageRequest{limit, {}});
    ASSERT_FALSE(page.ok()) << limit;
    EXPECT_EQ(page.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(page.error().field(), "limit");
    EXPECT_EQ(store_->ListOrganizations(PageRequest{limit, {}}).error().field(), "limit");
    EXPECT_EQ(store_->ListApiTokens(org.id, PageRequest{limit, {}}).error().field(), "limit");
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_->CreateConnection(Conn(org.id, "c" + std::to_string(i))).ok());
  }
  auto one = store_->ListConnections(org.id, {}, PageRequest{1, {}});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->items.size(), 1u);
  EXPECT_TRUE(one->next_cursor);
  auto most = store_->ListConnections(org.id, {}, PageRequest{kMaxPageLimit, {}});
  ASSERT_TRUE(most.ok());
  EXPECT_EQ(most->items.size(), 3u);
  EXPECT_FALSE(most->next_cursor) << "no cursor after the last page";
  EXPECT_EQ(PageRequest{}.limit, 100);
}

TEST_P(StoreSuite, ACursorFromElsewhereIsRefusedNamingTheField) {
  Organization org = Org("acme", "eid-1");
  for (const char* n : {"a", "b", "c"}) ASSERT_TRUE(store_->CreateConnection(Conn(org.id, n)).ok());
  ASSERT_TRUE(Org("globex", "eid-2").id.size());
  auto orgs = store_->ListOrganizations(PageRequest{1, {}});
  ASSERT_TRUE(orgs.ok() && orgs->next_cursor);
  for (std::string cursor :
       {std::string("not a cursor!"), std::string("bm90IGpzb24"), *orgs->next_cursor}) {
    auto page = store_->ListConnections(org.id, {}, PageRequest{10, cursor});
    ASSERT_FALSE(page.ok()) << cursor;
    EXPECT_EQ(page.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(page.error().field(), "cursor");
  }
}

TEST_P(StoreSuite, FiltersConnectionsByTypeAndNamePrefixAcrossPages) {
  Organization org = Org("acme", "eid-1");
  for (int i = 0; i < 9; ++i) {
    ConnectionRecord c = Conn(org.id, fmt::format("{}-{}", i % 3 == 0 ? "prod" : "dev", i));
    c.type = i % 2 == 0 ? "s3" : "databricks";
    ASSERT_TRUE(store_->CreateConnection(c).ok());
  }
  auto names = [&](const ConnectionFilter& filter) {
    std::vector<std::string> out;
    for (const auto& id : PageThrough(*store_, org.id, 2, filter, [](int) {})) {
      out.push_back(store_->GetConnection(org.id, id, SecretAccess::kNamesOnly)->name);
    }
    return out;
  };
  EXPECT_EQ(names({"", "prod"}), (std::vector<std::string>{"prod-0", "prod-3", "prod-6"}));
  EXPECT_EQ(names({"databricks", ""}),
            (std::vector<std::string>{"dev-1", "dev-5", "dev-7", "prod-3"}));
  EXPECT_EQ(names({"s3", "dev"}), (std::vector<std::string>{"dev-2", "dev-4", "dev-8"}));
  EXPECT_TRUE(names({"redshift-serverless", ""}).empty());
  EXPECT_TRUE(names({"", "prod-9"}).empty());
}

TEST_P(StoreSuite, PagesOrganizationsAndTokens) {
  std::set<std::string> orgs;
  for (int i = 0; i < 5; ++i)
    orgs.insert(Org("org" + std::to_string(i), "eid-" + std::to_string(i)).id);
  std::set<std::string> seen;
  PageRequest request{2, {}};
  while (true) {
    auto page = store_->ListOrganizations(request);
    ASSERT_TRUE(page.ok());
    for (const auto& o : page->items) EXPECT_TRUE(seen.insert(o.id).second);
    if (!page->next_cursor) break;
    request.cursor = *page->next_cursor;
  }
  EXPECT_EQ(seen, orgs);

  std::string org_id = *orgs.begin();
  std::set<std::string> tokens;
  for (int i = 0; i < 5; ++i) {
    ApiToken t;
    t.org_id = org_id;
    t.name = "t" + std::to_string(i);
    t.token_hash = crypto::IssueToken().hash;
    auto created = store_->CreateApiToken(t);
    ASSERT_TRUE(created.ok());
    tokens.insert(created->id);
  }
  auto first = store_->ListApiTokens(org_id, PageRequest{3, {}});
  ASSERT_TRUE(first.ok() && first->next_cursor);
  ASSERT_EQ(first->items.size(), 3u);
  auto rest = store_->ListApiTokens(org_id, PageRequest{3, *first->next_cursor});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->items.size(), 2u);
  EXPECT_FALSE(rest->next_cursor);
  EXPECT_EQ(rest->items[0].name, "t3");
  auto wrong_list =
      store_->ListApiTokens(org_id, PageRequest{3, EncodeCursor("syncs", {"a", "b"})});
  EXPECT_EQ(wrong_list.error().field(), "cursor");
}

// ---------------------------------------------------------------------------- at scale

TEST_P(StoreSuite, ListQueriesUseIndexesNotFullScans) {
  Organization org = Org("acme", "eid-1");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->CreateConnection(Conn(org.id, "c" + std::to_string(i))).ok());
  }
  std::vector<RecordedStatement> statements;
  {
    StatementRecorder recorder(store_->sql());
    auto first = store_->ListConnections(org.id, {}, PageRequest{2, {}});
    ASSERT_TRUE(first.ok() && first->next_cursor);
    ASSERT_TRUE(store_->ListConnections(org.id, {}, PageRequest{2, *first->next_cursor}).ok());
    ASSERT_TRUE(
        store_->ListConnections(org.id, {"s3", "c"}, PageRequest{2, *first->next_cursor}).ok());
    ASSERT_TRUE(store_->ListConnections(org.id, {"s3", ""}, {}).ok());
    ASSERT_TRUE(store_->ListConnections(org.id, {"", "c1"}, {}).ok());
    ASSERT_TRUE(store_->GetConnection(org.id, first->items[0].id, SecretAccess::kNamesOnly).ok());
    ASSERT_TRUE(store_->FindConnectionByName(org.id, "c3", SecretAccess::kNamesOnly).ok());
    ASSERT_TRUE(
        store_->ListApiTokens(org.id, PageRequest{2, EncodeCursor("tokens", {"a", "b"})}).ok());
    ASSERT_TRUE(
        store_->ListOrganizations(PageRequest{1, EncodeCursor("organizations", {"a", "b"})}).ok());
    auto c = Conn(org.id, "c9");
    ASSERT_TRUE(store_->CreateConnection(c).ok());
    auto stored = store_->FindConnectionByName(org.id, "c9", SecretAccess::kNamesOnly);
    ASSERT_TRUE(store_->DeleteConnection(org.id, stored->id).ok());
    statements = recorder.Take();
  }
  EXPECT_GE(ExpectNoFullScans(store_->sql(), statements, {"connections"}), 8);
}

// --- Read transactions (sql.h ReadTransaction) -------------------------------------------

TEST_P(StoreSuite, AReadTransactionRefusesWritesAndLeavesNothingWritten) {
  Organization org = Org("acme", "eid-1");
  Status st = store_->sql().ReadTransaction([&](SqlSession& s) -> Status {
    auto changed = s.Exec("UPDATE organizations SET name = 'renamed' WHERE id = ?", {org.id});
    return changed.ok() ? OkStatus() : changed.error();
  });
  EXPECT_FALSE(st.ok());
  auto found = store_->GetOrganization(org.id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, "acme");
}

TEST_P(StoreSuite, AReadTransactionSeesWhatCommittedBeforeIt) {
  Organization org = Org("acme", "eid-1");
  for (int i = 0; i < 20; ++i) {
    auto created = store_->CreateConnection(Conn(org.id, "c" + std::to_string(i)));
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    // Each read runs on a reader (SQLite) or pooled (PostgreSQL) session, not the writer's.
    auto read = store_->GetConnection(org.id, created->id, SecretAccess::kNamesOnly);
    ASSERT_TRUE(read.ok()) << "written then not read back: " << read.error().ToString();
    auto list = store_->ListConnections(org.id, {}, PageRequest{1000, {}});
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->items.size(), static_cast<size_t>(i + 1));
  }
}

TEST_P(StoreSuite, NestedReadTransactionsOnOneThreadShareOneSession) {
  Organization org = Org("acme", "eid-1");
  ASSERT_TRUE(store_->CreateConnection(Conn(org.id, "c0")).ok());
  SqlSession* outer = nullptr;
  SqlSession* inner = nullptr;
  Status st = store_->sql().ReadTransaction([&](SqlSession& s) -> Status {
    outer = &s;
    RETURN_IF_ERROR(store_->sql().ReadTransaction([&](SqlSession& s2) -> Status {
      inner = &s2;
      return OkStatus();
    }));
    // Store reads inside join too and still answer.
    auto list = store_->ListConnections(org.id, {}, {});
    if (!list.ok()) return list.error();
    EXPECT_EQ(list->items.size(), 1u);
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(outer, inner);
  // Another thread's read inside does not join: it gets a session of its own.
  SqlSession* other = nullptr;
  st = store_->sql().ReadTransaction([&](SqlSession& s) -> Status {
    std::thread t([&] {
      (void)store_->sql().ReadTransaction([&](SqlSession& s2) -> Status {
        other = &s2;
        return OkStatus();
      });
    });
    t.join();
    EXPECT_NE(&s, other);
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_NE(other, nullptr);
}

TEST_P(StoreSuite, ReadersRunBesideAWriterWithoutErrors) {
  Organization org = Org("acme", "eid-1");
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 6; ++t) {
    readers.emplace_back([&] {
      size_t last = 0;
      while (!stop) {
        auto list = store_->ListConnections(org.id, {}, PageRequest{1000, {}});
        // Never an error, never fewer rows than an earlier read of this thread saw.
        if (!list.ok() || list->items.size() < last) ++failures;
        if (list.ok()) last = list->items.size();
        ++reads;
      }
    });
  }
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(store_->CreateConnection(Conn(org.id, "c" + std::to_string(i))).ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

}  // namespace crossdock::store::testing
