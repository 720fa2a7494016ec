// OutboundPolicy: which network addresses a tenant-chosen target may reach.
//
// Anything a tenant can name as a place for the server or its workers to connect to (a
// PostgreSQL source host, a Databricks workspace, a Redshift VPC endpoint) goes through this
// one rule: the name is resolved once, every address it resolves to is classified, and
// loopback, link-local (including the cloud metadata address 169.254.169.254),
// private (RFC 1918, fc00::/7), shared (100.64/10), unspecified, multicast and reserved
// addresses are refused unless the operator allowed that network explicitly. IPv4 addresses
// embedded in IPv6 (::ffff:a.b.c.d, 64:ff9b::/96, 2002::/16) are judged as the IPv4 address.
// The caller then connects to exactly the address that was checked (a libpq hostaddr, a curl
// socket callback), so a DNS answer that changes between check and use (rebinding) does not
// help. It does not decide which host *names* are allowed (that is the route's allow list),
// and it does no I/O beyond getaddrinfo. Thread-safe: a policy is immutable once built.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"

struct sockaddr;

namespace crossdock::http {

// One IPv4 or IPv6 address; IPv4 is held as ::ffff:a.b.c.d.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;

  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

// "192.0.2.1", "2001:db8::1", "[2001:db8::1]" -> the address; anything else is an error.
Result<IpAddress> ParseIp(std::string_view text);
// A struct sockaddr of family AF_INET or AF_INET6; an error for other families.
Result<IpAddress> FromSockaddr(const sockaddr* addr);

// An address range, "10.0.0.0/8" or a single address ("127.0.0.1" = /32).
struct IpNetwork {
  IpAddress base;
  int prefix = 128;  // over the 16-byte form (an IPv4 /8 is stored as /104)

  bool Contains(const IpAddress& a) const;
};
Result<IpNetwork> ParseNetwork(std::string_view text);

// Why an address is not public; kPublic when it is.
enum class AddressClass {
  kPublic,
  kLoopback,
  kPrivate,
  kLinkLocal,  // 169.254/16, fe80::/10: includes instance metadata
  kUnspecified,
  kShared,  // 100.64/10 carrier-grade NAT (and some clouds' metadata)
  kMulticast,
  kReserved,  // 0/8, 240/4, broadcast, documentation and benchmarking ranges
};
AddressClass Classify(const IpAddress& a);
const char* AddressClassName(AddressClass c);

class OutboundPolicy {
 public:
  OutboundPolicy() = default;
  // Networks the operator lets tenants reach although they are not public.
  explicit OutboundPolicy(std::vector<IpNetwork> allowed) : allowed_(std::move(allowed)) {}

  // Parses --allow-network values ("10.0.0.0/8", "127.0.0.1"); the error names `field`.
  static Result<OutboundPolicy> FromStrings(const std::vector<std::string>& networks,
                                            std::string_view field);

  void Allow(IpNetwork n) { allowed_.push_back(n); }
  const std::vector<IpNetwork>& allowed() const { return allowed_; }

  // OK for a public address or one in an allowed network; otherwise kInvalidArgument naming
  // `field` and the class of address ("a loopback address"), never a resolved address.
  Status CheckAddress(const IpAddress& a, std::string_view field) const;

  // Resolves `host` (a name or an address literal) once and checks every address it gives.
  // Returns the addresses in resolver order; errors name `field`: kInvalidArgument when an
  // address is refused, kNotFound when the name does not resolve.
  Result<std::vector<IpAddress>> Resolve(std::string_view host, std::string_view field) const;

 private:
  std::vector<IpNetwork> allowed_;
};

class HttpTransport;
// A transport that sends every request through `inner` with `policy` set
// (HttpRequest::outbound): for clients of a target a tenant chose.
std::shared_ptr<HttpTransport> WithOutboundPolicy(std::shared_ptr<HttpTransport> inner,
                                                  std::shared_ptr<const OutboundPolicy> policy);

// The host of an http(s) URL ("https://user@[::1]:8443/x" -> "::1"); empty when none.
std::string UrlHost(std::string_view url);

}  // namespace crossdock::http
