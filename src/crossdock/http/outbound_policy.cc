#include "crossdock/http/outbound_policy.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

#include "crossdock/http/transport.h"

namespace crossdock::http {
namespace {

IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.v4 = true;
  ip.bytes[10] = 0xff;
  ip.bytes[11] = 0xff;
  ip.bytes[12] = a;
  ip.bytes[13] = b;
  ip.bytes[14] = c;
  ip.bytes[15] = d;
  return ip;
}

bool InV4(const IpAddress& ip, uint8_t a, uint8_t b, uint8_t c, uint8_t d, int bits) {
  return IpNetwork{V4(a, b, c, d), 96 + bits}.Contains(ip);
}

bool InV6(const IpAddress& ip, std::initializer_list<uint8_t> prefix_bytes, int bits) {
  IpNetwork n;
  n.base.v4 = false;
  size_t i = 0;
  for (uint8_t b : prefix_bytes) n.base.bytes[i++] = b;
  n.prefix = bits;
  return n.Contains(ip);
}

AddressClass ClassifyV4(const IpAddress& ip) {
  if (InV4(ip, 0, 0, 0, 0, 32)) return AddressClass::kUnspecified;
  if (InV4(ip, 0, 0, 0, 0, 8)) return AddressClass::kReserved;
  if (InV4(ip, 127, 0, 0, 0, 8)) return AddressClass::kLoopback;
  if (InV4(ip, 10, 0, 0, 0, 8) || InV4(ip, 172, 16, 0, 0, 12) || InV4(ip, 192, 168, 0, 0, 16)) {
    return AddressClass::kPrivate;
  }
  if (InV4(ip, 169, 254, 0, 0, 16)) return AddressClass::kLinkLocal;
  if (InV4(ip, 100, 64, 0, 0, 10)) return AddressClass::kShared;
  if (InV4(ip, 224, 0, 0, 0, 4)) return AddressClass::kMulticast;
  if (InV4(ip, 240, 0, 0, 0, 4) || InV4(ip, 192, 0, 0, 0, 24) || InV4(ip, 192, 0, 2, 0, 24) ||
      InV4(ip, 198, 51, 100, 0, 24) || InV4(ip, 203, 0, 113, 0, 24) ||
      InV4(ip, 198, 18, 0, 0, 15)) {
    return AddressClass::kReserved;
  }
  return AddressClass::kPublic;
}

}  // namespace

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (v4) {
    inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof(buf));
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf));
  }
  return buf;
}

Result<IpAddress> ParseIp(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
    return Error(ErrorCode::kInvalidArgument, "not an IP address");
  }
  std::string s(text);
  IpAddress ip;
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    const auto* b = reinterpret_cast<const uint8_t*>(&v4.s_addr);
    return V4(b[0], b[1], b[2], b[3]);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(ip.bytes.data(), v6.s6_addr, 16);
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    ip.v4 = std::memcmp(ip.bytes.data(), kMapped, 12) == 0;
    return ip;
  }
  return Error(ErrorCode::kInvalidArgument, "not an IP address: " + s);
}

Result<IpAddress> FromSockaddr(const sockaddr* addr) {
  if (addr && addr->sa_family == AF_INET) {
    const auto* b =
        reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(addr)->sin_addr);
    return V4(b[0], b[1], b[2], b[3]);
  }
  if (addr && addr->sa_family == AF_INET6) {
    IpAddress ip;
    std::memcpy(ip.bytes.data(), reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr.s6_addr,
                16);
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    ip.v4 = std::memcmp(ip.bytes.data(), kMapped, 12) == 0;
    return ip;
  }
  return Error(ErrorCode::kInvalidArgument, "not an IPv4 or IPv6 socket address");
}

bool IpNetwork::Contains(const IpAddress& a) const {
  int bits = prefix;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

Result<IpNetwork> ParseNetwork(std::string_view text) {
  size_t slash = text.find('/');
  auto ip = ParseIp(text.substr(0, slash));
  if (!ip.ok()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("\"{}\" is not a network; write an address or CIDR such as "
                             "10.0.0.0/8 or fd00::/8",
                             text));
  }
  IpNetwork n{*ip, 128};
  if (slash != std::string_view::npos) {
    std::string_view len = text.substr(slash + 1);
    int bits = -1;
    auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
    int max = ip->v4 ? 32 : 128;
    if (ec != std::errc() || end != len.data() + len.size() || bits < 0 || bits > max) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("\"{}\": the prefix length must be 0 to {}", text, max));
    }
    n.prefix = ip->v4 ? 96 + bits : bits;
  }
  return n;
}

