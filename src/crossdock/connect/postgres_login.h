// How crossdock logs in to a tenant's PostgreSQL database: the libpq keywords built from a
// postgres connection's stored fields, and the connection test that uses them.
//
// The login names exactly one server: the host is resolved once, every address is checked
// against the outbound policy (http/outbound_policy.h) and the connection goes to the address
// that was checked (libpq's hostaddr), so a DNS answer that changes later does not move it.
// The password is the connection's own, decrypted from the store and passed as a connection
// parameter (never through the environment); explicit values keep the worker's PGPASSWORD,
// .pgpass / PGPASSFILE and client certificate and key out, and a worker whose environment
// names a service (PGSERVICE, whose file could add parameters) refuses tenant logins. Failures
// are reported as a category ("authentication failed"), never libpq's text, which names
// addresses and ports. It does not read rows (sync/sources/postgres_source.h does).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crossdock/connect/connection.h"
#include "crossdock/connect/connection_check.h"
#include "crossdock/core/result.h"
#include "crossdock/http/outbound_policy.h"

namespace crossdock::connect {

// libpq keywords and values, in PQconnectdbParams' form (expand_dbname = 0).
struct PostgresLogin {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  void Set(std::string key, std::string value);  // replaces an earlier value of `key`
};

// Keywords that keep the worker's own credentials and files out of a login: a password
// (`password`, or a fixed placeholder a server refuses when none is given), passfile,
// client certificate, key and revocation list, GSSAPI encryption. Added to `login` last,
// so they win over anything set before.
void IsolateFromWorker(const std::string& password, PostgresLogin* login);

// The operator's list of PostgreSQL host names tenants may read (crossdock serve
// --allow-postgres-host; "*" allows any name), compared without regard to case: OK when `host`
// is on it, else kInvalidArgument naming `field` and the flag that allows it. Used for a URL
// source and a postgres connection alike; the address rule is the outbound policy's.
Status CheckPostgresHostListed(std::string_view host, const std::vector<std::string>& allowed,
                               std::string_view field);

// kFailedPrecondition when the worker's environment would add parameters to a tenant's login
// that explicit keywords cannot override (PGSERVICE names a service file entry).
Status CheckWorkerEnvironment(std::string_view field);

// The one address a tenant's database login goes to: the worker's environment checked, `host`
// resolved once and checked against `policy` (errors name `field`; kUnavailable "the host name
// does not resolve" when it does not). The caller pins it as hostaddr.
Result<std::string> PinDatabaseAddress(std::string_view host, const http::OutboundPolicy& policy,
                                       std::string_view field);

// The login for a postgres connection: host resolved and checked against `policy` (errors
// name `field`; kUnavailable "the host name does not resolve" when it does not), pinned as
// hostaddr, with port, dbname, user, sslmode, the connection's password and the isolation
// keywords. `application_name` and `connect_timeout_s` are set too.
Result<PostgresLogin> PostgresLoginFor(const PostgresFields& fields,
                                       const http::OutboundPolicy& policy, std::string_view field,
                                       int connect_timeout_s = 10,
                                       std::string_view application_name = "crossdock");

// A tenant-safe category of libpq's connection failure message: "connection refused",
// "authentication failed", ... (never a host, address or port).
std::string PostgresFailureCategory(std::string_view libpq_message);

// The connection test of a postgres connection: resolve and check the host ("address"), log
// in and run SELECT 1 ("login"), and report whether the session is encrypted ("tls": pass
// when TLS is in use, warn when sslmode allowed plaintext). Messages are categories.
std::vector<CheckResult> RunPostgresChecks(const Connection& connection,
                                           const http::OutboundPolicy& policy);

}  // namespace crossdock::connect
