// HttpFront: cpp-httplib's request parser and router behind a connection manager that slow,
// idle or numerous clients cannot starve.
//
// cpp-httplib gives each connection a pool thread for its whole life, so a few clients that
// trickle their headers, or many idle keep-alive connections, hold every thread while
// /healthz waits. Here one event thread (epoll) owns every connection while it is idle or
// still sending its request: it reads without blocking until the headers (and a body with a
// Content-Length) are complete, and only then hands the connection to a fixed pool of
// worker threads that run cpp-httplib's process_request on the buffered bytes. Deadlines
// bound each phase: headers within header_timeout of the request's first byte, the whole
// request within request_timeout, an idle keep-alive connection closes after idle_timeout,
// and a write stalls at most write_timeout. Beyond max_connections new connections get 503
// and are closed. Sockets get TCP_NODELAY (small answers are not held for the peer's delayed
// ACK). Chunked bodies and `Expect: 100-continue` are handed over after the headers and read
// by the worker under the request deadline. What this does not do: TLS, HTTP/2, or limits
// per client address.
#pragma once

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace crossdock::server {

struct HttpLimits {
  int threads = 8;  // workers running handlers on complete requests
  // Requests `outbound` picks (by method and path, before any handler runs: those that call
  // out to AWS or a tenant's endpoint and may wait there for seconds) run on a pool of their
  // own, so that however many of them wait, the other requests still have `threads`.
  // 0 or no predicate: one pool for all.
  int outbound_threads = 0;
  std::function<bool(std::string_view method, std::string_view path)> outbound;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds idle_timeout{5000};
  std::chrono::milliseconds write_timeout{30000};
  size_t max_connections = 4096;
  size_t max_requests_per_connection = 100000;
  size_t max_header_bytes = 16384;
  size_t max_body_bytes = 1 << 20;  // bodies up to this size are buffered before dispatch
};

class HttpFront : public httplib::Server {
 public:
  explicit HttpFront(HttpLimits limits);
  ~HttpFront() override;
  HttpFront(const HttpFront&) = delete;
  HttpFront& operator=(const HttpFront&) = delete;

  // Stops accepting work: the event thread closes idle and incomplete connections, workers
  // finish the requests they run, then every socket is closed. Call after the listener
  // stopped (stop() and the end of listen_after_bind()); idempotent.
  void Shutdown();

  // Widens the listening socket's accept queue to `backlog` (cpp-httplib listens with 5, so
  // a burst of new clients overflows it and waits for SYN retransmits, a second or more).
  // Call after binding; false if the socket is not listening.
  bool WidenBacklog(int backlog = SOMAXCONN);

  // Open connections (for tests and metrics).
  size_t open_connections() const { return open_.load(); }

  struct Connection;

 private:
  // cpp-httplib calls this for each accepted socket (through an inline task queue): the
  // socket joins the event loop instead of occupying a thread.
  bool process_and_close_socket(socket_t sock) override;

  void EventLoop();
  void WorkerLoop(bool outbound);
  bool IsOutbound(const Connection& c) const;
  void Register(std::unique_ptr<Connection> c);
  void OnReadable(Connection& c);
  // Decides what a connection with new bytes needs: more bytes (re-armed), a worker, or
  // closing. Runs on the event thread.
  void Evaluate(Connection& c);
  void Arm(Connection& c);
  bool RequestComplete(const Connection& c) const;
  void Dispatch(Connection& c);
  void CloseConnection(int fd);
  void Wake();
  void Serve(Connection& c);

  HttpLimits limits_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> open_{0};
  std::thread event_thread_;
  std::vector<std::thread> workers_;

  // Owned by the event thread, except connections handed to a worker (in_worker).
  std::map<int, std::unique_ptr<Connection>> connections_;

  std::mutex mu_;  // guards the three queues below
  std::condition_variable work_cv_;
  std::condition_variable outbound_cv_;
  std::vector<std::unique_ptr<Connection>> incoming_;  // accepted, to register
  std::vector<Connection*> returned_;                  // served, back to the event thread
  std::vector<int> finished_;                          // served and to be closed
  std::deque<Connection*> work_;                       // complete requests for workers
  std::deque<Connection*> outbound_work_;              // the same for the outbound pool
  bool shut_down_ = false;
};

}  // namespace crossdock::server
