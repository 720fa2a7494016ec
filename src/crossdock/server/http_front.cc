#include "crossdock/server/http_front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

namespace crossdock::server {

using SteadyClock = std::chrono::steady_clock;

struct HttpFront::Connection {
  int fd = -1;
  std::string buf;                   // received and not yet consumed
  size_t scanned = 0;                // bytes of buf already searched for the end of the headers
  bool reading = false;              // a request has started (its first byte arrived)
  SteadyClock::time_point started;   // first byte of the current request
  SteadyClock::time_point deadline;  // when the current phase ends
  size_t requests = 0;
  // Set by the event thread when handing the connection to a worker; cleared (release) by
  // the worker when it re-arms the socket, after its last use of the other fields.
  std::atomic<bool> in_worker{false};
  bool eof = false;  // the peer closed its side (or the socket failed)
  // The socket's addresses, read once (cpp-httplib asks for them on every request).
  std::string remote_ip, local_ip;
  int remote_port = -1, local_port = -1;
};

namespace {

// Runs cpp-httplib's per-connection task at once: the task only registers the socket with
// the event loop (HttpFront::process_and_close_socket).
class InlineQueue final : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

int RemainingMs(SteadyClock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

void AddressOf(const sockaddr_storage& ss, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
    port = ntohs(a->sin6_port);
  }
  ip = buf;
}

// Case-insensitive search of a header line "name: value" in a header block; returns the
// value (trimmed) or empty.
std::string_view HeaderValue(std::string_view head, std::string_view name) {
  size_t pos = 0;
  while ((pos = head.find("\r\n", pos)) != std::string_view::npos) {
    pos += 2;
    if (head.size() - pos < name.size() + 1) break;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(head[pos + i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (!same || head[pos + name.size()] != ':') continue;
    size_t start = pos + name.size() + 1;
    size_t end = head.find("\r\n", start);
    std::string_view v = head.substr(start, end == std::string_view::npos ? end : end - start);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
  }
  return {};
}

bool ContainsIgnoreCase(std::string_view text, std::string_view word) {
  if (word.size() > text.size()) return false;
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    bool same = true;
    for (size_t k = 0; k < word.size() && same; ++k) {
      same = std::tolower(static_cast<unsigned char>(text[i + k])) == word[k];
    }
    if (same) return true;
  }
  return false;
}

void SendAndClose(int fd, std::string_view response) {
  (void)::send(fd, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

std::string BusyResponse() {
  std::string body =
      "{\"error\": {\"code\": \"unavailable\", \"message\": \"too many open connections; "
      "retry shortly\", \"field\": null}}";
  return "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
         "Cache-Control: no-store\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}
constexpr std::string_view kHeadersTooLarge =
    "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: "
    "0\r\n\r\n";

// The bytes of one request for cpp-httplib: first what the event thread buffered, then the
// socket, each read bounded by the request's deadline.
class BufferedStream final : public httplib::Stream {
 public:
  BufferedStream(HttpFront::Connection& c, SteadyClock::time_point read_deadline,
                 std::chrono::milliseconds write_timeout)
      : c_(c), read_deadline_(read_deadline), write_timeout_(write_timeout) {}

  size_t consumed() const { return pos_; }
  bool failed() const { return failed_; }

  bool is_readable() const override {
    if (pos_ < c_.buf.size()) return true;
    if (!out_.empty() && !Flush()) return false;
    pollfd p{c_.fd, POLLIN, 0};
    return ::poll(&p, 1, RemainingMs(read_deadline_)) > 0;
  }

  bool is_writable() const override {
    pollfd p{c_.fd, POLLOUT, 0};
    return ::poll(&p, 1, static_cast<int>(write_timeout_.count())) > 0 &&
           !(p.revents & (POLLERR | POLLHUP));
  }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ >= c_.buf.size()) {
      if (!out_.empty() && !Flush()) return -1;
      // Refill: drop what was consumed, then wait for more within the deadline.
      c_.buf.erase(0, pos_);
      pos_ = 0;
      if (!is_readable()) {
        failed_ = true;
        return -1;
      }
      char chunk[16384];
      ssize_t n = ::recv(c_.fd, chunk, sizeof(chunk), 0);
      if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return read(ptr, size);
        failed_ = true;
        return n < 0 ? -1 : 0;
      }
      c_.buf.append(chunk, static_cast<size_t>(n));
    }
    size_t n = std::min(size, c_.buf.size() - pos_);
    std::memcpy(ptr, c_.buf.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  // Coalesced: cpp-httplib writes the status line and headers, then the body; sent as they
  // come they are two segments (and, for a small answer, two wake-ups of the client). They
  // are kept until Flush(), a read, or kFlushBytes.
  static constexpr size_t kFlushBytes = 64 * 1024;

  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    out_.append(ptr, size);
    if (out_.size() >= kFlushBytes && !Flush()) return -1;
    return static_cast<ssize_t>(size);
  }

  // Sends what write() kept; false (and failed()) when the peer is gone or stalls past the
  // write timeout.
  bool Flush() const {
    auto deadline = SteadyClock::now() + write_timeout_;
    size_t done = 0;
    while (done < out_.size() && !failed_) {
      ssize_t n = ::send(c_.fd, out_.data() + done, out_.size() - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{c_.fd, POLLOUT, 0};
        if (::poll(&p, 1, RemainingMs(deadline)) > 0) continue;
      }
      failed_ = true;
    }
    out_.clear();
    return !failed_;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    CachedAddress(::getpeername, c_.remote_ip, c_.remote_port, ip, port);
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    CachedAddress(::getsockname, c_.local_ip, c_.local_port, ip, port);
  }

  socket_t socket() const override { return c_.fd; }

 private:
  // The socket's address from `query` (getpeername or getsockname), read once per connection.
  void CachedAddress(int (*query)(int, sockaddr*, socklen_t*), std::string& cached_ip,
                     int& cached_port, std::string& ip, int& port) const {
    if (cached_port < 0) {
      sockaddr_storage ss{};
      socklen_t len = sizeof(ss);
      if (query(c_.fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return;
      AddressOf(ss, cached_ip, cached_port);
    }
    ip = cached_ip;
    port = cached_port;
  }

  HttpFront::Connection& c_;
  size_t pos_ = 0;
  // Mutable: is_readable() (const in httplib::Stream) sends what is kept before it waits.
  mutable std::string out_;
  mutable bool failed_ = false;
  SteadyClock::time_point read_deadline_;
  std::chrono::milliseconds write_timeout_;
};

}  // namespace

HttpFront::HttpFront(HttpLimits limits) : limits_(limits) {
  new_task_queue = [] { return new InlineQueue(); };
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  // The threads take no signals (they inherit this mask): crossdock serve waits for SIGTERM
  // on its own thread, whenever the server was built.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  event_thread_ = std::thread([this] { EventLoop(); });
  int threads = std::max(1, limits_.threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(false); });
  if (!limits_.outbound) limits_.outbound_threads = 0;
  for (int i = 0; i < limits_.outbound_threads; ++i) {
    workers_.emplace_back([this] { WorkerLoop(true); });
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

HttpFront::~HttpFront() {
  Shutdown();
  ::close(epoll_fd_);
  ::close(wake_fd_);
}

void HttpFront::Shutdown() {
  if (stopping_.exchange(true)) return;
  Wake();
  {
    std::lock_guard<std::mutex> lock(mu_);
    shut_down_ = true;
  }
  work_cv_.notify_all();
  outbound_cv_.notify_all();
  for (auto& t : workers_) t.join();
  if (event_thread_.joinable()) event_thread_.join();
  // Everything left (idle, incomplete, queued, returned by a worker) is closed here.
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& c : incoming_) ::close(c->fd);
  incoming_.clear();
  for (auto& [fd, c] : connections_) {
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  }
  connections_.clear();
  open_ = 0;
}

bool HttpFront::process_and_close_socket(socket_t sock) {
  if (stopping_) {
    ::close(sock);
    return false;
  }
  if (open_.load() >= limits_.max_connections) {
    SendAndClose(sock, BusyResponse());
    return false;
  }
  int one = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  int flags = ::fcntl(sock, F_GETFL, 0);
  ::fcntl(sock, F_SETFL, flags | O_NONBLOCK);
  auto c = std::make_unique<Connection>();
  c->fd = sock;
  c->deadline = SteadyClock::now() + limits_.header_timeout;
  ++open_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    incoming_.push_back(std::move(c));
  }
  Wake();
  return true;
}

bool HttpFront::WidenBacklog(int backlog) {
  socket_t sock = svr_sock_.load();
  return sock != INVALID_SOCKET && ::listen(sock, backlog) == 0;
}

void HttpFront::Wake() {
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
}

void HttpFront::Arm(Connection& c) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.fd = c.fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev) != 0) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev);
  }
}

