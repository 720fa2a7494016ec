#include "crossdock/iam/arn.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>
#include <vector>

namespace crossdock::iam {
namespace {

Error ArnError(std::string_view component, std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), "arn." + std::string(component));
}

// `"text"` built by appending: GCC 12 at -O3 reports a false -Wrestrict for the
// `"\"" + std::string(...)` form (operator+(const char*, string&&) inserts at the front).
std::string Quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out.append(text);
  out += '"';
  return out;
}

bool HasWildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// Splits on the first five colons. Returns false when there are fewer than six parts.
bool SplitArn(std::string_view text, std::array<std::string_view, 6>& parts) {
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) return false;
    parts[i] = text.substr(start, colon - start);
    start = colon + 1;
  }
  parts[5] = text.substr(start);
  return true;
}

bool IsRegion(std::string_view r) {
  // xx-name-N or xx-gov-name-N / xx-iso-name-N: letters and digits separated by dashes,
  // ending in a number.
  if (r.size() < 6) return false;
  size_t dashes = 0;
  for (char c : r) {
    if (c == '-') {
      ++dashes;
    } else if (!std::islower(static_cast<unsigned char>(c)) &&
               !std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dashes >= 2 && std::isdigit(static_cast<unsigned char>(r.back())) && r.front() != '-' &&
         r.find("--") == std::string_view::npos;
}

bool IsBucketName(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-')) {
      return false;
    }
  }
  auto alnum = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c));
  };
  return alnum(b.front()) && alnum(b.back());
}

Status CheckServiceRules(const Arn& arn, bool pattern) {
  const std::string& s = arn.service;
  auto wild = [&](const std::string& v) { return pattern && HasWildcard(v); };
  if (s == "iam") {
    if (!arn.region.empty() && !wild(arn.region)) {
      return ArnError("region",
                      "IAM ARNs have an empty region component (IAM is global): write "
                      "arn:" +
                          arn.partition + ":iam::" + arn.account + ":" + arn.resource);
    }
    if (arn.account.empty()) {
      std::string hint;
      size_t colon = arn.resource.find(':');
      if (colon != std::string::npos && IsAccountId(arn.resource.substr(0, colon))) {
        hint =
            " The resource starts with an account id, so there is one colon too many: write "
            "arn:" +
            arn.partition + ":iam::" + arn.resource;
      }
      return ArnError("account",
                      "the account component of an IAM ARN is empty; it must be the "
                      "12-digit AWS account id, as in "
                      "arn:aws:iam::123456789012:role/name." +
                          hint);
    }
    if (!wild(arn.account) && !IsAccountId(arn.account) && arn.account != "aws") {
      return ArnError("account", "the account component \"" + arn.account +
                                     "\" is not a 12-digit AWS account id");
    }
    if (arn.resource.find(':') != std::string::npos && !wild(arn.resource)) {
      return ArnError("resource", "the IAM resource \"" + arn.resource +
                                      "\" contains a colon; IAM resources look like role/NAME, "
                                      "user/NAME, policy/NAME or root");
    }
    static constexpr std::array<std::string_view, 10> kTypes = {"root",
                                                                "role/",
                                                                "user/",
                                                                "group/",
                                                                "policy/",
                                                                "instance-profile/",
                                                                "oidc-provider/",
                                                                "saml-provider/",
                                                                "server-certificate/",
                                                                "mfa/"};
    bool known = wild(arn.resource);
    for (std::string_view t : kTypes) {
      if (arn.resource == t ||
          (t.back() == '/' && arn.resource.starts_with(t) && arn.resource.size() > t.size())) {
        known = true;
      }
    }
    if (!known) {
      return ArnError("resource", "the IAM resource \"" + arn.resource +
                                      "\" is not a known IAM resource type; use root, "
                                      "role/NAME, user/NAME, group/NAME or policy/NAME");
    }
  } else if (s == "sts") {
    if (!arn.region.empty() && !wild(arn.region)) {
      return ArnError("region", "STS principal ARNs have an empty region component: write arn:" +
                                    arn.partition + ":sts::" + arn.account + ":" + arn.resource);
    }
    if (!wild(arn.account) && !IsAccountId(arn.account)) {
      return ArnError("account",
                      "the account component of an STS ARN must be the 12-digit AWS "
                      "account id");
    }
  } else if (s == "s3") {
    bool bucket_form = arn.region.empty() && arn.account.empty();
    if (bucket_form) {
      std::string_view bucket = arn.resource;
      size_t slash = bucket.find('/');
      if (slash != std::string_view::npos) bucket = bucket.substr(0, slash);
      if (!wild(std::string(bucket)) && !IsBucketName(bucket)) {
        return ArnError("resource", Quoted(bucket) +
                                        " is not a valid S3 bucket name (3 to 63 lower-case "
                                        "letters, digits, dots and hyphens, starting and ending "
                                        "with a letter or digit)");
      }
    } else if (!arn.account.empty() && !wild(arn.account) && !IsAccountId(arn.account)) {
      return ArnError("account", "the account component \"" + arn.account +
                                     "\" is not a 12-digit AWS account id");
    } else if (arn.account.empty() && !arn.region.empty()) {
      return ArnError("region",
                      "an S3 bucket or object ARN has empty region and account "
                      "components: write arn:" +
                          arn.partition + ":s3:::" + arn.resource);
    }
  } else if (s == "kms") {
    if (arn.region.empty()) {
      return ArnError("region",
                      "KMS key ARNs need the key's region, as in "
                      "arn:aws:kms:us-east-1:123456789012:key/KEY-ID");
    }
    if (!wild(arn.account) && !IsAccountId(arn.account)) {
      return ArnError("account", "KMS key ARNs need the 12-digit account id");
    }
    if (!wild(arn.resource) && !arn.resource.starts_with("key/") &&
        !arn.resource.starts_with("alias/")) {
      return ArnError("resource",
                      "a KMS resource is key/KEY-ID or alias/NAME, not \"" + arn.resource + "\"");
    }
  }
  return OkStatus();
}

