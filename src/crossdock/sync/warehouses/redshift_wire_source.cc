#include "crossdock/sync/warehouses/redshift_wire_source.h"

#include "crossdock/sync/warehouses/warehouse_sql.h"

namespace crossdock::sync::warehouse {

namespace {

std::string ResultError(PGconn* conn) {
  std::string m = PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

WireColumnType MapWireType(unsigned oid, int typmod) {
  WireColumnType t;
  switch (oid) {
    case 16:
      return {ValueKind::kBoolean, PgConversion::kBoolean, "bool"};
    case 20:
      return {ValueKind::kInteger, PgConversion::kAsIs, "int8"};
    case 21:
      return {ValueKind::kInteger, PgConversion::kAsIs, "int2"};
    case 23:
      return {ValueKind::kInteger, PgConversion::kAsIs, "int4"};
    case 700:
      return {ValueKind::kFloat, PgConversion::kAsIs, "float4"};
    case 701:
      return {ValueKind::kFloat, PgConversion::kAsIs, "float8"};
    case 1700: {
      t = {ValueKind::kNumeric, PgConversion::kAsIs, "numeric"};
      if (typmod >= 4) {
        t.source_type = "numeric(" + std::to_string(((typmod - 4) >> 16) & 0xffff) + "," +
                        std::to_string((typmod - 4) & 0xffff) + ")";
      }
      return t;
    }
    case 1082:
      return {ValueKind::kDate, PgConversion::kAsIs, "date"};
    case 1114:
      return {ValueKind::kTimestamp, PgConversion::kTimestamp, "timestamp"};
    case 1184:
      return {ValueKind::kTimestamp, PgConversion::kTimestampTz, "timestamptz"};
    case 114:
    case 3802:
      return {ValueKind::kJson, PgConversion::kAsIs, oid == 114 ? "json" : "jsonb"};
    case 17:
      return {ValueKind::kBytes, PgConversion::kBytea, "bytea"};
    default:
      return {ValueKind::kString, PgConversion::kAsIs, "text"};
  }
}

RedshiftWireSource::~RedshiftWireSource() { (void)Close(); }

std::string RedshiftWireSource::Describe() const {
  std::string what = o_.table.empty() ? "query" : "table " + o_.table;
  return "Redshift " + what + " in workgroup " + o_.workgroup + " through " + o_.host + ":" +
         std::to_string(o_.port) + "/" + o_.database;
}

Result<Schema> RedshiftWireSource::Open() {
  std::string sql = o_.query;
  if (sql.empty()) {
    ASSIGN_OR_RETURN(TableName t, ParseTableName(Dialect::kRedshift, o_.table, "source.table"));
    sql = "SELECT * FROM " + QualifiedName(Dialect::kRedshift, t);
  }
  auto creds = o_.credentials();
  if (!creds.ok()) {
    return std::move(creds).error().WithContext("GetCredentials for workgroup " + o_.workgroup);
  }
  std::string port = std::to_string(o_.port);
  std::string timeout = std::to_string(o_.connect_timeout_s);
  std::string hostaddr;
  if (o_.outbound) {
    auto addrs = o_.outbound->Resolve(o_.host, "redshift.vpc_endpoint.host");
    if (!addrs.ok()) return addrs.error();
    hostaddr = addrs->front().ToString();
  }
  const char* keys[] = {"host",
                        "port",
                        "dbname",
                        "user",
                        "password",
                        "sslmode",
                        "connect_timeout",
                        "application_name",
                        hostaddr.empty() ? nullptr : "hostaddr",
                        nullptr};
  const char* values[] = {o_.host.c_str(),
                          port.c_str(),
                          o_.database.c_str(),
                          creds->db_user.c_str(),
                          creds->db_password.c_str(),
                          o_.sslmode.c_str(),
                          timeout.c_str(),
                          "crossdock-sync",
                          hostaddr.c_str(),
                          nullptr};
  conn_ = PQconnectdbParams(keys, values, 0);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Error(ErrorCode::kUnavailable,
                 "cannot connect to " + Describe() + " as " + creds->db_user + ": " +
                     ResultError(conn_) +
                     "; check the VPC endpoint's host and port and that the role's "
                     "RedshiftDbRoles tag grants access to the database",
                 "redshift.vpc_endpoint.host");
  }
  for (const char* set :
       {"SET timezone TO 'UTC'", "SET datestyle TO 'ISO, YMD'", "SET extra_float_digits TO 3"}) {
    PGresult* r = PQexec(conn_, set);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return Error(ErrorCode::kInternal, std::string(set) + ": " + ResultError(conn_));
  }
  if (!o_.cursor_column.empty()) {
    PGresult* r = PQexec(conn_, CursorEndSql(sql, o_.cursor_column, o_.cursor_after).c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      std::string msg = PQresultErrorMessage(r);
      PQclear(r);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return Error(ErrorCode::kInvalidArgument,
                   "incremental cursor column \"" + o_.cursor_column + "\" cannot be read: " + msg,
                   "incremental.cursor_column");
    }
    if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) end_cursor_ = PQgetvalue(r, 0, 0);
    PQclear(r);
    sql = CursorReadSql(sql, o_.cursor_column, o_.cursor_after, end_cursor_);
  }
  if (!PQsendQuery(conn_, sql.c_str()) || !PQsetSingleRowMode(conn_)) {
    return Error(ErrorCode::kInvalidArgument, Describe() + ": " + ResultError(conn_), "source");
  }
  pending_ = PQgetResult(conn_);
  ExecStatusType st = PQresultStatus(pending_);
  if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK) {
    std::string msg = PQresultErrorMessage(pending_);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return Error(ErrorCode::kInvalidArgument, Describe() + ": " + msg, "source");
  }
  Schema schema;
  conversions_.clear();
  for (int i = 0; i < PQnfields(pending_); ++i) {
    WireColumnType t = MapWireType(PQftype(pending_, i), PQfmod(pending_, i));
    schema.push_back(Column{PQfname(pending_, i), t.kind, t.source_type});
    conversions_.push_back(t.conversion);
  }
  return schema;
}

