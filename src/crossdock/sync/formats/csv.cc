// CSV encoder and decoder (RFC 4180; conventions in format.h).
#include <cstring>
#include <vector>

#include "crossdock/sync/formats/format.h"

namespace crossdock::sync {
namespace {

class CsvEncoder final : public RecordEncoder {
 public:
  explicit CsvEncoder(const Schema& schema) : schema_(schema) {}

  void BeginFile(std::string* out) override {
    for (size_t i = 0; i < schema_.size(); ++i) {
      if (i) out->push_back(',');
      // A header name is never NULL; an empty name is written as "".
      AppendCsvField(schema_[i].name, false, out);
    }
    out->push_back('\n');
  }

  void EncodeRow(const RowBatch& batch, size_t row, std::string* out) override {
    size_t n = batch.columns();
    for (size_t c = 0; c < n; ++c) {
      if (c) out->push_back(',');
      AppendCsvField(batch.Value(row, c), batch.IsNull(row, c), out);
    }
    out->push_back('\n');
  }

 private:
  Schema schema_;
};

// Pulls bytes from a stream through a 256 KiB buffer.
class Reader {
 public:
  explicit Reader(aws::s3::ByteStream& in) : in_(in) { buf_.resize(256 * 1024); }
  // Next byte, or -1 at the end; errors are kept in status().
  int Get() {
    if (pos_ == len_) {
      if (eof_) return -1;
      auto n = in_.Read(buf_.data(), buf_.size());
      if (!n.ok()) {
        status_ = n.error();
        eof_ = true;
        return -1;
      }
      if (*n == 0) {
        eof_ = true;
        return -1;
      }
      pos_ = 0;
      len_ = *n;
    }
    return static_cast<unsigned char>(buf_[pos_++]);
  }
  const Status& status() const { return status_; }

 private:
  aws::s3::ByteStream& in_;
  std::string buf_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  Status status_;
};

class CsvDecoder final : public RecordDecoder {
 public:
  CsvDecoder(aws::s3::ByteStream& in, std::string name) : reader_(in), name_(std::move(name)) {}

  Result<Schema> ReadSchema() override {
    ASSIGN_OR_RETURN(bool got, ReadRecord());
    Schema schema;
    if (!got) return schema;
    for (size_t i = 0; i < used_; ++i) {
      schema.push_back(Column{fields_[i].value, ValueKind::kString, "text"});
    }
    columns_ = schema.size();
    return schema;
  }

  Result<bool> Next(RowBatch& batch, size_t max_rows) override {
    size_t added = 0;
    while (added < max_rows) {
      ASSIGN_OR_RETURN(bool got, ReadRecord());
      if (!got) break;
      if (used_ != columns_) {
        return Error(ErrorCode::kInvalidArgument,
                     name_ + " line " + std::to_string(record_line_) + ": " +
                         std::to_string(used_) + " fields where the header has " +
                         std::to_string(columns_) + "; quote fields that contain commas",
                     "source");
      }
      for (size_t i = 0; i < used_; ++i) {
        const Field& f = fields_[i];
        if (f.null) {
          batch.AddNull();
        } else {
          batch.Add(f.value);
        }
      }
      batch.EndRow();
      ++added;
    }
    return added > 0;
  }

 private:
  struct Field {
    std::string value;
    bool null = false;
  };

  Field& NewField() {
    if (used_ == fields_.size()) fields_.emplace_back();
    Field& f = fields_[used_++];
    f.value.clear();
    f.null = false;
    return f;
  }

  // Reads one record into fields_[0, used_); false at the end of the input.
  Result<bool> ReadRecord() {
    enum { kStart, kUnquoted, kQuoted, kQuoteInQuoted } state = kStart;
    used_ = 0;
    Field* field = nullptr;
    bool any = false;  // the record has at least one field started
    record_line_ = line_;
    for (;;) {
      int c = reader_.Get();
      if (c == '\n' && skip_lf_) {
        skip_lf_ = false;
        continue;
      }
      skip_lf_ = false;
      if (c < 0) {
        RETURN_IF_ERROR(reader_.status());
        if (state == kQuoted) {
          return Error(ErrorCode::kInvalidArgument,
                       name_ + " line " + std::to_string(record_line_) +
                           ": a quoted field is not closed before the end of the file",
                       "source");
        }
        if (!any) return false;
        if (state == kStart) NewField().null = true;
        return true;
      }
      switch (state) {
        case kStart:
          if (c == '"') {
            field = &NewField();
            any = true;
            state = kQuoted;
          } else if (c == ',') {
            NewField().null = true;  // empty unquoted: NULL
            any = true;
          } else if (c == '\n' || c == '\r') {
            ++line_;
            skip_lf_ = c == '\r';
            if (!any) {  // blank line
              record_line_ = line_;
              continue;
            }
            NewField().null = true;
            return true;
          } else {
            field = &NewField();
            any = true;
            field->value.push_back(static_cast<char>(c));
            state = kUnquoted;
          }
          break;
        case kUnquoted:
          if (c == ',') {
            state = kStart;
          } else if (c == '\n' || c == '\r') {
            ++line_;
            skip_lf_ = c == '\r';
            return true;
          } else {
            field->value.push_back(static_cast<char>(c));
          }
          break;
        case kQuoted:
          if (c == '"') {
            state = kQuoteInQuoted;
          } else {
            if (c == '\n') ++line_;
            field->value.push_back(static_cast<char>(c));
          }
          break;
        case kQuoteInQuoted:
          if (c == '"') {
            field->value.push_back('"');
            state = kQuoted;
          } else if (c == ',') {
            state = kStart;
          } else if (c == '\n' || c == '\r') {
            ++line_;
            skip_lf_ = c == '\r';
            return true;
          } else {
            return Error(ErrorCode::kInvalidArgument,
                         name_ + " line " + std::to_string(line_) +
                             ": a character follows a closing quote; double quotes inside "
                             "quoted fields (\"\")",
                         "source");
          }
          break;
      }
    }
  }

  Reader reader_;
  std::string name_;
  std::vector<Field> fields_;
  size_t used_ = 0;
  size_t columns_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 1;
  bool skip_lf_ = false;
};

}  // namespace

void AppendCsvField(std::string_view value, bool null, std::string* out) {
  if (null) return;
  if (value.empty()) {
    out->append("\"\"");
    return;
  }
  bool quote = false;
  for (char ch : value) {
    if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char ch : value) {
    if (ch == '"') out->push_back('"');
    out->push_back(ch);
  }
  out->push_back('"');
}

std::unique_ptr<RecordEncoder> MakeCsvEncoder(const Schema& schema) {
  return std::make_unique<CsvEncoder>(schema);
}
std::unique_ptr<RecordDecoder> MakeCsvDecoder(aws::s3::ByteStream& in, std::string name) {
  return std::make_unique<CsvDecoder>(in, std::move(name));
}

}  // namespace crossdock::sync
