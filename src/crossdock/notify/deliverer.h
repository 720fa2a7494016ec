// Deliverer: the worker side of webhooks. Each DeliverDue() claims due deliveries from the
// outbox (webhook_store.h), POSTs each event's JSON signed as signature.h describes, and
// records the attempt: its HTTP status, an error category and its duration. A 2xx answer
// delivers; anything else (another status, no answer, a refused address) is retried on the
// RetryPolicy's schedule until its attempts run out, then the delivery is failed.
//
// The URL was checked against the outbound policy when the webhook was saved; here the
// transport checks again the address it actually connects to, after DNS (a name that now
// resolves to a refused network is an attempt with error "refused_address"). Response bodies
// are not read beyond what the transport collects, redirects are not followed, and the
// secret and body never appear in what is recorded. Thread-safe; several workers may run
// DeliverDue() at once.
#pragma once

#include <chrono>
#include <memory>

#include "crossdock/core/clock.h"
#include "crossdock/http/outbound_policy.h"
#include "crossdock/http/transport.h"
#include "crossdock/notify/backoff.h"
#include "crossdock/notify/webhook_store.h"

namespace crossdock::notify {

struct DelivererOptions {
  std::shared_ptr<http::HttpTransport> transport;  // null: a CurlTransport with short timeouts
  // What webhook URLs may resolve to; null: public addresses only.
  std::shared_ptr<const http::OutboundPolicy> outbound;
  RetryPolicy retry;
  std::chrono::milliseconds lease{60000};  // a claimed attempt is retried after this
  int batch = 20;                          // deliveries claimed per call
  const Clock* clock = nullptr;            // null: the system clock
};

// What one DeliverDue() did.
struct DeliveryReport {
  int delivered = 0;
  int retrying = 0;
  int failed = 0;
};

class Deliverer {
 public:
  Deliverer(WebhookStore& store, DelivererOptions options);
  Result<DeliveryReport> DeliverDue();

 private:
  DeliveryAttempt Send(const DueDelivery& d, const std::string& secret) const;

  WebhookStore& store_;
  DelivererOptions options_;
};

// Checks a webhook URL when it is saved: http or https, a host, no user info, and every
// address the host resolves to allowed by `policy`. Errors are kInvalidArgument naming `field`.
Status ValidateWebhookUrl(const std::string& url, const http::OutboundPolicy& policy,
                          std::string_view field = "url");

}  // namespace crossdock::notify
