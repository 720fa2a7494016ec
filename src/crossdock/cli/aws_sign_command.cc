// `crossdock aws sign`: shows every SigV4 stage for a request described by flags, so a
// signature can be checked by hand or compared with another implementation. Prints the
// canonical request, the string to sign, the signature and the Authorization header (or the
// presigned URL with --presign EXPIRES). With --date the output is reproducible. Credentials
// come from --access-key/--secret-key/--session-token, else from the default chain; the
// secret key and session token are never printed (the canonical request shows a marker in
// the token's place; a presigned URL for a session necessarily carries its token). The signer's
// settings are separate flags, as in aws-c-auth's signing_config: --[no-]normalize-path,
// --[no-]double-encode, --[no-]signed-body-header and --omit-session-token; --service s3
// implies S3's defaults (no normalization, single encoding, x-amz-content-sha256) and each flag
// overrides its own setting only. Exit 0, or 2 for usage and input errors.
#include <strings.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "crossdock/aws/credentials/default_chain.h"
#include "crossdock/aws/sigv4/signer.h"
#include "crossdock/cli/commands.h"
#include "crossdock/core/time_format.h"
#include "crossdock/http/curl_transport.h"

namespace crossdock::cli {
namespace {

struct SignOptions {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;
  std::string body_file;
  std::string region = "us-east-1";
  std::string service;
  std::string date;
  std::string access_key, secret_key, session_token;
  bool unsigned_payload = false;
  // The signer's settings (unset: the default of the service's rule set).
  std::optional<bool> normalize_path;
  std::optional<bool> double_uri_encode;
  std::optional<bool> signed_body_header;
  bool omit_session_token = false;
  int presign = 0;
};

Result<http::Headers> ParseHeaderFlags(const std::vector<std::string>& flags) {
  http::Headers out;
  for (const std::string& h : flags) {
    size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      return Error(ErrorCode::kInvalidArgument,
                   "--header '" + h + "' must be 'Name:value', e.g. 'Content-Type:text/plain'",
                   "--header");
    }
    std::string value = h.substr(colon + 1);
    size_t first = value.find_first_not_of(" \t");
    out.emplace_back(h.substr(0, colon), first == std::string::npos ? "" : value.substr(first));
  }
  return out;
}

Result<std::string> ReadBodyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(ErrorCode::kInvalidArgument, "--body-file " + path + " cannot be read",
                 "--body-file");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The canonical request with the session token's value replaced by a marker (its hash in the
// string to sign is still that of the real request).
std::string HideToken(std::string text, const std::string& token) {
  if (token.empty()) return text;
  for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
    text.replace(at, token.size(), "<session token, hidden>");
  }
  return text;
}

Result<aws::AwsCredentials> Credentials(const SignOptions& o) {
  if (!o.access_key.empty() || !o.secret_key.empty()) {
    if (o.access_key.empty() || o.secret_key.empty()) {
      return Error(ErrorCode::kInvalidArgument, "give both --access-key and --secret-key",
                   o.access_key.empty() ? "--access-key" : "--secret-key");
    }
    return aws::AwsCredentials{o.access_key, o.secret_key, o.session_token, std::nullopt};
  }
  aws::CredentialsSetup setup;
  setup.region = o.region;
  ASSIGN_OR_RETURN(auto provider,
                   aws::MakeCredentialsProvider(setup, std::make_shared<http::CurlTransport>(),
                                                SystemClock::Instance()));
  return provider->GetCredentials();
}

