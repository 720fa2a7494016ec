// Webhook signatures: how crossdock signs the JSON it POSTs to a webhook and how a receiver
// verifies it. The scheme, in full (docs/notifications.md shows it to customers):
//
//   X-Crossdock-Timestamp: <unix seconds when this attempt was sent>
//   X-Crossdock-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
//
// Every attempt is signed afresh with its own timestamp; the body bytes stay the same across
// attempts. A receiver recomputes the MAC over the raw body exactly as received, compares in
// constant time, and refuses a timestamp more than five minutes from its own clock (replay).
// The "v1=" prefix leaves room for a later scheme; several comma-separated signatures may
// appear during a secret change, and any one matching verifies. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"

namespace crossdock::notify {

inline constexpr std::string_view kTimestampHeader = "X-Crossdock-Timestamp";
inline constexpr std::string_view kSignatureHeader = "X-Crossdock-Signature";
inline constexpr std::string_view kEventHeader = "X-Crossdock-Event";
inline constexpr std::string_view kDeliveryHeader = "X-Crossdock-Delivery";
// How far a signed timestamp may be from the receiver's clock.
inline constexpr std::chrono::seconds kSignatureTolerance{300};

// Lower-case hex HMAC-SHA256(secret, timestamp + "." + body).
std::string SignatureHex(std::string_view secret, int64_t timestamp, std::string_view body);
// The X-Crossdock-Signature value: "v1=" + SignatureHex(...).
std::string SignatureHeaderValue(std::string_view secret, int64_t timestamp, std::string_view body);

// Verifies a delivery as a receiver would. kUnauthenticated when the signature does not
// match or is malformed; kInvalidArgument naming the header when the timestamp is not a
// number; kFailedPrecondition when it is older (or newer) than `tolerance` against `now`.
Status VerifySignature(std::string_view secret, std::string_view timestamp_header,
                       std::string_view signature_header, std::string_view body, TimePoint now,
                       std::chrono::seconds tolerance = kSignatureTolerance);

}  // namespace crossdock::notify
