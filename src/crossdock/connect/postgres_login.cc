#include "crossdock/connect/postgres_login.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>

#include "crossdock/core/ascii.h"

namespace crossdock::connect {
namespace {

// A path that does not exist (ENOTDIR): libpq then sends no client certificate or key.
constexpr const char* kNoFile = "/dev/null/none";
// Sent when a connection has no password, so that libpq never looks for one elsewhere; a
// server that asks for a password refuses it. Not a secret.
constexpr const char* kNoPassword = "crossdock-no-password";

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};

std::string Fix(std::string_view category) {
  if (category == "authentication failed" || category == "the database or user does not exist") {
    return "check postgres.user, postgres.database and the password (update it with "
           "postgres.password), and that pg_hba.conf lets this user log in from crossdock's "
           "address";
  }
  if (category == "TLS negotiation failed") {
    return "the server does not offer TLS as postgres.sslmode requires: enable ssl on the "
           "server, or lower sslmode if the network is trusted";
  }
  return "check postgres.host and postgres.port, and that the server accepts connections "
         "from crossdock's network";
}

}  // namespace

void PostgresLogin::Set(std::string key, std::string value) {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) {
      values[i] = std::move(value);
      return;
    }
  }
  keys.push_back(std::move(key));
  values.push_back(std::move(value));
}

void IsolateFromWorker(const std::string& password, PostgresLogin* login) {
  // Non-empty values: libpq then consults neither PGPASSWORD, .pgpass nor PGPASSFILE, and
  // loads no client certificate or key from the worker's home or environment.
  login->Set("password", password.empty() ? kNoPassword : password);
  login->Set("passfile", "/dev/null");
  login->Set("sslcert", kNoFile);
  login->Set("sslkey", kNoFile);
  login->Set("sslcrl", kNoFile);
  login->Set("gssencmode", "disable");
}

Status CheckPostgresHostListed(std::string_view host, const std::vector<std::string>& allowed,
                               std::string_view field) {
  for (const std::string& h : allowed) {
    if (h == "*" || EqualsIgnoreCase(h, host)) return OkStatus();
  }
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("PostgreSQL host \"{}\" is not one this server lets tenants read; the "
                           "operator allows it with crossdock serve --allow-postgres-host {}",
                           host, host),
               std::string(field));
}

Status CheckWorkerEnvironment(std::string_view field) {
  const char* service = std::getenv("PGSERVICE");
  if (service != nullptr && *service != '\0') {
    return Error(ErrorCode::kFailedPrecondition,
                 "could not connect to the source database: the worker is misconfigured for "
                 "tenant databases (its operator must unset PGSERVICE)",
                 std::string(field));
  }
  return OkStatus();
}

Result<std::string> PinDatabaseAddress(std::string_view host, const http::OutboundPolicy& policy,
                                       std::string_view field) {
  RETURN_IF_ERROR(CheckWorkerEnvironment(field));
  auto resolved = policy.Resolve(host, field);
  if (!resolved.ok()) {
    if (resolved.error().code() == ErrorCode::kNotFound) {
      return Error(ErrorCode::kUnavailable,
                   "could not connect to the source database: the host name does not resolve",
                   std::string(field));
    }
    return resolved.error();
  }
  return resolved->front().ToString();
}

Result<PostgresLogin> PostgresLoginFor(const PostgresFields& f, const http::OutboundPolicy& policy,
                                       std::string_view field, int connect_timeout_s,
                                       std::string_view application_name) {
  ASSIGN_OR_RETURN(std::string address, PinDatabaseAddress(f.host, policy, field));
  PostgresLogin login;
  login.Set("host", f.host);  // for TLS (SNI, verify-full's name check); never resolved again
  login.Set("hostaddr", address);
  login.Set("port", std::to_string(f.port));
  login.Set("dbname", f.database);
  login.Set("user", f.user);
  login.Set("sslmode", f.sslmode.empty() ? "require" : f.sslmode);
  login.Set("connect_timeout", std::to_string(connect_timeout_s));
  login.Set("application_name", std::string(application_name));
  IsolateFromWorker(f.password.value.value_or(""), &login);
  return login;
}

