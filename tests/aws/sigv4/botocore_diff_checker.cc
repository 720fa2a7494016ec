// Reads the JSONL corpus written by botocore_diff.py (requests plus botocore's canonical
// request, string to sign, signature and Authorization header or presigned URL), signs each
// request with crossdock's signer and exits 1 at the first case where any field differs,
// printing the case, the field, both values and the seed to reproduce it.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "crossdock/aws/sigv4/signer.h"
#include "crossdock/core/hex.h"
#include "crossdock/core/time_format.h"

namespace {

using crossdock::aws::AwsCredentials;
namespace sigv4 = crossdock::aws::sigv4;

// Shows control characters so that differing whitespace is visible.
std::string Visible(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n') {
      out += "\\n\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

int Check(const nlohmann::json& c, const std::string& seed) {
  crossdock::http::HttpRequest request;
  request.method = c.at("method").get<std::string>();
  request.url = c.at("url").get<std::string>();
  for (const auto& h : c.at("headers")) {
    request.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
  }
  auto body = crossdock::HexDecode(c.at("body_hex").get<std::string>());
  if (!body.ok()) {
    std::cerr << "case " << c.at("id") << ": bad body_hex\n";
    return 2;
  }
  request.body = *body;

  AwsCredentials creds;
  creds.access_key_id = c.at("access_key").get<std::string>();
  creds.secret_access_key = c.at("secret_key").get<std::string>();
  creds.session_token = c.at("session_token").get<std::string>();

  sigv4::SigningConfig config;
  config.region = c.at("region").get<std::string>();
  config.service = c.at("service").get<std::string>();
  config.time = crossdock::ParseAmzDate(c.at("amz_date").get<std::string>()).value();
  config.s3_rules = c.at("s3").get<bool>();
  config.unsigned_payload = c.at("unsigned_payload").get<bool>();

  const bool presign = c.at("mode").get<std::string>() == "query";
  auto result = presign ? sigv4::PresignRequest(request, creds, config, c.at("expires").get<int>())
                        : sigv4::SignRequest(request, creds, config);
  const auto& expected = c.at("expected");
  auto report = [&](const char* field, const std::string& want, const std::string& got) {
    std::cerr << "MISMATCH in case " << c.at("id") << " (seed " << seed << "), field " << field
              << "\nrequest: " << c.dump() << "\n--- botocore:\n"
              << Visible(want) << "\n--- crossdock:\n"
              << Visible(got) << "\n";
    return 1;
  };
  if (!result.ok()) return report("result", "(signed)", result.error().ToString());
  const auto& r = *result;
  struct Field {
    const char* name;
    const std::string& got;
  } fields[] = {
      {"canonical_request", r.canonical_request},
      {"string_to_sign", r.string_to_sign},
      {"signature", r.signature},
      {presign ? "presigned_url" : "authorization", presign ? r.presigned_url : r.authorization}};
  for (const auto& f : fields) {
    std::string want = expected.at(f.name).get<std::string>();
    if (want != f.got) return report(f.name, want, f.got);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " CORPUS.jsonl [SEED]\n";
    return 2;
  }
  const std::string seed = argc > 2 ? argv[2] : "unknown";
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot open corpus " << argv[1] << "\n";
    return 2;
  }
  std::string line;
  int count = 0;
  try {
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      int rc = Check(nlohmann::json::parse(line), seed);
      if (rc != 0) return rc;
      ++count;
    }
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "corpus line " << count + 1 << ": " << e.what() << "\n";
    return 2;
  }
  if (count < 1000) {
    std::cerr << "only " << count << " cases in the corpus; at least 1000 are required\n";
    return 1;
  }
  std::cout << count << " cases: canonical request, string to sign, signature and "
            << "Authorization/presigned URL identical to botocore\n";
  return 0;
}
