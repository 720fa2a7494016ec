#include "crossdock/aws/sigv4/signer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "crossdock/core/hex.h"
#include "crossdock/core/time_format.h"
#include "crossdock/crypto/sha256.h"

namespace crossdock::aws::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
constexpr char kHexDigits[] = "0123456789ABCDEF";
constexpr char kLowerHexDigits[] = "0123456789abcdef";
constexpr int kMaxPresignSeconds = 604800;

// RFC 3986 unreserved characters, as a table: URL encoding tests every byte of every path
// and query of every signed request.
constexpr std::array<bool, 256> kUnreserved = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
  }
  return t;
}();

bool IsUnreserved(unsigned char c) { return kUnreserved[c]; }

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

void AppendEscaped(std::string& out, unsigned char c) {
  out.push_back('%');
  out.push_back(kHexDigits[c >> 4]);
  out.push_back(kHexDigits[c & 0xF]);
}

// Percent-encodes every byte except unreserved characters (and '/' when keep_slash): Python's
// quote(s, safe='~' or '/~'), which botocore uses for paths and query parameters.
void AppendUriEncoded(std::string& out, std::string_view s, bool keep_slash) {
  size_t run = 0;  // start of the bytes kept as they are, appended in one piece
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (IsUnreserved(c) || (keep_slash && c == '/')) continue;
    out.append(s.substr(run, i - run));
    AppendEscaped(out, c);
    run = i + 1;
  }
  out.append(s.substr(run));
}

// Brings an already-encoded URL component to canonical form: valid escapes of unreserved
// bytes are decoded, other escapes upper-cased, and any byte that may not appear bare
// (including a '%' that starts no escape) is encoded. The identity on canonical input.
void AppendCanonicalEncoding(std::string& out, std::string_view s, bool keep_slash) {
  // Fast path: nothing to decode or encode.
  bool plain = true;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    plain &= IsUnreserved(c) || (keep_slash && c == '/');
  }
  if (plain) {
    out.append(s);
    return;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size()) {
      int hi = HexValue(static_cast<unsigned char>(s[i + 1]));
      int lo = HexValue(static_cast<unsigned char>(s[i + 2]));
      if (hi >= 0 && lo >= 0) {
        unsigned char decoded = static_cast<unsigned char>(hi * 16 + lo);
        if (IsUnreserved(decoded)) {
          out.push_back(static_cast<char>(decoded));
        } else {
          AppendEscaped(out, decoded);
        }
        i += 2;
        continue;
      }
    }
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendEscaped(out, c);
    }
  }
}

// Length of the whitespace character starting at s[i] as Python's str.split() sees it
// (ASCII \t\n\v\f\r, \x1c-\x1f, space, and the Unicode spaces in UTF-8), or 0.
size_t WhitespaceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return 1;
  if (c < 0xC2) return 0;
  auto at = [&](size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  if (c == 0xC2 && (at(1) == 0x85 || at(1) == 0xA0)) return 2;  // U+0085, U+00A0
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;    // U+1680
  if (c == 0xE2) {
    if (at(1) == 0x80 &&
        ((at(2) >= 0x80 && at(2) <= 0x8A) || at(2) == 0xA8 || at(2) == 0xA9 || at(2) == 0xAF)) {
      return 3;  // U+2000-U+200A, U+2028, U+2029, U+202F
    }
    if (at(1) == 0x81 && at(2) == 0x9F) return 3;  // U+205F
  }
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;  // U+3000
  return 0;
}

// Trimall: leading and trailing whitespace removed, inner runs (line breaks included)
// replaced by one space, as botocore's ' '.join(value.split()).
void AppendTrimmed(std::string& out, std::string_view value) {
  // Most values (dates, hashes, tokens, lengths) hold no byte that can start whitespace:
  // append them whole instead of character by character.
  bool plain = true;
  for (char ch : value) {
    unsigned char c = static_cast<unsigned char>(ch);
    plain &= c > 0x20 && c < 0xC2;
  }
  if (plain) {
    out.append(value);
    return;
  }
  bool pending_space = false;
  bool any = false;
  size_t i = 0;
  while (i < value.size()) {
    size_t ws = WhitespaceLength(value, i);
    if (ws > 0) {
      pending_space = any;
      i += ws;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    any = true;
    out.push_back(value[i]);
    ++i;
  }
}

struct UrlParts {
  std::string_view scheme;
  std::string_view authority;
  std::string_view path;
  std::string_view query;
  bool has_query = false;
};

Result<UrlParts> SplitUrl(std::string_view url) {
  UrlParts parts;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    return Error(
        ErrorCode::kInvalidArgument,
        "request URL must be absolute (scheme://host/path), got '" + std::string(url) + "'", "url");
  }
  parts.scheme = url.substr(0, sep);
  std::string_view rest = url.substr(sep + 3);
  size_t fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  size_t authority_end = rest.find_first_of("/?");
  parts.authority = rest.substr(0, authority_end);
  if (authority_end == std::string_view::npos) return parts;
  rest = rest.substr(authority_end);
  size_t q = rest.find('?');
  parts.path = rest.substr(0, q);
  if (q != std::string_view::npos) {
    parts.has_query = true;
    parts.query = rest.substr(q + 1);
  }
  return parts;
}

