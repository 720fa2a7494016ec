#include "crossdock/store/page.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "crossdock/crypto/random.h"

namespace crossdock::store {
namespace {

Error BadCursor(std::string_view list) {
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("cursor is not one this {} list handed out; pass the next_cursor of "
                           "the previous page unchanged, or leave cursor out for the first page",
                           list),
               "cursor");
}

}  // namespace

Status ValidateLimit(int limit) {
  if (limit < 1 || limit > kMaxPageLimit) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("limit must be a whole number from 1 to {} (default {}); page "
                             "through longer lists with the cursor",
                             kMaxPageLimit, kDefaultPageLimit),
                 "limit");
  }
  return OkStatus();
}

Result<int> ParseLimit(std::string_view text) {
  if (text.empty()) return kDefaultPageLimit;
  int limit = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size()) limit = 0;
  RETURN_IF_ERROR(ValidateLimit(limit));
  return limit;
}

std::string EncodeCursor(std::string_view list, const CursorKey& key) {
  nlohmann::json doc = nlohmann::json::array({std::string(list), key.sort_key, key.id});
  return crypto::Base64UrlEncode(doc.dump());
}

Result<std::optional<CursorKey>> DecodeCursor(std::string_view list, std::string_view cursor) {
  if (cursor.empty()) return std::optional<CursorKey>();
  if (cursor.size() > 4096) return BadCursor(list);
  auto text = crypto::Base64UrlDecode(cursor);
  if (!text) return BadCursor(list);
  try {
    auto doc = nlohmann::json::parse(*text);
    if (!doc.is_array() || doc.size() != 3 || !doc[0].is_string() || !doc[1].is_string() ||
        !doc[2].is_string() || doc[0].get<std::string>() != list) {
      return BadCursor(list);
    }
    return std::optional<CursorKey>(
        CursorKey{doc[1].get<std::string>(), doc[2].get<std::string>()});
  } catch (const nlohmann::json::exception&) {
    return BadCursor(list);
  }
}

Result<int64_t> SortKeyMillis(std::string_view list, const CursorKey& key) {
  int64_t ms = 0;
  const char* end = key.sort_key.data() + key.sort_key.size();
  auto [stop, ec] = std::from_chars(key.sort_key.data(), end, ms);
  if (ec != std::errc() || stop != end) return BadCursor(list);
  return ms;
}

Result<std::optional<CursorKey>> CheckPage(std::string_view list, const PageRequest& request) {
  RETURN_IF_ERROR(ValidateLimit(request.limit));
  return DecodeCursor(list, request.cursor);
}

}  // namespace crossdock::store
