// S3 addressing: how a bucket and key become a URL.
//
// Two styles: virtual-hosted (https://BUCKET.s3.REGION.amazonaws.com/KEY), which AWS prefers,
// and path-style (https://ENDPOINT/BUCKET/KEY), which S3-compatible servers such as Ceph RGW
// on 127.0.0.1 need. kAuto picks path-style when the endpoint host is an IP address or
// localhost, or when the bucket name is not a DNS label (dots break TLS wildcard
// certificates; upper case and underscores are legacy names), and virtual-hosted otherwise.
// Keys are percent-encoded once, exactly as SigV4's S3 rules sign them ('/' kept, everything
// but unreserved characters escaped), so what is signed is what is sent. This module checks
// bucket names; it does not confine keys (see scoped_bucket.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::aws::s3 {

enum class AddressingStyle {
  kAuto,           // path-style for IP/localhost endpoints and non-DNS bucket names
  kPath,           // always ENDPOINT/BUCKET/KEY
  kVirtualHosted,  // always BUCKET.ENDPOINT/KEY (fails for names with dots over TLS)
};

// One query parameter; `has_value` false renders a bare name ("?uploads", "?delete").
struct QueryParam {
  std::string name;
  std::string value;
  bool has_value = true;
};
using QueryParams = std::vector<QueryParam>;

// Percent-encodes every byte except A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash).
std::string UriEncode(std::string_view s, bool keep_slash);
// Decodes %XX escapes (and nothing else: '+' stays '+'); kInvalidArgument on a bad escape.
Result<std::string> UriDecode(std::string_view s);

// AWS bucket naming rules: 3 to 63 characters of a-z 0-9 . -, starting and ending with a
// letter or digit, no "..", not shaped like an IP address. kInvalidArgument names the field
// "bucket" and the rule broken.
Status ValidateBucketName(std::string_view bucket);

// The host part (without port) of an endpoint URL such as "http://127.0.0.1:7480".
std::string EndpointHost(std::string_view endpoint);
// True for IPv4/IPv6 literals and "localhost".
bool IsIpOrLocalhost(std::string_view host);
// The addressing style kAuto resolves to for this endpoint and bucket.
AddressingStyle ResolveStyle(AddressingStyle style, std::string_view endpoint,
                             std::string_view bucket);

// Absolute URL of a bucket (key empty) or an object. `endpoint` is scheme://host[:port]
// without a trailing slash. Query parameters are encoded and kept in the given order.
std::string BuildUrl(std::string_view endpoint, AddressingStyle style, std::string_view bucket,
                     std::string_view key, const QueryParams& query = {});

}  // namespace crossdock::aws::s3
