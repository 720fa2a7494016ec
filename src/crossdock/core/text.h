// Text a person reads: names that must be printable, and escaping for a terminal.
//
// Names given by API callers (syncs, tokens, organizations) end up in terminals, logs and web
// pages. CheckDisplayName accepts valid UTF-8 without control characters (C0, DEL, C1) or
// Unicode line and bidirectional-override marks; EscapeForTerminal makes any text safe to
// print (control bytes become \xNN, invalid UTF-8 bytes too), so a stored value written before
// these rules cannot move a cursor or change colours. Neither judges meaning or length limits
// beyond 1,000 bytes; callers keep their own.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/core/result.h"

namespace crossdock {

// OK when `text` is 1 to 1,000 bytes of valid UTF-8 without control or invisible formatting
// characters; kInvalidArgument naming `field` otherwise.
Status CheckDisplayName(std::string_view text, std::string_view field);

// `text` with control characters, formatting marks and invalid UTF-8 escaped as \xNN (and a
// backslash as \\), for printing to a terminal.
std::string EscapeForTerminal(std::string_view text);

}  // namespace crossdock
