// Lower-case hexadecimal encoding of bytes, as SigV4 and checksums print them.
// Decoding is strict: odd lengths and non-hex characters are errors.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/core/result.h"

namespace crossdock {

std::string HexEncode(std::string_view bytes);
Result<std::string> HexDecode(std::string_view hex);

}  // namespace crossdock
