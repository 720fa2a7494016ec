// Paging for the CLI's list commands (connection list, org list, sync list, sync runs, ...):
// without --limit a command reads every page (1,000 items per request) and prints them all,
// as before pagination; with --limit N it prints one page from --cursor and, when more
// follow, the cursor of the next page on stderr so that stdout stays the list alone.
// It knows nothing of what is listed: each command passes its store call as `fetch`.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "crossdock/core/result.h"
#include "crossdock/store/page.h"

namespace crossdock::cli {

struct PageFlags {
  int limit = 0;  // 0: every page
  std::string cursor;
};

inline void AddPageFlags(CLI::App* command, PageFlags* flags) {
  command
      ->add_option("--limit", flags->limit,
                   "Print one page of at most N items (1 to 1000); default: everything")
      ->check(CLI::Range(1, store::kMaxPageLimit));
  command->add_option("--cursor", flags->cursor,
                      "Start after the page that printed this cursor (with --limit)");
}

// Calls fetch(PageRequest) -> Result<Page<T>> once (--limit) or until the last page.
template <typename T, typename Fetch>
Result<store::Page<T>> FetchPages(const PageFlags& flags, Fetch fetch) {
  store::PageRequest request{flags.limit > 0 ? flags.limit : store::kMaxPageLimit, flags.cursor};
  store::Page<T> all;
  while (true) {
    ASSIGN_OR_RETURN(store::Page<T> page, fetch(request));
    for (auto& item : page.items) all.items.push_back(std::move(item));
    if (flags.limit > 0 || !page.next_cursor) {
      all.next_cursor = std::move(page.next_cursor);
      return all;
    }
    request.cursor = *page.next_cursor;
  }
}

// "more: --cursor X" on stderr when a --limit page is not the last.
template <typename T>
void PrintNextCursor(const store::Page<T>& page) {
  if (page.next_cursor) std::cerr << "more: --cursor " << *page.next_cursor << "\n";
}

}  // namespace crossdock::cli
