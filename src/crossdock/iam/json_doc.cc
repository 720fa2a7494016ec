#include "crossdock/iam/json_doc.h"

#include <algorithm>
#include <cstdint>

namespace crossdock::iam {
namespace {

constexpr int kMaxDepth = 64;

class Reader {
 public:
  explicit Reader(std::string_view src) : src_(src) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < src.size(); ++i) {
      if (src[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  JsonDocument Run() {
    SkipSpace();
    auto root = std::make_unique<JsonValue>();
    if (!ParseValue(*root, 0)) return std::move(doc_);
    SkipSpace();
    if (pos_ < src_.size()) {
      Fail(pos_, "unexpected " + Describe(pos_) +
                     " after the end of the document; remove it or wrap both values in an array");
      return std::move(doc_);
    }
    doc_.root = std::move(root);
    return std::move(doc_);
  }

 private:
  Position At(size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    size_t line_index = static_cast<size_t>(it - line_starts_.begin()) - 1;
    Position p;
    p.line = static_cast<int>(line_index) + 1;
    p.column = static_cast<int>(offset - line_starts_[line_index]) + 1;
    p.offset = offset;
    return p;
  }

  std::string Describe(size_t offset) const {
    if (offset >= src_.size()) return "end of input";
    unsigned char c = static_cast<unsigned char>(src_[offset]);
    if (c < 0x20) return "control character";
    if (c >= 0x80) {
      static constexpr char kHex[] = "0123456789abcdef";
      return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
    }
    return std::string("'") + static_cast<char>(c) + "'";
  }

  void Add(JsonDiagnostic::Kind kind, size_t offset, std::string message) {
    doc_.diagnostics.push_back({kind, At(offset), std::move(message)});
  }

  bool Fail(size_t offset, std::string message) {
    Add(JsonDiagnostic::Kind::kSyntax, offset, std::move(message));
    return false;
  }

  void SkipSpace() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  bool StartsValue(size_t offset) const {
    if (offset >= src_.size()) return false;
    char c = src_[offset];
    return c == '"' || c == '{' || c == '[' || c == '-' || (c >= '0' && c <= '9') || c == 't' ||
           c == 'f' || c == 'n';
  }

  bool ParseValue(JsonValue& out, int depth) {
    if (depth > kMaxDepth) return Fail(pos_, "nesting deeper than 64 levels");
    out.position = At(pos_);
    if (pos_ >= src_.size()) return Fail(pos_, "expected a value, found end of input");
    char c = src_[pos_];
    switch (c) {
      case '{':
        return ParseObject(out, depth);
      case '[':
        return ParseArray(out, depth);
      case '"':
        out.kind = JsonValue::Kind::kString;
        return ParseString(out.text);
      case 't':
        return ParseLiteral(out, "true");
      case 'f':
        return ParseLiteral(out, "false");
      case 'n':
        return ParseLiteral(out, "null");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
    }
    if (c == '\'') return Fail(pos_, "strings must use double quotes (\"), not single quotes");
    return Fail(pos_, "expected a value, found " + Describe(pos_));
  }

  bool ParseLiteral(JsonValue& out, std::string_view word) {
    if (src_.substr(pos_, word.size()) != word) {
      return Fail(pos_, "expected a value, found " + Describe(pos_) +
                            " (literals are lower-case true, false, null; text needs quotes)");
    }
    pos_ += word.size();
    if (word == "null") {
      out.kind = JsonValue::Kind::kNull;
    } else {
      out.kind = JsonValue::Kind::kBool;
      out.boolean = word == "true";
    }
    return true;
  }

  bool ParseNumber(JsonValue& out) {
    size_t start = pos_;
    auto digit = [&](size_t i) { return i < src_.size() && src_[i] >= '0' && src_[i] <= '9'; };
    if (src_[pos_] == '-') ++pos_;
    if (!digit(pos_)) return Fail(pos_, "expected a digit after '-'");
    if (src_[pos_] == '0') {
      ++pos_;
      if (digit(pos_)) return Fail(pos_, "numbers must not have leading zeros");
    } else {
      while (digit(pos_)) ++pos_;
    }
    if (pos_ < src_.size() && src_[pos_] == '.') {
      ++pos_;
      if (!digit(pos_)) return Fail(pos_, "expected a digit after the decimal point");
      while (digit(pos_)) ++pos_;
    }
    if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) ++pos_;
      if (!digit(pos_)) return Fail(pos_, "expected a digit in the exponent");
      while (digit(pos_)) ++pos_;
    }
    out.kind = JsonValue::Kind::kNumber;
    out.text = std::string(src_.substr(start, pos_ - start));
    return true;
  }

  static void AppendUtf8(std::string& s, uint32_t cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Length of the well-formed UTF-8 sequence at `at` (RFC 3629), or 0.
  size_t Utf8Length(size_t at) const {
    auto byte = [&](size_t i) -> unsigned {
      return i < src_.size() ? static_cast<unsigned char>(src_[i]) : 0u;
    };
    unsigned b0 = byte(at);
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      n = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      n = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return 0;
    }
    for (size_t i = 1; i < n; ++i) {
      unsigned b = byte(at + i);
      unsigned min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
      if (b < min || b > max) return 0;
    }
    return n;
  }

  bool ReadHex4(uint32_t& out) {
    if (pos_ + 4 > src_.size()) return Fail(pos_, "\\u needs four hex digits");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = src_[pos_ + i];
      out <<= 4;
      if (c >= '0' && c <= '9') {
        out |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        out |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        out |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Fail(pos_ + i, "\\u needs four hex digits");
      }
    }
    pos_ += 4;
    return true;
  }

