#include "crossdock/aws/credentials/profile_file.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace crossdock::aws {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error ParseError(std::string_view source, int line, std::string_view what) {
  return Error(ErrorCode::kInvalidArgument, fmt::format("{}:{}: {}", source, line, what),
               "profile_file");
}

// The profile a section header names, or nullopt when the section is not a profile.
// `explicit_profile` is set for config's "[profile default]".
std::optional<std::string> ProfileNameOfSection(std::string_view header, ProfileFileKind kind,
                                                bool& explicit_profile) {
  explicit_profile = false;
  std::string_view h = Trim(header);
  bool has_prefix =
      h.starts_with("profile") && h.size() > 7 && std::isspace(static_cast<unsigned char>(h[7]));
  if (kind == ProfileFileKind::kCredentials) {
    if (has_prefix) return std::nullopt;  // not allowed in the credentials file
    if (h.empty()) return std::nullopt;
    return std::string(h);
  }
  if (has_prefix) {
    std::string_view name = Trim(h.substr(7));
    if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
    explicit_profile = true;
    return std::string(name);
  }
  if (h == "default") return std::string("default");
  return std::nullopt;  // [sso-session x], [services x], or a bare [name] in the config file
}

}  // namespace

std::optional<std::string> Profile::Get(std::string_view key) const {
  auto it = properties.find(Lower(key));
  if (it == properties.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

const Profile* ProfileSet::Find(std::string_view name) const {
  auto it = profiles.find(std::string(name));
  return it == profiles.end() ? nullptr : &it->second;
}

Result<ProfileSet> ParseProfileFile(std::string_view text, ProfileFileKind kind,
                                    std::string_view source_name) {
  ProfileSet out;
  // Profiles named by "[profile default]" in the config file replace those from "[default]".
  std::map<std::string, bool> explicit_seen;
  Profile* current = nullptr;  // nullptr: outside any section, or in a non-profile section
  bool in_section = false;
  std::string* last_value = nullptr;  // for continuation lines
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    bool indented = std::isspace(static_cast<unsigned char>(raw.front()));
    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) {
        return ParseError(source_name, line_no, "section header without ']'");
      }
      std::string_view after = Trim(line.substr(close + 1));
      if (!after.empty() && after.front() != '#' && after.front() != ';') {
        return ParseError(source_name, line_no, "text after the section header's ']'");
      }
      in_section = true;
      last_value = nullptr;
      bool is_explicit = false;
      auto name = ProfileNameOfSection(line.substr(1, close - 1), kind, is_explicit);
      if (!name) {
        current = nullptr;
        continue;
      }
      bool& seen_explicit = explicit_seen[*name];
      if (is_explicit && !seen_explicit && out.profiles.count(*name) != 0) {
        out.profiles.erase(*name);  // "[profile default]" replaces "[default]"
      }
      if (!is_explicit && seen_explicit) {
        current = nullptr;  // "[default]" after "[profile default]" is ignored
        continue;
      }
      seen_explicit = seen_explicit || is_explicit;
      current = &out.profiles[*name];
      current->name = *name;
      continue;
    }
    if (indented && last_value != nullptr) {  // continuation / sub-property
      *last_value += "\n" + std::string(line);
      continue;
    }
    if (!in_section) {
      return ParseError(source_name, line_no,
                        "property outside a section; put it under [default] or [profile NAME]");
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return ParseError(source_name, line_no, "expected 'key = value', a [section] or a comment");
    }
    std::string key = Lower(Trim(line.substr(0, eq)));
    if (key.empty()) return ParseError(source_name, line_no, "property without a name");
    if (current == nullptr) {
      last_value = nullptr;
      continue;
    }
    std::string& slot = current->properties[key];
    slot = std::string(Trim(line.substr(eq + 1)));
    last_value = &slot;
  }
  return out;
}

ProfileSet MergeProfileSets(const ProfileSet& config, const ProfileSet& credentials) {
  ProfileSet out = config;
  out.credentials_path = credentials.credentials_path;
  for (const auto& [name, profile] : credentials.profiles) {
    Profile& target = out.profiles[name];
    target.name = name;
    for (const auto& [k, v] : profile.properties) target.properties[k] = v;
  }
  return out;
}

SharedConfigPaths SharedConfigPathsFromEnv(const EnvLookup& env) {
  std::string home = env("HOME").value_or("");
  auto expand = [&](std::string p) {
    if (p.starts_with("~/") && !home.empty()) p = home + p.substr(1);
    return p;
  };
  SharedConfigPaths paths;
  paths.config = expand(env("AWS_CONFIG_FILE").value_or("~/.aws/config"));
  paths.credentials = expand(env("AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"));
  return paths;
}

namespace {

Result<std::optional<std::string>> ReadIfExists(const std::string& path) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) return std::optional<std::string>();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{} exists but cannot be read; check its permissions", path),
                 "profile_file");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::optional<std::string>(ss.str());
}

}  // namespace

Result<ProfileSet> LoadSharedConfig(const SharedConfigPaths& paths) {
  ProfileSet config, credentials;
  ASSIGN_OR_RETURN(auto config_text, ReadIfExists(paths.config));
  if (config_text) {
    ASSIGN_OR_RETURN(config,
                     ParseProfileFile(*config_text, ProfileFileKind::kConfig, paths.config));
  }
  ASSIGN_OR_RETURN(auto creds_text, ReadIfExists(paths.credentials));
  if (creds_text) {
    ASSIGN_OR_RETURN(credentials, ParseProfileFile(*creds_text, ProfileFileKind::kCredentials,
                                                   paths.credentials));
  }
  credentials.credentials_path = paths.credentials;
  ProfileSet merged = MergeProfileSets(config, credentials);
  merged.config_path = paths.config;
  merged.credentials_path = paths.credentials;
  return merged;
}

}  // namespace crossdock::aws