void HttpFront::Register(std::unique_ptr<Connection> c) {
  int fd = c->fd;
  Connection& ref = *c;
  connections_[fd] = std::move(c);
  Arm(ref);
}

void HttpFront::CloseConnection(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
  connections_.erase(it);
  --open_;
}

void HttpFront::OnReadable(Connection& c) {
  char chunk[16384];
  while (true) {
    ssize_t n = ::recv(c.fd, chunk, sizeof(chunk), 0);
    if (n > 0) {
      if (!c.reading) {
        c.reading = true;
        c.started = SteadyClock::now();
        c.deadline = c.started + limits_.header_timeout;
      }
      c.buf.append(chunk, static_cast<size_t>(n));
      if (c.buf.size() > limits_.max_header_bytes + limits_.max_body_bytes) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    // EOF or error: nothing more will come. A complete request still gets its answer.
    c.eof = true;
    break;
  }
  Evaluate(c);
}

void HttpFront::Evaluate(Connection& c) {
  if (c.eof && !RequestComplete(c)) {
    CloseConnection(c.fd);
    return;
  }
  if (c.buf.empty()) {
    c.reading = false;
    Arm(c);
    return;
  }
  if (!c.reading) {
    c.reading = true;
    c.started = SteadyClock::now();
    c.deadline = c.started + limits_.header_timeout;
  }
  size_t from = c.scanned > 3 ? c.scanned - 3 : 0;
  size_t end = c.buf.find("\r\n\r\n", from);
  if (end == std::string::npos) {
    c.scanned = c.buf.size();
    if (c.buf.size() > limits_.max_header_bytes) {
      int fd = c.fd;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      SendAndClose(fd, kHeadersTooLarge);
      connections_.erase(fd);
      --open_;
      return;
    }
    Arm(c);
    return;
  }
  std::string_view head(c.buf.data(), end + 2);
  bool stream_body = ContainsIgnoreCase(HeaderValue(head, "transfer-encoding"), "chunked") ||
                     ContainsIgnoreCase(HeaderValue(head, "expect"), "100-continue");
  size_t length = 0;
  std::string_view cl = HeaderValue(head, "content-length");
  if (!cl.empty()) {
    auto [p, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), length);
    if (ec != std::errc() || p != cl.data() + cl.size()) stream_body = true;  // httplib answers
  }
  if (length > limits_.max_body_bytes) stream_body = true;  // 413 after the headers
  size_t need = end + 4 + length;
  if (stream_body || c.buf.size() >= need || c.eof) {
    Dispatch(c);
    return;
  }
  c.deadline = c.started + limits_.request_timeout;
  Arm(c);
}

