// The warehouse SQL builders, the Redshift unload record parser and the warehouse parts of
// the sync spec: exact statements for known inputs, quoting of hostile names and values,
// and errors that name the field.
#include "crossdock/sync/warehouses/warehouse_sql.h"

#include <gtest/gtest.h>

#include "crossdock/sync/spec.h"
#include "crossdock/sync/warehouses/redshift_source.h"

namespace crossdock::sync::warehouse {
namespace {

const Schema kSchema = {{"Id", ValueKind::kInteger, "bigint"},
                        {"name", ValueKind::kString, "text"},
                        {"amount", ValueKind::kNumeric, "numeric(12,2)"},
                        {"at", ValueKind::kTimestamp, "timestamp with time zone"},
                        {"raw", ValueKind::kNumeric, "numeric"}};

TEST(WarehouseSql, TableNamesPerDialect) {
  auto rs = ParseTableName(Dialect::kRedshift, "Analytics.Orders", "destination.table");
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(QualifiedName(Dialect::kRedshift, *rs), "\"analytics\".\"orders\"");
  auto bare = ParseTableName(Dialect::kRedshift, "orders", "destination.table");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->schema, "public");
  auto dbx = ParseTableName(Dialect::kDatabricks, "main.sales.orders", "destination.table");
  ASSERT_TRUE(dbx.ok());
  EXPECT_EQ(QualifiedName(Dialect::kDatabricks, *dbx), "`main`.`sales`.`orders`");

  for (const char* bad : {"a.b.c", "", "x;drop table y", "s.\"t\"", "1abc"}) {
    auto r = ParseTableName(Dialect::kRedshift, bad, "destination.table");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field(), "destination.table");
  }
  auto two = ParseTableName(Dialect::kDatabricks, "sales.orders", "destination.table");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message().find("catalog.schema.table"), std::string::npos);
}

