#include "crossdock/sync/sources/postgres_target.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>

#include "crossdock/connect/postgres_login.h"
#include "crossdock/core/ascii.h"

namespace crossdock::sync {
namespace {

// Keywords a tenant may set: where (one host and port), who, which database, TLS mode and
// timeouts. Everything else either names a file on the worker (passfile, service, sslcert,
// sslkey, sslrootcert, sslcrl...), lends the worker's identity (krbsrvname, gsslib,
// gssencmode) or bypasses the host check (hostaddr).
constexpr std::string_view kTenantKeywords[] = {"host",
                                                "port",
                                                "dbname",
                                                "user",
                                                "sslmode",
                                                "sslsni",
                                                "connect_timeout",
                                                "application_name",
                                                "keepalives",
                                                "keepalives_idle",
                                                "keepalives_interval",
                                                "keepalives_count",
                                                "tcp_user_timeout",
                                                "target_session_attrs",
                                                "channel_binding",
                                                "ssl_min_protocol_version",
                                                "ssl_max_protocol_version",
                                                "client_encoding",
                                                "sslcompression"};

Error Bad(std::string_view field, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, fmt::format("{}: {}", field, why), std::string(field));
}

bool Allowed(std::string_view keyword) {
  return std::find(std::begin(kTenantKeywords), std::end(kTenantKeywords), keyword) !=
         std::end(kTenantKeywords);
}

}  // namespace

Result<std::map<std::string, std::string>> ParseConninfo(const std::string& conninfo,
                                                         std::string_view field) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    std::string why = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Bad(field, "is not a PostgreSQL connection string libpq accepts (" + why + ")");
  }
  std::map<std::string, std::string> out;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (o->val && *o->val) out.emplace(o->keyword, o->val);
  }
  PQconninfoFree(opts);
  return out;
}

Result<TenantPostgresTarget> CheckTenantConninfo(const std::string& conninfo,
                                                 const std::vector<std::string>& allowed_hosts,
                                                 std::string_view field) {
  ASSIGN_OR_RETURN(auto params, ParseConninfo(conninfo, field));
  for (const auto& [key, value] : params) {
    if (!Allowed(key)) {
      return Bad(field, fmt::format("the connection parameter \"{}\" is not accepted in a sync "
                                    "sent over the API; give one host, port, dbname, user and "
                                    "sslmode",
                                    key));
    }
  }
  TenantPostgresTarget t;
  auto host = params.find("host");
  if (host == params.end()) {
    return Bad(field, "name the PostgreSQL server's host (postgresql://user@host:5432/db)");
  }
  t.host = host->second;
  if (t.host.find(',') != std::string::npos) {
    return Bad(field, "give exactly one host (host lists are not accepted over the API)");
  }
  if (t.host.front() == '/' || t.host.front() == '@') {
    return Bad(field, "a Unix socket path is on the server's own machine; give a host name");
  }
  if (auto port = params.find("port"); port != params.end()) {
    const std::string& p = port->second;
    int n = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (ec != std::errc() || end != p.data() + p.size() || n < 1 || n > 65535) {
      return Bad(field, "give exactly one port, a number from 1 to 65535");
    }
    t.port = n;
  }
  RETURN_IF_ERROR(connect::CheckPostgresHostListed(t.host, allowed_hosts, field));
  t.params = std::move(params);
  return t;
}

Status CheckTenantPostgres(const std::string& conninfo,
                           const std::vector<std::string>& allowed_hosts,
                           const http::OutboundPolicy& policy, std::string_view field) {
  ASSIGN_OR_RETURN(auto target, CheckTenantConninfo(conninfo, allowed_hosts, field));
  auto resolved = policy.Resolve(target.host, field);
  if (!resolved.ok() && resolved.error().code() != ErrorCode::kNotFound) return resolved.error();
  return OkStatus();
}

Result<PinnedConninfo> PinTenantConninfo(const std::string& conninfo,
                                         const http::OutboundPolicy& policy,
                                         std::string_view field) {
  ASSIGN_OR_RETURN(auto target, CheckTenantConninfo(conninfo, {"*"}, field));
  ASSIGN_OR_RETURN(std::string address, connect::PinDatabaseAddress(target.host, policy, field));
  PinnedConninfo out;
  auto set = [&out](std::string k, std::string v) {
    out.keys.push_back(std::move(k));
    out.values.push_back(std::move(v));
  };
  for (const auto& [key, value] : target.params) set(key, value);
  set("hostaddr", address);
  if (!target.params.count("port")) set("port", "5432");
  if (!target.params.count("dbname"))
    set("dbname", target.params.count("user") ? target.params.at("user") : std::string("postgres"));
  if (!target.params.count("user")) set("user", "postgres");
  connect::PostgresLogin isolated;
  connect::IsolateFromWorker("", &isolated);
  for (size_t i = 0; i < isolated.keys.size(); ++i) set(isolated.keys[i], isolated.values[i]);
  return out;
}

std::string ConnectFailureCategory(std::string_view m) {
  return "could not connect to the source database: " + connect::PostgresFailureCategory(m);
}

}  // namespace crossdock::sync
