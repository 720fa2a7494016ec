// RenderedConnections: the public JSON text of stored connections (ConnectionToJson, as
// GET /v1/connections lists them), kept per connection and reused while its stored row is
// unchanged. Listing otherwise parses every row's config document and renders it again on
// each request, which was most of the list route's CPU.
//
// An entry is reused only when the whole row (type, name, config, secret names, times) is
// byte-for-byte the one it was rendered from, so an update, even within one millisecond, is
// never shown stale. Rows read with decrypted secrets are rendered but never kept (the text
// holds no secret either way: ConnectionToJson shows {"set": ...}). The cache holds at most
// `capacity` entries and starts over when full. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "crossdock/connect/connection.h"
#include "crossdock/core/result.h"
#include "crossdock/store/records.h"

namespace crossdock::connect {

class RenderedConnections {
 public:
  using Parse = std::function<Result<Connection>(const store::ConnectionRecord&)>;

  explicit RenderedConnections(std::size_t capacity = 4096) : capacity_(capacity) {}

  // ConnectionToJson(parse(rec)).dump(), from the cache while `rec` is unchanged.
  Result<std::string> Render(const store::ConnectionRecord& rec, const Parse& parse);

  std::size_t size() const;

 private:
  struct Entry {
    store::ConnectionRecord row;
    std::string json;
  };

  std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // by connection id
};

}  // namespace crossdock::connect