// The Host header value derived from the URL authority, as botocore: userinfo dropped, host
// lower-cased, the port kept only when it is not the scheme's default.
std::string HostFromAuthority(std::string_view scheme, std::string_view authority) {
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close != std::string_view::npos) {
      host = authority.substr(0, close + 1);
      if (close + 1 < authority.size() && authority[close + 1] == ':') {
        port = authority.substr(close + 2);
      }
    }
  } else {
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  std::string out;
  out.reserve(authority.size());
  for (char c : host) out.push_back(AsciiLower(c));
  // Leading zeros are insignificant, as in Python's int(port).
  while (port.size() > 1 && port[0] == '0') port.remove_prefix(1);
  if (!port.empty()) {
    bool is_default = (EqualsIgnoreCase(scheme, "http") && port == "80") ||
                      (EqualsIgnoreCase(scheme, "https") && port == "443");
    if (!is_default) {
      out.push_back(':');
      out.append(port);
    }
  }
  return out;
}

// botocore's remove_dot_segments: drops empty and "." segments, resolves "..", keeps the
// leading slash and a trailing slash when any segment remains.
std::string RemoveDotSegments(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (!segment.empty() && segment != ".") {
      if (segment == "..") {
        if (!segments.empty()) segments.pop_back();
      } else {
        segments.push_back(segment);
      }
    }
    start = end + 1;
  }
  std::string out;
  out.reserve(path.size());
  if (path.front() == '/') out.push_back('/');
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out;
}

struct QueryParam {
  std::string key;    // canonical encoding
  std::string value;  // canonical encoding
};

// Splits a raw query on '&' and partitions each piece at its first '='. Empty pieces are
// kept (as botocore's header signer does) unless skip_empty (as parse_qs does).
std::vector<QueryParam> ParseQuery(std::string_view query, bool skip_empty) {
  std::vector<QueryParam> params;
  if (query.empty()) return params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view piece = query.substr(start, end - start);
    start = end + 1;
    if (piece.empty() && skip_empty) continue;
    size_t eq = piece.find('=');
    QueryParam param;
    std::string_view key = piece.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    param.key.reserve(key.size());
    param.value.reserve(value.size());
    AppendCanonicalEncoding(param.key, key, false);
    AppendCanonicalEncoding(param.value, value, false);
    params.push_back(std::move(param));
  }
  return params;
}