bool HttpFront::RequestComplete(const Connection& c) const {
  // Enough to hand over: the headers are complete (the worker reads any rest and answers).
  return c.buf.find("\r\n\r\n") != std::string::npos;
}

bool HttpFront::IsOutbound(const Connection& c) const {
  if (limits_.outbound_threads <= 0) return false;
  // The request line: METHOD SP TARGET SP VERSION; the path is the target before any '?'.
  std::string_view line(c.buf.data(), std::min(c.buf.find("\r\n"), c.buf.size()));
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return false;
  std::string_view method = line.substr(0, sp);
  std::string_view target = line.substr(sp + 1);
  target = target.substr(0, target.find(' '));
  return limits_.outbound(method, target.substr(0, target.find('?')));
}

void HttpFront::Dispatch(Connection& c) {
  c.in_worker.store(true, std::memory_order_relaxed);
  bool outbound = IsOutbound(c);
  {
    std::lock_guard<std::mutex> lock(mu_);
    (outbound ? outbound_work_ : work_).push_back(&c);
  }
  (outbound ? outbound_cv_ : work_cv_).notify_one();
}

void HttpFront::EventLoop() {
  std::vector<epoll_event> events(256);
  auto next_sweep = SteadyClock::now();
  while (!stopping_) {
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 100);
    // Drain the wake-up counter before taking the queues, so that a hand-back queued after
    // the swap below still wakes the next epoll_wait.
    uint64_t wakes;
    while (::read(wake_fd_, &wakes, sizeof(wakes)) > 0) {
    }
    std::vector<std::unique_ptr<Connection>> incoming;
    std::vector<Connection*> returned;
    std::vector<int> finished;
    {
      std::lock_guard<std::mutex> lock(mu_);
      incoming.swap(incoming_);
      returned.swap(returned_);
      finished.swap(finished_);
    }
    for (int fd : finished) CloseConnection(fd);
    for (auto& c : incoming) Register(std::move(c));
    for (Connection* c : returned) {
      c->in_worker.store(false, std::memory_order_relaxed);
      Evaluate(*c);
    }
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd_) continue;
      auto it = connections_.find(fd);
      if (it == connections_.end() || it->second->in_worker.load(std::memory_order_acquire)) {
        continue;
      }
      OnReadable(*it->second);
    }
    auto now = SteadyClock::now();
    if (now >= next_sweep) {
      next_sweep = now + std::chrono::milliseconds(100);
      std::vector<int> expired;
      for (auto& [fd, c] : connections_) {
        if (!c->in_worker.load(std::memory_order_acquire) && c->deadline <= now) {
          expired.push_back(fd);
        }
      }
      for (int fd : expired) CloseConnection(fd);
    }
  }
}