AddressClass Classify(const IpAddress& a) {
  if (a.v4) return ClassifyV4(a);
  // IPv4 carried inside IPv6: judge the IPv4 address.
  if (InV6(a, {0, 0x64, 0xff, 0x9b}, 96)) {
    return ClassifyV4(V4(a.bytes[12], a.bytes[13], a.bytes[14], a.bytes[15]));
  }
  if (InV6(a, {0x20, 0x02}, 16)) {
    return ClassifyV4(V4(a.bytes[2], a.bytes[3], a.bytes[4], a.bytes[5]));
  }
  IpAddress zero;
  if (a == zero) return AddressClass::kUnspecified;
  IpAddress one;
  one.bytes[15] = 1;
  if (a == one) return AddressClass::kLoopback;
  if (InV6(a, {}, 96)) return AddressClass::kReserved;  // IPv4-compatible (deprecated)
  if (InV6(a, {0xfe, 0x80}, 10)) return AddressClass::kLinkLocal;
  if (InV6(a, {0xfc}, 7)) return AddressClass::kPrivate;
  if (InV6(a, {0xff}, 8)) return AddressClass::kMulticast;
  if (InV6(a, {0xfe, 0xc0}, 10) || InV6(a, {0x20, 0x01, 0x0d, 0xb8}, 32) ||
      InV6(a, {0x20, 0x01, 0, 0}, 32) || InV6(a, {0x01, 0, 0, 0, 0, 0, 0, 0}, 64)) {
    return AddressClass::kReserved;  // site-local, documentation, Teredo, discard
  }
  return AddressClass::kPublic;
}

const char* AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "a public address";
    case AddressClass::kLoopback:
      return "a loopback address";
    case AddressClass::kPrivate:
      return "a private-network address";
    case AddressClass::kLinkLocal:
      return "a link-local address (such as the instance metadata service)";
    case AddressClass::kUnspecified:
      return "the unspecified address";
    case AddressClass::kShared:
      return "a shared (carrier-grade NAT) address";
    case AddressClass::kMulticast:
      return "a multicast address";
    case AddressClass::kReserved:
      return "a reserved address";
  }
  return "an address";
}

Result<OutboundPolicy> OutboundPolicy::FromStrings(const std::vector<std::string>& networks,
                                                   std::string_view field) {
  OutboundPolicy p;
  for (const std::string& s : networks) {
    auto n = ParseNetwork(s);
    if (!n.ok()) return Error(ErrorCode::kInvalidArgument, n.error().message(), std::string(field));
    p.Allow(*n);
  }
  return p;
}

Status OutboundPolicy::CheckAddress(const IpAddress& a, std::string_view field) const {
  AddressClass c = Classify(a);
  if (c == AddressClass::kPublic) return OkStatus();
  for (const IpNetwork& n : allowed_) {
    if (n.Contains(a)) return OkStatus();
  }
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("{}: the host is {}, which this server does not connect to for "
                           "tenants; the operator may allow the network with --allow-network",
                           field, AddressClassName(c)),
               std::string(field));
}

Result<std::vector<IpAddress>> OutboundPolicy::Resolve(std::string_view host,
                                                       std::string_view field) const {
  if (host.empty() || host.size() > 253 || host.find('\0') != std::string_view::npos) {
    return Error(ErrorCode::kInvalidArgument, fmt::format("{}: a host name is required", field),
                 std::string(field));
  }
  std::vector<IpAddress> out;
  if (auto literal = ParseIp(host); literal.ok()) {
    out.push_back(*literal);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    std::string name(host);
    int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
    if (rc != 0 || !res) {
      return Error(ErrorCode::kNotFound,
                   fmt::format("{}: the host name \"{}\" does not resolve", field, host),
                   std::string(field));
    }
    for (addrinfo* p = res; p; p = p->ai_next) {
      auto ip = FromSockaddr(p->ai_addr);
      if (!ip.ok()) continue;
      bool seen = false;
      for (const auto& o : out) seen = seen || o == *ip;
      if (!seen) out.push_back(*ip);
    }
    freeaddrinfo(res);
  }
  if (out.empty()) {
    return Error(ErrorCode::kNotFound,
                 fmt::format("{}: the host name \"{}\" has no IP address", field, host),
                 std::string(field));
  }
  for (const IpAddress& ip : out) RETURN_IF_ERROR(CheckAddress(ip, field));
  return out;
}

namespace {

class PolicyTransport final : public HttpTransport {
 public:
  PolicyTransport(std::shared_ptr<HttpTransport> inner,
                  std::shared_ptr<const OutboundPolicy> policy)
      : inner_(std::move(inner)), policy_(std::move(policy)) {}

  Result<HttpResponse> Send(const HttpRequest& request, const BodySink* sink) override {
    HttpRequest guarded = request;
    guarded.outbound = policy_;
    return inner_->Send(guarded, sink);
  }

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::shared_ptr<const OutboundPolicy> policy_;
};

}  // namespace

std::shared_ptr<HttpTransport> WithOutboundPolicy(std::shared_ptr<HttpTransport> inner,
                                                  std::shared_ptr<const OutboundPolicy> policy) {
  return std::make_shared<PolicyTransport>(std::move(inner), std::move(policy));
}

std::string UrlHost(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    return close == std::string_view::npos ? std::string() : std::string(rest.substr(1, close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

}  // namespace crossdock::http
