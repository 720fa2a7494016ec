#include "crossdock/aws/sts/assume_role_response.h"

#include <fmt/format.h>

#include <cstdlib>
#include <pugixml.hpp>

#include "crossdock/core/time_format.h"

namespace crossdock::aws::sts {
namespace {

std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  if (auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
  return name;
}

// First child element whose local name is one of `names`.
pugi::xml_node Child(const pugi::xml_node& parent, std::initializer_list<std::string_view> names) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    for (auto n : names) {
      if (LocalName(c) == n) return c;
    }
  }
  return {};
}

// Depth-first search for an element by local name.
pugi::xml_node Find(const pugi::xml_node& root, std::string_view name) {
  if (root.type() == pugi::node_element && LocalName(root) == name) return root;
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (auto found = Find(c, name)) return found;
  }
  return {};
}

std::string Text(const pugi::xml_node& parent, std::initializer_list<std::string_view> names) {
  std::string s = Child(parent, names).text().as_string();
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

Error Missing(std::string_view what) {
  return Error(ErrorCode::kInternal,
               fmt::format("the STS AssumeRole answer has no {}; the endpoint may not be STS "
                           "(check the endpoint URL)",
                           what));
}

}  // namespace

Result<AssumeRoleResult> ParseAssumeRoleResponse(std::string_view body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return Missing("well-formed XML document");
  pugi::xml_node result = Find(doc, "AssumeRoleResult");
  if (!result) return Missing("<AssumeRoleResult> element");
  pugi::xml_node creds = Child(result, {"Credentials"});
  if (!creds) return Missing("<Credentials> element");

  AssumeRoleResult out;
  out.credentials.access_key_id = Text(creds, {"AccessKeyId"});
  out.credentials.secret_access_key = Text(creds, {"SecretAccessKey"});
  out.credentials.session_token = Text(creds, {"SessionToken"});
  if (out.credentials.access_key_id.empty()) return Missing("<AccessKeyId>");
  if (out.credentials.secret_access_key.empty()) return Missing("<SecretAccessKey>");
  if (out.credentials.session_token.empty()) return Missing("<SessionToken>");
  std::string expiration = Text(creds, {"Expiration"});
  if (expiration.empty()) return Missing("<Expiration>");
  auto when = ParseIso8601(expiration);
  if (!when.ok()) {
    return Error(ErrorCode::kInternal,
                 fmt::format("the STS AssumeRole answer has an unreadable Expiration '{}': {}",
                             expiration, when.error().message()));
  }
  out.credentials.expiration = *when;

  if (pugi::xml_node user = Child(result, {"AssumedRoleUser"})) {
    out.assumed_role_user.arn = Text(user, {"Arn"});
    out.assumed_role_user.id = Text(user, {"AssumedRoleId", "AssumeRoleId"});
  }
  out.source_identity = Text(result, {"SourceIdentity"});
  if (std::string size = Text(result, {"PackedPolicySize"}); !size.empty()) {
    out.packed_policy_size = std::atoi(size.c_str());
  }
  if (pugi::xml_node meta = Find(doc, "ResponseMetadata")) {
    out.request_id = Text(meta, {"RequestId"});
  }
  return out;
}

}  // namespace crossdock::aws::sts
