// Keyset pagination, shared by every list the store and the job store answer (organizations,
// connections, tokens, syncs, runs). A list is read a page at a time: a PageRequest carries
// the page size (`limit`, 1 to 1,000, default 100) and an opaque cursor, which is the
// base64url of the list's name and of the last item's (sort key, id). The next page starts
// strictly after that pair, so items inserted or deleted between two requests never make an
// item that was present throughout appear twice or go missing (unlike OFFSET pagination).
// A cursor is bound to the list it came from: a runs cursor given to the connections list is
// refused. Errors are kInvalidArgument naming the field ("limit" or "cursor") and the fix.
// It does not sign cursors: they carry no secret and every query stays scoped by organization.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::store {

inline constexpr int kDefaultPageLimit = 100;
inline constexpr int kMaxPageLimit = 1000;

struct PageRequest {
  int limit = kDefaultPageLimit;  // 1 to kMaxPageLimit
  std::string cursor;             // empty: the first page
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;  // absent on the last page
};

// Where the previous page ended: its last item's sort key and id.
struct CursorKey {
  std::string sort_key;
  std::string id;
};

// kInvalidArgument naming "limit" unless 1 <= limit <= kMaxPageLimit.
// Every item of a paged list, page after page: for the few internal reads that need the
// whole set (a rotation pre-check, the demo's tokens). `fetch(PageRequest)` returns a Page<T>.
template <typename T, typename Fetch>
Result<std::vector<T>> CollectPages(Fetch fetch) {
  std::vector<T> all;
  PageRequest request;
  request.limit = kMaxPageLimit;
  while (true) {
    ASSIGN_OR_RETURN(Page<T> page, fetch(request));
    for (T& item : page.items) all.push_back(std::move(item));
    if (!page.next_cursor) return all;
    request.cursor = *page.next_cursor;
  }
}

Status ValidateLimit(int limit);
// Parses a `limit` query parameter or flag; empty text is the default.
Result<int> ParseLimit(std::string_view text);

// The cursor of the list `list` (e.g. "connections") after `key`.
std::string EncodeCursor(std::string_view list, const CursorKey& key);
// std::nullopt for an empty cursor (the first page); kInvalidArgument naming "cursor" when it
// is not one this list handed out.
Result<std::optional<CursorKey>> DecodeCursor(std::string_view list, std::string_view cursor);

// The sort key of a list ordered by a time in milliseconds (runs, checks, deliveries), as the
// number it was written from; kInvalidArgument naming "cursor" when it is not one.
Result<int64_t> SortKeyMillis(std::string_view list, const CursorKey& key);

// Validates `request` for list `list`: the limit, then the cursor.
Result<std::optional<CursorKey>> CheckPage(std::string_view list, const PageRequest& request);

// Cuts `rows` (read with LIMIT limit + 1) to `limit` items and sets next_cursor from the last
// kept item when there were more. `key` gives an item's CursorKey.
template <typename T, typename KeyFn>
Page<T> MakePage(std::string_view list, std::vector<T> rows, int limit, KeyFn key) {
  Page<T> page;
  bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.resize(static_cast<std::size_t>(limit));
  page.items = std::move(rows);
  if (more && !page.items.empty()) page.next_cursor = EncodeCursor(list, key(page.items.back()));
  return page;
}

}  // namespace crossdock::store
