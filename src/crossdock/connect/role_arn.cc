#include "crossdock/connect/role_arn.h"

#include <fmt/format.h>

#include <vector>

#include "crossdock/aws/endpoints.h"

namespace crossdock::connect {
namespace {

constexpr std::string_view kShape = "arn:aws:iam::123456789012:role/NAME";

Error Bad(std::string_view field, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("{} is not an IAM role ARN: {}; copy the role's ARN from the IAM "
                           "console, it looks like {}",
                           field, what, kShape),
               std::string(field));
}

bool IsRoleNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? s.npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

}  // namespace

Result<RoleArn> ParseRoleArn(std::string_view text, std::string_view field) {
  if (text.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{} is required for the iam-role authentication method; give the "
                             "ARN of the role to assume, like {}",
                             field, kShape),
                 std::string(field));
  }
  auto parts = Split(text, ':');
  if (parts.size() != 6) {
    return Bad(field,
               fmt::format("it has {} colon-separated components, an ARN has 6", parts.size()));
  }
  if (parts[0] != "arn") return Bad(field, "it does not start with \"arn:\"");
  if (parts[1] != "aws" && parts[1] != "aws-cn" && parts[1] != "aws-us-gov") {
    return Bad(field, fmt::format("unknown partition \"{}\" (expected aws, aws-cn or "
                                  "aws-us-gov)",
                                  parts[1]));
  }
  if (parts[2] != "iam") {
    return Bad(field, fmt::format("the service is \"{}\", a role ARN's is \"iam\"", parts[2]));
  }
  if (!parts[3].empty()) {
    return Bad(field, fmt::format("IAM is global, so the region component must be empty, not "
                                  "\"{}\"",
                                  parts[3]));
  }
  std::string_view account = parts[4];
  if (account.size() != 12 || account.find_first_not_of("0123456789") != std::string_view::npos) {
    return Bad(field, fmt::format("the account id \"{}\" is not 12 digits", account));
  }
  std::string_view resource = parts[5];
  if (!resource.starts_with("role/")) {
    auto slash = resource.find('/');
    return Bad(field, fmt::format("it names a {} not a role (the resource must start with "
                                  "\"role/\")",
                                  slash == resource.npos ? resource : resource.substr(0, slash)));
  }
  std::string_view rest = resource.substr(5);
  auto last = rest.rfind('/');
  std::string_view name = last == rest.npos ? rest : rest.substr(last + 1);
  std::string path = last == rest.npos ? "/" : "/" + std::string(rest.substr(0, last + 1));
  if (name.empty() || name.size() > 64) {
    return Bad(field, "the role name must be 1 to 64 characters");
  }
  for (char c : name) {
    if (!IsRoleNameChar(c)) {
      return Bad(field, fmt::format("the role name contains '{}'; role names use letters, digits "
                                    "and + = , . @ _ -",
                                    c));
    }
  }
  if (path.size() > 512 || path.find("//") != std::string::npos) {
    return Bad(field, "the role path has an empty segment or is longer than 512 characters");
  }
  for (char c : path) {
    if (c != '/' && !IsRoleNameChar(c)) {
      return Bad(field, fmt::format("the role path contains '{}'", c));
    }
  }
  return RoleArn{std::string(parts[1]), std::string(account), path, std::string(name)};
}

Status ValidateRoleArnForRegion(std::string_view text, std::string_view region,
                                std::string_view field) {
  ASSIGN_OR_RETURN(RoleArn arn, ParseRoleArn(text, field));
  auto partition = aws::PartitionForRegion(region);
  if (!partition.ok()) return OkStatus();  // the region's own check reports it
  if (partition->id != arn.partition) {
    return Error(
        ErrorCode::kInvalidArgument,
        fmt::format("{} is in partition \"{}\" but region {} is in partition \"{}\"; a "
                    "role can only be assumed within its partition: use a role ARN "
                    "starting with arn:{}:iam:: or a region of partition {}",
                    field, arn.partition, region, partition->id, partition->id, arn.partition),
        std::string(field));
  }
  return OkStatus();
}

}  // namespace crossdock::connect
