// Parsing of PostgreSQL's COPY ... TO STDOUT text format and the conversions from
// PostgreSQL's text output (with the session settings the source sets: TimeZone UTC,
// DateStyle ISO, bytea_output hex) to the canonical forms of value.h.
//
// COPY text rows are tab-separated, end with LF, write NULL as \N and escape backslash,
// tab, LF, CR (and \b \f \v) with a backslash; octal (\123) and hex (\x41) escapes are
// accepted too. Pure functions, exposed for tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/sync/row_batch.h"

namespace crossdock::sync {

// How a column's text is rewritten on its way into a batch.
enum class PgConversion { kAsIs, kBoolean, kTimestampTz, kTimestamp, kBytea };

// Splits one COPY text row (with or without its trailing LF) into `batch` as one row,
// unescaping each field and converting it per `conversions` (one per column).
// kDataLoss when the field count differs from conversions.size() or an escape is cut off.
Status AppendCopyTextRow(std::string_view line, const std::vector<PgConversion>& conversions,
                         RowBatch& batch);

// Appends one value of PostgreSQL's (or Redshift's) text output to `batch`, converted per
// `conversion`; kDataLoss for a bytea value that is not hex.
Status AppendConverted(RowBatch& batch, std::string_view value, PgConversion conversion);

// "t"/"f" -> "true"/"false".
std::string_view PgBoolean(std::string_view v);
// "2024-01-02 03:04:05.5+00" -> "2024-01-02T03:04:05.5Z" (output of a UTC session); values
// that are not of that shape (infinity, BC dates) are returned unchanged.
std::string PgTimestampTz(std::string_view v);
// "2024-01-02 03:04:05" -> "2024-01-02T03:04:05".
std::string PgTimestamp(std::string_view v);
// "\x0aff" -> base64 ("Cv8="); kDataLoss for anything but hex output.
Result<std::string> PgByteaToBase64(std::string_view v);
std::string Base64Encode(std::string_view bytes);

}  // namespace crossdock::sync
