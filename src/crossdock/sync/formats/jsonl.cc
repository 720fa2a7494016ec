// JSON Lines encoder and decoder (conventions in format.h).
#include <cstring>
#include <nlohmann/json.hpp>

#include "crossdock/sync/formats/format.h"

namespace crossdock::sync {

std::unique_ptr<RecordEncoder> MakeCsvEncoder(const Schema& schema);
std::unique_ptr<RecordDecoder> MakeCsvDecoder(aws::s3::ByteStream& in, std::string name);

namespace {

bool IsJsonNumberText(std::string_view v) {
  // NaN and infinities have no JSON form; everything else PostgreSQL prints is a number.
  if (v.empty()) return false;
  char c = v[0] == '-' ? (v.size() > 1 ? v[1] : 'x') : v[0];
  return c >= '0' && c <= '9';
}

class JsonlEncoder final : public RecordEncoder {
 public:
  explicit JsonlEncoder(const Schema& schema) : schema_(schema) {
    for (const auto& c : schema_) {
      std::string key;
      AppendJsonString(c.name, &key);
      key.push_back(':');
      keys_.push_back(std::move(key));
    }
  }

  void BeginFile(std::string*) override {}

  void EncodeRow(const RowBatch& batch, size_t row, std::string* out) override {
    out->push_back('{');
    for (size_t c = 0; c < schema_.size(); ++c) {
      if (c) out->push_back(',');
      out->append(keys_[c]);
      if (batch.IsNull(row, c)) {
        out->append("null");
        continue;
      }
      std::string_view v = batch.Value(row, c);
      switch (schema_[c].kind) {
        case ValueKind::kInteger:
        case ValueKind::kNumeric:
        case ValueKind::kFloat:
          if (IsJsonNumberText(v)) {
            out->append(v);
          } else {
            AppendJsonString(v, out);
          }
          break;
        case ValueKind::kBoolean:
          out->append(v == "true" ? "true" : "false");
          break;
        case ValueKind::kJson:
          out->append(v);
          break;
        default:
          AppendJsonString(v, out);
      }
    }
    out->append("}\n");
  }

 private:
  Schema schema_;
  std::vector<std::string> keys_;
};

class JsonlDecoder final : public RecordDecoder {
 public:
  JsonlDecoder(aws::s3::ByteStream& in, std::string name) : in_(in), name_(std::move(name)) {
    buf_.resize(256 * 1024);
  }

  Result<Schema> ReadSchema() override {
    Schema schema;
    ASSIGN_OR_RETURN(bool got, NextObject());
    if (!got) return schema;
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
      ValueKind kind = ValueKind::kString;
      if (it->is_number_integer()) kind = ValueKind::kInteger;
      if (it->is_number_float()) kind = ValueKind::kFloat;
      if (it->is_boolean()) kind = ValueKind::kBoolean;
      if (it->is_object() || it->is_array()) kind = ValueKind::kJson;
      schema.push_back(Column{it.key(), kind, "json"});
    }
    schema_ = schema;
    have_first_ = true;
    return schema;
  }

  Result<bool> Next(RowBatch& batch, size_t max_rows) override {
    size_t added = 0;
    while (added < max_rows) {
      if (!have_first_) {
        ASSIGN_OR_RETURN(bool got, NextObject());
        if (!got) break;
      }
      have_first_ = false;
      RETURN_IF_ERROR(AddRow(batch));
      ++added;
    }
    return added > 0;
  }

 private:
  Status AddRow(RowBatch& batch) {
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
      if (FindColumn(schema_, it.key()) < 0) {
        return Error(ErrorCode::kInvalidArgument,
                     name_ + " line " + std::to_string(line_) + ": key \"" + it.key() +
                         "\" is not in the first object; every object must use the first "
                         "object's keys",
                     "source");
      }
    }
    for (const auto& col : schema_) {
      auto it = obj_.find(col.name);
      if (it == obj_.end() || it->is_null()) {
        batch.AddNull();
      } else if (it->is_string()) {
        batch.Add(it->get_ref<const std::string&>());
      } else if (it->is_boolean()) {
        batch.Add(it->get<bool>() ? "true" : "false");
      } else {
        batch.Add(it->dump());
      }
    }
    batch.EndRow();
    return OkStatus();
  }

  // Reads the next non-blank line into obj_.
  Result<bool> NextObject() {
    for (;;) {
      ASSIGN_OR_RETURN(bool got, NextLine());
      if (!got) return false;
      if (line_text_.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        obj_ = nlohmann::ordered_json::parse(line_text_);
      } catch (const nlohmann::json::exception& e) {
        return Error(ErrorCode::kInvalidArgument,
                     name_ + " line " + std::to_string(line_) + " is not JSON: " + e.what(),
                     "source");
      }
      if (!obj_.is_object()) {
        return Error(ErrorCode::kInvalidArgument,
                     name_ + " line " + std::to_string(line_) +
                         " is not a JSON object; JSON Lines files hold one object per line",
                     "source");
      }
      return true;
    }
  }

  Result<bool> NextLine() {
    line_text_.clear();
    bool any = false;
    for (;;) {
      if (pos_ == len_) {
        if (eof_) {
          if (any) ++line_;
          return any;
        }
        ASSIGN_OR_RETURN(size_t n, in_.Read(buf_.data(), buf_.size()));
        if (n == 0) {
          eof_ = true;
          continue;
        }
        pos_ = 0;
        len_ = n;
      }
      const char* start = buf_.data() + pos_;
      const void* nl = memchr(start, '\n', len_ - pos_);
      if (nl) {
        size_t take = static_cast<const char*>(nl) - start;
        line_text_.append(start, take);
        pos_ += take + 1;
        ++line_;
        return true;
      }
      line_text_.append(start, len_ - pos_);
      pos_ = len_;
      any = true;
    }
  }

  aws::s3::ByteStream& in_;
  std::string name_;
  std::string buf_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  size_t line_ = 0;
  std::string line_text_;
  nlohmann::ordered_json obj_;
  Schema schema_;
  bool have_first_ = false;
};

}  // namespace

void AppendJsonString(std::string_view value, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : value) {
    unsigned char u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (u < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[u >> 4]);
          out->push_back(kHex[u & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

std::unique_ptr<RecordEncoder> MakeEncoder(Format f, const Schema& schema) {
  if (f == Format::kCsv) return MakeCsvEncoder(schema);
  return std::make_unique<JsonlEncoder>(schema);
}

std::unique_ptr<RecordDecoder> MakeDecoder(Format f, aws::s3::ByteStream& in, std::string name) {
  if (f == Format::kCsv) return MakeCsvDecoder(in, std::move(name));
  return std::make_unique<JsonlDecoder>(in, std::move(name));
}

}  // namespace crossdock::sync
