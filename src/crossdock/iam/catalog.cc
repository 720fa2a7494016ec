#include "crossdock/iam/catalog.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "crossdock/iam/arn.h"

namespace crossdock::iam {
namespace {

constexpr ActionInfo kActions[] = {
#include "crossdock/iam/data/actions.inc"
};

constexpr std::array<std::string_view, 8> kServices = {
    "s3", "sts", "iam", "kms", "redshift-data", "redshift-serverless", "redshift", "kinesis"};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string ActionInfo::FullName() const { return std::string(service) + ":" + std::string(name); }

std::span<const ActionInfo> AllActions() { return kActions; }

bool IsCataloguedService(std::string_view service) {
  for (std::string_view s : kServices) {
    if (EqualsIgnoreCase(s, service)) return true;
  }
  return false;
}

const ActionInfo* FindAction(std::string_view action) {
  size_t colon = action.find(':');
  if (colon == std::string_view::npos) return nullptr;
  std::string_view service = action.substr(0, colon), name = action.substr(colon + 1);
  for (const ActionInfo& a : kActions) {
    if (EqualsIgnoreCase(a.service, service) && EqualsIgnoreCase(a.name, name)) return &a;
  }
  return nullptr;
}

std::vector<const ActionInfo*> MatchActions(std::string_view pattern) {
  std::vector<const ActionInfo*> out;
  std::string full;
  for (const ActionInfo& a : kActions) {
    full.assign(a.service);
    full += ':';
    full += a.name;
    if (GlobMatch(pattern, full, true)) out.push_back(&a);
  }
  return out;
}

bool IsDestructive(const ActionInfo& a) {
  static constexpr std::array<std::string_view, 6> kPrefixes = {"Delete", "Remove",  "Revoke",
                                                                "Detach", "Disable", "Deregister"};
  for (std::string_view p : kPrefixes) {
    if (a.name.starts_with(p)) return true;
  }
  if (a.name.starts_with("Put") && a.name.ends_with("Policy")) return true;
  return a.name == "ScheduleKeyDeletion" || a.name == "UpdateAssumeRolePolicy" ||
         a.name == "ReplicateDelete" || a.name == "BypassGovernanceRetention" ||
         a.name == "PutBucketAcl" || a.name == "PutObjectAcl";
}

std::string SuggestAction(std::string_view service, std::string_view name) {
  const ActionInfo* best = nullptr;
  size_t best_distance = 0;
  for (const ActionInfo& a : kActions) {
    if (!EqualsIgnoreCase(a.service, service)) continue;
    size_t d = EditDistance(a.name, name);
    if (!best || d < best_distance) {
      best = &a;
      best_distance = d;
    }
  }
  if (!best || best_distance > std::max<size_t>(3, name.size() / 3)) return "";
  return best->FullName();
}

}  // namespace crossdock::iam
