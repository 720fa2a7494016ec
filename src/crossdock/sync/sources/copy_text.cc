#include "crossdock/sync/sources/copy_text.h"

#include <cstring>

namespace crossdock::sync {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Unescapes a COPY text field into out; false for a dangling backslash.
bool Unescape(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == in.size()) return false;
    char e = in[i];
    switch (e) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'x': {
        int v = 0, n = 0;
        while (n < 2 && i + 1 < in.size() && HexValue(in[i + 1]) >= 0) {
          v = v * 16 + HexValue(in[++i]);
          ++n;
        }
        if (n == 0) {
          out.push_back('x');
        } else {
          out.push_back(static_cast<char>(v));
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0', n = 1;
          while (n < 3 && i + 1 < in.size() && in[i + 1] >= '0' && in[i + 1] <= '7') {
            v = v * 8 + (in[++i] - '0');
            ++n;
          }
          out.push_back(static_cast<char>(v));
        } else {
          out.push_back(e);  // \\ and any other escaped character stand for themselves
        }
    }
  }
  return true;
}

}  // namespace

std::string_view PgBoolean(std::string_view v) {
  if (v == "t") return "true";
  if (v == "f") return "false";
  return v;
}

std::string PgTimestamp(std::string_view v) {
  std::string out(v);
  if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
  return out;
}

std::string PgTimestampTz(std::string_view v) {
  std::string out = PgTimestamp(v);
  if (out.size() > 13 && out.compare(out.size() - 3, 3, "+00") == 0 && out[10] == 'T') {
    out.resize(out.size() - 3);
    out.push_back('Z');
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < bytes.size()) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::string> PgByteaToBase64(std::string_view v) {
  if (v.size() < 2 || v[0] != '\\' || v[1] != 'x' || v.size() % 2 != 0) {
    return Error(ErrorCode::kDataLoss,
                 "bytea value is not in hex output form; the source sets bytea_output=hex");
  }
  std::string raw;
  raw.reserve((v.size() - 2) / 2);
  for (size_t i = 2; i < v.size(); i += 2) {
    int hi = HexValue(v[i]), lo = HexValue(v[i + 1]);
    if (hi < 0 || lo < 0) return Error(ErrorCode::kDataLoss, "bytea value has a non-hex digit");
    raw.push_back(static_cast<char>(hi * 16 + lo));
  }
  return Base64Encode(raw);
}

Status AppendConverted(RowBatch& batch, std::string_view value, PgConversion conversion) {
  switch (conversion) {
    case PgConversion::kAsIs:
      batch.Add(value);
      break;
    case PgConversion::kBoolean:
      batch.Add(PgBoolean(value));
      break;
    case PgConversion::kTimestampTz:
      batch.Add(PgTimestampTz(value));
      break;
    case PgConversion::kTimestamp:
      batch.Add(PgTimestamp(value));
      break;
    case PgConversion::kBytea: {
      ASSIGN_OR_RETURN(std::string b64, PgByteaToBase64(value));
      batch.Add(b64);
      break;
    }
  }
  return OkStatus();
}

Status AppendCopyTextRow(std::string_view line, const std::vector<PgConversion>& conversions,
                         RowBatch& batch) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  thread_local std::string field;
  size_t col = 0;
  size_t start = 0;
  for (;;) {
    size_t tab = line.find('\t', start);
    std::string_view raw =
        line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
    if (col >= conversions.size()) {
      batch.AbandonRow();
      return Error(ErrorCode::kDataLoss, "COPY row has more fields than the query's columns");
    }
    if (raw == "\\N") {
      batch.AddNull();
    } else {
      bool simple = raw.find('\\') == std::string_view::npos;
      std::string_view value = raw;
      if (!simple) {
        if (!Unescape(raw, field)) {
          batch.AbandonRow();
          return Error(ErrorCode::kDataLoss, "COPY row ends inside an escape");
        }
        value = field;
      }
      switch (conversions[col]) {
        case PgConversion::kAsIs:
          batch.Add(value);
          break;
        case PgConversion::kBoolean:
          batch.Add(PgBoolean(value));
          break;
        case PgConversion::kTimestampTz:
        case PgConversion::kTimestamp: {
          // In place (the hot path of timestamp columns): ' ' -> 'T', "+00" -> 'Z'.
          size_t n = value.size();
          char* p = batch.AddUninitialized(n);
          std::memcpy(p, value.data(), n);
          if (n > 10 && p[10] == ' ') {
            p[10] = 'T';
            if (conversions[col] == PgConversion::kTimestampTz && n > 13 &&
                std::memcmp(p + n - 3, "+00", 3) == 0) {
              p[n - 3] = 'Z';
              batch.TrimLast(n - 2);
            }
          }
          break;
        }
        case PgConversion::kBytea: {
          auto b64 = PgByteaToBase64(value);
          if (!b64.ok()) {
            batch.AbandonRow();
            return b64.error();
          }
          batch.Add(*b64);
          break;
        }
      }
    }
    ++col;
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (col != conversions.size()) {
    batch.AbandonRow();
    return Error(ErrorCode::kDataLoss, "COPY row has fewer fields than the query's columns");
  }
  batch.EndRow();
  return OkStatus();
}

}  // namespace crossdock::sync
