#include "crossdock/aws/kinesis/deaggregate.h"

#include <fmt/format.h>

#include <cstring>
#include <optional>

#include "crossdock/aws/s3/checksum.h"

namespace crossdock::aws::kinesis {
namespace {

constexpr size_t kMd5Size = 16;

// A cursor over protobuf wire-format bytes.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return pos_ >= bytes_.size(); }

  std::optional<uint64_t> Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) return std::nullopt;
      auto byte = static_cast<unsigned char>(bytes_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return std::nullopt;
  }

  std::optional<std::string_view> Bytes() {
    auto n = Varint();
    if (!n || *n > bytes_.size() - pos_) return std::nullopt;
    std::string_view out = bytes_.substr(pos_, *n);
    pos_ += *n;
    return out;
  }

  // Skips a field of wire type `type`; false on a malformed or unsupported (group) field.
  bool Skip(uint64_t type) {
    switch (type) {
      case 0:
        return Varint().has_value();
      case 1:
        return Advance(8);
      case 2:
        return Bytes().has_value();
      case 5:
        return Advance(4);
      default:
        return false;
    }
  }

 private:
  bool Advance(size_t n) {
    if (n > bytes_.size() - pos_) return false;
    pos_ += n;
    return true;
  }
  std::string_view bytes_;
  size_t pos_ = 0;
};

struct SubRecord {
  uint64_t partition_key_index = 0;
  std::optional<uint64_t> explicit_hash_key_index;
  std::string_view data;
  bool has_key = false;
  bool has_data = false;
};

Error Malformed(const Record& r, std::string_view why) {
  return Error(ErrorCode::kDataLoss,
               fmt::format("Kinesis record {} carries the KPL aggregation magic and checksum "
                           "but its AggregatedRecord is malformed: {}",
                           r.sequence_number, why));
}

std::optional<SubRecord> ParseSubRecord(std::string_view bytes) {
  WireReader in(bytes);
  SubRecord out;
  while (!in.done()) {
    auto tag = in.Varint();
    if (!tag) return std::nullopt;
    uint64_t field = *tag >> 3, type = *tag & 7;
    if (field == 1 && type == 0) {
      auto v = in.Varint();
      if (!v) return std::nullopt;
      out.partition_key_index = *v;
      out.has_key = true;
    } else if (field == 2 && type == 0) {
      auto v = in.Varint();
      if (!v) return std::nullopt;
      out.explicit_hash_key_index = *v;
    } else if (field == 3 && type == 2) {
      auto v = in.Bytes();
      if (!v) return std::nullopt;
      out.data = *v;
      out.has_data = true;
    } else if (!in.Skip(type)) {  // tags (4) and unknown fields
      return std::nullopt;
    }
  }
  return out;
}

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutBytes(std::string& out, uint64_t field, std::string_view bytes) {
  PutVarint(out, (field << 3) | 2);
  PutVarint(out, bytes.size());
  out.append(bytes);
}

}  // namespace

bool IsKplAggregate(std::string_view data) {
  if (data.size() < sizeof kKplMagic + kMd5Size) return false;
  if (std::memcmp(data.data(), kKplMagic, sizeof kKplMagic) != 0) return false;
  std::string_view message =
      data.substr(sizeof kKplMagic, data.size() - sizeof kKplMagic - kMd5Size);
  return s3::Md5(message) == data.substr(data.size() - kMd5Size);
}

Status Deaggregate(const Record& record, std::vector<UserRecord>& out) {
  if (!IsKplAggregate(record.data)) {
    out.push_back(UserRecord{record.sequence_number, 0, record.partition_key, "", record.data,
                             record.approximate_arrival, false});
    return OkStatus();
  }
  std::string_view message =
      std::string_view(record.data)
          .substr(sizeof kKplMagic, record.data.size() - sizeof kKplMagic - kMd5Size);
  std::vector<std::string_view> keys, hash_keys, subs;
  WireReader in(message);
  while (!in.done()) {
    auto tag = in.Varint();
    if (!tag) return Malformed(record, "truncated field tag");
    uint64_t field = *tag >> 3, type = *tag & 7;
    if (type == 2 && field >= 1 && field <= 3) {
      auto v = in.Bytes();
      if (!v) return Malformed(record, "truncated length-delimited field");
      (field == 1 ? keys : field == 2 ? hash_keys : subs).push_back(*v);
    } else if (!in.Skip(type)) {
      return Malformed(record, fmt::format("field {} has unsupported wire type {}", field, type));
    }
  }
  uint64_t index = 0;
  for (std::string_view bytes : subs) {
    auto sub = ParseSubRecord(bytes);
    if (!sub) return Malformed(record, fmt::format("user record {} is truncated", index));
    if (!sub->has_key || !sub->has_data) {
      return Malformed(record, fmt::format("user record {} lacks a required field", index));
    }
    if (sub->partition_key_index >= keys.size()) {
      return Malformed(record, fmt::format("user record {} names partition key {} of {}", index,
                                           sub->partition_key_index, keys.size()));
    }
    std::string hash_key;
    if (sub->explicit_hash_key_index) {
      if (*sub->explicit_hash_key_index >= hash_keys.size()) {
        return Malformed(record, fmt::format("user record {} names hash key {} of {}", index,
                                             *sub->explicit_hash_key_index, hash_keys.size()));
      }
      hash_key = std::string(hash_keys[*sub->explicit_hash_key_index]);
    }
    out.push_back(UserRecord{record.sequence_number, index,
                             std::string(keys[sub->partition_key_index]), std::move(hash_key),
                             std::string(sub->data), record.approximate_arrival, true});
    ++index;
  }
  return OkStatus();
}

std::string EncodeKplAggregate(const std::vector<std::pair<std::string, std::string>>& records) {
  std::vector<std::string> keys;
  std::string message;
  std::string subs;
  for (const auto& [key, data] : records) {
    size_t k = 0;
    while (k < keys.size() && keys[k] != key) ++k;
    if (k == keys.size()) keys.push_back(key);
    std::string sub;
    PutVarint(sub, (1 << 3) | 0);
    PutVarint(sub, k);
    PutBytes(sub, 3, data);
    PutBytes(subs, 3, sub);
  }
  for (const auto& key : keys) PutBytes(message, 1, key);
  message += subs;
  std::string out(reinterpret_cast<const char*>(kKplMagic), sizeof kKplMagic);
  out += message;
  out += s3::Md5(message);
  return out;
}

}  // namespace crossdock::aws::kinesis
