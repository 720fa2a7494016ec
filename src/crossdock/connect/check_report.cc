#include <fmt/format.h>

#include "crossdock/connect/connection_check.h"

namespace crossdock::connect {

nlohmann::ordered_json ToJson(const ConnectionCheckReport& report) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const auto& c : report.checks) {
    nlohmann::ordered_json j;
    j["id"] = c.id;
    j["title"] = c.title;
    j["status"] = CheckStatusName(c.status);
    j["message"] = c.message;
    if (!c.diagnosis.empty()) j["diagnosis"] = c.diagnosis;
    if (!c.fix.empty()) j["fix"] = c.fix;
    if (!c.aws_code.empty()) j["aws_code"] = c.aws_code;
    if (c.http_status != 0) j["http_status"] = c.http_status;
    if (!c.request_id.empty()) j["request_id"] = c.request_id;
    if (!c.explanation.empty()) j["explanation"] = c.explanation;
    j["duration_ms"] = c.duration.count();
    checks.push_back(std::move(j));
  }
  nlohmann::ordered_json out;
  out["connection"] = report.connection;
  out["ok"] = report.ok();
  out["checks"] = std::move(checks);
  return out;
}

std::string FormatReport(const ConnectionCheckReport& report) {
  std::string out;
  int passed = 0, failed = 0, warned = 0, skipped = 0;
  for (const auto& c : report.checks) {
    const char* tag = "SKIP";
    switch (c.status) {
      case CheckStatus::kPass:
        tag = "PASS";
        ++passed;
        break;
      case CheckStatus::kFail:
        tag = "FAIL";
        ++failed;
        break;
      case CheckStatus::kWarn:
        tag = "WARN";
        ++warned;
        break;
      case CheckStatus::kSkip:
        ++skipped;
        break;
    }
    out += fmt::format("{}  {:<28} {}\n", tag, c.id, c.title);
    if (!c.message.empty()) out += fmt::format("      {}\n", c.message);
    if (c.status == CheckStatus::kFail || c.status == CheckStatus::kWarn) {
      if (!c.aws_code.empty()) {
        out += fmt::format("      AWS error: {} (HTTP {}{})\n", c.aws_code, c.http_status,
                           c.request_id.empty() ? "" : ", request id " + c.request_id);
      }
      if (!c.diagnosis.empty()) out += fmt::format("      why: {}\n", c.diagnosis);
      if (!c.fix.empty()) out += fmt::format("      fix: {}\n", c.fix);
      if (!c.explanation.empty()) {
        std::string indented;
        for (char ch : c.explanation) {
          indented.push_back(ch);
          if (ch == '\n') indented += "        ";
        }
        out += fmt::format("      policy: {}\n", indented);
      }
    }
  }
  out += fmt::format("{}: {} passed, {} failed, {} warnings, {} skipped\n",
                     report.ok() ? "connection OK" : "connection FAILED", passed, failed, warned,
                     skipped);
  return out;
}

}  // namespace crossdock::connect
