// `crossdock aws curl`: sign a request with SigV4 and send it, like awscurl. Credentials come
// from the default chain (environment, then profile files), optionally with --role-arn and
// --external-id on top (a cached AssumeRole). The response body goes to standard output
// (with -i, the status line and headers first). Exit 0 on 2xx; 3 when the service answered an
// error (the AWS code, message and request id go to standard error) or the request could not
// be sent; 2 for usage and credential configuration errors. Secrets are never printed.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/default_chain.h"
#include "crossdock/cli/commands.h"
#include "crossdock/http/curl_transport.h"

namespace crossdock::cli {
namespace {

struct CurlOptions {
  std::string url;
  std::string method;
  std::vector<std::string> headers;
  std::string data;
  bool data_given = false;
  std::string region, service;
  std::string profile, role_arn, external_id, endpoint_url;
  bool include = false;
};

// The signing service from an AWS host name ("sts.eu-west-1.amazonaws.com" -> sts,
// "bucket.s3.us-east-1.amazonaws.com" -> s3); "s3" for other hosts (a local RGW).
std::string ServiceFromUrl(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of(":/?", start);
  std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (host.find(".amazonaws.com") == std::string::npos) return "s3";
  std::vector<std::string> labels;
  std::stringstream ss(host);
  for (std::string label; std::getline(ss, label, '.');) labels.push_back(label);
  for (const std::string& l : labels) {
    if (l == "s3" || l.starts_with("s3-")) return "s3";
  }
  return labels.empty() ? "s3" : labels.front();
}

Result<std::string> DataArgument(const std::string& data) {
  if (!data.starts_with("@")) return data;
  std::string path = data.substr(1);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error(ErrorCode::kInvalidArgument, "--data @" + path + " cannot be read", "--data");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunCurl(const CurlOptions& o) {
  auto usage = [](const Error& e) {
    std::cerr << "crossdock aws curl: " << e.ToString() << "\n";
    return kExitUsage;
  };
  aws::AwsRequest request;
  request.http.url = o.url;
  if (o.url.starts_with("/")) {
    if (o.endpoint_url.empty()) {
      return usage(Error(ErrorCode::kInvalidArgument,
                         "URL '" + o.url + "' is a path: give an absolute URL or --endpoint-url",
                         "url"));
    }
    std::string base = o.endpoint_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    request.http.url = base + o.url;
  }
  for (const std::string& h : o.headers) {
    size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      return usage(
          Error(ErrorCode::kInvalidArgument, "-H '" + h + "' must be 'Name: value'", "--header"));
    }
    std::string value = h.substr(colon + 1);
    size_t first = value.find_first_not_of(" \t");
    request.http.headers.emplace_back(h.substr(0, colon),
                                      first == std::string::npos ? "" : value.substr(first));
  }
  if (o.data_given) {
    auto body = DataArgument(o.data);
    if (!body.ok()) return usage(body.error());
    request.http.body = std::move(*body);
    if (!http::FindHeader(request.http.headers, "Content-Type")) {
      request.http.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    }
  }
  request.http.method = !o.method.empty() ? o.method : (o.data_given ? "POST" : "GET");

  aws::CredentialsSetup setup;
  setup.profile = o.profile;
  setup.region = o.region;
  setup.endpoint_url = o.endpoint_url;
  setup.role_arn = o.role_arn;
  setup.external_id = o.external_id;
  auto region = aws::ResolveRegion(setup);
  if (!region.ok()) return usage(region.error());
  setup.region = *region;
  auto transport = std::make_shared<http::CurlTransport>();
  auto provider = aws::MakeCredentialsProvider(setup, transport, SystemClock::Instance());
  if (!provider.ok()) return usage(provider.error());

  request.signing.region = *region;
  request.signing.service = o.service.empty() ? ServiceFromUrl(request.http.url) : o.service;
  request.signing.s3_rules = request.signing.service == "s3";
  request.operation = request.http.method + " " + request.http.url;
  aws::AwsClient client(transport, *provider, SystemClock::Instance());
  auto response = client.Send(request);
  if (!response.ok()) {
    const Error& e = response.error();
    std::cerr << "crossdock aws curl: ";
    if (e.http_status() != 0) {
      std::cerr << "HTTP " << e.http_status() << " " << (e.aws_code().empty() ? "-" : e.aws_code())
                << ": ";
    }
    std::cerr << e.message();
    if (!e.request_id().empty()) std::cerr << " (request id " << e.request_id() << ")";
    std::cerr << "\n";
    return e.field() == "credentials" ? kExitUsage : kExitFailure;
  }
  if (o.include) {
    std::cout << "HTTP " << response->status << "\n";
    for (const auto& [name, value] : response->headers) std::cout << name << ": " << value << "\n";
    std::cout << "\n";
  }
  std::cout.write(response->body.data(), static_cast<std::streamsize>(response->body.size()));
  std::cout.flush();
  return kExitOk;
}

}  // namespace

void AddAwsCurlCommand(CLI::App& aws) {
  auto o = std::make_shared<CurlOptions>();
  CLI::App* cmd =
      aws.add_subcommand("curl", "Sign a request with SigV4 and send it (like awscurl)");
  cmd->add_option("url", o->url, "Absolute URL, or a path with --endpoint-url")->required();
  cmd->add_option("-X,--request", o->method, "HTTP method (default GET, POST with --data)");
  cmd->add_option("-H,--header", o->headers, "Header 'Name: value' (repeatable)");
  cmd->add_option("-d,--data", o->data, "Request body, or @FILE to read it from a file")
      ->each([o](const std::string&) { o->data_given = true; });
  cmd->add_option("--region", o->region,
                  "Signing region (default: AWS_REGION, AWS_DEFAULT_REGION, profile, us-east-1)");
  cmd->add_option("--service", o->service,
                  "Signing service (default: from the AWS host name, else s3)");
  cmd->add_option("--profile", o->profile, "Profile of the shared config/credentials files");
  cmd->add_option("--role-arn", o->role_arn, "Assume this role first (STS AssumeRole)");
  cmd->add_option("--external-id", o->external_id, "External ID for --role-arn");
  cmd->add_option("--endpoint-url", o->endpoint_url,
                  "Endpoint for the request (with a path URL) and for STS");
  cmd->add_flag("-i,--include", o->include, "Print the status line and headers before the body");
  cmd->callback([o] { ExitWith(RunCurl(*o)); });
}

}  // namespace crossdock::cli