std::string JoinSortedQuery(std::vector<QueryParam> params) {
  std::sort(params.begin(), params.end(), [](const QueryParam& a, const QueryParam& b) {
    int c = a.key.compare(b.key);
    return c != 0 ? c < 0 : a.value < b.value;
  });
  std::string out;
  size_t total = 0;
  for (const auto& p : params) total += p.key.size() + p.value.size() + 2;
  out.reserve(total);
  for (size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out.push_back('&');
    out.append(params[i].key);
    out.push_back('=');
    out.append(params[i].value);
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;           // "name:value\n" lines
  std::string signed_headers;  // "a;b;c"
};

CanonicalHeaders BuildCanonicalHeaders(const http::Headers& headers, const UrlParts& url) {
  struct Item {
    std::string name;  // lower-case
    std::string_view value;
    size_t order;
  };
  std::vector<Item> items;
  items.reserve(headers.size() + 1);
  bool has_host = false;
  for (size_t i = 0; i < headers.size(); ++i) {
    std::string lower(headers[i].first);
    for (char& c : lower) c = AsciiLower(c);
    if (IsUnsignedHeader(lower)) continue;
    if (lower == "host") has_host = true;
    items.push_back(Item{std::move(lower), headers[i].second, i});
  }
  std::string derived_host;
  if (!has_host) {
    derived_host = HostFromAuthority(url.scheme, url.authority);
    items.push_back(Item{"host", derived_host, headers.size()});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    int c = a.name.compare(b.name);
    return c != 0 ? c < 0 : a.order < b.order;
  });
  CanonicalHeaders out;
  out.block.reserve(256);
  out.signed_headers.reserve(64);
  for (size_t i = 0; i < items.size(); ++i) {
    bool same_as_previous = i > 0 && items[i].name == items[i - 1].name;
    if (same_as_previous) {
      out.block.push_back(',');
    } else {
      if (i > 0) {
        out.block.push_back('\n');
        out.signed_headers.push_back(';');
      }
      out.block.append(items[i].name);
      out.block.push_back(':');
      // botocore strips the name in SignedHeaders only.
      std::string_view name = items[i].name;
      while (!name.empty() && WhitespaceLength(name, 0) == 1) name.remove_prefix(1);
      while (!name.empty() && WhitespaceLength(name, name.size() - 1) == 1) name.remove_suffix(1);
      out.signed_headers.append(name);
    }
    AppendTrimmed(out.block, items[i].value);
  }
  out.block.push_back('\n');
  return out;
}

const std::string* FindHeaderValue(const http::Headers& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (EqualsIgnoreCase(h.first, name)) return &h.second;
  }
  return nullptr;
}

bool HasHeader(const http::Headers& headers, std::string_view name) {
  return FindHeaderValue(headers, name) != nullptr;
}

void RemoveHeader(http::Headers& headers, std::string_view name) {
  headers.erase(
      std::remove_if(headers.begin(), headers.end(),
                     [&](const http::Header& h) { return EqualsIgnoreCase(h.first, name); }),
      headers.end());
}

void ReplaceHeader(http::Headers& headers, std::string_view name, std::string value) {
  RemoveHeader(headers, name);
  headers.emplace_back(std::string(name), std::move(value));
}

std::string BuildCanonicalRequest(std::string_view method, const UrlParts& url,
                                  std::string_view canonical_query, const CanonicalHeaders& ch,
                                  std::string_view payload_hash, const SigningConfig& config) {
  std::string uri = CanonicalUri(url.path, config.NormalizesPath(), config.DoubleEncodes());
  std::string out;
  out.reserve(method.size() + uri.size() + canonical_query.size() + ch.block.size() +
              ch.signed_headers.size() + payload_hash.size() + 8);
  for (char c : method) out.push_back(AsciiUpper(c));
  out.push_back('\n');
  out.append(uri);
  out.push_back('\n');
  out.append(canonical_query);
  out.push_back('\n');
  out.append(ch.block);
  out.push_back('\n');
  out.append(ch.signed_headers);
  out.push_back('\n');
  out.append(payload_hash);
  return out;
}

std::string StringToSignFor(std::string_view canonical_request, std::string_view amz_date,
                            std::string_view scope) {
  crypto::Digest256 digest;
  crypto::Sha256Into(canonical_request, digest);
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + 67);
  out.append(kAlgorithm);
  out.push_back('\n');
  out.append(amz_date);
  out.push_back('\n');
  out.append(scope);
  out.push_back('\n');
  for (unsigned char b : digest) {
    out.push_back(kLowerHexDigits[b >> 4]);
    out.push_back(kLowerHexDigits[b & 0xF]);
  }
  return out;
}

Status ValidateConfig(const AwsCredentials& credentials, const SigningConfig& config) {
  if (credentials.empty()) {
    return Error(ErrorCode::kUnauthenticated,
                 "no AWS credentials to sign with: set an access key id and secret access key "
                 "(flags, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile)",
                 "credentials");
  }
  if (config.region.empty()) {
    return Error(ErrorCode::kInvalidArgument, "signing region is empty: set the AWS region",
                 "region");
  }
  if (config.service.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "signing service is empty: set the service name (s3, sts, iam...)", "service");
  }
  return OkStatus();
}

