// PasswordTrap: a TCP server on 127.0.0.1 that speaks just enough of PostgreSQL's protocol to
// ask for a cleartext password, records whatever password the client sends, and fails the
// login. Tests use it to prove which password a client sent (never the worker's own). It
// refuses TLS and GSS encryption requests, so clients with sslmode require fail before a
// password is asked for.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace crossdock::testing {

// Accepts connections; refuses TLS, asks for a cleartext password, records it, then fails
// the login.
class PasswordTrap {
 public:
  PasswordTrap() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 8);
    thread_ = std::thread([this] { Serve(); });
  }
  ~PasswordTrap() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  std::string passwords() {
    std::lock_guard<std::mutex> lock(mu_);
    return passwords_;
  }

 private:
  static bool ReadN(int fd, std::string& out, size_t n) {
    out.resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = recv(fd, out.data() + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    return true;
  }
  static uint32_t Be32(const std::string& s, size_t at) {
    return (uint8_t(s[at]) << 24) | (uint8_t(s[at + 1]) << 16) | (uint8_t(s[at + 2]) << 8) |
           uint8_t(s[at + 3]);
  }
  void Serve() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      std::string buf;
      while (ReadN(c, buf, 4)) {
        uint32_t len = Be32(buf, 0);
        std::string body;
        if (len < 8 || !ReadN(c, body, len - 4)) break;
        if (Be32(body, 0) == 80877103 || Be32(body, 0) == 80877104) {  // SSL / GSS request
          send(c, "N", 1, 0);
          continue;
        }
        // StartupMessage: ask for a cleartext password.
        const char auth[] = {'R', 0, 0, 0, 8, 0, 0, 0, 3};
        send(c, auth, sizeof(auth), 0);
        std::string type;
        if (!ReadN(c, type, 1) || !ReadN(c, buf, 4)) break;
        std::string password;
        if (!ReadN(c, password, Be32(buf, 0) - 4)) break;
        {
          std::lock_guard<std::mutex> lock(mu_);
          passwords_ += password.c_str();
          passwords_ += "\n";
        }
        std::string err = std::string("SFATAL") + '\0' + "C28P01" + '\0' +
                          "Mpassword authentication failed for user \"app\"" + '\0' + '\0';
        std::string msg = "E";
        uint32_t n = htonl(static_cast<uint32_t>(err.size() + 4));
        msg.append(reinterpret_cast<const char*>(&n), 4);
        msg += err;
        send(c, msg.data(), msg.size(), 0);
        break;
      }
      close(c);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::string passwords_;
  std::thread thread_;
};

}  // namespace crossdock::testing
