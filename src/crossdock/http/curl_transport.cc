#include "crossdock/http/curl_transport.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>

#include "crossdock/http/outbound_policy.h"

namespace crossdock::http {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// State shared with curl's callbacks during one Send.
struct Exchange {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  const BodySink* sink = nullptr;
  size_t body_pos = 0;  // position in request->body when there is no body_source
  HttpResponse response;
  std::optional<Error> callback_error;  // an error raised inside a callback
  bool status_known = false;
  bool to_sink = false;
};

size_t ReadBody(char* buf, size_t size, size_t nmemb, void* userdata) {
  auto* ex = static_cast<Exchange*>(userdata);
  size_t want = size * nmemb;
  if (ex->request->body_source) {
    auto n = ex->request->body_source->Read(buf, want);
    if (!n.ok()) {
      ex->callback_error = n.error();
      return CURL_READFUNC_ABORT;
    }
    return *n;
  }
  const std::string& body = ex->request->body;
  size_t n = std::min(want, body.size() - ex->body_pos);
  std::memcpy(buf, body.data() + ex->body_pos, n);
  ex->body_pos += n;
  return n;
}

int SeekBody(void* userdata, curl_off_t offset, int origin) {
  auto* ex = static_cast<Exchange*>(userdata);
  if (origin != SEEK_SET || offset != 0) return CURL_SEEKFUNC_CANTSEEK;
  if (ex->request->body_source) {
    if (!ex->request->body_source->Rewind().ok()) return CURL_SEEKFUNC_FAIL;
  } else {
    ex->body_pos = 0;
  }
  return CURL_SEEKFUNC_OK;
}

// Opens a socket only to an address the request's outbound policy allows.
curl_socket_t OpenCheckedSocket(void* userdata, curlsocktype purpose, curl_sockaddr* address) {
  auto* ex = static_cast<Exchange*>(userdata);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  auto ip = FromSockaddr(&address->addr);
  Status allowed = ip.ok() ? ex->request->outbound->CheckAddress(*ip, "url") : Status(ip.error());
  if (!allowed.ok()) {
    ex->callback_error = allowed.error();
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* ex = static_cast<Exchange*>(userdata);
  std::string_view line(data, size * nmemb);
  if (line.starts_with("HTTP/")) {  // a new response (after 100 Continue, say): start over
    ex->response.headers.clear();
    return line.size();
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) {
      s.remove_suffix(1);
    }
    return s;
  };
  ex->response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                    std::string(trim(line.substr(colon + 1))));
  return line.size();
}

size_t OnBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* ex = static_cast<Exchange*>(userdata);
  size_t n = size * nmemb;
  if (!ex->status_known) {
    long code = 0;
    curl_easy_getinfo(ex->curl, CURLINFO_RESPONSE_CODE, &code);
    ex->response.status = static_cast<int>(code);
    ex->status_known = true;
    ex->to_sink = ex->sink != nullptr && code >= 200 && code < 300;
  }
  if (ex->to_sink) {
    Status st = (*ex->sink)(std::string_view(data, n));
    if (!st.ok()) {
      ex->callback_error = st.error();
      return 0;  // aborts the transfer
    }
    return n;
  }
  ex->response.body.append(data, n);
  return n;
}

Error CurlError(CURLcode code, const char* errbuf, const HttpRequest& request) {
  std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code);
  std::string msg = fmt::format("{} {}: {}", request.method, request.url, detail);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Error(ErrorCode::kTimeout, msg + " (stalled or timed out; retrying may help)");
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error(ErrorCode::kInvalidArgument, msg + " (check the endpoint URL)", "url");
    default:
      return Error(ErrorCode::kTransport, msg);
  }
}

}  // namespace

Result<size_t> StringBodySource::Read(char* buf, size_t size) {
  size_t n = std::min(size, data_->size() - pos_);
  std::memcpy(buf, data_->data() + pos_, n);
  pos_ += n;
  return n;
}

CurlTransport::CurlTransport(TransportOptions options) : options_(options) { GlobalInitOnce(); }

CurlTransport::~CurlTransport() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* CurlTransport::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void CurlTransport::Release(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(handle);
}

Result<HttpResponse> CurlTransport::Send(const HttpRequest& request, const BodySink* sink) {
  CURL* curl = static_cast<CURL*>(Acquire());
  if (curl == nullptr) return Error(ErrorCode::kInternal, "curl_easy_init failed");
  curl_easy_reset(curl);

  Exchange ex;
  ex.curl = curl;
  ex.request = &request;
  ex.sink = sink;
  char errbuf[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  // Send the path exactly as signed: curl would otherwise squash "/./" and "/../", which are
  // legal in S3 keys, and the server would see another path than the signature covers.
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 256L * 1024L);

  uint64_t body_size = request.body_source ? request.body_source->Size()
                                           : static_cast<uint64_t>(request.body.size());
  bool has_body = body_size > 0 || request.method == "PUT" || request.method == "POST";
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (has_body) {
    if (request.body_source) {
      auto st = request.body_source->Rewind();
      if (!st.ok()) {
        Release(curl);
        return st.error();
      }
    }
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &ex);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, SeekBody);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &ex);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
  }
  if (request.method != "GET" && request.method != "HEAD") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    headers = curl_slist_append(headers, line.c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  headers = curl_slist_append(headers, "Accept:");
  if (has_body && !FindHeader(request.headers, "Content-Type")) {
    headers = curl_slist_append(headers, "Content-Type:");
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (request.outbound) {
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenCheckedSocket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &ex);
    curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  }

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  if (rc != CURLE_OK) {
    // A handle that failed mid-transfer may hold a broken connection: do not reuse it.
    curl_easy_cleanup(curl);
    if (ex.callback_error) return *ex.callback_error;
    return CurlError(rc, errbuf, request);
  }
  Release(curl);
  ex.response.status = static_cast<int>(code);
  return std::move(ex.response);
}

}  // namespace crossdock::http
