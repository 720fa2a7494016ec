#include "crossdock/cli/demo_settings.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crossdock/cli/connection_context.h"
#include "crossdock/store/store.h"

namespace crossdock::cli {

std::string DemoSettingsPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "demo.json").string();
}

Status WriteDemoSettings(const std::string& data_dir, const DemoSettings& s) {
  nlohmann::json j = {{"org", s.org},
                      {"sts_endpoint", s.sts_endpoint},
                      {"s3_endpoint", s.s3_endpoint},
                      {"vendor_access_key_id", s.vendor_access_key_id},
                      {"vendor_secret_access_key", s.vendor_secret_access_key},
                      {"pgpass_file", s.pgpass_file}};
  std::string path = DemoSettingsPath(data_dir);
  std::string text = j.dump(2) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0 ||
      ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    if (fd >= 0) ::close(fd);
    return Error(ErrorCode::kUnavailable, "cannot write " + path, "data_dir");
  }
  ::close(fd);
  return OkStatus();
}

std::optional<DemoSettings> FindDemoSettings(const std::string& db_location) {
  std::string dir = DefaultDataDir();
  if (!store::IsPostgresUrl(db_location)) {
    std::string file = db_location.starts_with("sqlite:") ? db_location.substr(7) : db_location;
    dir = std::filesystem::path(file).parent_path().string();
    if (dir.empty()) dir = ".";
  }
  std::ifstream in(DemoSettingsPath(dir));
  if (!in) return std::nullopt;
  std::stringstream buf;
  buf << in.rdbuf();
  auto j = nlohmann::json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  DemoSettings s;
  s.org = j.value("org", "");
  s.sts_endpoint = j.value("sts_endpoint", "");
  s.s3_endpoint = j.value("s3_endpoint", "");
  s.vendor_access_key_id = j.value("vendor_access_key_id", "");
  s.vendor_secret_access_key = j.value("vendor_secret_access_key", "");
  s.pgpass_file = j.value("pgpass_file", "");
  return s;
}

void UseDemoPostgresPassword(const DemoSettings& s) {
  if (s.pgpass_file.empty() || std::getenv("PGPASSWORD") || std::getenv("PGPASSFILE")) return;
  ::setenv("PGPASSFILE", s.pgpass_file.c_str(), 0);
}

}  // namespace crossdock::cli
