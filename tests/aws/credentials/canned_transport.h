// A recording HttpTransport that answers from a queue of canned responses, for the STS
// answers the real peer cannot be made to give on demand (AWS's ValidationError about
// DurationSeconds, RegionDisabledException, AWS-shaped AccessDenied). Everything above the
// transport (AwsClient, signing, StsClient, providers, cache) is the real code.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "crossdock/http/transport.h"

namespace crossdock::testing {

class CannedTransport final : public http::HttpTransport {
 public:
  struct Sent {
    std::string method, url, body;
    http::Headers headers;
  };

  void Answer(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_.push_back({status, std::move(body)});
  }

  Result<http::HttpResponse> Send(const http::HttpRequest& request,
                                  const http::BodySink* sink) override {
    Sent sent{request.method, request.url, request.body, request.headers};
    if (request.body_source) {
      sent.body.clear();
      (void)request.body_source->Rewind();
      char buf[4096];
      for (;;) {
        auto n = request.body_source->Read(buf, sizeof buf);
        if (!n.ok() || *n == 0) break;
        sent.body.append(buf, *n);
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    sent_.push_back(std::move(sent));
    http::HttpResponse response;
    if (answers_.empty()) {
      response.status = 500;
      response.body =
          "<Error><Code>InternalError</Code><Message>no canned answer</Message></Error>";
      return response;
    }
    response.status = answers_.front().first;
    response.body = std::move(answers_.front().second);
    answers_.pop_front();
    if (sink != nullptr && response.status / 100 == 2) {
      auto st = (*sink)(response.body);
      if (!st.ok()) return st.error();
      response.body.clear();
    }
    return response;
  }

  std::vector<Sent> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<std::pair<int, std::string>> answers_;
  std::vector<Sent> sent_;
};

// An AWS-shaped AssumeRole success whose credentials expire at `expiration` (ISO 8601).
inline std::string AssumeRoleOk(const std::string& access_key_id, const std::string& expiration) {
  return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
         "<AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/"
         "vendor-sync/s</Arn><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser>"
         "<Credentials><AccessKeyId>" +
         access_key_id +
         "</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token"
         "</SessionToken><Expiration>" +
         expiration +
         "</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>req-1"
         "</RequestId></ResponseMetadata></AssumeRoleResponse>";
}

inline std::string StsError(const std::string& code, const std::string& message) {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>"
         "Sender</Type><Code>" +
         code + "</Code><Message>" + message +
         "</Message></Error><RequestId>req-err</RequestId></ErrorResponse>";
}

}  // namespace crossdock::testing
