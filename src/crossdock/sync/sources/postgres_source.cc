#include "crossdock/sync/sources/postgres_source.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "crossdock/store/sql.h"
#include "crossdock/sync/sources/pg_types.h"
#include "crossdock/sync/sources/postgres_target.h"

namespace crossdock::sync {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string Trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

PostgresSource::PostgresSource(PostgresSourceOptions options) : options_(std::move(options)) {}

PostgresSource::~PostgresSource() { (void)Close(); }

std::string PostgresSource::Describe() const {
  std::string what = options_.table.empty() ? "query" : "table " + options_.table;
  if (options_.login) return "PostgreSQL " + what + " of connection " + options_.connection_name;
  return "PostgreSQL " + what + " on " + store::RedactUrl(options_.conninfo);
}

Error PostgresSource::PgError(ErrorCode code, const std::string& what) const {
  return Error(code, what + ": " + Trimmed(conn_ ? PQerrorMessage(conn_) : "not connected"),
               "source");
}

Status PostgresSource::Exec(const std::string& sql) {
  PgResultPtr r(PQexec(conn_, sql.c_str()));
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return PgError(ErrorCode::kUnavailable, "PostgreSQL source: " + sql);
  }
  return OkStatus();
}

Status PostgresSource::ConnectTenant() {
  ASSIGN_OR_RETURN(PinnedConninfo pinned,
                   PinTenantConninfo(options_.conninfo, *options_.tenant_policy, "source.url"));
  connect::PostgresLogin login;
  login.keys = std::move(pinned.keys);
  login.values = std::move(pinned.values);
  return ConnectLogin(login, "source.url");
}