Status RedshiftWireSource::AppendRow(PGresult* row, RowBatch& batch) {
  for (int c = 0; c < PQnfields(row); ++c) {
    if (PQgetisnull(row, 0, c)) {
      batch.AddNull();
      continue;
    }
    std::string_view v(PQgetvalue(row, 0, c), PQgetlength(row, 0, c));
    Status added = AppendConverted(batch, v, conversions_[c]);
    if (!added.ok()) {
      batch.AbandonRow();
      return added;
    }
  }
  batch.EndRow();
  return OkStatus();
}

Result<bool> RedshiftWireSource::Next(RowBatch& batch, size_t max_rows) {
  size_t added = 0;
  while (added < max_rows && !done_) {
    PGresult* r = pending_ ? pending_ : PQgetResult(conn_);
    pending_ = nullptr;
    if (!r) {
      done_ = true;
      break;
    }
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      Status s = AppendRow(r, batch);
      PQclear(r);
      if (!s.ok()) return std::move(s).error();
      ++added;
    } else if (st == PGRES_TUPLES_OK) {
      PQclear(r);  // the end; a null result follows
    } else {
      std::string msg = PQresultErrorMessage(r);
      PQclear(r);
      return Error(ErrorCode::kUnavailable, Describe() + " failed mid-result: " + msg);
    }
  }
  return added > 0;
}

Status RedshiftWireSource::Close() {
  if (pending_) {
    PQclear(pending_);
    pending_ = nullptr;
  }
  if (conn_) {
    if (!done_) {
      // Stop a result that was not read to the end instead of draining it.
      if (PGcancel* cancel = PQgetCancel(conn_)) {
        char err[256];
        PQcancel(cancel, err, sizeof err);
        PQfreeCancel(cancel);
      }
      while (PGresult* r = PQgetResult(conn_)) PQclear(r);
    }
    PQfinish(conn_);
    conn_ = nullptr;
  }
  return OkStatus();
}

}  // namespace crossdock::sync::warehouse
