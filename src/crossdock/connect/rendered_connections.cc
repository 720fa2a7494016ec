#include "crossdock/connect/rendered_connections.h"

#include "crossdock/connect/connection_json.h"

namespace crossdock::connect {
namespace {

bool SameRow(const store::ConnectionRecord& a, const store::ConnectionRecord& b) {
  return a.org_id == b.org_id && a.type == b.type && a.name == b.name && a.config == b.config &&
         a.secret_names == b.secret_names && a.created_at == b.created_at &&
         a.updated_at == b.updated_at;
}

}  // namespace

Result<std::string> RenderedConnections::Render(const store::ConnectionRecord& rec,
                                                const Parse& parse) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(rec.id);
    if (it != entries_.end() && SameRow(it->second.row, rec)) return it->second.json;
  }
  ASSIGN_OR_RETURN(Connection c, parse(rec));
  std::string json = ConnectionToJson(c).dump();
  if (!rec.secrets.empty()) return json;
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= capacity_ && !entries_.count(rec.id)) entries_.clear();
  entries_[rec.id] = Entry{rec, json};
  return json;
}

std::size_t RenderedConnections::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace crossdock::connect