Status PostgresSource::ConnectLogin(const connect::PostgresLogin& given, const char* field) {
  connect::PostgresLogin login = given;
  auto add_default = [&login](const char* key, std::string value) {
    if (std::find(login.keys.begin(), login.keys.end(), key) != login.keys.end()) return;
    login.Set(key, std::move(value));
  };
  add_default("connect_timeout", std::to_string(options_.connect_timeout_s));
  add_default("application_name", "crossdock-sync");
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (size_t i = 0; i < login.keys.size(); ++i) {
    keys.push_back(login.keys[i].c_str());
    values.push_back(login.values[i].c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0);
  if (PQstatus(conn_) != CONNECTION_OK) {
    // libpq's text names addresses and ports; a tenant sees only the category.
    Error e(ErrorCode::kUnavailable,
            ConnectFailureCategory(conn_ ? PQerrorMessage(conn_) : "out of memory"), field);
    PQfinish(conn_);
    conn_ = nullptr;
    return e;
  }
  return OkStatus();
}

Result<Schema> PostgresSource::Open() {
  if (options_.table.empty() == options_.query.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "a PostgreSQL source needs exactly one of table or query", "source.table");
  }
  if (options_.login) {
    RETURN_IF_ERROR(ConnectLogin(*options_.login, "source.connection"));
  } else if (options_.tenant_policy) {
    RETURN_IF_ERROR(ConnectTenant());
  } else {
    std::string conninfo = options_.conninfo;
    const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    std::string timeout = std::to_string(options_.connect_timeout_s);
    const char* values[] = {conninfo.c_str(), timeout.c_str(), "crossdock-sync", nullptr};
    conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    Error e =
        PgError(ErrorCode::kUnavailable,
                "cannot connect to the PostgreSQL source " + store::RedactUrl(options_.conninfo) +
                    " (check host, port, user, and PGPASSWORD or .pgpass)");
    PQfinish(conn_);
    conn_ = nullptr;
    return e;
  }
  RETURN_IF_ERROR(
      Exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; "
           "SET extra_float_digits = 3; SET bytea_output = 'hex'; SET client_encoding = 'UTF8'"));
  RETURN_IF_ERROR(Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));

  std::string base;
  if (!options_.table.empty()) {
    const char* params[] = {options_.table.c_str()};
    PgResultPtr r(PQexecParams(conn_, "SELECT to_regclass($1)::text", 1, nullptr, params, nullptr,
                               nullptr, 0));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
      return Error(ErrorCode::kInvalidArgument,
                   "\"" + options_.table +
                       "\" is not a valid table name: " + Trimmed(PQresultErrorMessage(r.get())) +
                       "; write schema.table, quoting mixed-case names",
                   "source.table");
    }
    if (PQgetisnull(r.get(), 0, 0)) {
      return Error(ErrorCode::kNotFound,
                   "table \"" + options_.table + "\" does not exist in " +
                       (options_.login ? "connection " + options_.connection_name
                                       : store::RedactUrl(options_.conninfo)) +
                       " (or the user cannot see it); check the name, its schema and grants",
                   "source.table");
    }
    base = std::string("SELECT * FROM ") + PQgetvalue(r.get(), 0, 0);
  } else {
    // A query as users type it may end with ';', which is invalid inside a subquery.
    std::string q = options_.query;
    while (!q.empty() && (q.back() == ';' || std::isspace(static_cast<unsigned char>(q.back())))) {
      q.pop_back();
    }
    base = "SELECT * FROM (" + q + ") AS crossdock_q";
  }

  select_sql_ = base;
  if (!options_.cursor_column.empty()) {
    char* ident =
        PQescapeIdentifier(conn_, options_.cursor_column.c_str(), options_.cursor_column.size());
    std::string col = ident ? ident : "";
    PQfreemem(ident);
    std::string where;
    if (options_.cursor_after) {
      char* lit =
          PQescapeLiteral(conn_, options_.cursor_after->c_str(), options_.cursor_after->size());
      where = " WHERE " + col + " > " + std::string(lit ? lit : "NULL");
      PQfreemem(lit);
    }
    PgResultPtr r(PQexec(
        conn_,
        ("SELECT max(" + col + ")::text FROM (" + base + ") AS crossdock_b" + where).c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
      return Error(ErrorCode::kInvalidArgument,
                   "incremental cursor column \"" + options_.cursor_column +
                       "\" cannot be read: " + Trimmed(PQresultErrorMessage(r.get())) +
                       "; name a column of the table or query",
                   "incremental.cursor_column");
    }
    if (PQgetisnull(r.get(), 0, 0)) {
      // Nothing past the saved cursor: an empty export with the same columns.
      select_sql_ = "SELECT * FROM (" + base + ") AS crossdock_b WHERE false";
    } else {
      end_cursor_ = PQgetvalue(r.get(), 0, 0);
      char* hi = PQescapeLiteral(conn_, end_cursor_->c_str(), end_cursor_->size());
      std::string bound = col + " <= " + std::string(hi ? hi : "NULL");
      PQfreemem(hi);
      select_sql_ = "SELECT * FROM (" + base + ") AS crossdock_b" +
                    (where.empty() ? " WHERE " + bound : where + " AND " + bound) + " ORDER BY " +
                    col;
    }
  }

  // Describe the result without running it.
  PgResultPtr prep(PQprepare(conn_, "", select_sql_.c_str(), 0, nullptr));
  if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK) {
    return Error(
        ErrorCode::kInvalidArgument,
        "the PostgreSQL source query is not valid: " + Trimmed(PQresultErrorMessage(prep.get())),
        options_.query.empty() ? "source.table" : "source.query");
  }
  PgResultPtr desc(PQdescribePrepared(conn_, ""));
  if (PQresultStatus(desc.get()) != PGRES_COMMAND_OK) {
    return PgError(ErrorCode::kUnavailable, "describing the PostgreSQL source query");
  }
  int n = PQnfields(desc.get());
  std::string oids = "{";
  for (int i = 0; i < n; ++i) {
    if (i) oids += ",";
    oids += std::to_string(PQftype(desc.get(), i));
  }
  oids += "}";
  const char* params[] = {oids.c_str()};
  // Domains resolve to their base type; format_type names the type as users write it.
  PgResultPtr types(PQexecParams(
      conn_,
      "WITH RECURSIVE d(oid, base) AS (SELECT t.oid, t.oid FROM pg_type t WHERE t.oid = "
      "ANY($1::oid[]) UNION ALL SELECT d.oid, t.typbasetype FROM d JOIN pg_type t ON t.oid = "
      "d.base WHERE t.typtype = 'd') SELECT d.oid, b.oid, format_type(d.oid, NULL), b.typtype, "
      "b.typcategory FROM d JOIN pg_type b ON b.oid = d.base WHERE b.typtype <> 'd'",
      1, nullptr, params, nullptr, nullptr, 0));
  if (PQresultStatus(types.get()) != PGRES_TUPLES_OK) {
    return PgError(ErrorCode::kUnavailable, "reading column types from pg_type");
  }
  std::map<uint32_t, PgTypeInfo> by_oid;
  for (int i = 0; i < PQntuples(types.get()); ++i) {
    PgTypeInfo t;
    t.oid = static_cast<uint32_t>(std::stoul(PQgetvalue(types.get(), i, 1)));
    t.name = PQgetvalue(types.get(), i, 2);
    t.typtype = PQgetvalue(types.get(), i, 3)[0];
    t.typcategory = PQgetvalue(types.get(), i, 4)[0];
    by_oid[static_cast<uint32_t>(std::stoul(PQgetvalue(types.get(), i, 0)))] = t;
  }
  Schema schema;
  conversions_.clear();
  for (int i = 0; i < n; ++i) {
    std::string name = PQfname(desc.get(), i);
    auto it = by_oid.find(PQftype(desc.get(), i));
    PgTypeInfo t =
        it == by_oid.end() ? PgTypeInfo{PQftype(desc.get(), i), "unknown", 'p', 'U'} : it->second;
    ASSIGN_OR_RETURN(PgMapping m, MapPgType(name, t));
    std::string source_type = t.name;
    int typmod = PQfmod(desc.get(), i);
    if (m.kind == ValueKind::kNumeric && typmod >= 4) {
      // numeric's typmod packs precision and scale after the 4-byte header length.
      source_type += "(" + std::to_string(((typmod - 4) >> 16) & 0xffff) + "," +
                     std::to_string((typmod - 4) & 0xffff) + ")";
    }
    schema.push_back(Column{name, m.kind, source_type});
    conversions_.push_back(m.conversion);
  }
  if (!options_.cursor_column.empty() && FindColumn(schema, options_.cursor_column) < 0) {
    return Error(ErrorCode::kInvalidArgument,
                 "incremental cursor column \"" + options_.cursor_column +
                     "\" is not a column of the source",
                 "incremental.cursor_column");
  }

  PgResultPtr copy(PQexec(conn_, ("COPY (" + select_sql_ + ") TO STDOUT").c_str()));
  if (PQresultStatus(copy.get()) != PGRES_COPY_OUT) {
    return Error(
        ErrorCode::kInvalidArgument,
        "COPY from the PostgreSQL source failed: " + Trimmed(PQresultErrorMessage(copy.get())),
        "source");
  }
  copying_ = true;
  return schema;
}

