// The request audit: proof, on the whole integration suite, that crossdock sends nothing its
// generated policies do not allow.
//
// RecordingTransport sits between crossdock's clients and the real curl transport and keeps
// every signed AWS request. Classify() maps one to the authorizations IAM performs for it:
// the API operation (from the method, URL, query, headers, X-Amz-Target or form Action),
// looked up in the operation table (iam/operations.h) for its action(s), with the resource
// ARN and the condition keys the request carries (s3:prefix, s3:delimiter, s3:max-keys,
// sts:ExternalId). An operation the table lacks is an error: code that issues a new AWS call
// without adding it to the table fails the suite. RequestAudit checks each request made with
// a role's temporary credentials against the permission policy `connection policies`
// generates for that connection (iam::Decide), and each AssumeRole that carries one of the
// organization's External IDs against the generated trust policy.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/http/transport.h"
#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/generate.h"

namespace crossdock::testing {

struct RecordedRequest {
  std::string method;
  std::string url;
  http::Headers headers;
  std::string body;  // when sent as a string (form and JSON bodies; not streamed uploads)
  // For requests signed with an assumed role's session: the role, learnt from the
  // AssumeRole answer that issued the session's access key ("" when not seen).
  std::string role_arn;
  // Kinesis GetRecords names no stream: the stream its shard iterator was issued for, learnt
  // from the GetShardIterator (or previous GetRecords) answer ("" when not seen).
  std::string stream_arn;
};

class RecordingTransport final : public http::HttpTransport {
 public:
  explicit RecordingTransport(std::shared_ptr<http::HttpTransport> inner);
  Result<http::HttpResponse> Send(const http::HttpRequest& request,
                                  const http::BodySink* sink = nullptr) override;
  // The requests recorded since the last Take(), in the order they were sent.
  std::vector<RecordedRequest> Take();

 private:
  std::shared_ptr<http::HttpTransport> inner_;
  std::mutex mu_;
  std::vector<RecordedRequest> recorded_;
  std::map<std::string, std::string> session_roles_;     // access key id -> role ARN
  std::map<std::string, std::string> iterator_streams_;  // shard iterator -> stream ARN
};

// One authorization IAM performs for a request.
struct Authorization {
  std::string api;       // "s3:CopyObject"
  std::string action;    // "s3:GetObject"
  std::string resource;  // "arn:aws:s3:::bucket/key" or "*"
  std::vector<std::pair<std::string, std::string>> context;
};

// The service of a signed request (its credential scope), "" when unsigned.
std::string SigningService(const RecordedRequest& request);
// Whether it was signed with temporary credentials (an assumed role's session).
bool SignedWithSession(const RecordedRequest& request);
// kInvalidArgument naming the API when the operation table lacks it.
Result<std::vector<Authorization>> Classify(const RecordedRequest& request,
                                            const std::string& partition = "aws");

struct AuditReport {
  size_t requests = 0;               // requests looked at
  size_t unaudited = 0;              // made with a role no policies were given for
  size_t checked = 0;                // authorizations evaluated against a generated policy
  std::vector<std::string> outside;  // "s3:GetObject on arn:... (HeadObject): ImplicitDeny"
  std::string Summary() const;
};

// The generated policies of one connection, and who assumes it.
struct AuditPolicies {
  iam::GeneratedPolicies generated;
  std::string role_arn;                   // the role crossdock assumes
  std::string vendor_principal;           // who assumes it
  std::vector<std::string> external_ids;  // the organization's
};
Result<AuditPolicies> PoliciesFor(const iam::ConnectionSpec& spec);

// Each request is checked against the policies of the role that signed it (or that it
// assumes); requests of roles not in `policies` are counted as unaudited.
AuditReport Audit(const std::vector<RecordedRequest>& requests,
                  const std::vector<AuditPolicies>& policies);
inline AuditReport Audit(const std::vector<RecordedRequest>& requests,
                         const AuditPolicies& policies) {
  return Audit(requests, std::vector<AuditPolicies>{policies});
}

// The process-wide recorder the peer helpers share, and the running totals that a test
// binary prints at its end ("request audit: N requests, M authorizations checked, 0 outside").
std::shared_ptr<RecordingTransport> SharedRecorder();
void AddToTotals(const AuditReport& report);
AuditReport Totals();
// For a test that deliberately asks for what the policy does not grant (a denial test): its
// requests are still counted, but those outside the policy do not fail it.
void WaiveAudit(const std::string& why);
bool AuditWaived();

}  // namespace crossdock::testing
