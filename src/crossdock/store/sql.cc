#include "crossdock/store/sql.h"

#include <charconv>
#include <regex>
#include <utility>
#include <vector>

namespace crossdock::store {

std::string SqlRow::Text(std::size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  return {};
}

std::int64_t SqlRow::Int(std::size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

std::optional<std::int64_t> SqlRow::OptionalInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

namespace {
// The read transactions open on this thread, innermost last, for ReadTransaction to join.
thread_local std::vector<std::pair<const SqlDatabase*, SqlSession*>> open_reads;
}  // namespace

Status SqlDatabase::ReadTransaction(const std::function<Status(SqlSession&)>& fn) {
  for (const auto& [db, session] : open_reads) {
    if (db == this) return fn(*session);
  }
  return RunReadTransaction([&](SqlSession& session) -> Status {
    open_reads.emplace_back(this, &session);
    struct Pop {
      ~Pop() { open_reads.pop_back(); }
    } pop;
    return fn(session);
  });
}

bool IsPostgresUrl(std::string_view location) {
  return location.starts_with("postgres://") || location.starts_with("postgresql://") ||
         location.starts_with("host=") || location.find("dbname=") != std::string_view::npos;
}

std::string RedactUrl(std::string_view url) {
  std::string s(url);
  // scheme://user:password@host -> scheme://user:***@host
  static const std::regex kUserinfo(R"(^([a-z]+://[^:/@]*):[^@/]*@)");
  s = std::regex_replace(s, kUserinfo, "$1:***@");
  static const std::regex kKeyValue(R"((password\s*=\s*)('[^']*'|\S+))");
  s = std::regex_replace(s, kKeyValue, "$1***");
  static const std::regex kQuery(R"(([?&]password=)[^&]*)");
  return std::regex_replace(s, kQuery, "$1***");
}

std::int64_t CodePoints(std::string_view text) {
  std::int64_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace crossdock::store