Result<Arn> Parse(std::string_view text, bool pattern) {
  if (text.empty()) return ArnError("prefix", "the ARN is empty; expected arn:PARTITION:...");
  if (!text.starts_with("arn:")) {
    if (IsAccountId(text)) {
      return ArnError("prefix", Quoted(text) +
                                    " is an account id, not an ARN; an account's ARN is "
                                    "arn:aws:iam::" +
                                    std::string(text) + ":root");
    }
    return ArnError("prefix",
                    Quoted(text) + " is not an ARN: it must start with \"arn:\" (lower case)");
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return ArnError("resource",
                      "the ARN contains a control character (tab, newline...); "
                      "remove it");
    }
  }
  std::array<std::string_view, 6> parts;
  if (!SplitArn(text, parts)) {
    return ArnError("resource", Quoted(text) +
                                    " has fewer than six colon-separated components "
                                    "(arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)");
  }
  Arn arn{std::string(parts[1]), std::string(parts[2]), std::string(parts[3]),
          std::string(parts[4]), std::string(parts[5])};
  if (!(pattern && HasWildcard(arn.partition)) && !IsKnownPartition(arn.partition)) {
    return ArnError("partition", "unknown partition \"" + arn.partition +
                                     "\"; use aws, aws-cn (China) or aws-us-gov (GovCloud)");
  }
  if (arn.service.empty()) {
    return ArnError("service", "the service component is empty; e.g. s3, iam, sts, kms");
  }
  if (!(pattern && HasWildcard(arn.service))) {
    for (char c : arn.service) {
      if (!(std::islower(static_cast<unsigned char>(c)) ||
            std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
        return ArnError("service", "the service component \"" + arn.service +
                                       "\" must be lower-case letters, digits and hyphens");
      }
    }
  }
  if (!arn.region.empty() && !(pattern && HasWildcard(arn.region)) && !IsRegion(arn.region)) {
    return ArnError(
        "region", "the region component \"" + arn.region + "\" is not a region such as us-east-1");
  }
  if (!arn.account.empty() && !(pattern && HasWildcard(arn.account)) && !IsAccountId(arn.account) &&
      arn.account != "aws") {
    return ArnError("account", "the account component \"" + arn.account +
                                   "\" is not a 12-digit AWS account id");
  }
  if (arn.resource.empty()) {
    return ArnError("resource",
                    "the resource component is empty; e.g. role/NAME or a bucket "
                    "name");
  }
  if (!pattern && HasWildcard(text)) {
    return ArnError("resource",
                    Quoted(text) + " contains a wildcard; a concrete ARN is needed here");
  }
  RETURN_IF_ERROR(CheckServiceRules(arn, pattern));
  return arn;
}

}  // namespace

