#include "crossdock/sync/sources/file_source.h"

namespace crossdock::sync {

std::string FileSetSource::Describe() const {
  return "files under " + store_->Describe() + prefix_;
}

Status FileSetSource::OpenFile(size_t index, Schema* schema) {
  const std::string& name = files_[index].name;
  Format format = format_.value_or(Format::kCsv);
  if (!format_) {
    ASSIGN_OR_RETURN(format, FormatFromName(name));
  }
  decoder_.reset();
  plain_.reset();
  raw_.reset();
  ASSIGN_OR_RETURN(raw_, store_->Open(name));
  ASSIGN_OR_RETURN(plain_, DecompressingStream::Make(*raw_, CompressionFromName(name)));
  decoder_ = MakeDecoder(format, *plain_, name);
  ASSIGN_OR_RETURN(*schema, decoder_->ReadSchema());
  return OkStatus();
}

Result<Schema> FileSetSource::Open() {
  ASSIGN_OR_RETURN(auto all, store_->List(prefix_));
  files_.clear();
  for (auto& f : all) {
    if (IsCrossdockFile(f.name)) continue;
    if (!format_ && !FormatFromName(f.name).ok()) continue;  // not a data file
    files_.push_back(f);
  }
  if (files_.empty()) {
    return Error(ErrorCode::kNotFound,
                 "no CSV or JSON Lines files under " + store_->Describe() + prefix_ +
                     "; check the prefix (files must end in .csv, .jsonl or .ndjson, optionally "
                     "followed by .gz or .zst)",
                 "source.prefix");
  }
  current_ = 0;
  RETURN_IF_ERROR(OpenFile(0, &schema_));
  if (schema_.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 files_[0].name + " is empty: the first file must have a header row or object",
                 "source.prefix");
  }
  return schema_;
}

Result<bool> FileSetSource::Next(RowBatch& batch, size_t max_rows) {
  while (decoder_) {
    ASSIGN_OR_RETURN(bool got, decoder_->Next(batch, max_rows));
    if (got) return true;
    if (++current_ >= files_.size()) {
      decoder_.reset();
      plain_.reset();
      raw_.reset();
      return false;
    }
    Schema next;
    RETURN_IF_ERROR(OpenFile(current_, &next));
    if (next.empty()) continue;  // an empty file
    bool same = next.size() == schema_.size();
    for (size_t i = 0; same && i < next.size(); ++i) same = next[i].name == schema_[i].name;
    if (!same) {
      return Error(ErrorCode::kInvalidArgument,
                   files_[current_].name + " has different columns than " + files_[0].name +
                       "; every file of a source must have the same columns in the same order",
                   "source.prefix");
    }
  }
  return false;
}

Status FileSetSource::Close() {
  decoder_.reset();
  plain_.reset();
  raw_.reset();
  return OkStatus();
}

}  // namespace crossdock::sync
