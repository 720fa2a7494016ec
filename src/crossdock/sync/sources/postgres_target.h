// The PostgreSQL server a tenant's source names, read exactly as libpq reads it.
//
// A libpq connection string can name its server in many places: the URL authority, a comma
// list of hosts, ?host= and ?hostaddr= query parameters, key=value pairs, a service= entry
// of a service file, and defaults from the environment. Checks here run on libpq's own parse
// (PQconninfoParse) so that what is checked is what libpq would use. For a tenant (a sync
// created over the REST API) only a small set of keywords is accepted: one host name, one
// port, database, user, TLS mode and timeouts; hostaddr, service, password files and client
// key files are refused, and a run connects to exactly the address that was resolved and
// checked (hostaddr), with no password, password file or client certificate of the worker
// (a worker's PGPASSWORD, .pgpass, PGSERVICEFILE or ~/.postgresql keys are never lent to a
// tenant's server). Connection failures are reported to tenants as a category ("connection
// refused"), never libpq's text, which names internal addresses. The operator's own syncs
// (the CLI) are not limited by this file.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/http/outbound_policy.h"

namespace crossdock::sync {

// Every keyword libpq reads from `conninfo` (URL or key=value) with a non-empty value.
// Errors: kInvalidArgument naming `field` (libpq's reason, without the string itself).
Result<std::map<std::string, std::string>> ParseConninfo(const std::string& conninfo,
                                                         std::string_view field);

// The server a tenant's conninfo names: one host name and one port.
struct TenantPostgresTarget {
  std::string host;
  int port = 5432;
  std::map<std::string, std::string> params;  // every keyword given, host and port included
};

// Checks a tenant's conninfo without network I/O: only allowed keywords, exactly one TCP host
// (no socket path, list or hostaddr), one numeric port, and the host in `allowed_hosts`
// ("*" allows any name). Errors name `field` and say what to change.
Result<TenantPostgresTarget> CheckTenantConninfo(const std::string& conninfo,
                                                 const std::vector<std::string>& allowed_hosts,
                                                 std::string_view field);

// CheckTenantConninfo, then the address rule at save: when the host resolves, every address
// must pass `policy` (a name that does not resolve yet is left to the run's check).
Status CheckTenantPostgres(const std::string& conninfo,
                           const std::vector<std::string>& allowed_hosts,
                           const http::OutboundPolicy& policy, std::string_view field);

// libpq keywords and values for a tenant's run: the conninfo's own keywords, the host
// resolved once and pinned as hostaddr (checked against `policy`), and explicit values that
// keep the worker's environment out (password, passfile, client certificate and key).
struct PinnedConninfo {
  std::vector<std::string> keys;
  std::vector<std::string> values;
};
Result<PinnedConninfo> PinTenantConninfo(const std::string& conninfo,
                                         const http::OutboundPolicy& policy,
                                         std::string_view field);

// A tenant-safe description of libpq's connection failure message: "connection refused",
// "authentication failed", ... (no host, address or port).
std::string ConnectFailureCategory(std::string_view libpq_message);

}  // namespace crossdock::sync