std::string Arn::ToString() const {
  return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
}

Result<Arn> ParseArn(std::string_view text) { return Parse(text, false); }

Result<Arn> ParseArnPattern(std::string_view text) {
  if (text == "*") return Arn{"*", "*", "*", "*", "*"};
  return Parse(text, true);
}

bool IsKnownPartition(std::string_view partition) {
  return partition == "aws" || partition == "aws-cn" || partition == "aws-us-gov";
}

Result<std::string> PartitionForRegion(std::string_view region) {
  if (!IsRegion(region)) {
    return Error(ErrorCode::kInvalidArgument,
                 Quoted(region) + " is not an AWS region; use e.g. us-east-1", "region");
  }
  if (region.starts_with("cn-")) return std::string("aws-cn");
  if (region.starts_with("us-gov-")) return std::string("aws-us-gov");
  return std::string("aws");
}

bool IsAccountId(std::string_view text) {
  if (text.size() != 12) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<Arn> ParseKmsKeyArn(std::string_view text, std::string_view field,
                           std::string_view partition, std::string_view region) {
  auto invalid = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string(field) + " \"" + std::string(text) + "\" " + why +
                     "; use arn:" + std::string(partition.empty() ? "aws" : partition) +
                     ":kms:REGION:ACCOUNT:key/KEY-ID (or alias/NAME), as the KMS console "
                     "shows it",
                 std::string(field));
  };
  auto arn = ParseArn(text);
  if (!arn.ok() || arn->service != "kms") return invalid("is not a KMS key ARN");
  bool key = arn->resource.starts_with("key/") && arn->resource.size() > 4;
  bool alias = arn->resource.starts_with("alias/") && arn->resource.size() > 6;
  if (!key && !alias) return invalid("names neither a key/ nor an alias/");
  if (!IsAccountId(arn->account) || arn->region.empty()) {
    return invalid("lacks the key's region or 12-digit account");
  }
  if (!partition.empty() && arn->partition != partition) {
    return invalid("is in partition " + arn->partition + " but the connection's region is in " +
                   std::string(partition) + " (a key is usable only in its own partition)");
  }
  if (!region.empty() && arn->region != region) {
    return invalid("is in region " + arn->region + " but the data is in " + std::string(region) +
                   " (S3 and Kinesis use keys of their own region)");
  }
  return *arn;
}

