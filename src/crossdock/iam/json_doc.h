// A strict JSON reader that keeps the line and column of every value and key, for policy
// documents that people paste by hand.
//
// It accepts exactly RFC 8259 JSON (no comments, no trailing commas, no single quotes) and
// reports every defect with its line:column. Two common paste mistakes are repaired so that
// reading can continue and all of them are reported at once: a missing comma between two
// array elements or object members, and a trailing comma before `]` or `}`. Each repair is
// recorded as an edit, so callers can offer the corrected document. Duplicate object keys are
// reported (the document is still read; the last value wins, as most JSON readers do), and
// strings must be well-formed UTF-8 so that everything read can be written out again. It
// deliberately does not convert numbers (their source text is kept, IAM treats them as
// strings), build nlohmann::json values, or accept any extension.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crossdock::iam {

// 1-based line and column (column counts bytes) of a place in the source text.
struct Position {
  int line = 0;
  int column = 0;
  size_t offset = 0;  // byte offset in the source
};

struct JsonValue;

struct JsonMember {
  std::string key;
  Position key_position;
  std::unique_ptr<JsonValue> value;
};

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  Position position;                // where the value starts
  bool boolean = false;             // kBool
  std::string text;                 // kString (decoded) or kNumber (source text)
  std::vector<JsonValue> items;     // kArray
  std::vector<JsonMember> members;  // kObject, in source order (duplicates kept)

  // The last member named `key` (exact, case-sensitive), or nullptr.
  const JsonValue* Find(std::string_view key) const;
};

// One defect found while reading.
struct JsonDiagnostic {
  enum class Kind {
    kSyntax,         // unrecoverable: reading stopped here
    kMissingComma,   // repaired by inserting ","
    kTrailingComma,  // repaired by deleting the ","
    kDuplicateKey,   // reported, not repaired
  };
  Kind kind = Kind::kSyntax;
  Position position;
  std::string message;
};

// A repair: replace `length` bytes at `offset` with `replacement`.
struct JsonEdit {
  size_t offset = 0;
  size_t length = 0;
  std::string replacement;
};

struct JsonDocument {
  // Present unless a kSyntax diagnostic stopped reading.
  std::unique_ptr<JsonValue> root;
  std::vector<JsonDiagnostic> diagnostics;
  std::vector<JsonEdit> edits;  // repairs in source order

  bool clean() const { return diagnostics.empty(); }
  // The source with every repair applied; equals `source` when there are none.
  std::string Corrected(std::string_view source) const;
};

// Reads `source`. Never throws; nesting deeper than 64 levels is a kSyntax diagnostic.
JsonDocument ReadJson(std::string_view source);

// "line 12, column 5"
std::string FormatPosition(const Position& position);

}  // namespace crossdock::iam