int RunSign(const SignOptions& o) {
  auto fail = [](const Error& e) {
    std::cerr << "crossdock aws sign: " << e.ToString() << "\n";
    return kExitUsage;
  };
  http::HttpRequest request;
  request.method = o.method;
  request.url = o.url;
  auto headers = ParseHeaderFlags(o.headers);
  if (!headers.ok()) return fail(headers.error());
  request.headers = std::move(*headers);
  if (!o.body_file.empty()) {
    auto body = ReadBodyFile(o.body_file);
    if (!body.ok()) return fail(body.error());
    request.body = std::move(*body);
  }
  aws::sigv4::SigningConfig config;
  config.region = o.region;
  config.service = o.service;
  config.s3_rules = o.service == "s3";
  config.unsigned_payload = o.unsigned_payload;
  config.normalize_path = o.normalize_path;
  config.double_uri_encode = o.double_uri_encode;
  config.signed_body_header = o.signed_body_header;
  config.omit_session_token = o.omit_session_token;
  if (o.date.empty()) {
    config.time = SystemClock::Instance().Now();
  } else {
    auto t = ParseAmzDate(o.date);
    if (!t.ok()) {
      return fail(Error(ErrorCode::kInvalidArgument,
                        "--date '" + o.date + "' must look like 20150830T123600Z", "--date"));
    }
    config.time = *t;
  }
  auto creds = Credentials(o);
  if (!creds.ok()) return fail(creds.error());

  if (o.presign > 0) {
    auto result = aws::sigv4::PresignRequest(request, *creds, config, o.presign);
    if (!result.ok()) return fail(result.error());
    std::cout << "Canonical request:\n"
              << result->canonical_request << "\n\nString to sign:\n"
              << result->string_to_sign << "\n\nSignature: " << result->signature
              << "\nPresigned URL: " << result->presigned_url << "\n";
    return kExitOk;
  }
  auto result = aws::sigv4::SignRequest(request, *creds, config);
  if (!result.ok()) return fail(result.error());
  std::cout << "Canonical request:\n"
            << HideToken(result->canonical_request, creds->session_token) << "\n\nString to sign:\n"
            << result->string_to_sign << "\n\nSignature: " << result->signature << "\n";
  std::cout << "\nHeaders to send:\n";
  for (const auto& [name, value] : request.headers) {
    bool secret = name.size() == 20 && strncasecmp(name.c_str(), "x-amz-security-token", 20) == 0;
    std::cout << name << ": " << (secret ? "(the session token)" : value) << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddAwsSignCommand(CLI::App& aws) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* cmd = aws.add_subcommand(
      "sign", "Print the SigV4 canonical request, string to sign and Authorization header");
  cmd->add_option("--method", o->method, "HTTP method")->capture_default_str();
  cmd->add_option("--url", o->url, "Absolute URL, percent-encoded as it will be sent")->required();
  cmd->add_option("--header", o->headers, "Header 'Name:value' (repeatable)");
  cmd->add_option("--body-file", o->body_file, "File whose bytes are the request body");
  cmd->add_option("--region", o->region, "Region of the credential scope")->capture_default_str();
  cmd->add_option("--service", o->service, "Service of the credential scope (s3, sts, iam...)")
      ->required();
  cmd->add_option("--date", o->date, "Signing time YYYYMMDDTHHMMSSZ (default: now)");
  cmd->add_option("--access-key", o->access_key, "Access key id (default: credential chain)");
  cmd->add_option("--secret-key", o->secret_key, "Secret access key");
  cmd->add_option("--session-token", o->session_token, "Session token of temporary credentials");
  cmd->add_flag("--unsigned-payload", o->unsigned_payload, "Sign UNSIGNED-PAYLOAD");
  // Each setting on its own, as aws-c-auth's signing_config; --service s3 implies
  // --no-normalize-path --no-double-encode --signed-body-header unless overridden.
  auto setting = [&](const std::string& on, const std::string& off, std::optional<bool>& value,
                     const std::string& help) {
    cmd->add_flag_callback(
        on, [&value] { value = true; }, help);
    cmd->add_flag_callback(
        off, [&value] { value = false; }, "Opposite of " + on.substr(0, on.find(',')));
  };
  setting("--normalize-path", "--no-normalize-path", o->normalize_path,
          "Remove . and .. and empty segments from the path (default unless --service s3)");
  setting("--double-encode", "--no-double-encode", o->double_uri_encode,
          "Percent-encode the already encoded path again (default unless --service s3)");
  setting("--signed-body-header,--sign-body", "--no-signed-body-header", o->signed_body_header,
          "Add and sign x-amz-content-sha256 with the payload hash (default with --service s3 "
          "or --unsigned-payload)");
  cmd->add_flag("--omit-session-token", o->omit_session_token,
                "Sign without the session token, then add X-Amz-Security-Token");
  cmd->add_option("--presign", o->presign, "Print a presigned URL valid for EXPIRES seconds")
      ->check(CLI::Range(1, 604800));
  cmd->callback([o] { ExitWith(RunSign(*o)); });
}

}  // namespace crossdock::cli