TEST(WarehouseSql, QuotingDoublesTheQuoteCharacter) {
  EXPECT_EQ(QuoteIdent(Dialect::kRedshift, "a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteIdent(Dialect::kDatabricks, "a`b"), "`a``b`");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
}

TEST(WarehouseSql, ColumnTypesKeepPrecisionAndZones) {
  EXPECT_EQ(ColumnType(Dialect::kRedshift, kSchema[2]), "DECIMAL(12,2)");
  EXPECT_EQ(ColumnType(Dialect::kRedshift, kSchema[4]), "DECIMAL(38,10)");
  EXPECT_EQ(ColumnType(Dialect::kRedshift, kSchema[3]), "TIMESTAMPTZ");
  EXPECT_EQ(ColumnType(Dialect::kDatabricks, kSchema[3]), "TIMESTAMP");
  EXPECT_EQ(ColumnType(Dialect::kDatabricks, {"t", ValueKind::kTimestamp, "timestamp"}),
            "TIMESTAMP_NTZ");
  EXPECT_EQ(ColumnType(Dialect::kRedshift, {"i", ValueKind::kInteger, "integer"}), "INTEGER");
  EXPECT_EQ(ColumnType(Dialect::kDatabricks, {"j", ValueKind::kJson, "jsonb"}), "STRING");
  EXPECT_EQ(ColumnType(Dialect::kRedshift, {"b", ValueKind::kBytes, "bytea"}), "VARCHAR(65535)");
}

TEST(WarehouseSql, CreateAndAddColumns) {
  TableName t{"", "s", "t"};
  EXPECT_EQ(CreateTableSql(Dialect::kRedshift, t, {kSchema[0], kSchema[2]}),
            "CREATE TABLE IF NOT EXISTS \"s\".\"t\" (\"id\" BIGINT, \"amount\" DECIMAL(12,2))");
  auto add = AddColumnsSql(Dialect::kRedshift, t, kSchema, {"ID", "name", "amount", "at"});
  ASSERT_EQ(add.size(), 1u);
  EXPECT_EQ(add[0], "ALTER TABLE \"s\".\"t\" ADD COLUMN \"raw\" DECIMAL(38,10)");
  TableName d{"c", "s", "t"};
  auto dadd = AddColumnsSql(Dialect::kDatabricks, d, kSchema, {"id", "name"});
  ASSERT_EQ(dadd.size(), 1u);
  EXPECT_EQ(dadd[0],
            "ALTER TABLE `c`.`s`.`t` ADD COLUMNS (`amount` DECIMAL(12,2), `at` TIMESTAMP, "
            "`raw` DECIMAL(38,10))");
}

TEST(WarehouseSql, LoadsAndMerges) {
  RedshiftCopy copy{"s3://b/p/_crossdock/staging/r1/",
                    "arn:aws:iam::1:role/a,arn:aws:iam::2:role/b", "us-east-1", "ZSTD"};
  EXPECT_EQ(RedshiftCopySql("\"s\".\"t\"", {kSchema[0], kSchema[1]}, copy),
            "COPY \"s\".\"t\" (\"id\", \"name\") FROM 's3://b/p/_crossdock/staging/r1/' IAM_ROLE "
            "'arn:aws:iam::1:role/a,arn:aws:iam::2:role/b' FORMAT AS JSON 'auto ignorecase' "
            "TIMEFORMAT 'auto' DATEFORMAT 'auto' ZSTD REGION 'us-east-1'");
  EXPECT_EQ(DatabricksCopyIntoSql("`c`.`s`.`t`", "s3://b/x/", "cred", false),
            "COPY INTO `c`.`s`.`t` FROM 's3://b/x/' WITH (CREDENTIAL `cred`) FILEFORMAT = JSON "
            "COPY_OPTIONS ('mergeSchema' = 'false')");
  EXPECT_EQ(DatabricksCopyIntoSql("`c`.`s`.`t`", "s3://b/x/", "", true),
            "COPY INTO `c`.`s`.`t` FROM 's3://b/x/' FILEFORMAT = JSON COPY_OPTIONS "
            "('mergeSchema' = 'false', 'force' = 'true')");
  auto rs =
      MergeSql(Dialect::kRedshift, "\"s\".\"t\"", "\"stage\"", {kSchema[0], kSchema[1]}, {"Id"});
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0], "DELETE FROM \"s\".\"t\" USING \"stage\" s WHERE \"s\".\"t\".\"id\" = s.\"id\"");
  EXPECT_EQ(rs[1],
            "INSERT INTO \"s\".\"t\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"stage\"");
  auto db = MergeSql(Dialect::kDatabricks, "`c`.`s`.`t`", "`c`.`s`.`st`", {kSchema[0], kSchema[1]},
                     {"Id"});
  ASSERT_EQ(db.size(), 1u);
  EXPECT_EQ(db[0],
            "MERGE INTO `c`.`s`.`t` AS t USING `c`.`s`.`st` AS s ON t.`Id` = s.`Id` WHEN MATCHED "
            "THEN UPDATE SET `Id` = s.`Id`, `name` = s.`name` WHEN NOT MATCHED THEN INSERT (`Id`, "
            "`name`) VALUES (s.`Id`, s.`name`)");
}

TEST(WarehouseSql, UnloadQuotesTheQuery) {
  EXPECT_EQ(RedshiftUnloadSql("SELECT 'a' AS x", "s3://b/p/", "arn:aws:iam::1:role/r", "us-west-2"),
            "UNLOAD ('SELECT ''a'' AS x') TO 's3://b/p/' IAM_ROLE 'arn:aws:iam::1:role/r' "
            "DELIMITER AS '|' NULL AS '\\N' ESCAPE ZSTD ALLOWOVERWRITE PARALLEL ON REGION "
            "'us-west-2'");
}

TEST(WarehouseSql, LoadLogStatements) {
  TableName log{"", "s", kLoadLogTable};
  LoadRecord r{"run_1", "sync_1", "s.t", 10, 200, 2, ""};
  EXPECT_EQ(InsertLoadRecordSql(Dialect::kRedshift, log, r),
            "INSERT INTO \"s\".\"crossdock_loads\" (run_id, sync_id, target_table, row_count, "
            "byte_count, file_count, cursor_value, loaded_at) VALUES ('run_1', 'sync_1', 's.t', "
            "10, 200, 2, NULL, CURRENT_TIMESTAMP)");
  EXPECT_EQ(SelectLoadRecordSql(Dialect::kRedshift, log, "r'1", "s.t"),
            "SELECT row_count, byte_count, file_count, cursor_value FROM \"s\".\"crossdock_loads\" "
            "WHERE run_id = 'r''1' AND target_table = 's.t'");
}

TEST(WarehouseSql, IncrementalCursorStatements) {
  EXPECT_EQ(CursorEndSql("SELECT * FROM \"public\".\"t\"", "Updated_At", std::nullopt),
            "SELECT max(\"updated_at\")::varchar FROM (SELECT * FROM \"public\".\"t\") AS "
            "crossdock_c");
  EXPECT_EQ(CursorEndSql("q", "id", std::string("4'2")),
            "SELECT max(\"id\")::varchar FROM (q) AS crossdock_c WHERE \"id\" > '4''2'");
  EXPECT_EQ(CursorReadSql("q", "id", std::string("10"), std::string("20")),
            "SELECT * FROM (q) AS crossdock_c WHERE \"id\" > '10' AND \"id\" <= '20' ORDER BY "
            "\"id\"");
  EXPECT_EQ(CursorReadSql("q", "id", std::nullopt, std::string("20")),
            "SELECT * FROM (q) AS crossdock_c WHERE \"id\" <= '20' ORDER BY \"id\"");
  EXPECT_EQ(CursorReadSql("q", "id", std::string("20"), std::nullopt),
            "SELECT * FROM (q) AS crossdock_c WHERE false");
}

TEST(UnloadRecord, EscapesNullsAndConversions) {
  std::vector<PgConversion> conv = {PgConversion::kAsIs, PgConversion::kBoolean,
                                    PgConversion::kTimestampTz, PgConversion::kAsIs};
  RowBatch b(4);
  // An escaped delimiter, an escaped backslash, an escaped LF; NULL only for a bare \N.
  ASSERT_TRUE(
      AppendUnloadRecord("a\\|b\\\\c\\\nd|t|2024-05-01 10:00:00+00|\\N", '|', conv, b).ok());
  ASSERT_TRUE(AppendUnloadRecord("\\\\N||\\N|", '|', conv, b).ok());
  ASSERT_EQ(b.rows(), 2u);
  EXPECT_EQ(b.Value(0, 0), "a|b\\c\nd");
  EXPECT_EQ(b.Value(0, 1), "true");
  EXPECT_EQ(b.Value(0, 2), "2024-05-01T10:00:00Z");
  EXPECT_TRUE(b.IsNull(0, 3));
  EXPECT_EQ(b.Value(1, 0), "\\N");  // the text \N, escaped on unload, is not NULL
  EXPECT_FALSE(b.IsNull(1, 1));
  EXPECT_EQ(b.Value(1, 1), "");
  EXPECT_TRUE(b.IsNull(1, 2));
  EXPECT_FALSE(b.IsNull(1, 3));

  EXPECT_EQ(AppendUnloadRecord("a|b", '|', conv, b).error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(AppendUnloadRecord("a|b|c|d|e", '|', conv, b).error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(AppendUnloadRecord("a|b|c|d\\", '|', conv, b).error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(b.rows(), 2u);  // failed records leave nothing behind
}

TEST(UnloadRecord, RedshiftTypesMapToKinds) {
  aws::redshift::ColumnMetadata m;
  m.name = "amount";
  m.type_name = "numeric";
  m.precision = 12;
  m.scale = 2;
  auto n = MapRedshiftType(m);
  EXPECT_EQ(n.column.kind, ValueKind::kNumeric);
  EXPECT_EQ(n.column.source_type, "numeric(12,2)");
  m.type_name = "timestamptz";
  EXPECT_EQ(MapRedshiftType(m).conversion, PgConversion::kTimestampTz);
  m.type_name = "bool";
  EXPECT_EQ(MapRedshiftType(m).column.kind, ValueKind::kBoolean);
  m.type_name = "super";
  EXPECT_EQ(MapRedshiftType(m).column.kind, ValueKind::kJson);
  m.type_name = "geometry";
  EXPECT_EQ(MapRedshiftType(m).column.kind, ValueKind::kString);
}

TEST(WarehouseSpec, ParsesAndRoundTrips) {
  auto spec = ParseSyncSpec(R"({"source": {"type": "redshift", "connection": "rs",
      "table": "public.orders", "unload": true},
      "destination": {"type": "databricks", "connection": "dbx", "table": "main.s.t",
      "mode": "merge", "merge_keys": ["id"]}})");
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  EXPECT_EQ(spec->source.type, SourceType::kRedshift);
  EXPECT_EQ(spec->source.unload, std::optional<bool>(true));
  EXPECT_EQ(spec->destination.type, DestinationType::kDatabricks);
  EXPECT_EQ(spec->destination.merge_keys, std::vector<std::string>{"id"});
  auto again = SyncSpecFromJson(SyncSpecToJson(*spec));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(SyncSpecToJson(*again), SyncSpecToJson(*spec));
}

TEST(WarehouseSpec, ErrorsNameTheField) {
  struct Case {
    const char* json;
    const char* field;
  } cases[] = {
      {R"({"source": {"type": "redshift", "connection": "rs"},
           "destination": {"type": "local", "root": "/tmp"}})",
       "source.table"},
      {R"({"source": {"type": "redshift", "table": "t"},
           "destination": {"type": "local", "root": "/tmp"}})",
       "source.connection"},
      {R"({"source": {"type": "redshift", "connection": "rs", "table": "t", "unload": "yes"},
           "destination": {"type": "local", "root": "/tmp"}})",
       "source.unload"},
      {R"({"source": {"type": "local", "root": "/in"},
           "destination": {"type": "redshift", "connection": "rs", "table": "t", "mode": "merge"}})",
       "destination.merge_keys"},
      {R"({"source": {"type": "local", "root": "/in"},
           "destination": {"type": "databricks", "connection": "d", "table": "s.t"}})",
       "destination.table"},
      {R"({"source": {"type": "local", "root": "/in"},
           "destination": {"type": "databricks", "connection": "d", "table": "c.s.t",
                           "mode": "replace"}})",
       "destination.mode"},
      {R"({"source": {"type": "local", "root": "/in"},
           "destination": {"type": "redshift", "connection": "rs", "table": "t", "path": "x"}})",
       "destination.path"},
      {R"({"source": {"type": "local", "root": "/in"},
           "destination": {"type": "redshift", "connection": "rs", "table": "t", "mode": "sideways"}})",
       "destination.mode"},
  };
  for (const auto& c : cases) {
    auto spec = ParseSyncSpec(c.json);
    ASSERT_FALSE(spec.ok()) << c.json;
    EXPECT_EQ(spec.error().field(), c.field) << spec.error().ToString();
  }
}

}  // namespace
}  // namespace crossdock::sync::warehouse