// The payload hash the canonical request carries when no x-amz-content-sha256 header says
// otherwise: the caller's hash, or the SHA-256 of the in-memory or streamed body.
Result<std::string> BodyHash(const http::HttpRequest& request, const SigningConfig& config) {
  if (!config.payload_hash.empty()) return config.payload_hash;
  if (request.body_source) {
    RETURN_IF_ERROR(request.body_source->Rewind());
    crypto::Sha256Hasher hasher;
    std::string buf(64 * 1024, '\0');
    for (;;) {
      ASSIGN_OR_RETURN(size_t n, request.body_source->Read(buf.data(), buf.size()));
      if (n == 0) break;
      hasher.Update(std::string_view(buf.data(), n));
    }
    RETURN_IF_ERROR(request.body_source->Rewind());
    return HexEncode(hasher.Final());
  }
  if (request.body.empty()) return std::string(kEmptySha256);
  return crypto::Sha256Hex(request.body);
}

std::string ScopeFor(std::string_view date_stamp, const SigningConfig& config) {
  std::string scope;
  scope.reserve(date_stamp.size() + config.region.size() + config.service.size() + 16);
  scope.append(date_stamp);
  scope.push_back('/');
  scope.append(config.region);
  scope.push_back('/');
  scope.append(config.service);
  scope.push_back('/');
  scope.append(kTerminator);
  return scope;
}

}  // namespace

bool IsUnsignedHeader(std::string_view lower_name) {
  return lower_name == "expect" || lower_name == "user-agent" || lower_name == "x-amzn-trace-id";
}

std::shared_ptr<const crypto::HmacSha256Key> SigningKeyCache::Get(std::string_view secret,
                                                                  std::string_view date_stamp,
                                                                  std::string_view region,
                                                                  std::string_view service) {
  std::string id;
  id.reserve(secret.size() + date_stamp.size() + region.size() + service.size() + 3);
  id.append(secret).push_back('\0');
  id.append(date_stamp).push_back('\0');
  id.append(region).push_back('\0');
  id.append(service);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& e : entries_) {
      if (e.id == id) {
        e.last_used = ++tick_;
        return e.key;
      }
    }
  }
  // Derive outside the lock; two racing threads may both derive, which is harmless.
  auto key = std::make_shared<const crypto::HmacSha256Key>(DeriveSigningKey(
      std::string(secret), std::string(date_stamp), std::string(region), std::string(service)));
  std::lock_guard<std::mutex> lock(mu_);
  ++derivations_;
  for (auto& e : entries_) {
    if (e.id == id) {
      e.last_used = ++tick_;
      return e.key;
    }
  }
  if (entries_.size() >= capacity_) {
    auto oldest =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
    std::fill(oldest->id.begin(), oldest->id.end(), '\0');
    entries_.erase(oldest);
  }
  entries_.push_back(Entry{std::move(id), key, ++tick_});
  return key;
}

size_t SigningKeyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

uint64_t SigningKeyCache::derivations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return derivations_;
}

SigningKeyCache& SigningKeyCache::Default() {
  static SigningKeyCache* cache = new SigningKeyCache(32);
  return *cache;
}

std::string CanonicalUri(std::string_view path, bool normalize, bool double_encode) {
  if (path.empty()) return "/";
  std::string normalized;
  if (normalize) {
    normalized = RemoveDotSegments(path);
    path = normalized;
  }
  std::string out;
  out.reserve(path.size() + 16);
  if (double_encode) {
    AppendUriEncoded(out, path, true);
  } else {
    AppendCanonicalEncoding(out, path, true);
  }
  return out;
}

std::string CanonicalUri(std::string_view path, bool s3_rules) {
  return CanonicalUri(path, !s3_rules, !s3_rules);
}

std::string CanonicalQueryString(std::string_view query) {
  return JoinSortedQuery(ParseQuery(query, false));
}

std::string CredentialScope(const SigningConfig& config) {
  return ScopeFor(FormatDateStamp(config.time), config);
}

std::string SignatureHex(const crypto::HmacSha256Key& signing_key,
                         std::string_view string_to_sign) {
  crypto::Digest256 mac;
  signing_key.Mac(string_to_sign, mac);
  std::string out(64, '\0');
  for (size_t i = 0; i < mac.size(); ++i) {
    out[2 * i] = kLowerHexDigits[mac[i] >> 4];
    out[2 * i + 1] = kLowerHexDigits[mac[i] & 0xF];
  }
  return out;
}