Result<bool> PostgresSource::Next(RowBatch& batch, size_t max_rows) {
  if (done_ || !copying_) return false;
  size_t added = 0;
  while (added < max_rows) {
    char* buf = nullptr;
    int len = PQgetCopyData(conn_, &buf, 0);
    if (len > 0) {
      Status st = AppendCopyTextRow(std::string_view(buf, len), conversions_, batch);
      PQfreemem(buf);
      if (!st.ok()) return std::move(st).error().WithContext(Describe());
      ++added;
      continue;
    }
    if (len == -1) {
      copying_ = false;
      done_ = true;
      PgResultPtr r(PQgetResult(conn_));
      if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        return PgError(ErrorCode::kUnavailable, "the PostgreSQL source COPY ended with an error");
      }
      break;
    }
    return PgError(ErrorCode::kUnavailable, "reading rows from the PostgreSQL source");
  }
  return added > 0;
}

Status PostgresSource::Close() {
  if (!conn_) return OkStatus();
  if (copying_) {
    // Stop the server from producing the rest of a result nobody reads.
    if (PGcancel* c = PQgetCancel(conn_)) {
      char err[256];
      PQcancel(c, err, sizeof err);
      PQfreeCancel(c);
    }
    copying_ = false;
  }
  PQfinish(conn_);
  conn_ = nullptr;
  return OkStatus();
}

}  // namespace crossdock::sync
