// What `crossdock serve --demo` leaves next to its store while it runs (demo.json, mode
// 0600), so that `crossdock worker`, `crossdock credentials` and `crossdock sync` on the same
// store reach the pretend AWS account without hand-copied keys: the demo organization, the
// STS and S3 endpoints of the local peers, the pretend vendor's access key, and a libpq
// password file for the sample PostgreSQL. Only the demo writes it, and it removes it when it
// stops; the keys are those of a local test peer, never real AWS keys. Explicit flags and
// environment variables always win.
#pragma once

#include <optional>
#include <string>

#include "crossdock/core/result.h"

namespace crossdock::cli {

struct DemoSettings {
  std::string org;                   // the demo's organization ("demo")
  std::string sts_endpoint;          // the External ID STS front
  std::string s3_endpoint;           // the same front (S3 goes through it too)
  std::string vendor_access_key_id;  // the pretend vendor's keys
  std::string vendor_secret_access_key;
  std::string pgpass_file;  // libpq password file for the sample PostgreSQL
};

// DATA_DIR/demo.json.
std::string DemoSettingsPath(const std::string& data_dir);

// Writes DATA_DIR/demo.json with mode 0600.
Status WriteDemoSettings(const std::string& data_dir, const DemoSettings& settings);

// The settings of a demo serving the store at `db_location` (a SQLite file: its folder;
// otherwise the default data directory); nullopt when no demo runs there.
std::optional<DemoSettings> FindDemoSettings(const std::string& db_location);

// Points libpq at the demo's password file when PGPASSWORD and PGPASSFILE are both unset.
void UseDemoPostgresPassword(const DemoSettings& settings);

}  // namespace crossdock::cli