std::string PostgresFailureCategory(std::string_view m) {
  auto has = [m](std::string_view s) { return m.find(s) != std::string_view::npos; };
  if (has("Connection refused")) return "connection refused";
  if (has("timeout expired") || has("timed out")) return "the connection timed out";
  if (has("password authentication failed") || has("authentication failed") ||
      has("no password supplied") || has("fe_sendauth") || has("pg_hba.conf")) {
    return "authentication failed";
  }
  if (has("does not exist")) return "the database or user does not exist";
  if (has("SSL") || has("certificate")) return "TLS negotiation failed";
  if (has("No route to host") || has("Network is unreachable")) return "the network is unreachable";
  if (has("could not translate host name")) return "the host name does not resolve";
  if (has("server closed the connection")) return "the server closed the connection";
  return "the connection failed";
}

std::vector<CheckResult> RunPostgresChecks(const Connection& c,
                                           const http::OutboundPolicy& policy) {
  std::vector<CheckResult> out;
  const PostgresFields& f = c.postgres;
  auto start = std::chrono::steady_clock::now();
  auto finish = [&](CheckResult r) {
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    out.push_back(std::move(r));
    start = std::chrono::steady_clock::now();
  };
  CheckResult address;
  address.id = "address";
  address.title = fmt::format("Resolve {} and check it against the outbound policy", f.host);
  auto login = PostgresLoginFor(f, policy, "postgres.host");
  if (!login.ok()) {
    address.status = CheckStatus::kFail;
    address.message = login.error().message();
    address.diagnosis = "crossdock will not connect to this host";
    address.fix =
        "give the database's public host name, or ask the operator to allow its network "
        "(crossdock serve --allow-network)";
    finish(std::move(address));
    for (const char* id : {"login", "tls"}) {
      CheckResult skipped;
      skipped.id = id;
      skipped.title = id == std::string_view("login") ? "Log in and run SELECT 1" : "TLS";
      skipped.status = CheckStatus::kSkip;
      skipped.message = "skipped: the address check failed";
      out.push_back(std::move(skipped));
    }
    return out;
  }
  address.status = CheckStatus::kPass;
  address.message = "the host resolves to an address crossdock may reach";
  finish(std::move(address));

  std::vector<const char*> keys, values;
  for (size_t i = 0; i < login->keys.size(); ++i) {
    keys.push_back(login->keys[i].c_str());
    values.push_back(login->values[i].c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  std::unique_ptr<PGconn, PgConnCloser> conn(
      PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0));
  CheckResult select;
  select.id = "login";
  select.title = fmt::format("Log in to database {} as {} and run SELECT 1", f.database, f.user);
  bool connected = conn && PQstatus(conn.get()) == CONNECTION_OK;
  if (connected) {
    PGresult* r = PQexec(conn.get(), "SELECT 1");
    connected = PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    select.status = connected ? CheckStatus::kPass : CheckStatus::kFail;
    select.message = connected ? "logged in; SELECT 1 answered" : "SELECT 1 failed";
  } else {
    std::string category =
        PostgresFailureCategory(conn ? PQerrorMessage(conn.get()) : "out of memory");
    select.status = CheckStatus::kFail;
    select.message = "could not connect to the database: " + category;
    select.diagnosis = category;
    select.fix = Fix(category);
  }
  finish(std::move(select));
  CheckResult tls;
  tls.id = "tls";
  tls.title = fmt::format("TLS (sslmode {})", f.sslmode);
  if (!connected) {
    tls.status = CheckStatus::kSkip;
    tls.message = "skipped: not connected";
  } else if (PQsslInUse(conn.get()) != 0) {
    const char* protocol = PQsslAttribute(conn.get(), "protocol");
    tls.status = CheckStatus::kPass;
    tls.message = fmt::format("the session is encrypted ({})", protocol ? protocol : "TLS");
  } else {
    tls.status = CheckStatus::kWarn;
    tls.message =
        "the session is not encrypted: the password and rows cross the network in "
        "the clear";
    tls.fix = "enable ssl on the server and set postgres.sslmode to require (or verify-full)";
  }
  finish(std::move(tls));
  return out;
}

}  // namespace crossdock::connect