std::string CanonicalRequest(const http::HttpRequest& request, const SigningConfig& config,
                             const std::string& payload_hash) {
  auto url = SplitUrl(request.url);
  UrlParts parts = url.ok() ? *url : UrlParts{};
  CanonicalHeaders ch = BuildCanonicalHeaders(request.headers, parts);
  const std::string* header_hash = FindHeaderValue(request.headers, "x-amz-content-sha256");
  return BuildCanonicalRequest(request.method, parts,
                               parts.has_query ? CanonicalQueryString(parts.query) : "", ch,
                               header_hash ? *header_hash : payload_hash, config);
}

std::string StringToSign(const std::string& canonical_request, const SigningConfig& config) {
  return StringToSignFor(canonical_request, FormatAmzDate(config.time), CredentialScope(config));
}

std::string DeriveSigningKey(const std::string& secret, const std::string& date_stamp,
                             const std::string& region, const std::string& service) {
  std::string k = crypto::HmacSha256("AWS4" + secret, date_stamp);
  k = crypto::HmacSha256(k, region);
  k = crypto::HmacSha256(k, service);
  return crypto::HmacSha256(k, kTerminator);
}

Result<SigningResult> SignRequest(http::HttpRequest& request, const AwsCredentials& credentials,
                                  const SigningConfig& config) {
  return SignRequest(request, credentials, config, SigningKeyCache::Default());
}