namespace {

char Fold(char c, bool ignore_case) {
  return ignore_case && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// A segment is pattern text between stars: literal characters, `?`, and kGlobEscape pairs.
// Visits its tokens as (character, is_any).
template <typename F>
bool ForEachToken(std::string_view seg, F&& f) {
  for (size_t p = 0; p < seg.size(); ++p) {
    char c = seg[p];
    bool ok = (c == kGlobEscape && p + 1 < seg.size()) ? f(seg[++p], false) : f(c, c == '?');
    if (!ok) return false;
  }
  return true;
}

size_t TokenCount(std::string_view seg) {
  size_t n = 0;
  ForEachToken(seg, [&n](char, bool) { return ++n, true; });
  return n;
}

bool MatchesAt(std::string_view seg, size_t len, std::string_view text, size_t pos,
               bool ignore_case) {
  if (pos > text.size() || text.size() - pos < len) return false;
  return ForEachToken(seg, [&](char c, bool any) {
    char t = text[pos++];
    return any || Fold(c, ignore_case) == Fold(t, ignore_case);
  });
}

// Splits `rest` at its first unescaped `*`: returns the text before it and leaves `rest`
// after the run of stars; `star` says whether one was found.
std::string_view NextSegment(std::string_view& rest, bool* star) {
  for (size_t p = 0; p < rest.size(); ++p) {
    if (rest[p] == kGlobEscape && p + 1 < rest.size()) {
      ++p;
    } else if (rest[p] == '*') {
      std::string_view seg = rest.substr(0, p);
      size_t q = p;
      while (q < rest.size() && rest[q] == '*') ++q;
      rest = rest.substr(q);
      *star = true;
      return seg;
    }
  }
  std::string_view seg = rest;
  rest = {};
  *star = false;
  return seg;
}

// The end of the leftmost occurrence of `seg` (`len` tokens) in text[from, limit), or npos.
// Short segments are compared in place (at most 64 steps per text position); longer ones run
// a bit-parallel (shift-and) automaton, ceil(len / 64) words per text character. Either way
// the cost is linear in the text for a pattern of bounded length.
size_t FindSegment(std::string_view seg, size_t len, std::string_view text, size_t from,
                   size_t limit, bool ignore_case) {
  if (len == 0) return from;
  if (limit < len || from > limit - len) return std::string_view::npos;
  if (len <= 64) {
    for (size_t pos = from; pos + len <= limit; ++pos) {
      if (MatchesAt(seg, len, text, pos, ignore_case)) return pos + len;
    }
    return std::string_view::npos;
  }
  // masks[c * words + w]: bit b set when token (w * 64 + b) accepts character c.
  size_t words = (len + 63) / 64;
  std::vector<uint64_t> masks(256 * words, 0);
  size_t index = 0;
  ForEachToken(seg, [&](char c, bool any) {
    uint64_t bit = uint64_t{1} << (index % 64);
    size_t w = index / 64;
    if (any) {
      for (size_t ch = 0; ch < 256; ++ch) masks[ch * words + w] |= bit;
    } else {
      masks[static_cast<unsigned char>(Fold(c, ignore_case)) * words + w] |= bit;
    }
    ++index;
    return true;
  });
  std::vector<uint64_t> state(words, 0);
  const size_t last = len - 1;
  for (size_t t = from; t < limit; ++t) {
    const uint64_t* mask = &masks[static_cast<unsigned char>(Fold(text[t], ignore_case)) * words];
    uint64_t carry = 1;  // a match may start at every position
    for (size_t w = 0; w < words; ++w) {
      uint64_t next_carry = state[w] >> 63;
      state[w] = ((state[w] << 1) | carry) & mask[w];
      carry = next_carry;
    }
    if ((state[last / 64] >> (last % 64)) & 1) return t + 1;
  }
  return std::string_view::npos;
}

}  // namespace

// Greedy leftmost matching of the segments between stars: the first segment is anchored at
// the start, the last at the end, and every middle one is taken at its leftmost occurrence
// after the previous one (taking it later can never help). No backtracking, so the cost is
// linear in the text rather than the product of the lengths.
bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  std::string_view rest = pattern;
  bool star = false;
  std::string_view first = NextSegment(rest, &star);
  size_t first_len = TokenCount(first);
  if (!star) return first_len == text.size() && MatchesAt(first, first_len, text, 0, ignore_case);
  if (!MatchesAt(first, first_len, text, 0, ignore_case)) return false;
  // The last segment: after the last unescaped star.
  std::string_view middle = rest;
  std::string_view last = rest;
  for (std::string_view scan = rest; !scan.empty();) {
    size_t before = scan.size();
    bool more = false;
    NextSegment(scan, &more);
    if (more) last = scan;
    if (scan.size() == before) break;
  }
  middle = rest.substr(0, rest.size() - last.size());
  size_t last_len = TokenCount(last);
  if (first_len + last_len > text.size()) return false;
  size_t tail_start = text.size() - last_len;
  if (!MatchesAt(last, last_len, text, tail_start, ignore_case)) return false;
  size_t pos = first_len;
  while (!middle.empty()) {
    std::string_view seg = NextSegment(middle, &star);
    pos = FindSegment(seg, TokenCount(seg), text, pos, tail_start, ignore_case);
    if (pos == std::string_view::npos) return false;
  }
  return true;
}

bool ArnMatch(std::string_view pattern, std::string_view arn) {
  if (pattern == "*") return true;
  std::array<std::string_view, 6> pp, ap;
  if (!SplitArn(arn, ap)) return false;
  if (!SplitArn(pattern, pp)) return false;
  for (int i = 0; i < 6; ++i) {
    if (!GlobMatch(pp[i], ap[i])) return false;
  }
  return true;
}

}  // namespace crossdock::iam