  bool ParseString(std::string& out) {
    size_t open = pos_;
    ++pos_;  // opening quote
    out.clear();
    while (true) {
      if (pos_ >= src_.size()) {
        return Fail(open, "string is not closed; add the closing double quote");
      }
      char c = src_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Fail(pos_, c == '\n' ? "string is not closed before the end of the line; add the "
                                      "closing double quote"
                                    : "control character inside a string; escape it");
      }
      if (static_cast<unsigned char>(c) >= 0x80) {
        size_t n = Utf8Length(pos_);
        if (n == 0) return Fail(pos_, "invalid UTF-8 in a string; save the file as UTF-8");
        out.append(src_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= src_.size()) return Fail(pos_, "unfinished escape sequence");
      char e = src_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!ReadHex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (src_.substr(pos_, 2) != "\\u") {
              return Fail(pos_, "a high surrogate \\u escape must be followed by a low one");
            }
            pos_ += 2;
            if (!ReadHex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) {
              return Fail(pos_ - 6, "invalid low surrogate in \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail(pos_ - 6, "unpaired low surrogate in \\u escape");
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Fail(pos_ - 2, "invalid escape: a backslash followed by " + Describe(pos_ - 1) +
                                    "; escape a backslash as \\\\");
      }
    }
  }

  // After an element: decides between ',', the closer, a missing comma (repaired) and an
  // error. Returns 0 to continue with the next element, 1 at the closer, -1 on error.
  int AfterElement(char closer, size_t element_end, const char* what) {
    SkipSpace();
    if (pos_ < src_.size() && src_[pos_] == closer) {
      ++pos_;
      return 1;
    }
    if (pos_ < src_.size() && src_[pos_] == ',') {
      size_t comma = pos_;
      ++pos_;
      SkipSpace();
      if (pos_ < src_.size() && src_[pos_] == closer) {
        Add(JsonDiagnostic::Kind::kTrailingComma, comma,
            std::string("trailing comma after the last ") + what + "; remove this ','");
        doc_.edits.push_back({comma, 1, ""});
        ++pos_;
        return 1;
      }
      return 0;
    }
    bool next_is_element =
        closer == '}' ? (pos_ < src_.size() && src_[pos_] == '"') : StartsValue(pos_);
    if (next_is_element) {
      Add(JsonDiagnostic::Kind::kMissingComma, element_end,
          std::string("missing ',' after this ") + what + "; add a comma before the next one");
      doc_.edits.push_back({element_end, 0, ","});
      return 0;
    }
    Fail(pos_, std::string("expected ',' or '") + closer + "' after " + what + ", found " +
                   Describe(pos_));
    return -1;
  }

  bool ParseArray(JsonValue& out, int depth) {
    out.kind = JsonValue::Kind::kArray;
    ++pos_;
    SkipSpace();
    if (pos_ < src_.size() && src_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      out.items.emplace_back();
      if (!ParseValue(out.items.back(), depth + 1)) return false;
      int next = AfterElement(']', pos_, "array element");
      if (next < 0) return false;
      if (next > 0) return true;
    }
  }

  bool ParseObject(JsonValue& out, int depth) {
    out.kind = JsonValue::Kind::kObject;
    ++pos_;
    SkipSpace();
    if (pos_ < src_.size() && src_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= src_.size() || src_[pos_] != '"') {
        if (pos_ < src_.size() && src_[pos_] == '\'') {
          return Fail(pos_, "object keys must use double quotes (\"), not single quotes");
        }
        return Fail(pos_, "expected a member name in double quotes, found " + Describe(pos_));
      }
      JsonMember member;
      member.key_position = At(pos_);
      if (!ParseString(member.key)) return false;
      SkipSpace();
      if (pos_ >= src_.size() || src_[pos_] != ':') {
        return Fail(
            pos_, "expected ':' after member name \"" + member.key + "\", found " + Describe(pos_));
      }
      ++pos_;
      SkipSpace();
      member.value = std::make_unique<JsonValue>();
      if (!ParseValue(*member.value, depth + 1)) return false;
      for (const JsonMember& existing : out.members) {
        if (existing.key == member.key) {
          Add(JsonDiagnostic::Kind::kDuplicateKey, member.key_position.offset,
              "duplicate member \"" + member.key + "\" (first at " +
                  FormatPosition(existing.key_position) +
                  "); readers keep only one of them, merge them into one member");
          break;
        }
      }
      out.members.push_back(std::move(member));
      int next = AfterElement('}', pos_, "member");
      if (next < 0) return false;
      if (next > 0) return true;
    }
  }

  std::string_view src_;
  size_t pos_ = 0;
  std::vector<size_t> line_starts_;
  JsonDocument doc_;
};

}  // namespace

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    if (it->key == key) return it->value.get();
  }
  return nullptr;
}

std::string JsonDocument::Corrected(std::string_view source) const {
  std::string out;
  out.reserve(source.size() + edits.size());
  size_t at = 0;
  std::vector<JsonEdit> sorted = edits;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const JsonEdit& a, const JsonEdit& b) { return a.offset < b.offset; });
  for (const JsonEdit& e : sorted) {
    if (e.offset < at || e.offset > source.size()) continue;
    out.append(source.substr(at, e.offset - at));
    out += e.replacement;
    at = std::min(source.size(), e.offset + e.length);
  }
  out.append(source.substr(at));
  return out;
}

JsonDocument ReadJson(std::string_view source) { return Reader(source).Run(); }

std::string FormatPosition(const Position& position) {
  return "line " + std::to_string(position.line) + ", column " + std::to_string(position.column);
}

}  // namespace crossdock::iam
