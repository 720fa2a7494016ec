#include "crossdock/notify/deliverer.h"

#include "crossdock/http/curl_transport.h"
#include "crossdock/notify/signature.h"

namespace crossdock::notify {
namespace {

// The error category of an exchange that got no HTTP answer.
std::string Category(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kInvalidArgument:
      return e.field() == "url" && e.message().find("address") != std::string::npos
                 ? "refused_address"
                 : "invalid_url";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kNotFound:
      return "dns";
    default:
      return "connect";
  }
}

}  // namespace

Deliverer::Deliverer(WebhookStore& store, DelivererOptions options)
    : store_(store), options_(std::move(options)) {
  if (!options_.transport) {
    http::TransportOptions t;
    t.connect_timeout_ms = 5000;
    t.low_speed_time_s = 10;
    options_.transport = std::make_shared<http::CurlTransport>(t);
  }
  if (!options_.outbound) options_.outbound = std::make_shared<const http::OutboundPolicy>();
  if (!options_.clock) options_.clock = &SystemClock::Instance();
}

DeliveryAttempt Deliverer::Send(const DueDelivery& d, const std::string& secret) const {
  DeliveryAttempt a;
  a.attempt = d.attempts + 1;
  a.at = options_.clock->Now();
  int64_t ts = std::chrono::duration_cast<std::chrono::seconds>(a.at.time_since_epoch()).count();
  http::HttpRequest req;
  req.method = "POST";
  req.url = d.url;
  req.body = d.body;
  req.outbound = options_.outbound;
  req.headers = {{"Content-Type", "application/json"},
                 {"User-Agent", "crossdock-webhooks/1"},
                 {std::string(kEventHeader), d.event_type},
                 {std::string(kDeliveryHeader), d.id},
                 {std::string(kTimestampHeader), std::to_string(ts)},
                 {std::string(kSignatureHeader), SignatureHeaderValue(secret, ts, d.body)}};
  auto started = std::chrono::steady_clock::now();
  auto resp = options_.transport->Send(req);
  a.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (!resp.ok()) {
    a.error = Category(resp.error());
    a.detail = resp.error().message();
    return a;
  }
  a.status_code = resp->status;
  if (resp->status < 200 || resp->status >= 300) {
    a.error = "http_status";
    a.detail = "the receiver answered " + std::to_string(resp->status);
  }
  return a;
}

Result<DeliveryReport> Deliverer::DeliverDue() {
  DeliveryReport report;
  ASSIGN_OR_RETURN(auto due, store_.ClaimDue(options_.batch, options_.lease));
  for (const DueDelivery& d : due) {
    DeliveryAttempt a;
    auto secret = store_.OpenSecret(d);
    if (secret.ok()) {
      a = Send(d, *secret);
    } else {
      a.attempt = d.attempts + 1;
      a.at = options_.clock->Now();
      a.error = "secret_unavailable";
      a.detail = secret.error().message();
    }
    std::optional<std::chrono::milliseconds> retry;
    if (!a.error.empty()) retry = NextDelay(options_.retry, d.attempts + 1);
    Status recorded = store_.RecordAttempt(d, a, retry);
    if (!recorded.ok()) continue;  // another worker recorded it (a lease ran out)
    if (a.error.empty()) {
      ++report.delivered;
    } else if (retry) {
      ++report.retrying;
    } else {
      ++report.failed;
    }
  }
  return report;
}

Status ValidateWebhookUrl(const std::string& url, const http::OutboundPolicy& policy,
                          std::string_view field) {
  std::string f(field);
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument, f + ": " + why, f);
  };
  if (url.empty()) return bad("required: the https:// URL that receives the events");
  if (url.size() > 2048) return bad("longer than 2048 characters");
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    return bad("must start with https:// (or http://)");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return bad("must not contain spaces or control characters; percent-encode them");
    }
  }
  size_t authority = url.find("://") + 3;
  size_t end = url.find_first_of("/?#", authority);
  std::string_view auth = std::string_view(url).substr(authority, end - authority);
  if (auth.find('@') != std::string_view::npos) {
    return bad("must not carry user info; the signature authenticates crossdock");
  }
  std::string host = http::UrlHost(url);
  if (host.empty()) return bad("has no host");
  auto resolved = policy.Resolve(host, f);
  if (!resolved.ok()) {
    if (resolved.error().code() == ErrorCode::kNotFound) {
      return bad("host \"" + host + "\" does not resolve; check the name");
    }
    return resolved.error();
  }
  return OkStatus();
}

}  // namespace crossdock::notify
