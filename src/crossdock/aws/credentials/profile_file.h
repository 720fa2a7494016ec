// The AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials) as data.
//
// Parsing follows the rules the AWS CLI and SDKs share: '#' and ';' start comment lines;
// `key = value` properties with keys compared case-insensitively (stored lower-case) and
// values trimmed; indented lines continue the previous property (sub-properties such as
// `s3 =` blocks are kept as text). In the config file a profile section is `[default]` or
// `[profile NAME]` (`[profile default]` wins over `[default]`); other sections (`[NAME]`,
// `[sso-session x]`, `[services x]`) are not profiles. In the credentials file a section
// is `[NAME]` and `[profile NAME]` is not a profile. When both files define a profile, the
// credentials file's value wins key by key. Paths come from AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/. It resolves no credentials itself (see
// profile_provider.h) and never writes the files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crossdock/aws/credentials/environment_provider.h"
#include "crossdock/core/result.h"

namespace crossdock::aws {

struct Profile {
  std::string name;
  std::map<std::string, std::string> properties;  // lower-case keys

  // The trimmed value, or nullopt when the key is absent or empty.
  std::optional<std::string> Get(std::string_view key) const;
};

struct ProfileSet {
  std::map<std::string, Profile> profiles;
  std::string config_path;  // where they were read from, for messages
  std::string credentials_path;

  const Profile* Find(std::string_view name) const;
};

enum class ProfileFileKind { kConfig, kCredentials };

// Parses one file's text. kInvalidArgument "<source>:<line>: ..." for a property outside any
// section, a line that is neither a section, a property nor a comment, or an unclosed '['.
Result<ProfileSet> ParseProfileFile(std::string_view text, ProfileFileKind kind,
                                    std::string_view source_name);

// Profiles of both files; for a profile in both, credentials-file values win key by key.
ProfileSet MergeProfileSets(const ProfileSet& config, const ProfileSet& credentials);

struct SharedConfigPaths {
  std::string config;       // AWS_CONFIG_FILE or $HOME/.aws/config
  std::string credentials;  // AWS_SHARED_CREDENTIALS_FILE or $HOME/.aws/credentials
};
SharedConfigPaths SharedConfigPathsFromEnv(const EnvLookup& env);

// Reads and merges both files. A missing file counts as empty; an unreadable or malformed one
// is an error naming the path.
Result<ProfileSet> LoadSharedConfig(const SharedConfigPaths& paths);

}  // namespace crossdock::aws