Result<SigningResult> SignRequest(http::HttpRequest& request, const AwsCredentials& credentials,
                                  const SigningConfig& config, SigningKeyCache& cache) {
  RETURN_IF_ERROR(ValidateConfig(credentials, config));
  ASSIGN_OR_RETURN(UrlParts url, SplitUrl(request.url));
  const std::string amz_date = FormatAmzDate(config.time);
  const std::string_view date_stamp = std::string_view(amz_date).substr(0, 8);

  http::Headers& headers = request.headers;
  RemoveHeader(headers, "authorization");
  if (HasHeader(headers, "date")) {
    ReplaceHeader(headers, "Date", FormatRfc1123(config.time));
    RemoveHeader(headers, "x-amz-date");
  } else {
    ReplaceHeader(headers, "X-Amz-Date", amz_date);
  }
  const bool token = !credentials.session_token.empty();
  if (token) {
    if (config.omit_session_token) {
      RemoveHeader(headers, "x-amz-security-token");
    } else {
      ReplaceHeader(headers, "X-Amz-Security-Token", credentials.session_token);
    }
  }
  std::string payload_hash;
  if (config.AddsBodyHeader()) {
    if (config.unsigned_payload) {
      payload_hash = kUnsignedPayload;
    } else {
      ASSIGN_OR_RETURN(payload_hash, BodyHash(request, config));
    }
    ReplaceHeader(headers, "X-Amz-Content-SHA256", payload_hash);
  } else if (const std::string* given = FindHeaderValue(headers, "x-amz-content-sha256")) {
    payload_hash = *given;
  } else if (config.unsigned_payload) {
    payload_hash = kUnsignedPayload;
  } else {
    ASSIGN_OR_RETURN(payload_hash, BodyHash(request, config));
  }

  SigningResult result;
  CanonicalHeaders ch = BuildCanonicalHeaders(headers, url);
  result.canonical_request = BuildCanonicalRequest(
      request.method, url, url.has_query ? CanonicalQueryString(url.query) : std::string(), ch,
      payload_hash, config);
  result.credential_scope = ScopeFor(date_stamp, config);
  result.string_to_sign =
      StringToSignFor(result.canonical_request, amz_date, result.credential_scope);
  auto key = cache.Get(credentials.secret_access_key, date_stamp, config.region, config.service);
  result.signature = SignatureHex(*key, result.string_to_sign);
  result.signed_headers = std::move(ch.signed_headers);

  std::string& auth = result.authorization;
  auth.reserve(kAlgorithm.size() + credentials.access_key_id.size() +
               result.credential_scope.size() + result.signed_headers.size() + 120);
  auth.append(kAlgorithm);
  auth.append(" Credential=");
  auth.append(credentials.access_key_id);
  auth.push_back('/');
  auth.append(result.credential_scope);
  auth.append(", SignedHeaders=");
  auth.append(result.signed_headers);
  auth.append(", Signature=");
  auth.append(result.signature);
  if (token && config.omit_session_token) {
    headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  headers.emplace_back("Authorization", auth);
  return result;
}

Result<SigningResult> PresignRequest(const http::HttpRequest& request,
                                     const AwsCredentials& credentials, const SigningConfig& config,
                                     int expires_seconds) {
  return PresignRequest(request, credentials, config, expires_seconds, SigningKeyCache::Default());
}

Result<SigningResult> PresignRequest(const http::HttpRequest& request,
                                     const AwsCredentials& credentials, const SigningConfig& config,
                                     int expires_seconds, SigningKeyCache& cache) {
  RETURN_IF_ERROR(ValidateConfig(credentials, config));
  if (expires_seconds < 1 || expires_seconds > kMaxPresignSeconds) {
    return Error(ErrorCode::kInvalidArgument,
                 "presigned URL lifetime must be 1 to 604800 seconds (7 days), got " +
                     std::to_string(expires_seconds),
                 "expires");
  }
  ASSIGN_OR_RETURN(UrlParts url, SplitUrl(request.url));
  const std::string amz_date = FormatAmzDate(config.time);
  const std::string_view date_stamp = std::string_view(amz_date).substr(0, 8);

  http::Headers headers = request.headers;
  RemoveHeader(headers, "authorization");
  // botocore drops the Content-Type its serializer adds by default; it means nothing here.
  if (const std::string* ct = FindHeaderValue(headers, "content-type");
      ct != nullptr && *ct == "application/x-www-form-urlencoded; charset=utf-8") {
    RemoveHeader(headers, "content-type");
  }
  // An explicit signed body header is signed as a header here too (aws-c-auth does the same
  // for query signing); the S3 rule set alone does not add it to presigned URLs.
  if (config.signed_body_header.value_or(false) && !HasHeader(headers, "x-amz-content-sha256")) {
    std::string hash = kUnsignedPayload;
    if (!config.unsigned_payload) {
      ASSIGN_OR_RETURN(hash, BodyHash(request, config));
    }
    headers.emplace_back("X-Amz-Content-SHA256", std::move(hash));
  }
  CanonicalHeaders ch = BuildCanonicalHeaders(headers, url);

  SigningResult result;
  result.credential_scope = ScopeFor(date_stamp, config);
  result.signed_headers = ch.signed_headers;

  // The operation's own parameters first, then the X-Amz-* ones, as AWS documents.
  std::vector<QueryParam> params = ParseQuery(url.query, true);
  std::string query;
  for (const auto& p : params) {
    query.append(p.key);
    query.push_back('=');
    query.append(p.value);
    query.push_back('&');
  }
  auto add = [&](std::string_view key, std::string_view value) {
    QueryParam p;
    p.key = std::string(key);
    AppendUriEncoded(p.value, value, false);
    if (!query.empty() && query.back() != '&') query.push_back('&');
    query.append(p.key);
    query.push_back('=');
    query.append(p.value);
    params.push_back(std::move(p));
  };
  add("X-Amz-Algorithm", kAlgorithm);
  add("X-Amz-Credential", credentials.access_key_id + "/" + result.credential_scope);
  add("X-Amz-Date", amz_date);
  add("X-Amz-Expires", std::to_string(expires_seconds));
  add("X-Amz-SignedHeaders", result.signed_headers);
  if (!credentials.session_token.empty() && !config.omit_session_token) {
    add("X-Amz-Security-Token", credentials.session_token);
  }

  std::string payload_hash;
  if (const std::string* given = FindHeaderValue(headers, "x-amz-content-sha256")) {
    payload_hash = *given;
  } else if (config.s3_rules || config.unsigned_payload) {
    payload_hash = kUnsignedPayload;
  } else {
    ASSIGN_OR_RETURN(payload_hash, BodyHash(request, config));
  }
  result.canonical_request =
      BuildCanonicalRequest(request.method, url, JoinSortedQuery(params), ch, payload_hash, config);
  result.string_to_sign =
      StringToSignFor(result.canonical_request, amz_date, result.credential_scope);
  auto key = cache.Get(credentials.secret_access_key, date_stamp, config.region, config.service);
  result.signature = SignatureHex(*key, result.string_to_sign);

  std::string& out = result.presigned_url;
  out.reserve(request.url.size() + query.size() + 100);
  out.append(url.scheme);
  out.append("://");
  out.append(url.authority);
  out.append(url.path);
  out.push_back('?');
  out.append(query);
  if (!credentials.session_token.empty() && config.omit_session_token) {
    out.append("&X-Amz-Security-Token=");
    AppendUriEncoded(out, credentials.session_token, false);
  }
  out.append("&X-Amz-Signature=");
  out.append(result.signature);
  return result;
}

}  // namespace crossdock::aws::sigv4