void HttpFront::WorkerLoop(bool outbound) {
  std::deque<Connection*>& queue = outbound ? outbound_work_ : work_;
  std::condition_variable& cv = outbound ? outbound_cv_ : work_cv_;
  while (true) {
    Connection* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv.wait(lock, [&] { return shut_down_ || !queue.empty(); });
      if (queue.empty()) return;  // shut down and nothing left
      c = queue.front();
      queue.pop_front();
      if (shut_down_) {
        finished_.push_back(c->fd);
        continue;
      }
    }
    Serve(*c);
  }
}

void HttpFront::Serve(Connection& c) {
  BufferedStream stream(c, c.started + limits_.request_timeout, limits_.write_timeout);
  ++c.requests;
  bool close = stopping_ || c.requests >= limits_.max_requests_per_connection;
  bool connection_closed = false;
  bool ok = process_request(stream, close, connection_closed, nullptr);
  stream.Flush();
  c.buf.erase(0, stream.consumed());
  bool keep = ok && !close && !connection_closed && !stream.failed();
  if (keep && c.buf.empty()) {
    // The usual keep-alive case: wait for the next request on the event thread, re-armed
    // from here so the event thread only reads. The connection is the event thread's again
    // once in_worker is clear: nothing here touches it after that.
    c.scanned = 0;
    c.reading = false;
    c.deadline = SteadyClock::now() + limits_.idle_timeout;
    int fd = c.fd;
    c.in_worker.store(false, std::memory_order_release);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (keep) {
      // Bytes of a pipelined request are already here: the event thread evaluates them.
      c.scanned = 0;
      c.reading = false;
      c.deadline = SteadyClock::now() + limits_.idle_timeout;
      returned_.push_back(&c);
    } else {
      finished_.push_back(c.fd);
    }
  }
  Wake();
}

}  // namespace crossdock::server
