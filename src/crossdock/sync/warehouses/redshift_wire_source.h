// RedshiftWireSource: rows of a Redshift Serverless table or query over the PostgreSQL wire
// protocol (libpq), for workgroups reached through a VPC endpoint (seed 004's "VPC
// endpoint" access). The password is temporary: each Open() asks
// `redshift-serverless:GetCredentials` (through `credentials`) for the database user the
// customer role maps to ("IAMR:<role>") and its password, which lives only in the libpq
// connection parameters, never in an Error, a log line or Describe().
//
// Redshift has no COPY TO STDOUT, so rows come from the query in libpq's single-row mode
// (one row in memory at a time, bounded whatever the result size) as text in a UTC, ISO
// session, mapped by type OID to value kinds and converted to value.h's canonical text
// (t/f -> true/false, timestamps in ISO 8601). Unknown types arrive as their text form.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/aws/redshift/serverless_client.h"
#include "crossdock/http/outbound_policy.h"
#include "crossdock/sync/sources/copy_text.h"
#include "crossdock/sync/sources/source.h"

namespace crossdock::sync::warehouse {

struct RedshiftWireOptions {
  std::string host;  // the VPC endpoint's DNS name
  int port = 5439;
  std::string database;
  std::string workgroup;  // for Describe() and errors
  // Fresh database credentials (GetCredentials); called once per Open().
  std::function<Result<aws::redshift::DatabaseCredentials>()> credentials;
  std::string table;  // "schema.table" or a query:
  std::string query;
  std::string cursor_column;  // incremental, as RedshiftSourceOptions
  std::optional<std::string> cursor_after;
  std::string sslmode = "prefer";  // libpq's; Redshift offers TLS on every endpoint
  int connect_timeout_s = 10;
  // When set (the host came from a tenant's connection), the host is resolved once, every
  // address checked against this policy and the connection pinned to the first (hostaddr).
  std::shared_ptr<const http::OutboundPolicy> outbound;
};

// Value kind and conversion of a result column by its type OID (PostgreSQL's and Redshift's
// shared OIDs: bool, int2/4/8, float4/8, numeric, date, timestamp, timestamptz, json(b)).
struct WireColumnType {
  ValueKind kind = ValueKind::kString;
  PgConversion conversion = PgConversion::kAsIs;
  std::string source_type;  // "int8", "numeric(12,2)", "timestamptz", ...
};
WireColumnType MapWireType(unsigned oid, int typmod);

class RedshiftWireSource final : public Source {
 public:
  explicit RedshiftWireSource(RedshiftWireOptions options) : o_(std::move(options)) {}
  ~RedshiftWireSource() override;

  std::string Describe() const override;
  Result<Schema> Open() override;
  Result<bool> Next(RowBatch& batch, size_t max_rows) override;
  std::optional<std::string> EndCursor() const override { return end_cursor_; }
  Status Close() override;

 private:
  Status AppendRow(PGresult* row, RowBatch& batch);

  RedshiftWireOptions o_;
  PGconn* conn_ = nullptr;
  PGresult* pending_ = nullptr;  // the first single-row result, read by Open()
  bool done_ = false;
  std::vector<PgConversion> conversions_;
  std::optional<std::string> end_cursor_;
};

}  // namespace crossdock::sync::warehouse
